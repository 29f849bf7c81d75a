"""Browser: the meeting queue as a worklist — every discrepancy in a sortable, filterable table
beside the one-item view, parents shown by designation, and a mini-map of the item."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import screenshot
from tests.web.conftest import add_disagreeing_jp

ROW_KINDS = "() => [...document.querySelectorAll('#worklist-table tbody tr')].map(r => r.cells[1].textContent)"
ROW_SEVERITIES = "() => [...document.querySelectorAll('#worklist-table tbody tr')].map(r => r.cells[2].textContent)"


def test_worklist_sorts_filters_and_opens_items(sign_in: Any, live: Any) -> None:
    from liaison.reconcile.meeting import open_meeting

    base, store = live
    add_disagreeing_jp(store)
    with store.begin() as conn:
        mid, _ = open_meeting(conn, "JP", actor="test")
    page = sign_in("analyst.pl")
    page.goto(f"{base}/meetings/{mid}")
    page.wait_for_selector("#meeting[data-ready=true]")
    assert page.locator("#worklist-table tbody tr").count() == 4
    assert page.inner_text("#wl-count") == "4 of 4 discrepancies"
    # sort by severity: high first; again: the other way round
    page.click("#worklist-table button.sort[data-key=severity]")
    sev = page.evaluate(ROW_SEVERITIES)
    rank = {"high": 0, "medium": 1, "low": 2}
    assert [rank[s] for s in sev] == sorted(rank[s] for s in sev)
    page.click("#worklist-table button.sort[data-key=severity]")
    assert page.evaluate(ROW_SEVERITIES) == list(reversed(sev))
    # filter by kind: only the location item, and it is the one shown, with its mini-map
    page.select_option("#wl-kind", "location")
    assert page.evaluate(ROW_KINDS) == ["location"]
    page.click("#worklist-table tbody tr button.link")
    assert "location" in page.inner_text("#item-title")
    page.wait_for_selector("#item-map[data-points='2']")
    assert page.locator("#item-map path.leaflet-interactive").count() >= 1  # the line between
    # parents by designation, not raw ids
    page.select_option("#wl-kind", "")
    page.fill("#wl-text", "no such unit")
    assert page.locator("#worklist-table tbody tr").count() == 0 and page.is_visible("#empty")
    page.fill("#wl-text", "Brygada")
    assert page.evaluate(ROW_KINDS) == ["subordination"]
    page.click("#worklist-table tbody tr button.link")
    parent_row = page.locator("#facts tr", has_text="parent").inner_text()
    assert "2 Dywizja Strzelców (pl-2)" in parent_row and "1st Army (jp-a1)" in parent_row
    screenshot(page, "meeting-worklist")
    assert page.js_errors == []
