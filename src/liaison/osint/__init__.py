"""Open-source compilation: documents (text, HTML, PDF, feeds, channel exports) → unit mentions
tied to places and dates. The stateless half (reading and extraction) needs no store."""
