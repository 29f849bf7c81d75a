"""`liaison serve`: the team web app on uvicorn; `--demo` loads the demo and prints its users."""

from __future__ import annotations

import os

import typer

from liaison.cli.output import console


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
        demo: bool = typer.Option(
            False, "--demo", help="Load the demo scenario, demo users and an open meeting first."
        ),
        workers: int = typer.Option(1, "--workers", help="Worker processes (PostgreSQL only)."),
    ) -> None:
        """Serve the web app until interrupted (store from --db / LIAISON_DATABASE_URL)."""
        import uvicorn

        from liaison.store import open_store
        from liaison.web.app import create_app

        store = open_store()
        console.print(f"Store: {store.display_url}")
        if demo:
            from liaison.cli.demo import out_dir, run_demo
            from liaison.orbat.scenario import is_empty
            from liaison.web.demo import prepare

            with store.connect() as conn:
                first = is_empty(conn)
            if first:  # the CLI demo first: the PL–JP meeting held, minutes and map written
                run_demo()

            users, done = prepare(store, out_dir() / "demo-users.txt")
            for line in done:
                console.print(line)
            console.print(
                "Demo users (passwords are random for this store; kept in "
                f"{out_dir() / 'demo-users.txt'}):"
            )
            for u in users:
                console.print(
                    f"  {u['username']:<11} {u['password']:<18} {u['role']:<8} partner {u['partner']}"
                )
            console.print(
                "[dim]The demo order of battle is illustrative, not a historical record.[/dim]"
            )
            verify = out_dir() / "evac" / "verify"
            if (verify / "trust.json").exists() and not os.environ.get("LIAISON_EVAC_TRUST_DIR"):
                # the demo's signed trust lists, so the browser verifier works under `make run`
                os.environ["LIAISON_EVAC_TRUST_DIR"] = str(verify)
                console.print(f"Document verifier: http://{host}:{port}/evac/verify")
        console.print(f"Liaison is listening on http://{host}:{port}/ — Ctrl-C stops it.")
        if workers > 1:
            if store.dialect == "sqlite":
                console.print("SQLite serves one worker; ignoring --workers.")
            else:
                store.dispose()
                uvicorn.run(
                    "liaison.web.app:app_from_env",
                    factory=True,
                    host=host,
                    port=port,
                    workers=workers,
                    log_level="warning",
                )
                return
        uvicorn.run(create_app(store=store), host=host, port=port, log_level="warning")
