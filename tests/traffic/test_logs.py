"""Operator logs: a good log is imported whole; a bad one is refused whole, naming line and field."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.core.errors import ConflictError, ValidationError
from liaison.orbat.partners import add_partner
from liaison.store import Store
from liaison.store.schema.traffic import traffic_log, traffic_message
from liaison.traffic import logs, stations

GOOD = """station,heard_at,frequency_khz,call_from,call_to,msg_number,groups,precedence,bearing,bearing_error
Brest,1920-08-01T06:02:00Z,4525.0,k7r,XQ2,1,48,R,71.5,
Brest,1920-08-01T06:05:10Z,4525.1,XQ2,K7R,,,,,
Lwow,1920-08-01T06:02:05Z,4524.9,K7R,XQ2,1,48,PRIORITY,40.0,3
"""


@pytest.fixture
def ready(store: Store) -> Store:
    with store.begin() as conn:
        add_partner(conn, "PL", "Oddział II", is_self=True)
        stations.add_station(conn, "Brest", lat=52.1, lon=23.7, bearing_error=2.0)
        stations.add_station(conn, "Lwow", lat=49.84, lon=24.03, equipment="receiver=3;df=1")
    return store


def _count(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(traffic_message)).scalar())


def test_good_log_imported_with_metadata(ready: Store) -> None:
    with ready.begin() as conn:
        out = logs.import_log(conn, GOOD, name="good.csv")
    assert out["lines"] == 3 and out["bearings"] == 2
    with ready.connect() as conn:
        rows = list(conn.execute(sa.select(traffic_message).order_by(traffic_message.c.line)))
    assert [r.call_from for r in rows] == ["K7R", "XQ2", "K7R"]  # upper-cased
    assert rows[0].precedence == "ROUTINE" and rows[2].precedence == "PRIORITY"
    assert rows[0].bearing_error == 2.0  # the station's stated error
    assert rows[2].bearing_error == 3.0  # the line's own error
    assert rows[1].bearing is None and rows[1].msg_number is None


def test_bad_lines_named_and_nothing_written(ready: Store) -> None:
    bad = GOOD + (
        "Brest,yesterday,4525,K7R,XQ2,2,48,R,,\n"
        "Brest,1920-08-01T07:00:00Z,-5,K7R,XQ2,2,48,R,,\n"
        "Brest,1920-08-01T07:00:00Z,4525,K 7R,XQ2,2,48,X,400,\n"
    )
    with pytest.raises(ValidationError) as exc, ready.begin() as conn:
        logs.import_log(conn, bad, name="bad.csv")
    msg = str(exc.value)
    assert "line 5, field heard_at" in msg
    assert "line 6, field frequency_khz" in msg
    assert "line 7, field call_from" in msg and "line 7, field precedence" in msg
    assert "line 7, field bearing" in msg
    assert _count(ready) == 0


def test_unknown_station_and_missing_error(ready: Store) -> None:
    text = (
        "station,heard_at,frequency_khz,call_from,bearing\n"
        "Wilno,1920-08-01T06:00:00Z,4525,K7R,\n"
        "Lwow,1920-08-01T06:00:00Z,4525,K7R,33\n"
    )
    with pytest.raises(ValidationError) as exc, ready.begin() as conn:
        logs.import_log(conn, text)
    assert "line 2, field station: 'Wilno'" in str(exc.value)
    assert "line 3, field bearing_error" in str(exc.value)
    assert _count(ready) == 0


def test_header_checked(ready: Store) -> None:
    with pytest.raises(ValidationError, match="unknown column.*freq") as exc, ready.begin() as conn:
        logs.import_log(conn, "station,heard_at,freq,call_from\n")
    assert "missing column(s) frequency_khz" in str(exc.value)
    with pytest.raises(ValidationError, match="empty"), ready.begin() as conn:
        logs.import_log(conn, "")


def test_same_log_twice_refused(ready: Store) -> None:
    with ready.begin() as conn:
        logs.import_log(conn, GOOD)
    with pytest.raises(ConflictError, match="already imported"), ready.begin() as conn:
        logs.import_log(conn, GOOD)
    with ready.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(traffic_log)).scalar() == 1
    assert _count(ready) == 3


def test_station_needs_a_position(ready: Store) -> None:
    with pytest.raises(ValidationError, match="needs a position"), ready.begin() as conn:
        stations.add_station(conn, "Nowhere")
    with pytest.raises(ValidationError, match="latitude"), ready.begin() as conn:
        stations.add_station(conn, "Pole", lat=95, lon=0)
    with pytest.raises(ConflictError), ready.begin() as conn:
        stations.add_station(conn, "Brest", lat=52.1, lon=23.7)
    with ready.begin() as conn:
        st = stations.add_station(conn, "Warszawa", place="Warszawa", equipment="receiver=4")
    assert abs(st.lat - 52.23) < 0.2 and abs(st.lon - 21.01) < 0.2
    assert st.equipment == {"receiver": 4}
