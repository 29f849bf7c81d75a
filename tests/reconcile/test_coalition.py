"""Three or more pictures at once: clusters across partners, discrepancies naming who disagrees."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from liaison.core.errors import ValidationError
from liaison.orbat.model import Picture, UnitView
from liaison.reconcile.cases import coalition, true_unit
from liaison.reconcile.coalition import reconcile_many


def found(co) -> set[tuple[str, int, frozenset[str]]]:  # type: ignore[no-untyped-def]
    out = set()
    for f in co.findings:
        tid = Counter(true_unit(u) for u in f.units.values()).most_common(1)[0][0]
        out.add((f.kind, tid, frozenset(f.disagreeing)))
    return out


def test_three_partners_in_three_languages_find_every_planted_discrepancy() -> None:
    """Polish, Japanese and English (with Russian) pictures of one truth: every planted
    discrepancy is found and names exactly the partner that departs from the others."""
    pics, labels = coalition(450, {"PL": ["pl"], "JP": ["ja"], "EE": ["en", "ru"]}, seed=3)
    assert {k for k, _t, _p in labels} >= {"location", "strength", "subordination", "missing"}
    co = reconcile_many(pics)
    got = found(co)
    tp = len(got & labels)
    precision, recall = tp / len(got), tp / len(labels)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, sorted(got ^ labels)[:10])
    # one cluster per true unit, never two units of one partner in a cluster
    for c in co.clusters:
        assert len({true_unit(u) for u in c.units.values()}) == 1
    assert len(co.clusters) == 450
    assert co.summary["held_by_all"] == 450 - sum(k == "missing" for k, _t, _p in labels)


def _view(partner: str, uid: str, name: str, lat: float, **kw: object) -> UnitView:
    return UnitView(
        partner, uid, name, lat=lat, lon=131.9, observed_at=datetime(1938, 6, 1, tzinfo=UTC), **kw
    )  # type: ignore[arg-type]


def test_the_partner_that_departs_is_named_and_a_split_names_all() -> None:
    pl = Picture("PL", {"a": _view("PL", "a", "5 Armia", 43.1, strength=60000)})
    jp = Picture("JP", {"b": _view("JP", "b", "第5軍", 45.1, strength=61000)})
    ee = Picture("EE", {"c": _view("EE", "c", "5th Army", 43.2, strength=30000)})
    co = reconcile_many([pl, jp, ee])
    assert [c.units for c in co.clusters] == [{"EE": "c", "JP": "b", "PL": "a"}]
    by = {f.kind: f for f in co.findings}
    assert by["location"].disagreeing == ["JP"]  # 220 km from the other two
    assert by["strength"].disagreeing == ["EE"]
    assert by["location"].values["JP"] == [45.1, 131.9]
    # two partners only, two values: no majority, both are named
    co2 = reconcile_many([pl, jp])
    assert {f.kind: f.disagreeing for f in co2.findings}["location"] == ["JP", "PL"]


def test_a_unit_only_some_hold_is_missing_from_the_others() -> None:
    pl = Picture(
        "PL", {"a": _view("PL", "a", "5 Armia", 43.1), "x": _view("PL", "x", "7 Armia", 50.0)}
    )
    jp = Picture("JP", {"b": _view("JP", "b", "第5軍", 43.1), "y": _view("JP", "y", "第7軍", 50.1)})
    ee = Picture("EE", {"c": _view("EE", "c", "5th Army", 43.1)})
    co = reconcile_many([pl, jp, ee])
    (missing,) = [f for f in co.findings if f.kind == "missing"]
    assert missing.disagreeing == ["EE"] and missing.units == {"JP": "y", "PL": "x"}


def test_the_pivot_alone_misses_what_it_does_not_hold() -> None:
    """Matched only through PL, units PL lacks are never compared between JP and EE."""
    pics, labels = coalition(300, {"PL": ["pl"], "JP": ["ja"], "EE": ["en"]}, seed=5, rate=0.3)
    all_pairs = found(reconcile_many(pics))
    pivot = found(reconcile_many(pics, pivot="PL"))
    assert len(all_pairs & labels) > len(pivot & labels)


@pytest.mark.parametrize("codes", [["PL"], ["PL", "PL"]])
def test_a_coalition_needs_distinct_partners(codes: list[str]) -> None:
    with pytest.raises(ValidationError):
        reconcile_many([Picture(c, {}) for c in codes])


def test_cli_reads_three_unit_files(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    import json

    from liaison.cli.app import main

    monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    rows = {
        "pl": ["P5,5 Armia,43.10,131.90", "P7,7 Armia,50.0,131.9"],
        "jp": ["J5,第5軍,43.12,131.91", "J7,第7軍,52.5,131.9"],
        "ee": ["E5,5th Army,43.11,131.92", "E7,7th Army,50.1,131.9"],
    }
    files = []
    for name, lines in rows.items():
        f = tmp_path / f"{name}.csv"
        f.write_text("unit_id,designation,lat,lon\n" + "\n".join(lines) + "\n", encoding="utf-8")
        files.append(str(f))
    with pytest.raises(SystemExit) as ei:
        main(["coalition", *files, "--json"])
    assert ei.value.code in (0, None)
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["partners"] == ["PL", "JP", "EE"] and out["summary"]["clusters"] == 2
    (loc,) = [f for f in out["findings"] if f["kind"] == "location"]
    assert loc["disagreeing"] == ["JP"] and loc["units"]["JP"] == "J7"
    with pytest.raises(SystemExit) as ei:
        main(["coalition", files[0]])
    assert ei.value.code == 2 and "two or more" in capsys.readouterr().err
