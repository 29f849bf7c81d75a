"""The offline HTML map opens from a file in headless Chromium with networking off and draws symbols.

Drives Debian's Chromium through Playwright's executable_path — never a browser download. Skipped,
saying so, when no Chromium or Playwright is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from liaison.orbat.csvio import load_picture
from liaison.orbat.scenario import scenario_dir
from liaison.reconcile import reconcile
from liaison.reconcile.maps import map_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed (apt-get install chromium): browser test skipped",
)
def test_offline_map_draws_symbols(tmp_path: Path) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: browser test skipped"
    )
    pl = load_picture(scenario_dir() / "pl.csv", "PL")
    jp = load_picture(scenario_dir() / "jp.csv", "JP")
    res = reconcile(pl, jp)
    html = map_html(pl, jp, res, "PL – JP")
    assert "http://" not in html.replace("http://www.w3.org", "") or "cdn" not in html.lower()
    page_file = tmp_path / "map.html"
    page_file.write_text(html, encoding="utf-8")
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
        ctx.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file:") else route.abort()
            ),
        )
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_function("document.body.dataset.symbols > 0", timeout=20000)
        drawn = int(page.evaluate("document.body.dataset.symbols"))
        svgs = page.locator(".sym svg").count()
        lines = page.locator("path.leaflet-interactive").count()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "meeting-map.png"))
        # filters work: hiding their picture halves the symbols
        page.locator("input.fp[value=theirs]").uncheck()
        only_ours = int(page.evaluate("document.body.dataset.symbols"))
        browser.close()
    placed = sum(u.has_position for u in pl.units.values()) + sum(
        u.has_position for u in jp.units.values()
    )
    assert errors == []
    assert drawn == placed and svgs == placed
    assert lines >= len(res.matches)
    assert only_ours == sum(u.has_position for u in pl.units.values())
    assert all(u.startswith("file:") for u in requests), [
        u for u in requests if not u.startswith("file:")
    ]
