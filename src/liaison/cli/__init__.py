"""The `liaison` command: thin Typer adapters over the library."""
