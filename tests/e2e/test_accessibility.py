"""Accessibility: axe-core (vendored for tests, tests/e2e/vendor/axe-core) finds no serious or
critical violation on any page, at desktop and phone widths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARGS, ARTIFACTS, CHROMIUM

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/map",
    "/orbat/PL",
    "/import",
    "/meetings",
    "/meetings/1",
    "/meetings/1/minutes",
    "/alerts",
    "/evac/status",
    "/evac/verify",
    "/train",
    "/osint",
    "/search?q=Kiev",
    "/units/PL/pl-1",
    "/rfi",
    "/agenda",
    "/forces",
    "/admin/users",
    "/admin/audit",
]
PAGES += ["/exports", "/release", "/reports", "/intercepts", "/pouches"]  # issue 22 item 5
PAGES += ["/coalition"]  # issue 23: coalition meetings
PAGES += ["/train/classes", "/reports/one?partner=PL&id=R-RED"]  # issue 22: classes, markings
RUN = """async () => {
  const r = await axe.run(document, { resultTypes: ['violations'] });
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
}"""


@pytest.fixture
def axe_page() -> Iterator[Any]:
    """A page whose CSP lets the test inject axe (the app's own CSP forbids inline scripts)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium): accessibility test skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser.new_page(viewport={"width": 1440, "height": 900}, bypass_csp=True)
        browser.close()


def _violations(page: Any, base: str, path: str) -> list[dict[str, Any]]:
    page.goto(base + path)
    page.wait_for_load_state("load")
    try:  # pages that poll (a shared meeting's positions) never go quiet: give them a moment
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the page is loaded anyway
        page.wait_for_timeout(500)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN)  # type: ignore[no-any-return]


def _marked_rows(conn: Any) -> None:
    """Rows with every TLP colour, so the badges and the RED banner are checked for contrast."""
    from datetime import UTC, datetime

    from liaison.codebreak import intercepts
    from liaison.core.markings import TLP_LEVELS, parse_marking
    from liaison.courier.kinds.reports import add_report

    at = datetime(1939, 8, 3, tzinfo=UTC)
    for i, tlp in enumerate(TLP_LEVELS):
        intercepts.add(conn, "ABCDE FGHIJ", "PL", at, marking=f"TLP:{tlp} REL TO PL,JP")
        rid = "R-RED" if tlp == "RED" else f"R-{i}"
        add_report(conn, rid, f"Report {tlp}", "text", marking=parse_marking(f"TLP:{tlp}"))


def test_no_serious_accessibility_violation(axe_page: Any, live: Any) -> None:
    from liaison.reconcile.meeting import open_meeting
    from tests.web.conftest import PASSWORD, add_disagreeing_jp

    base, store = live
    add_disagreeing_jp(store)
    with store.begin() as conn:
        open_meeting(conn, "JP", actor="test")
        _marked_rows(conn)
    page = axe_page
    found = {"/login": _violations(page, base, "/login")}
    page.fill("input[name=username]", "admin.pl")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        for path in PAGES:
            bad = _violations(page, base, path)
            if bad:
                found[f"{path} @{width}"] = bad
    found = {k: v for k, v in found.items() if v}
    if found:  # the whole list, for whoever fixes it
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-violations.json").write_text(json.dumps(found, indent=1), "utf-8")
    assert found == {}, sorted({f"{k}: {v['id']}" for k, vs in found.items() for v in vs})
