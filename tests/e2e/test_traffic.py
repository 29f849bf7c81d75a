"""Browser: a DF fix recorded as a unit's position shows its 95 % ellipse on the map; the traffic
page shows the net diagram and accepts an inference from its button."""

from __future__ import annotations

from typing import Any

from liaison.traffic import service
from tests.e2e.conftest import screenshot
from tests.traffic.helpers import load, small


def test_map_ellipse_and_traffic_page(sign_in: Any, live: Any) -> None:
    base, store = live
    t = small(7)
    load(store, t, partner=False)
    d0 = t.start.date().isoformat()
    with store.begin() as conn:
        for (day, cs), unit in t.callsigns.items():
            if day == 0:
                service.identify(conn, cs, d0, unit)
        service.infer(conn)
        f = service.compute_fix(conn, t.callsign_of(0, "F1.1"), d0)
        service.observe_fix(conn, f["id"], "F1.1")
    page = sign_in("analyst.pl")
    page.goto(base + "/map")
    page.wait_for_selector("body[data-ellipses='1']", timeout=15000)
    page.wait_for_selector("path[stroke='#b35900']", state="attached")
    screenshot(page, "traffic-map")
    page.goto(base + "/traffic")
    page.wait_for_selector("#net-diagram svg rect")
    before = page.locator("#inferences tbody tr").count()
    assert before > 0
    page.locator("#inferences tbody tr").first.locator("button", has_text="Accept").click()
    page.wait_for_url(base + "/traffic")
    assert page.locator("#inferences tbody tr").count() == before - 1
    assert page.js_errors == []
