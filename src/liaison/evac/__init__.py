"""Evacuation: registry names, duplicate blocking, sealed transit documents verifiable offline."""
