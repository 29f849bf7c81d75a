"""Names: designations in five languages, transliteration, and the gazetteer."""
