"""Root of the `liaison` command. Each command group lives in its own module and registers here.

User errors (LiaisonError) become one clear message on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

import click
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
GROUPS = ["store", "orbat", "demo"]


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
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="liaison")
    except LiaisonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)
