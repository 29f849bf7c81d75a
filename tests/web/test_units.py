"""Search across scripts and the unit page: scoped like every read, linked both ways."""

from __future__ import annotations

from tests.web.conftest import Web


def test_search_finds_units_across_scripts_within_scope(meet_web: Web) -> None:
    c = meet_web.login("analyst.pl")
    latin = {(h["partner"], h["unit_id"]) for h in c.get("/api/v1/search?q=Kiev").json()["hits"]}
    cyr = {(h["partner"], h["unit_id"]) for h in c.get("/api/v1/search?q=Киев").json()["hits"]}
    pl = {(h["partner"], h["unit_id"]) for h in c.get("/api/v1/search?q=Kijów").json()["hits"]}
    assert ("PL", "pl-1") in latin and latin == cyr == pl
    army = {(h["partner"], h["unit_id"]) for h in c.get("/api/v1/search?q=1st Army").json()["hits"]}
    assert {("PL", "pl-1"), ("JP", "jp-1"), ("US", "us-1"), ("JP", "jp-a1")} <= army
    # a JP viewer sees only its own picture and what PL released (GREEN): never pl-2 (AMBER)
    v = meet_web.login("viewer.jp")
    seen = {(h["partner"], h["unit_id"]) for h in v.get("/api/v1/search?q=Dywizja").json()["hits"]}
    assert ("PL", "pl-2") not in seen
    us = {h["partner"] for h in v.get("/api/v1/search?q=1st Army").json()["hits"]}
    assert "US" not in us
    assert c.get("/api/v1/search?q=").status_code == 422
    assert c.get("/api/v1/search?q=" + "x" * 201).status_code == 422


def test_search_page_links_to_the_unit_page(meet_web: Web) -> None:
    c = meet_web.login("viewer.pl")
    page = c.get("/search", params={"q": "Brygada"})
    assert page.status_code == 200 and 'href="/units/PL/pl-3"' in page.text
    assert 'role="search"' in c.get("/").text  # the box is on every page


def test_unit_page_gathers_history_sources_discrepancies_and_counterparts(meet_web: Web) -> None:
    c = meet_web.login("analyst.pl")
    assert c.post("/api/v1/meetings", json={"theirs": "JP"}).status_code == 201
    d = c.get("/api/v1/units/PL/pl-2").json()
    assert d["unit"]["designation"] == "2 Dywizja Strzelców" and d["unit"]["tlp"] == "AMBER"
    assert d["parent"]["unit_id"] == "pl-1" and [x["unit_id"] for x in d["children"]] == ["pl-3"]
    assert d["sources"] == [{"source": "KOMAR", "observations": 1, "grading": "B?"}]
    assert {x["unit_id"] for x in d["counterparts"]} == {"jp-d2"}
    army = c.get("/api/v1/units/PL/pl-1").json()
    (loc,) = [x for x in army["discrepancies"] if x["kind"] == "location"]
    assert (loc["other_partner"], loc["other_unit"], loc["side"]) == ("JP", "jp-a1", "ours")
    assert loc["other_designation"] == "1st Army" and loc["resolution"] is None
    page = c.get("/units/PL/pl-2")
    assert page.status_code == 200
    assert "TLP:AMBER" in page.text and "REL TO PL" in page.text
    assert 'href="/units/JP/jp-d2"' in page.text and 'href="/units/PL/pl-1"' in page.text
    back = c.get("/units/JP/jp-d2")  # and the link back from the partner's unit
    assert back.status_code == 200 and 'href="/units/PL/pl-2"' in back.text


def test_unit_page_is_scoped(meet_web: Web) -> None:
    v = meet_web.login("viewer.jp")
    assert v.get("/api/v1/units/PL/pl-2").status_code == 404  # AMBER, not released to JP
    seen = v.get("/api/v1/units/PL/pl-3").json()
    assert seen["sources"] == [] and seen["discrepancies"] == [] and seen["counterparts"] == []
    assert seen["parent"] is None  # its parent is withheld
    assert v.get("/api/v1/units/US/us-1").status_code == 404
    assert v.get("/api/v1/units/PL/nope").status_code == 404
