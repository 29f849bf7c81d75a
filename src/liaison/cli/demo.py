"""`liaison demo`: the main job behind `make run`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo() -> None:
        """Load the demo scenario into an empty store and show it."""
        from liaison.store import open_store

        store = open_store()
        typer.echo(f"Store: {store.display_url}")
