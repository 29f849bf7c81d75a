"""The shipped demo scenario is well formed and its truth file describes what is really in it."""

from __future__ import annotations

import csv
import json

import pytest

from liaison.core.geo import haversine_km
from liaison.orbat.csvio import COLUMNS, find_cycles, parse_file
from liaison.orbat.scenario import scenario_dir

DIR = scenario_dir()


def rows(name: str) -> dict[str, dict[str, str]]:
    with (DIR / name).open(encoding="utf-8") as f:
        r = csv.DictReader(f)
        assert r.fieldnames == list(COLUMNS)
        return {row["unit_id"]: row for row in r}


@pytest.mark.parametrize("name", ["pl.csv", "jp.csv"])
def test_pictures_are_valid_unit_files(name: str) -> None:
    data = rows(name)
    assert len(data) >= 150
    parsed = parse_file(DIR / name, resolve_place=lambda p, n: "unused")  # every row has lat/lon
    assert parsed.problems == []
    assert not find_cycles({k: v["parent_id"] or None for k, v in data.items()})
    assert all(v["parent_id"] in data for v in data.values() if v["parent_id"])
    assert "illustrative" in (DIR / "README.md").read_text().lower()
    assert any("ILLUSTRATIVE" in v["notes"] for v in data.values())
    echelons = {r.echelon for r in parsed.rows}
    assert {"front", "army", "corps", "division", "brigade", "regiment"} <= echelons
    assert any(r.branch and r.branch.startswith("aviation") for r in parsed.rows)


def test_languages_are_the_partners_own() -> None:
    from liaison.names import parse_designation

    pl, jp = rows("pl.csv"), rows("jp.csv")
    assert (
        sum(parse_designation(v["designation"]).language == "pl" for v in pl.values()) / len(pl)
        > 0.9
    )
    assert all(parse_designation(v["designation"]).language == "ja" for v in jp.values())


def test_truth_matches_the_data() -> None:
    truth = json.loads((DIR / "truth.json").read_text(encoding="utf-8"))
    pl, jp = rows("pl.csv"), rows("jp.csv")
    cw = {c["pl"]: c["jp"] for c in truth["crosswalk"]}
    assert all(k in pl for k in cw) and all(v in jp for v in cw.values())
    kinds = {p["kind"] for p in truth["planted"]}
    assert kinds == {
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
    for p in truth["planted"]:
        if p["kind"] == "only_ours":
            assert p["pl"] in pl and p["pl"] not in cw
        elif p["kind"] == "only_theirs":
            assert p["jp"] in jp and p["jp"] not in cw.values()
        else:
            assert cw[p["pl"]] == p["jp"]
            a, b = pl[p["pl"]], jp[p["jp"]]
            if p["kind"] == "location":
                d = haversine_km(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))
                assert d > 50, d
            if p["kind"] == "equipment":
                assert a["equipment"] != b["equipment"]
            if p["kind"] == "strength":
                assert a["strength"] != b["strength"]
            if p["kind"] == "subordination":
                assert cw.get(a["parent_id"]) != b["parent_id"]
            if p["kind"] == "stale":
                assert b["observed_at"] < "1938-01-01" < a["observed_at"]
    # unplanted matched pairs agree within the noise
    planted_pairs = {p["pl"] for p in truth["planted"] if p["kind"] == "location"}
    for k, v in cw.items():
        if k not in planted_pairs:
            d = haversine_km(
                float(pl[k]["lat"]), float(pl[k]["lon"]), float(jp[v]["lat"]), float(jp[v]["lon"])
            )
            assert d < 15, (k, v, d)


def test_demo_loads_into_a_store(store) -> None:  # type: ignore[no-untyped-def]
    from liaison.orbat import picture, scenario

    with store.begin() as conn:
        reps = scenario.load_demo(conn)
    assert [r.partner for r in reps] == ["PL", "JP"] and all(r.units_new >= 150 for r in reps)
    with store.connect() as conn:
        jp = picture.get_picture(conn, "JP")
    assert all(u.sidc and len(u.sidc) == 20 for u in jp.units.values())
    assert {u.marking.rel_to for u in jp.units.values()} == {("JP", "PL")}
