"""`liaison demo`: the main job behind `make run` — load the demo, hold the PL–JP meeting."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from liaison.cli.output import console


def out_dir() -> Path:
    base = os.environ.get("LIAISON_OUT")
    if base:
        return Path(base)
    from liaison.store.engine import default_sqlite_path

    return default_sqlite_path().parent / "demo-output"


def run_demo(show_pictures: bool = False) -> None:
    """Load the demo (if the store is empty), hold the meeting, write minutes and map."""
    from liaison.cli.orbat import picture_tree
    from liaison.cli.reconcile import write_outputs
    from liaison.orbat import picture, scenario
    from liaison.reconcile import meeting
    from liaison.store import open_store

    store = open_store()
    console.print(f"Store: {store.display_url}")
    with store.begin() as conn:
        if scenario.is_empty(conn):
            for rep in scenario.load_demo(conn):
                console.print(f"Loaded demo picture {rep.partner}: {rep.units_new} units")
        else:
            console.print("Store already holds data; using it.")
    if show_pictures:
        with store.connect() as conn:
            for code, *_ in scenario.PARTNERS:
                console.print(picture_tree(picture.get_picture(conn, code), f"{code} picture"))
    with store.begin() as conn:
        mid, res = meeting.open_meeting(conn, "JP", actor="demo")
        for d in meeting.list_discrepancies(conn, mid):
            accept, why = meeting.suggest(d)
            meeting.resolve(
                conn, d["id"], accept, f"demo (suggested by grading): {why}", actor="demo"
            )
        closed = meeting.close_meeting(conn, actor="demo")
    s = res.summary
    console.print(
        f"Meeting {mid} PL–JP: {s['matched']} units matched; {s['discrepancies']} discrepancies "
        + ", ".join(f"{k} {n}" for k, n in s["by_kind"].items() if n)
    )
    out = out_dir()
    out.mkdir(parents=True, exist_ok=True)
    md, pdf, html = (
        out / f"meeting-{mid}-minutes.md",
        out / f"meeting-{mid}-minutes.pdf",
        out / f"meeting-{mid}-map.html",
    )
    write_outputs(store, mid, md, html)
    write_outputs(store, mid, pdf, None)
    console.print(
        f"Agreed picture: {closed['agreed_units']} units (SHA-256 {closed['agreed_digest'][:16]}…)"
    )
    console.print(f"Minutes: {md}\nMinutes (PDF): {pdf}\nMap (opens offline): {html}")
    from liaison.evac.demo import load_demo as load_evac_demo

    for line in load_evac_demo(store, out / "evac"):
        console.print(line)
    console.print(
        "[dim]The demo order of battle and the Kaunas 1940 registry are illustrative, "
        "not a historical record.[/dim]"
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        show_pictures: bool = typer.Option(
            False, "--show-pictures", help="Also print both pictures as trees."
        ),
    ) -> None:
        """Load the demo scenario into an empty store and hold the PL–JP liaison meeting on it.

        Discrepancies are resolved by the grading-based suggestion (labelled as such in the minutes);
        minutes (Markdown and PDF) and the offline HTML map are written and their paths printed."""
        run_demo(show_pictures)
