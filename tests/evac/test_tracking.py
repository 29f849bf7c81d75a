from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from liaison.core.errors import ValidationError
from liaison.evac import people, routes, tracking
from liaison.store import Store

DATA = Path(__file__).parents[2] / "src/liaison/data/evac"
T = datetime(1940, 8, 20, 12, tzinfo=UTC)


def _key(store: Store) -> list[tuple]:
    with store.connect() as conn:
        return sorted((e.device, e.seq, e.subject, e.kind, e.at) for e in tracking.events(conn))


def test_two_devices_sync_without_loss_or_duplication(store: Store, tmp_path: Path) -> None:
    other = Store(f"sqlite:///{tmp_path / 'vladivostok.db'}")
    with store.begin() as conn:
        tracking.record(conn, "moscow", "F01", "departed", "Moscow", T, "T-0803")
        tracking.record(conn, "moscow", "F03", "crossed", "Manzhouli", T + timedelta(hours=1))
    with other.begin() as conn:
        tracking.record(conn, "vladivostok", "F02", "arrived", "Vladivostok", T)
    a_log, b_log = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    with store.begin() as conn:
        assert tracking.export_log(conn, a_log) == 2
    with other.begin() as conn:
        assert tracking.import_log(conn, a_log).new == 2
        tracking.export_log(conn, b_log)
        # the device keeps numbering its own events after a sync
        assert tracking.record(conn, "vladivostok", "F01", "arrived", "Vladivostok", T).seq == 2
        tracking.export_log(conn, b_log)
    with store.begin() as conn:
        rep = tracking.import_log(conn, b_log)
    assert (rep.new, rep.known) == (2, 2)
    with store.begin() as conn:
        assert tracking.import_log(conn, b_log).new == 0  # idempotent
    assert _key(store) == _key(other) and len(_key(store)) == 4
    other.dispose()


def test_import_refuses_conflicts_and_bad_lines_all_or_nothing(
    store: Store, tmp_path: Path
) -> None:
    with store.begin() as conn:
        tracking.record(conn, "d1", "F01", "departed", "Kaunas", T)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"device":"d2","seq":1,"at":"1940-08-20T12:00:00Z","subject":"F2","kind":"arrived","place":"Kobe"}\n'
        '{"device":"d1","seq":1,"at":"1940-08-20T12:00:00Z","subject":"F9","kind":"departed","place":"Kaunas"}\n'
        '{"device":"d2","seq":2,"at":"yesterday","subject":"F2","kind":"arrived","place":"Kobe"}\n'
        '{"device":"d2","seq":3,"at":"1940-08-20","subject":"F2","kind":"flew","place":"Kobe"}\n'
    )
    with pytest.raises(ValidationError) as e, store.begin() as conn:
        tracking.import_log(conn, bad)
    msg = str(e.value)
    assert "line 2: event d1/1 is already held with other content" in msg
    assert "line 3: field at" in msg and "line 4: field kind" in msg
    assert len(_key(store)) == 1


def test_dashboard(store: Store) -> None:
    with store.begin() as conn:
        people.import_persons(conn, DATA / "persons.csv")
        routes.import_departures(conn, DATA / "departures.csv")
        routes.plan(conn, date(1940, 8, 1), date(1940, 9, 30), save=True)
        plan = tracking.latest_plan(conn)
        assert plan["F01"][0] == (0, "R-0801")
        tracking.record(conn, "kobe", "F01", "arrived", "Kobe", T)
        tracking.record(conn, "moscow", "F02", "departed", "Moscow", T, "T-0810")
        tracking.record(conn, "vlad", "K005", "departed", "Vladivostok", T, "S-0815")
        tracking.record(conn, "kaunas", "K003", "departed", "Kaunas", T - timedelta(days=20))
        tracking.record(conn, "moscow", "K003", "arrived", "Moscow", T - timedelta(days=18))
        board = tracking.status(conn, date(1940, 8, 18), people.travel_groups(conn))
    assert board["destination"] == "Kobe"
    assert board["arrived"] == {"groups": ["F01"], "people": 3}  # K003 is in F01, seen later
    legs = {x["leg"]: x for x in board["by_leg"]}
    assert legs[1]["groups"] == ["F02"] and legs[1]["people"] == 1
    assert legs[2]["groups"] == ["K005"]
    overdue = {o["subject"]: o for o in board["overdue"]}
    # K005's ship was due on the 17th; planned arrivals on the 18th are not late yet
    assert set(overdue) == {"K005"} and overdue["K005"]["expected"] == "1940-08-17"
    with store.connect() as conn:
        later = tracking.status(conn, date(1940, 8, 19), people.travel_groups(conn))
    assert "F03" in {o["subject"] for o in later["overdue"]}  # due in Kobe on the 18th
    assert "F03" in board["waiting"]["groups"]
    assert board["events"] == 5
