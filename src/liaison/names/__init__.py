"""Names: designations in five languages, transliteration, and the gazetteer."""

from liaison.names.designation import Designation, format_designation, parse_designation

__all__ = ["Designation", "format_designation", "parse_designation"]
