"""`liaison serve`: the team web app on uvicorn (users and demo mode still to come)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
    ) -> None:
        """Serve the web app until interrupted (store from --db / LIAISON_DATABASE_URL)."""
        import uvicorn

        from liaison.web.app import create_app

        uvicorn.run(create_app(), host=host, port=port, log_level="info")
