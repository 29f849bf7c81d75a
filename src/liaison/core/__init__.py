"""Shared primitives: errors, time, ids, geography, markings and gradings."""
