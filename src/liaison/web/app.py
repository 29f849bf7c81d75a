"""The web app factory: one FastAPI app per store, routers listed in ROUTERS."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from liaison.store import open_store

#: Router modules under ``liaison.web.routers``; each exposes ``router: APIRouter``.
ROUTERS: list[str] = ["health"]

STATIC = Path(__file__).parent / "static"


def create_app(store_url: str | None = None) -> FastAPI:
    """Build the app; the store is opened once and shared through ``app.state.store``."""
    app = FastAPI(title="Liaison", openapi_url="/api/v1/openapi.json", docs_url=None)
    app.state.store = open_store(store_url)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for name in ROUTERS:
        module = importlib.import_module(f"liaison.web.routers.{name}")
        app.include_router(module.router)
    return app
