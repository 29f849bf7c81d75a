"""Root of the `liaison` command. Each command group lives in its own module and registers here.

User errors (LiaisonError) become one clear message on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from liaison.core.errors import LiaisonError

app = typer.Typer(
    name="liaison",
    help="Liaison — order of battle, liaison meetings, courier, codebreaking and evacuation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per command group; each defines register(app).
GROUPS = ["store", "orbat", "reconcile", "courier", "codebreak", "evac", "web", "user", "demo"]
GROUPS += ["intercepts", "train"]
GROUPS += ["osint"]
GROUPS += ["coalition"]
GROUPS += ["rfi"]


@app.callback()
def _root(
    db: str = typer.Option(
        None, "--db", help="Database URL (default: LIAISON_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    if db:
        os.environ["LIAISON_DATABASE_URL"] = db


for _name in GROUPS:
    importlib.import_module(f"liaison.cli.{_name}").register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; typer handles usage errors, we turn LiaisonError into message + exit 2."""
    try:
        app(args=argv, prog_name="liaison")
    except LiaisonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
