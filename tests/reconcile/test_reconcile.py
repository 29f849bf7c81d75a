"""Reconciliation on the demo scenario against its truth file, and the hard cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from liaison.orbat.csvio import load_picture
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.scenario import scenario_dir
from liaison.reconcile import reconcile
from liaison.reconcile.match import KINDS


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    d = scenario_dir()
    return (
        load_picture(d / "pl.csv", "PL"),
        load_picture(d / "jp.csv", "JP"),
        json.loads((d / "truth.json").read_text()),
    )


def test_demo_matches_and_discrepancies_against_truth(demo) -> None:  # type: ignore[no-untyped-def]
    pl, jp, truth = demo
    res = reconcile(pl, jp)
    want = {(c["pl"], c["jp"]) for c in truth["crosswalk"]}
    got = {(m.ours, m.theirs) for m in res.matches}
    precision = len(want & got) / len(got)
    recall = len(want & got) / len(want)
    assert precision >= 0.99 and recall >= 0.95, (sorted(got - want)[:5], sorted(want - got)[:5])
    planted = {(p["kind"], p["pl"], p["jp"]) for p in truth["planted"]}
    found = {(d.kind, d.ours, d.theirs) for d in res.discrepancies}
    assert len(planted & found) / len(planted) >= 0.9, sorted(planted - found)[:10]
    assert len(planted & found) / len(found) >= 0.9, sorted(found - planted)[:10]
    assert all(0.0 <= m.score <= 1.0 for m in res.matches)


def test_json_contract(demo) -> None:  # type: ignore[no-untyped-def]
    pl, jp, _ = demo
    out = reconcile(pl, jp).to_dict()
    assert set(out) == {"matches", "discrepancies", "summary"}
    assert set(out["matches"][0]) == {"ours", "theirs", "score"}
    assert set(out["discrepancies"][0]) >= {"kind", "ours", "theirs", "detail", "severity"}
    assert {d["kind"] for d in out["discrepancies"]} <= set(KINDS)
    json.dumps(out)  # serialisable
    loc = next(d for d in out["discrepancies"] if d["kind"] == "location")
    assert loc["detail"]["distance_km"] > loc["detail"]["tolerance_km"]
    assert loc["ours_source"]["reliability"] and loc["theirs_source"]["partner"] == "JP"


def u(
    partner: str,
    uid: str,
    name: str,
    lat: float | None,
    lon: float | None,
    parent: str | None = None,
    **kw,
) -> UnitView:  # type: ignore[no-untyped-def]
    return UnitView(
        partner=partner, unit_id=uid, designation=name, lat=lat, lon=lon, parent_id=parent, **kw
    )


def pic(partner: str, *units: UnitView) -> Picture:
    return Picture(partner, {x.unit_id: x for x in units})


def test_same_name_units_are_not_merged_by_name() -> None:
    """Two different '1st Tank Regiment's: each matches the one near it, never both to one."""
    ours = pic(
        "PL",
        u("PL", "a", "1 Pułk Czołgów", 50.0, 30.0),
        u("PL", "b", "1 Pułk Czołgów", 43.0, 132.0),
    )
    theirs = pic(
        "JP", u("JP", "x", "第1戦車連隊", 43.02, 132.01), u("JP", "y", "第1戦車連隊", 50.01, 30.02)
    )
    res = reconcile(ours, theirs)
    assert {(m.ours, m.theirs) for m in res.matches} == {("a", "y"), ("b", "x")}


def test_a_unit_fitting_two_equally_is_a_conflict() -> None:
    ours = pic("PL", u("PL", "a", "27 Dywizja Strzelców", 43.0, 132.0))
    theirs = pic(
        "JP", u("JP", "x", "第27狙撃師団", 43.01, 132.0), u("JP", "y", "第27狙撃師団", 42.99, 132.0)
    )
    res = reconcile(ours, theirs)
    assert res.matches == []
    kinds = [d.kind for d in res.discrepancies]
    assert kinds.count("conflict") == 1 and "only_ours" not in kinds
    c = next(d for d in res.discrepancies if d.kind == "conflict")
    assert c.detail["candidates"] == ["x", "y"]


def test_unit_6_km_away_is_still_a_candidate_without_number() -> None:
    ours = pic("PL", u("PL", "f", "Front Dalekowschodni", 48.48, 135.08))
    theirs = pic("JP", u("JP", "g", "極東方面軍", 48.53, 135.10))
    res = reconcile(ours, theirs)
    assert [(m.ours, m.theirs) for m in res.matches] == [("f", "g")]


def test_decoy_with_same_number_other_branch_is_not_matched() -> None:
    ours = pic("PL", u("PL", "a", "27 Dywizja Strzelców", 43.0, 132.0))
    theirs = pic("JP", u("JP", "x", "第27騎兵師団", 43.0, 132.0))
    res = reconcile(ours, theirs)
    assert res.matches == []
    assert sorted(d.kind for d in res.discrepancies) == ["only_ours", "only_theirs"]


def test_parent_agreement_decides_between_twins() -> None:
    """Two '101st Rifle Regiment's in one town: the parents' match decides which is which."""
    ours = pic(
        "PL",
        u("PL", "d1", "1 Dywizja Strzelców", 50.0, 30.0),
        u("PL", "d2", "2 Dywizja Strzelców", 50.0, 30.0),
        u("PL", "r1", "101 Pułk Strzelców", 50.0, 30.0, "d1"),
        u("PL", "r2", "101 Pułk Strzelców", 50.0, 30.0, "d2"),
    )
    theirs = pic(
        "JP",
        u("JP", "D1", "第1狙撃師団", 50.0, 30.0),
        u("JP", "D2", "第2狙撃師団", 50.0, 30.0),
        u("JP", "R2", "第101狙撃連隊", 50.0, 30.0, "D2"),
        u("JP", "R1", "第101狙撃連隊", 50.0, 30.0, "D1"),
    )
    res = reconcile(ours, theirs)
    assert {(m.ours, m.theirs) for m in res.matches} == {
        ("d1", "D1"),
        ("d2", "D2"),
        ("r1", "R1"),
        ("r2", "R2"),
    }


def test_confirmed_and_rejected_links_are_respected() -> None:
    ours = pic(
        "PL",
        u("PL", "a", "27 Dywizja Strzelców", 43.0, 132.0),
        u("PL", "b", "Dywizja X", 40.0, 100.0),
    )
    theirs = pic("JP", u("JP", "x", "第27狙撃師団", 43.0, 132.0), u("JP", "z", "師団Z", 10.0, 10.0))
    assert ("a", "x") not in {
        (m.ours, m.theirs) for m in reconcile(ours, theirs, rejected=[("a", "x")]).matches
    }
    res = reconcile(ours, theirs, confirmed=[("b", "z")])
    assert ("b", "z") in {(m.ours, m.theirs) for m in res.matches}
    assert next(m for m in res.matches if m.ours == "b").score == 1.0


def test_broken_pictures_are_reported_not_crashed() -> None:
    ours = pic(
        "PL",
        u("PL", "a", "27 Dywizja Strzelców", None, None, "missing"),
        u("PL", "c1", "1 Korpus Strzelców", 50.0, 30.0, "c2"),
        u("PL", "c2", "2 Korpus Strzelców", 50.0, 30.0, "c1"),
    )
    theirs = pic("JP", u("JP", "x", "第27狙撃師団", 43.0, 132.0))
    res = reconcile(ours, theirs)
    text = " ".join(res.warnings)
    assert "parent not in the picture" in text and "cycle" in text and "without position" in text
    assert ("a", "x") in {(m.ours, m.theirs) for m in res.matches}  # matched by identity alone


def test_stale_and_equipment_details() -> None:
    old = datetime(1937, 9, 1, tzinfo=UTC)
    new = datetime(1938, 6, 1, tzinfo=UTC)
    ours = pic(
        "PL",
        u("PL", "a", "5 Brygada Pancerna", 43.0, 132.0, observed_at=new, equipment={"tanks": 250}),
    )
    theirs = pic(
        "JP", u("JP", "x", "第5戦車旅団", 43.0, 132.0, observed_at=old, equipment={"tanks": 120})
    )
    res = reconcile(ours, theirs)
    by = {d.kind: d for d in res.discrepancies}
    assert by["stale"].detail["older"] == "theirs" and by["stale"].detail["days"] == 273
    assert by["equipment"].detail["items"] == {"tanks": {"ours": 250, "theirs": 120}}
