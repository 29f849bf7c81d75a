"""`liaison demo`: the main job behind `make run`."""

from __future__ import annotations

import typer

from liaison.cli.output import console


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo() -> None:
        """Load the demo scenario into an empty store, then show both partners' pictures."""
        from liaison.cli.orbat import picture_tree
        from liaison.orbat import picture, scenario
        from liaison.store import open_store

        store = open_store()
        console.print(f"Store: {store.display_url}")
        with store.begin() as conn:
            if scenario.is_empty(conn):
                for rep in scenario.load_demo(conn):
                    console.print(f"Loaded demo picture {rep.partner}: {rep.units_new} units")
            else:
                console.print(
                    "Store already holds data; showing it (set LIAISON_DATABASE_URL for another store)."
                )
        with store.connect() as conn:
            for code, *_ in scenario.PARTNERS:
                console.print(picture_tree(picture.get_picture(conn, code), f"{code} picture"))
        console.print(
            "[dim]The demo order of battle is illustrative, not a historical record.[/dim]"
        )
