"""Places from context: the unit's parent and its neighbours in the file settle a reading."""

from __future__ import annotations

from pathlib import Path

from liaison.core.geo import haversine_km
from liaison.names import gazetteer
from liaison.names.gazetteer import Context
from liaison.orbat.csvio import parse_file

SPASSK_DALNY = (44.6006, 132.8204)
CHITA = (52.0431, 113.4917)
HEADER = "unit_id,designation,echelon,parent_id,lat,lon,place"


def _write(tmp_path: Path, rows: list[str]) -> Path:
    p = tmp_path / "units.csv"
    p.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return p


def test_spassk_under_a_parent_at_spassk_dalny_is_spassk_dalny() -> None:
    # without context "Spassk" is two villages in European Russia and Siberia, 3,000 km and more away
    plain = gazetteer.resolve("Spassk", near=SPASSK_DALNY)
    assert plain.place is not None
    assert haversine_km(*SPASSK_DALNY, plain.place.lat, plain.place.lon) > 3000
    got = gazetteer.resolve("Spassk", context=Context(parent=SPASSK_DALNY))
    assert got.status == "ok" and got.place is not None
    assert haversine_km(*SPASSK_DALNY, got.place.lat, got.place.lon) < 15
    assert "begins so" in got.how


def test_czita_among_units_in_transbaikalia_is_chita() -> None:
    assert gazetteer.resolve("Czita").status == "ambiguous"  # Chita (RU) and Chita (JP)
    got = gazetteer.resolve("Czita", context=Context(neighbours=(51.0, 115.5)))
    assert got.status == "ok" and got.place is not None
    assert got.place.country == "RU"
    # the same spelling among units in Aichi reads as the Japanese town: context decides, not a bias
    jp = gazetteer.resolve("Czita", context=Context(neighbours=(35.1, 136.9)))
    assert jp.place is not None and jp.place.country == "JP"


def test_context_far_from_every_reading_settles_nothing() -> None:
    # Moscow is near neither Chita: the ambiguity stands rather than a guess
    assert gazetteer.resolve("Czita", context=Context(neighbours=(55.75, 37.62))).status == (
        "ambiguous"
    )


def test_importer_places_spassk_by_the_corps_parent(tmp_path: Path) -> None:
    parsed = parse_file(
        _write(
            tmp_path,
            [
                "A1,1st Red Banner Army,army,,44.6006,132.8204,Spassk-Dalny",
                "C18,18th Rifle Corps,corps,A1,,,Spassk",
            ],
        )
    )
    assert parsed.problems == []
    corps = next(r for r in parsed.rows if r.unit_id == "C18")
    assert corps.lat is not None and corps.lon is not None
    assert haversine_km(*SPASSK_DALNY, corps.lat, corps.lon) < 15


def test_importer_places_czita_by_the_other_units_of_the_file(tmp_path: Path) -> None:
    parsed = parse_file(
        _write(
            tmp_path,
            [
                "A2,2nd Army,army,,50.38,116.52,Borzya",
                "D36,36th Motor Rifle Division,division,,50.10,118.03,Dauria",
                "D57,57th Rifle Division,division,,51.83,107.60,Ulan-Ude",
                "C12,12th Rifle Corps,corps,,,,Czita",
            ],
        )
    )
    assert parsed.problems == []
    corps = next(r for r in parsed.rows if r.unit_id == "C12")
    assert corps.lat is not None and corps.lon is not None
    assert haversine_km(*CHITA, corps.lat, corps.lon) < 15


def test_importer_still_refuses_an_unsettled_ambiguity(tmp_path: Path) -> None:
    parsed = parse_file(
        _write(
            tmp_path,
            [
                "M1,1st Moscow Division,division,,55.75,37.62,Moskwa",
                "C12,12th Corps,corps,,,,Czita",
            ],
        )
    )
    assert any("line 3, column place" in p and "ambiguous" in p for p in parsed.problems)
