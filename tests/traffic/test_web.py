"""The traffic page and API: our users see the nets, the SVG diagram, inferences to accept and the
fixes' ellipses for the map; viewers cannot decide; a partner's liaison officer sees nothing (404)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from liaison.store import Store
from liaison.traffic import service
from liaison.web.app import create_app

from ..web.conftest import Web, build_world
from .helpers import load, small


@pytest.fixture
def tweb(store: Store) -> Iterator[Web]:
    build_world(store)
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
    yield Web(store, create_app(store=store))


def test_page_api_and_decisions(tweb: Web) -> None:
    c = tweb.login("analyst.pl")
    page = c.get("/traffic")
    assert page.status_code == 200 and "<svg" in page.text and "Inferred subordination" in page.text
    nets = c.get("/api/v1/traffic/nets").json()
    assert len(nets["nets"]) == 4 and {n["control_unit"] for n in nets["nets"]} >= {"F1", "F1.1"}
    svg = c.get("/api/v1/traffic/nets.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "kHz" in svg.text
    pending = c.get("/api/v1/traffic/inferences", params={"status": "pending"}).json()
    assert pending
    r = c.post(f"/api/v1/traffic/inferences/{pending[0]['id']}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert c.post(f"/api/v1/traffic/inferences/{pending[0]['id']}/reject").status_code == 409
    # the page's form (CSRF token in the form, no header); without our Origin it is refused
    # before the body is read, as a browser posting it always sends one
    token = c.headers.pop("X-CSRF-Token")
    url = f"/traffic/inferences/{pending[1]['id']}/reject"
    assert c.post(url, data={"csrf_token": token}, follow_redirects=False).status_code == 403
    c.headers["Origin"] = "http://testserver"
    r = c.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    geo = c.get("/api/v1/traffic/ellipses").json()
    (feat,) = geo["features"]
    assert feat["properties"]["unit_id"] == "F1.1" and feat["geometry"]["type"] == "Polygon"
    ring = feat["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 49


def test_viewer_reads_partner_sees_nothing(tweb: Web) -> None:
    v = tweb.login("viewer.pl")
    pending = v.get("/api/v1/traffic/inferences").json()
    assert v.post(f"/api/v1/traffic/inferences/{pending[0]['id']}/accept").status_code == 403
    jp = tweb.login("analyst.jp")
    for path in (
        "/traffic",
        "/api/v1/traffic/nets",
        "/api/v1/traffic/ellipses",
        "/api/v1/traffic/fixes",
    ):
        assert jp.get(path).status_code == 404, path
    assert jp.post(f"/api/v1/traffic/inferences/{pending[0]['id']}/accept").status_code == 404
    assert tweb.client().get("/api/v1/traffic/nets").status_code == 401
