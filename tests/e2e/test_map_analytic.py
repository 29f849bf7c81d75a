"""Browser: the map as an analytic surface — symbols never overlap (covered ones are counted),
each picture has its own outline colour named in a legend, a line joins our position to theirs for
each location discrepancy, offline layers draw, the time control steps through the dates
observations have (a week apart is a step), and a unit's track draws."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.conftest import screenshot

BOXES = """() => [...document.querySelectorAll('.leaflet-marker-icon.unit-symbol svg')].map(e => {
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""


def _world(store: Any) -> None:
    from liaison.core.markings import Marking
    from liaison.orbat import observe
    from liaison.reconcile.meeting import open_meeting
    from tests.web.conftest import T0, add_disagreeing_jp

    add_disagreeing_jp(store)
    with store.begin() as conn:  # a week later the army is reported 60 km further east
        observe.record(
            conn, "PL", "pl-1", valid_at=T0 + timedelta(days=7), marking=Marking("GREEN"),
            designation="1 Armia", echelon="army", branch="infantry", lat=50.45, lon=31.4,
            place="Brovary",
        )  # fmt: skip
        open_meeting(conn, "JP", actor="test")


def test_map_analytic_surface(sign_in: Any, live: Any) -> None:
    base, store = live
    _world(store)
    page = sign_in("analyst.pl")
    page.goto(base + "/map")
    page.wait_for_selector("body[data-lines]", timeout=15000)
    # no two drawn symbols overlap at the default zoom
    boxes = page.evaluate(BOXES)
    assert boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1)
    # legend: whose picture each outline colour is; the outlines differ per picture
    legend = page.inner_text("#map-legend")
    assert "PL (ours)" in legend and "JP (theirs)" in legend and "location discrepancy" in legend
    page.evaluate("() => document.getElementById('mapview').liaisonMap.setView([50.5, 33], 6)")
    page.wait_for_selector(".leaflet-marker-icon[title='JP 1st Army']")
    strokes = page.evaluate(
        "() => [...new Set([...document.querySelectorAll('.unit-symbol svg [stroke]')]"
        ".map(e => e.getAttribute('stroke')))]"
    )
    assert "#1f5aa6" in strokes and "#d9822b" in strokes
    # our position → theirs for the location discrepancy (Kijów → Czernihów)
    assert int(page.get_attribute("body", "data-lines") or 0) >= 1
    assert page.locator("path.disc-line").count() >= 1
    # offline layers: railways (dashed) and rivers drawn from the package's data
    page.wait_for_function(
        """() => document.querySelectorAll('path[stroke-dasharray="7 3"]').length >= 6"""
    )
    assert page.locator("path[stroke='#6a9ed0']").count() > 10
    screenshot(page, "map-analytic")
    # the time control: one step per observation date; T0 and T0 + 7 days are two steps
    assert page.get_attribute("body", "data-dates") == "3"  # T0, T0 + 7 d, 1939-08-20
    assert page.get_attribute("#f-time", "max") == "3"
    labels = []
    for step in ("0", "1"):
        page.fill("#f-time", step)
        page.dispatch_event("#f-time", "input")
        page.wait_for_selector(f"#f-time-label:has-text('{int(step) + 1} of 3')")
        labels.append(page.inner_text("#f-time-label"))
    assert "1939-08-01" in labels[0] and "1939-08-08" in labels[1]
    page.fill("#f-date", "1939-08-09")
    page.dispatch_event("#f-date", "change")
    page.wait_for_selector("#f-time-label:has-text('1939-08-08')")
    # a unit's track over time: two positions of 1 Armia
    page.fill("#f-time", "3")
    page.dispatch_event("#f-time", "input")
    page.wait_for_selector("#f-time-label:has-text('now')")
    page.locator(".leaflet-marker-icon[title='PL 1 Armia']").click()
    page.click("#unit-track")
    page.wait_for_selector("body[data-track='2']")
    assert page.locator("path.unit-track").count() == 1
    assert page.js_errors == []
