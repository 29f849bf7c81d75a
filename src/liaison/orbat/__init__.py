"""Order of battle: partners, sources, units, observations and pictures."""
