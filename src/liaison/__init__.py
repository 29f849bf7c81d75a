"""Liaison: intelligence liaison between allied services."""

__version__ = "0.1.0"
