"""Search across scripts: "Спасск", "Spassk" and "スパスク" find the same units."""

from __future__ import annotations

from liaison.orbat.model import Picture, UnitView
from liaison.orbat.search import search


def pictures() -> list[Picture]:
    pl = Picture(
        "PL",
        {
            "pl-1": UnitView(
                "PL", "pl-1", "1 Armia", echelon="army", lat=44.60, lon=132.82, place="Spassk"
            ),
            "pl-2": UnitView(
                "PL", "pl-2", "5 Dywizja Strzelców", lat=52.03, lon=113.50, place="Czita"
            ),
            "pl-3": UnitView("PL", "pl-3", "3 Brygada Pancerna", lat=43.12, lon=131.90),
        },
    )
    jp = Picture(
        "JP",
        {
            "jp-1": UnitView("JP", "jp-1", "第1軍", lat=44.58, lon=132.80, place="スパスク"),
            "jp-5": UnitView("JP", "jp-5", "第5師団", lat=52.05, lon=113.47, place="チタ"),
        },
    )
    ru = Picture("RU", {"ru-1": UnitView("RU", "ru-1", "1-я армия", place="Спасск-Дальний")})
    return [pl, jp, ru]


def ids(q: str) -> set[str]:
    return {h.unit_id for h in search(pictures(), q)}


def test_a_place_in_three_scripts_finds_the_same_units() -> None:
    found = [ids(q) for q in ("Спасск", "Spassk", "スパスク", "Spassk-Dalny")]
    assert found[0] == found[1] == found[2] == found[3]
    assert {"pl-1", "jp-1"} <= found[0] and "pl-3" not in found[0]


def test_a_designation_in_any_language_finds_each_partners_unit() -> None:
    assert ids("5 dywizja") == {"pl-2", "jp-5"}
    assert {"pl-1", "jp-1", "ru-1"} <= ids("1-я армия")
    assert "pl-3" not in ids("1-я армия")


def test_chita_in_polish_russian_and_japanese() -> None:
    assert ids("Czita") == ids("Чита") == ids("チタ") == {"pl-2", "jp-5"}


def test_hits_say_why_and_short_or_empty_queries_find_nothing() -> None:
    (hit, *_rest) = search(pictures(), "Spassk")
    assert hit.why and any("km of" in w or w == "text" for w in hit.why)
    assert search(pictures(), "") == [] and search(pictures(), "x") == []
    assert search(pictures(), "Zzyzx-nowhere") == []
