"""The courier: signed, encrypted, numbered pouches between partners, released by policy."""
