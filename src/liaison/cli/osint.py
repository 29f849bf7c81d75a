"""`liaison osint …`: open-source compilation. `extract` needs no store: files in, the stable JSON
contract (or a table) out. Thin over liaison.osint.documents and liaison.osint.extract."""

from __future__ import annotations

from pathlib import Path

import typer

from liaison.cli.output import console, emit

osint_app = typer.Typer(
    help="Open sources: read documents (text, HTML, PDF, feeds, Telegram exports), extract unit "
    "mentions tied to places and dates."
)


@osint_app.command("extract")
def extract_cmd(
    files: list[Path] = typer.Argument(
        ..., help="Text, HTML, PDF, RSS/Atom or Telegram result.json files."
    ),
    lang: str = typer.Option("auto", "--lang", help="auto, ru, uk, pl, de, en or ja."),
    as_json: bool = typer.Option(False, "--json", help="Print the stable JSON contract."),
) -> None:
    """Read FILEs and print every unit mention with its place, date, quote and offsets."""
    from liaison.osint.documents import read
    from liaison.osint.extract import contract, extract

    docs = []
    for f in files:
        docs += read(f, lang=lang)  # every file is read before anything is printed
    mentions = [m for d in docs for m in extract(d)]
    data = contract(docs, mentions)

    def render() -> None:
        from rich.table import Table

        t = Table(title=f"{len(mentions)} mentions in {len(docs)} documents")
        for col in ("document", "at", "mention", "number", "echelon", "branch", "place", "date"):
            t.add_column(col)
        paths = {d.id: d.path for d in docs}
        for m in mentions:
            u = m.unit
            t.add_row(
                Path(paths[m.document].split("#")[0]).name
                + ("#" + paths[m.document].split("#", 1)[1] if "#" in paths[m.document] else ""),
                str(m.start),
                m.text,
                "" if u.number is None else str(u.number),
                u.echelon or (f"unit {u.unit_number}" if u.unit_number else ""),
                ("guards " if u.guards else "") + (u.branch or ""),
                f"{m.place.name} ({m.place.precision})" if m.place else "",
                m.date or "",
            )
        console.print(t)

    emit(data, as_json, render)


def register(app: typer.Typer) -> None:
    app.add_typer(osint_app, name="osint")


# The stateful commands (ingest, worker, queue, compile, documents, review, provenance, school)
# live in cli/osint_work.py.
from liaison.cli.osint_work import attach, attach_school  # noqa: E402

attach(osint_app)
attach_school(osint_app)
