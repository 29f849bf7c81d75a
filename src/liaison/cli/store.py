"""`liaison init` and `liaison audit verify`."""

from __future__ import annotations

import typer

from liaison.cli.output import console, emit
from liaison.core.errors import LiaisonError
from liaison.store import audit as audit_log
from liaison.store import open_store


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(json_: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
        """Create or upgrade the store's schema."""
        store = open_store()
        emit(
            {"store": store.display_url, "dialect": store.dialect},
            json_,
            lambda: console.print(f"Store ready: {store.display_url}"),
        )

    audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def verify(json_: bool = typer.Option(False, "--json")) -> None:
        """Check the audit chain from the first entry to the last."""
        store = open_store()
        with store.connect() as conn:
            rep = audit_log.verify(conn)
        emit(
            rep.__dict__,
            json_,
            lambda: console.print(
                f"audit chain: {rep.entries} entries, "
                + ("intact" if rep.ok else f"BROKEN at {rep.broken_at}: {rep.reason}")
            ),
        )
        if not rep.ok:
            raise LiaisonError(f"audit chain broken at entry {rep.broken_at}: {rep.reason}")
