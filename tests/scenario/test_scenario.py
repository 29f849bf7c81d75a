"""The shipped demo scenario is well formed, and its truth file says exactly what is in it."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from liaison.core.geo import haversine_km
from liaison.orbat.csvio import COLUMNS, find_cycles, parse_file
from liaison.orbat.scenario import scenario_dir
from liaison.orbat.symbology import parse_sidc, validate_sidc

DIR = scenario_dir()
ROOT = Path(__file__).parents[2]
HEADER = (
    "unit_id,designation,echelon,branch,parent_id,lat,lon,place,observed_at,equipment,"
    "strength,source_reliability,info_credibility,sidc,notes"
)
KATAKANA = re.compile(r"^[\u30a0-\u30ff]+$")  # katakana, ・ and ー
LATIN = re.compile(r"^[A-Za-zĄąĆćĘęŁłŃńÓóŚśŹźŻż .-]+$")  # Polish spelling
# the discrepancy rules' thresholds (reconcile/match.py), restated so the data is checked alone
STALE_DAYS = 90
RELATIVE = 0.15


def rows(name: str) -> dict[str, dict[str, str]]:
    with (DIR / name).open(encoding="utf-8", newline="") as f:
        r = csv.DictReader(f)
        assert r.fieldnames == list(COLUMNS)
        out: dict[str, dict[str, str]] = {}
        for row in r:
            assert row["unit_id"] not in out, f"duplicate unit_id {row['unit_id']}"
            out[row["unit_id"]] = row
        return out


@pytest.fixture(scope="module")
def data() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], dict]:
    truth = json.loads((DIR / "truth.json").read_text(encoding="utf-8"))
    return rows("pl.csv"), rows("jp.csv"), truth


def when(row: dict[str, str]) -> datetime:
    return datetime.fromisoformat(row["observed_at"].replace("Z", "+00:00"))


def km(a: dict[str, str], b: dict[str, str]) -> float:
    return haversine_km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))


def equipment(row: dict[str, str]) -> dict[str, int]:
    if not row["equipment"]:
        return {}
    return {k: int(v) for k, v in (kv.split("=") for kv in row["equipment"].split(";"))}


def differs(x: int, y: int) -> bool:
    return abs(x - y) > max(2, RELATIVE * max(x, y))


@pytest.mark.parametrize("name", ["pl.csv", "jp.csv"])
def test_pictures_are_valid_unit_files(name: str) -> None:
    text = (DIR / name).read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    data = rows(name)
    assert 150 <= len(data) <= 250
    parents = {k: v["parent_id"] or None for k, v in data.items()}
    assert all(p in data for p in parents.values() if p), "a parent_id names no unit"
    assert not find_cycles(parents)
    assert sum(p is None for p in parents.values()) == 5  # the front and four districts
    parsed = parse_file(DIR / name, resolve_place=lambda p, n: "unused")
    assert parsed.problems == []
    echelons = Counter(r.echelon for r in parsed.rows)
    assert {"front", "army", "corps", "division", "brigade", "regiment", "battalion"} <= set(
        echelons
    )
    assert echelons["regiment"] >= 40
    branches = {r.branch for r in parsed.rows}
    assert {"aviation_fighter", "aviation_bomber", "border_troops", "armour", "cavalry"} <= branches
    for v in data.values():
        assert v["lat"] and v["lon"] and v["place"], v["unit_id"]
        assert v["observed_at"].endswith("Z") and when(v).year == 1938
        validate_sidc(v["sidc"], strict=True)
        assert parse_sidc(v["sidc"])["identity_name"] == "hostile"
        if v["equipment"]:
            assert set(equipment(v)) <= {"tanks", "guns", "aircraft"}
    # the aviation hierarchy goes down to regiments too
    by = {r.unit_id: r for r in parsed.rows}
    assert any(
        r.echelon == "regiment"
        and r.branch.startswith("aviation")
        and by[r.parent_id].branch.startswith("aviation")
        for r in parsed.rows
    )
    # several units in one town
    assert max(Counter(v["place"] for v in data.values()).values()) >= 8


def test_illustrative_is_said_plainly(data) -> None:  # type: ignore[no-untyped-def]
    pl, jp, truth = data
    assert "illustrative" in (DIR / "README.md").read_text(encoding="utf-8").lower()
    assert "illustrative" in (ROOT / "docs/scenario.md").read_text(encoding="utf-8").lower()
    assert "ILLUSTRATIVE" in next(iter(pl.values()))["notes"]
    assert "ILLUSTRATIVE" in next(iter(jp.values()))["notes"]
    assert "ILLUSTRATIVE" in truth["note"]


def test_each_partner_writes_in_its_own_language(data) -> None:  # type: ignore[no-untyped-def]
    from liaison.names import parse_designation

    pl, jp, _ = data
    pl_lang = Counter(parse_designation(v["designation"]).language for v in pl.values())
    assert pl_lang["pl"] / len(pl) > 0.95, pl_lang
    assert all(parse_designation(v["designation"]).language == "ja" for v in jp.values())
    assert all(KATAKANA.match(v["place"]) for v in jp.values())
    assert all(LATIN.match(v["place"]) for v in pl.values())
    assert "Chabarowsk" in {v["place"] for v in pl.values()}
    assert "ハバロフスク" in {v["place"] for v in jp.values()}
    assert "第1赤旗軍" in {v["designation"] for v in jp.values()}
    # separate id schemes, no shared ids
    assert all(k.startswith("PL-") for k in pl) and all(re.fullmatch(r"J\d{4}", k) for k in jp)
    assert not set(pl) & set(jp)


def test_truth_crosswalk_is_one_to_one_and_complete(data) -> None:  # type: ignore[no-untyped-def]
    pl, jp, truth = data
    cw = {c["pl"]: c["jp"] for c in truth["crosswalk"]}
    assert len(cw) == len(truth["crosswalk"]) == len(set(cw.values()))
    assert set(cw) <= set(pl) and set(cw.values()) <= set(jp)
    only_ours = {p["pl"] for p in truth["planted"] if p["kind"] == "only_ours"}
    only_theirs = {p["jp"] for p in truth["planted"] if p["kind"] == "only_theirs"}
    assert only_ours == set(pl) - set(cw) and len(only_ours) >= 12
    assert only_theirs == set(jp) - set(cw.values()) and len(only_theirs) >= 12
    assert len(cw) + len(only_ours) + len(only_theirs) == truth["units_in_ground_truth"]
    # matched units are the same unit: same number (where both say one), designations aside
    from liaison.names import parse_designation

    for a, b in cw.items():
        assert parse_designation(pl[a]["designation"]).number == (
            parse_designation(jp[b]["designation"]).number
        ), (a, b)


def test_every_planted_discrepancy_is_in_the_data(data) -> None:  # type: ignore[no-untyped-def]
    pl, jp, truth = data
    cw = {c["pl"]: c["jp"] for c in truth["crosswalk"]}
    counts = Counter(p["kind"] for p in truth["planted"])
    assert set(counts) == {
        "location",
        "equipment",
        "strength",
        "subordination",
        "echelon",
        "branch",
        "only_ours",
        "only_theirs",
        "stale",
    }
    assert 8 <= counts["location"] <= 12 and 8 <= counts["equipment"] <= 12
    assert 5 <= counts["strength"] <= 8 and 5 <= counts["subordination"] <= 8
    assert counts["echelon"] + counts["branch"] >= 4 and 2 <= counts["stale"] <= 4
    for p in truth["planted"]:
        if p["kind"] in ("only_ours", "only_theirs"):
            continue
        assert cw[p["pl"]] == p["jp"], p
        a, b = pl[p["pl"]], jp[p["jp"]]
        kind = p["kind"]
        if kind == "location":
            assert km(a, b) > 50 and abs(km(a, b) - p["km_apart"]) < 0.2, p
        elif kind == "equipment":
            ea, eb = equipment(a), equipment(b)
            assert any(differs(ea.get(k, 0), eb.get(k, 0)) for k in ea | eb), p
        elif kind == "strength":
            assert differs(int(a["strength"]), int(b["strength"])), p
        elif kind == "subordination":
            assert b["parent_id"] == p["jp_parent"] and cw.get(a["parent_id"]) != b["parent_id"]
        elif kind == "echelon":
            assert parse_sidc(a["sidc"])["echelon"] == p["pl_echelon"]
            assert parse_sidc(b["sidc"])["echelon"] == p["jp_echelon"] != p["pl_echelon"]
        elif kind == "branch":
            assert parse_sidc(a["sidc"])["entity"] != parse_sidc(b["sidc"])["entity"], p
        elif kind == "stale":
            assert abs((when(a) - when(b)).days) > STALE_DAYS, p
            older = a if when(a) < when(b) else b
            assert (older is a) == (p["stale_side"] == "PL")


def test_nothing_differs_that_was_not_planted(data) -> None:  # type: ignore[no-untyped-def]
    """Matched pairs outside the planted list agree within noise: the truth file is complete."""
    pl, jp, truth = data
    cw = {c["pl"]: c["jp"] for c in truth["crosswalk"]}
    planted = {(p["kind"], p["pl"]) for p in truth["planted"]}
    for a_id, b_id in cw.items():
        a, b = pl[a_id], jp[b_id]
        if ("location", a_id) not in planted:
            assert km(a, b) < 15, (a_id, b_id, km(a, b))
        if ("equipment", a_id) not in planted:
            assert equipment(a) == equipment(b), (a_id, b_id)
        if ("strength", a_id) not in planted:
            assert a["strength"] == b["strength"], (a_id, b_id)
        if ("subordination", a_id) not in planted:
            assert cw.get(a["parent_id"], "") == b["parent_id"], (a_id, b_id)
        if ("echelon", a_id) not in planted:
            assert parse_sidc(a["sidc"])["echelon"] == parse_sidc(b["sidc"])["echelon"]
        if ("branch", a_id) not in planted and ("echelon", a_id) not in planted:
            assert a["sidc"] == b["sidc"], (a_id, b_id)
        if ("stale", a_id) not in planted:
            assert abs((when(a) - when(b)).days) < 30, (a_id, b_id)


def test_generator_is_deterministic_and_matches_the_shipped_files(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, str(ROOT / "tools/make_scenario.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    for name in ("pl.csv", "jp.csv", "truth.json"):
        assert (tmp_path / name).read_bytes() == (DIR / name).read_bytes(), (
            f"{name} differs from tools/make_scenario.py's output: regenerate and commit both"
        )


def test_demo_loads_into_a_store(store) -> None:  # type: ignore[no-untyped-def]
    from liaison.orbat import picture, scenario

    with store.begin() as conn:
        reps = scenario.load_demo(conn)
    assert [r.partner for r in reps] == ["PL", "JP"] and all(r.units_new >= 150 for r in reps)
    with store.connect() as conn:
        jp = picture.get_picture(conn, "JP")
        pl = picture.get_picture(conn, "PL")
    assert len(jp) == len(rows("jp.csv")) and len(pl) == len(rows("pl.csv"))
    assert all(u.sidc and len(u.sidc) == 20 for u in jp.units.values())
    assert all(u.has_position for u in pl.units.values())
    assert {u.marking.rel_to for u in jp.units.values()} == {("JP", "PL")}
