"""Browser tests: the web app on a loopback port, driven by Playwright through Debian's Chromium.

Never downloads a browser: Playwright is pointed at the system Chromium with `executable_path`.
Without Chromium or Playwright the tests are skipped with a message that says so."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """(base URL, store) of a running server with the web-test world (see tests/web/conftest.py)."""
    import uvicorn

    from liaison.names.gazetteer import warm
    from liaison.web.app import create_app
    from tests.web.conftest import build_world

    warm()  # a clean machine builds the gazetteer's index once: not inside a page's load timeout
    store = Store(f"sqlite:///{tmp_path / 'live.db'}")
    build_world(store)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()


@pytest.fixture
def page() -> Iterator[Any]:
    """A Playwright page in headless Debian Chromium; skipped plainly when either is missing."""
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium): browser test skipped")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: browser test skipped"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.js_errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


@pytest.fixture
def sign_in(page: Any, live: tuple[str, Store]) -> Callable[[str], Any]:
    """sign_in("analyst.pl") → the page, signed in and on the dashboard."""
    from tests.web.conftest import PASSWORD

    base, _ = live

    def go(username: str) -> Any:
        page.goto(base + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        return page

    return go


def screenshot(page: Any, name: str) -> Path:
    """Save what the test sees; with LIAISON_SCREENSHOTS set (tools/screenshots.sh), also into
    that folder — docs/img, so the pictures in docs/web.md are always the tests' own."""
    import os

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    docs = os.environ.get("LIAISON_SCREENSHOTS")
    if docs:
        Path(docs).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(docs) / f"{name}.png"), full_page=False)
    return path
