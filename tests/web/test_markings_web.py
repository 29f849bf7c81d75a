"""Markings on every list: TLP and REL TO badges per row, and a banner with the page's highest
marking computed by `liaison.core.markings.highest` (issue 22)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from liaison.codebreak import intercepts
from liaison.core.markings import Marking, highest
from liaison.orbat import observe
from tests.web.conftest import Web
from tests.web.test_reports_web import _add

T1 = datetime(1939, 8, 2, tzinfo=UTC)
T2 = datetime(1939, 8, 25, tzinfo=UTC)  # after add_disagreeing_jp's reports


def _banner(html: str) -> str:
    """The TLP the page banner carries ('' when the page has none)."""
    m = re.search(r'id="page-marking"[^>]*data-tlp="([A-Z+]+)"', html)
    return m.group(1) if m else ""


def _row(html: str, row_id: str) -> str:
    start = html.index(f'id="{row_id}"')
    return html[start : html.index("</tr>", start)]


def test_highest_takes_strictest_tlp_common_rel_to_and_any_orcon() -> None:
    h = highest(["TLP:GREEN", Marking("AMBER", ("JP", "PL")), "TLP:CLEAR REL TO PL,US ORCON"])
    assert h is not None and h.items == 3
    assert h.marking == Marking("AMBER", ("PL",), orcon=True) and not h.no_common_release
    red = highest([{"tlp": "GREEN", "rel_to": []}, "TLP:RED"])
    assert red is not None and red.marking.tlp == "RED" and red.marking.rel_to == ()
    apart = highest(["TLP:GREEN REL TO JP", "TLP:GREEN REL TO US"])
    assert apart is not None and apart.no_common_release and apart.marking.rel_to == ()
    assert highest([]) is None


def test_reports_badges_per_row_and_banner_turns_red(web: Web) -> None:
    c = web.login("analyst.pl")
    _add(c, "R-G", [], marking="TLP:GREEN")
    page = _add(c, "R-A", [], marking="TLP:AMBER REL TO PL,JP")
    assert 'class="badge tlp-GREEN">TLP:GREEN' in _row(page.text, "report-PL-R-G")
    amber = _row(page.text, "report-PL-R-A")
    assert "TLP:AMBER" in amber and "REL TO JP" in amber and "REL TO PL" in amber
    assert _banner(page.text) == "AMBER"
    page = _add(c, "R-R", [], marking="TLP:RED")
    assert "TLP:RED" in _row(page.text, "report-PL-R-R")
    assert _banner(page.text) == "RED"
    assert _banner(c.get("/reports/one?partner=PL&id=R-G").text) == "GREEN"


def test_intercepts_list_and_one(web: Web) -> None:
    with web.store.begin() as conn:
        intercepts.add(conn, "ABCDE FGHIJ", "PL", T1, marking="TLP:GREEN REL TO PL,JP")
        intercepts.add(conn, "KLMNO PQRST", "PL", T1, marking="TLP:AMBER+STRICT")
    c = web.login("analyst.pl")
    page = c.get("/intercepts").text
    assert "REL TO JP" in _row(page, "intercept-PL-I00001")
    assert "TLP:AMBER+STRICT" in _row(page, "intercept-PL-I00002")
    assert _banner(page) == "AMBER+STRICT"
    assert _banner(c.get("/intercepts/one?ref=PL/I00001").text) == "GREEN"


def test_search_units_and_exports_show_markings(web: Web) -> None:
    c = web.login("analyst.pl")
    page = c.get("/search?q=Armia").text
    assert "TLP:GREEN" in page.split('id="search-hits"')[1]
    assert _banner(page) == "GREEN"
    with web.store.begin() as conn:
        observe.record(
            conn, "PL", "pl-1", valid_at=T1, marking=Marking("RED"), designation="1 Armia"
        )
    page = c.get("/search?q=Armia").text
    assert _banner(page) == "RED"
    unit = c.get("/units/PL/pl-1").text
    assert 'class="badge tlp-RED">TLP:RED' in unit and _banner(unit) == "RED"
    exports = c.get("/exports").text
    assert "TLP:RED" in _row(exports, "export-PL") and "TLP:GREEN" in _row(exports, "export-JP")
    assert _banner(exports) == "RED"
    # JP's liaison officer sees only what policy releases (GREEN): no RED anywhere on the page
    jp = web.login("analyst.jp").get("/exports").text
    assert "TLP:RED" not in jp and _banner(jp) == "GREEN"


def test_pouches_show_the_release_ceiling(web: Web) -> None:
    page = web.login("analyst.pl").get("/pouches").text
    assert "TLP:GREEN" in _row(page, "pouch-partner-JP") and "REL TO JP" in _row(
        page, "pouch-partner-JP"
    )
    assert "no release policy" in _row(page, "pouch-partner-US")
    assert _banner(page) == "GREEN"


def test_worklist_items_carry_the_highest_marking(meet_web: Web) -> None:
    c = meet_web.login("analyst.pl")
    mid = c.post("/api/v1/meetings", json={"theirs": "JP"}).json()["id"]
    items = c.get(f"/api/v1/meetings/{mid}/discrepancies").json()["items"]
    assert items and all(d["marking"]["tlp"] in ("GREEN", "AMBER") for d in items)
    tops = {d["marking"]["tlp"] for d in items}
    assert _banner(c.get(f"/meetings/{mid}").text) == ("AMBER" if "AMBER" in tops else "GREEN")
    # a TLP:RED unit in the next meeting's queue turns its banner RED, and its row's badge
    for d in items:
        c.post(
            f"/api/v1/meetings/{mid}/discrepancies/{d['id']}/resolve",
            json={"resolution": "defer", "comment": "later"},
        )
    assert c.post(f"/api/v1/meetings/{mid}/close").status_code == 200
    with meet_web.store.begin() as conn:
        observe.record(
            conn,
            "JP",
            "jp-c9",
            valid_at=T2,
            marking=Marking("RED"),
            designation="9th Cavalry Division",
        )
    mid2 = c.post("/api/v1/meetings", json={"theirs": "JP"}).json()["id"]
    items2 = c.get(f"/api/v1/meetings/{mid2}/discrepancies").json()["items"]
    assert "RED" in {d["marking"]["tlp"] for d in items2 if d["theirs"] == "jp-c9"}
    assert _banner(c.get(f"/meetings/{mid2}").text) == "RED"


def test_orbat_tree_carries_markings_and_page_banner(web: Web) -> None:
    c = web.login("analyst.pl")
    roots = c.get("/api/v1/pictures/PL/tree").json()["roots"]
    army = roots[0]
    division = army["children"][0]
    assert army["marking"] == {"tlp": "GREEN", "rel_to": [], "orcon": False}
    assert division["marking"] == {"tlp": "AMBER", "rel_to": ["PL"], "orcon": False}
    assert _banner(c.get("/orbat/PL").text) == "AMBER"
    # JP's officer sees only the released (GREEN) units, and so a GREEN banner
    assert _banner(web.login("analyst.jp").get("/orbat/PL").text) == "GREEN"


def test_map_page_banner_covers_every_picture_it_draws(web: Web) -> None:
    c = web.login("analyst.pl")
    assert _banner(c.get("/map").text) == "AMBER"  # PL's own AMBER division, JP's GREEN units
    # JP's officer sees PL's picture only as released (no AMBER division): GREEN
    assert _banner(web.login("analyst.jp").get("/map").text) == "GREEN"
    with web.store.begin() as conn:
        observe.record(
            conn, "JP", "jp-red", valid_at=T1, marking=Marking("RED"), designation="99th Division"
        )
    assert _banner(c.get("/map").text) == "RED"  # a home analyst sees JP's RED unit too
    assert _banner(web.login("analyst.jp").get("/map").text) == "RED"
