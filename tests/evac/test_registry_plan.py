from datetime import date, timedelta
from pathlib import Path

import pytest

from liaison.core.errors import SecurityError, ValidationError
from liaison.evac import duplicates, planner, registry

HEADER = "person_id,surname,given_names,birth_date,family_id,guardian_id,status\n"


def test_csv_roundtrip_and_role(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text(
        HEADER + "P1,Wąsowicz,Łucja,1915-02-01,F1,,registered\n"
        "P2,Шапиро,Рахиль,1932-05-06,,P1,registered\n",
        encoding="utf-8",
    )
    people = registry.read_csv(src)
    assert [p.surname_icao for p in people] == ["WASOWICZ", "SHAPIRO"]
    out = tmp_path / "out.csv"
    with pytest.raises(SecurityError):
        registry.write_csv(people, out, actor="x", role="checkpoint")
    assert not out.exists()
    registry.write_csv(people, out, actor="x", role="registrar")
    again = registry.read_csv(out)
    assert [(p.person_id, p.surname, p.given_names_icao) for p in again] == [
        ("P1", "Wąsowicz", "LUCJA"),
        ("P2", "Шапиро", "RAKHIL"),
    ]


def test_csv_all_errors_named(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(HEADER + "P1,A,B,1915-13-01,,,registered\nP1,,C,1920-01-01,,P9,flying\n")
    with pytest.raises(ValidationError) as e:
        registry.read_csv(src)
    msg = str(e.value)
    assert "line 2: column birth_date" in msg
    assert "line 3: column surname: empty" in msg
    assert "line 3: column person_id: duplicate" in msg
    assert "line 3: column status" in msg


def test_unaccompanied_children() -> None:
    kid = registry.Person("K", "Kowal", "Ania", date(1933, 1, 1), family_id="F9")
    mum = registry.Person("M", "Kowal", "Ewa", date(1905, 1, 1), family_id="F1")
    alone = registry.Person("A", "Lis", "Jan", date(1934, 1, 1))
    guarded = registry.Person("G", "Lis", "Ola", date(1934, 1, 1), guardian_id="M")
    got = registry.unaccompanied([kid, mum, alone, guarded], date(1940, 8, 1))
    assert [p.person_id for p in got] == ["K", "A"]


def test_duplicates_across_scripts_never_merged() -> None:
    d = date(1921, 3, 4)
    people = [
        registry.Person("1", "Szapiro", "Rachel", d),
        registry.Person("2", "Шапиро", "Рахиль", d),
        registry.Person("3", "Kowalski", "Rachel", d),
    ]
    cands = duplicates.candidates(people)
    assert [(c.a, c.b) for c in cands] == [("1", "2")]
    m = duplicates.Merges()
    m.merge("1", "2")
    assert m.canonical("2") == "1"
    m.undo("2")
    assert m.canonical("2") == "2"


def _net(seats: int = 4):
    d0 = date(1940, 8, 1)
    deps = []
    for k in range(5):
        day = d0 + timedelta(days=3 * k)
        deps.append(planner.Departure(f"R{k}", 0, day, day + timedelta(days=10), seats))
        deps.append(
            planner.Departure(
                f"S{k}", 1, day + timedelta(days=11), day + timedelta(days=13), seats, "ship"
            )
        )
    return d0, deps


def test_greedy_keeps_families_and_explains() -> None:
    d0, deps = _net()
    groups = [
        planner.Group("fam3", 3, d0, d0 + timedelta(days=40)),
        planner.Group("fam2", 2, d0, d0 + timedelta(days=40)),
        planner.Group("late", 1, d0, d0 + timedelta(days=5)),
        planner.Group("big", 5, d0, d0 + timedelta(days=40)),
    ]
    plan = planner.greedy(groups, deps)
    assert plan.assigned["fam3"] == ["R0", "S0"]
    assert plan.assigned["fam2"] == ["R1", "S1"]  # not split across R0
    assert plan.left["late"].startswith("no itinerary")
    assert plan.left["big"].startswith("no seats")
    opt = planner.optimal(groups, deps)
    assert opt.placed_people == 5 and opt.gap is not None and set(opt.left) == {"late", "big"}


def test_optimal_beats_greedy_when_greedy_blocks() -> None:
    d0 = date(1940, 8, 1)
    deps = [
        planner.Departure("A", 0, d0, d0 + timedelta(days=1), 3),
        planner.Departure("B", 0, d0 + timedelta(days=2), d0 + timedelta(days=3), 2),
    ]
    groups = [
        planner.Group("two", 2, d0, d0 + timedelta(days=9)),  # sorted first by expiry? no: later
        planner.Group("three", 3, d0, d0 + timedelta(days=1)),
        planner.Group("two_b", 2, d0, d0 + timedelta(days=9)),
    ]
    opt = planner.optimal(groups, deps)
    assert opt.placed_people == 5
