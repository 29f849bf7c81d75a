"""Picture API and pages: map data, history, tree, export, discrepancy kinds — and partner scoping."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from liaison.store import audit
from tests.web.conftest import Web


def _ids(fc: dict) -> set[str]:
    return {f["properties"]["unit_id"] for f in fc["features"]} | {
        u["unit_id"] for u in fc["unplaced"]
    }


def test_picture_list_scoped(web: Web) -> None:
    pl = web.login("viewer.pl").get("/api/v1/pictures").json()
    assert [p["partner"] for p in pl] == ["PL", "JP", "US"]
    assert pl[0]["units"] == 3 and pl[0]["own"]
    jp = web.login("analyst.jp").get("/api/v1/pictures").json()
    assert [p["partner"] for p in jp] == ["JP", "PL"]
    assert jp[1]["units"] == 2  # the AMBER PL-only unit is withheld
    us = web.login("analyst.us").get("/api/v1/pictures").json()
    assert [p["partner"] for p in us] == ["US"]


def test_units_geojson_is_rfc7946_lon_lat(web: Web) -> None:
    c = web.login("viewer.pl")
    fc = c.get("/api/v1/pictures/PL/units").json()
    assert fc["type"] == "FeatureCollection"
    f = {f["properties"]["unit_id"]: f for f in fc["features"]}
    assert f["pl-1"]["geometry"] == {"type": "Point", "coordinates": [30.52, 50.45]}
    props = f["pl-2"]["properties"]
    for key in ("designation", "echelon", "branch", "sidc", "parent_id", "place", "observed_at"):
        assert key in props
    assert props["parent_id"] == "pl-1" and props["sidc"]
    assert fc["unplaced"] == []
    only = c.get("/api/v1/pictures/pl/units", params={"echelon": "brigade"}).json()
    assert _ids(only) == {"pl-3"}
    arm = c.get("/api/v1/pictures/PL/units", params={"branch": "infantry"}).json()
    assert _ids(arm) == {"pl-1", "pl-2"}


def test_valid_at_goes_back_in_time(web: Web) -> None:
    c = web.login("viewer.pl")
    before = c.get("/api/v1/pictures/PL/units", params={"valid_at": "1939-07-01T00:00:00Z"}).json()
    assert before["features"] == [] and before["unplaced"] == []
    assert len(c.get("/api/v1/pictures/PL/units?valid_at=1939-08-02").json()["features"]) == 3
    assert c.get("/api/v1/pictures/PL/units?valid_at=yesterday").status_code == 422


def test_jp_sees_only_released_pl_units_and_us_sees_no_pl(web: Web) -> None:
    jp = web.login("analyst.jp")
    fc = jp.get("/api/v1/pictures/PL/units").json()
    assert _ids(fc) == {"pl-1", "pl-3"}
    pl3 = next(f for f in fc["features"] if f["properties"]["unit_id"] == "pl-3")
    assert pl3["properties"]["parent_id"] is None  # parent pl-2 is withheld
    assert "secret" not in json.dumps(fc)
    assert jp.get("/api/v1/pictures/US/units").status_code == 404
    assert jp.get("/api/v1/pictures/PL/units/pl-2/history").status_code == 404
    h = jp.get("/api/v1/pictures/PL/units/pl-3/history").json()["history"]
    assert len(h) == 1 and h[0]["source"] is None and h[0]["notes"] is None
    us = web.login("analyst.us")
    for path in ("units", "tree", "export", "units/pl-1/history"):
        assert us.get(f"/api/v1/pictures/PL/{path}").status_code == 404, path
    assert us.get("/api/v1/pictures/JP/units").status_code == 404


def test_history_for_home_users_has_sources(web: Web) -> None:
    c = web.login("viewer.pl")
    h = c.get("/api/v1/pictures/PL/units/pl-3/history").json()
    assert h["unit_id"] == "pl-3" and h["history"][0]["source"] == "KOMAR"
    assert c.get("/api/v1/pictures/PL/units/nope/history").status_code == 404
    assert c.get("/api/v1/pictures/XX/units").status_code == 404


def test_tree_nests_and_cuts_withheld_parents(web: Web) -> None:
    t = web.login("viewer.pl").get("/api/v1/pictures/PL/tree").json()
    assert [r["unit_id"] for r in t["roots"]] == ["pl-1"]
    assert t["roots"][0]["children"][0]["unit_id"] == "pl-2"
    assert t["roots"][0]["children"][0]["children"][0]["unit_id"] == "pl-3"
    jt = web.login("viewer.jp").get("/api/v1/pictures/PL/tree").json()
    assert sorted(r["unit_id"] for r in jt["roots"]) == ["pl-1", "pl-3"]
    assert all(r["children"] == [] for r in jt["roots"])


def test_export_formats_and_audit(web: Web) -> None:
    c = web.login("viewer.jp")
    r = c.get("/api/v1/pictures/PL/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(x["unit_id"] for x in rows) == ["pl-1", "pl-3"]
    g = c.get("/api/v1/pictures/PL/export?format=geojson").json()
    assert len(g["features"]) == 2
    assert c.get("/api/v1/pictures/PL/export?format=kml").text.startswith("<?xml")
    x = c.get("/api/v1/pictures/PL/export?format=xlsx")
    assert x.content[:2] == b"PK"
    assert c.get("/api/v1/pictures/PL/export?format=pdf").status_code == 422
    with web.store.connect() as conn:
        ent = audit.entries(conn, action="picture.export", limit=10)
    assert len(ent) == 4 and {e["actor"] for e in ent} == {"viewer.jp"}


def test_discrepancy_kinds_home_only(web: Web) -> None:
    r = web.login("viewer.pl").get("/api/v1/pictures/JP/discrepancy-kinds")
    assert r.status_code == 200 and r.json()["meeting_id"] is None
    assert web.login("analyst.jp").get("/api/v1/pictures/JP/discrepancy-kinds").status_code == 404


def test_discrepancy_kinds_from_latest_meeting(web: Web) -> None:
    from liaison.reconcile.meeting import open_meeting

    with web.store.begin() as conn:
        mid, res = open_meeting(conn, "JP", actor="test")
    body = web.login("viewer.pl").get("/api/v1/pictures/JP/discrepancy-kinds").json()
    assert body["meeting_id"] == mid
    assert set(body["kinds"]) == {d.kind for d in res.discrepancies}
    assert body["kinds"]  # jp-1 vs three PL units: something disagrees
    theirs = {d.theirs for d in res.discrepancies if d.theirs}
    assert set(body["units"]) == theirs


def test_basemap_and_pages(web: Web) -> None:
    anon = web.client()
    assert anon.get("/api/v1/basemap").status_code == 401
    assert anon.get("/map", follow_redirects=False).status_code == 303
    c = web.login("viewer.jp")
    geo = c.get("/api/v1/basemap")
    assert geo.status_code == 200 and geo.json()["type"] == "FeatureCollection"
    page = c.get("/map")
    assert page.status_code == 200 and 'data-partners="JP,PL"' in page.text
    assert "/static/js/map.js" in page.text and "<script>" not in page.text
    assert 'id="f-kind"' not in page.text  # discrepancy filter only for home users
    assert 'id="f-kind"' in web.login("viewer.pl").get("/map").text
    assert c.get("/orbat").status_code == 200
    assert 'data-partner="PL"' in c.get("/orbat/pl").text
    assert c.get("/orbat/US").status_code == 404


def test_hostile_parameters_are_client_errors(web: Web) -> None:
    c = web.login("viewer.pl")
    assert c.get("/api/v1/pictures/PL/units/pl%001/history").status_code == 400  # NUL refused
    far = c.get("/api/v1/pictures/PL/units", params={"valid_at": "0001-01-01T00:00:00+05:00"})
    assert far.status_code == 422
    assert c.get("/api/v1/pictures/PL%00/tree").status_code == 400


def test_map_data_cache_follows_writes_and_policy(web: Web) -> None:
    from liaison.core.markings import Marking
    from liaison.courier.pouch import set_policy
    from liaison.orbat import observe

    jp = web.login("viewer.jp")
    assert _ids(jp.get("/api/v1/pictures/PL/units").json()) == {"pl-1", "pl-3"}
    assert _ids(jp.get("/api/v1/pictures/PL/units").json()) == {"pl-1", "pl-3"}  # cached
    with web.store.begin() as conn:
        observe.record(
            conn,
            "PL",
            "pl-4",
            valid_at=datetime(1939, 8, 2, tzinfo=UTC),
            designation="4 Dywizja",
            marking=Marking("GREEN"),
            lat=51.0,
            lon=20.0,
        )
    assert _ids(jp.get("/api/v1/pictures/PL/units").json()) == {"pl-1", "pl-3", "pl-4"}
    with web.store.begin() as conn:
        set_policy(conn, "JP", "CLEAR")
    assert _ids(jp.get("/api/v1/pictures/PL/units").json()) == set()  # GREEN is now withheld
    assert _ids(web.login("viewer.pl").get("/api/v1/pictures/PL/units").json()) == {
        "pl-1",
        "pl-2",
        "pl-3",
        "pl-4",
    }
