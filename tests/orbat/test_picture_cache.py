"""Pictures kept between reads by version (orbat/picture_cache): every read gives what a full
read of the store gives — unchanged, after new observations (read for those units only), after
a retraction, a burn, a new unit, a fact recorded with an earlier time, a rolled-back write, and
in another store with the same partner codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from liaison.core.clock import utcnow
from liaison.orbat import observe, picture_cache, scenario
from liaison.orbat.model import Picture
from liaison.orbat.picture import get_picture
from liaison.store import Store
from liaison.store.schema.sources import burned_item, source_burn

WEEK = datetime(1938, 7, 1, tzinfo=UTC)


def _same(a: Picture, b: Picture) -> None:
    assert list(a.units) == list(b.units)
    for uid, u in a.units.items():
        assert u == b.units[uid], uid


def _check(conn: sa.Connection, code: str) -> Picture:
    pic = picture_cache.picture(conn, code)
    _same(pic, get_picture(conn, code))
    return pic


@pytest.fixture
def demo(store: Store) -> Store:
    picture_cache.clear()
    with store.begin() as conn:
        scenario.load_demo(conn)
    return store


def test_kept_pictures_equal_full_reads(demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Any] = []
    real = picture_cache.get_picture

    def counting(conn: Any, code: str, *a: Any, only: Any = None, **k: Any) -> Picture:
        reads.append(only)
        return real(conn, code, *a, only=only, **k)

    monkeypatch.setattr(picture_cache, "get_picture", counting)
    with demo.begin() as conn:
        first = _check(conn, "JP")
        assert reads == [None]  # read in full once …
        _check(conn, "JP")
        assert reads == [None]  # … and not again while nothing changed
        handed = picture_cache.picture(conn, "JP")
        handed.units.clear()  # a caller's own mapping: the kept picture is untouched
        _check(conn, "JP")
        uid = sorted(first.units)[3]
        observe.record(conn, "JP", uid, valid_at=WEEK, strength=123)
        pic = _check(conn, "JP")
        assert reads[-1] == {uid}  # only the changed unit is read again
        assert pic.units[uid].strength == 123
        # a retraction of that fact: the unit is read again, its strength as before
        oid = pic.units[uid].observation_id
        observe.retract(conn, oid, "wrong", recorded_at=None)
        _check(conn, "JP")
        assert reads[-1] == {uid}
        # a new unit: the order of the picture changes, read in full
        observe.record(conn, "JP", "ZZ-NEW", valid_at=WEEK, designation="99th Rifle Division")
        assert "ZZ-NEW" in _check(conn, "JP").units
        assert reads[-1] is None
        # a fact recorded with an earlier time than the kept picture's: read in full
        observe.record(
            conn, "JP", uid, valid_at=WEEK + timedelta(days=1), strength=7,
            recorded_at=utcnow() - timedelta(days=30),
        )  # fmt: skip
        assert _check(conn, "JP").units[uid].strength == 7
        assert reads[-1] is None


def test_a_burn_a_rollback_and_another_store(demo: Store, tmp_path: Any) -> None:
    with demo.begin() as conn:
        pic = _check(conn, "JP")
        uid = sorted(pic.units)[0]
        oid = pic.units[uid].observation_id
        conn.execute(
            source_burn.insert().values(
                id="b1", partner_code="JP", reliability="E", reason="t", burned_at=utcnow()
            )
        )
        conn.execute(
            burned_item.insert().values(
                burn_id="b1", kind="observation", item_id=oid, reliability="E",
                burned_at=utcnow(),
            )
        )  # fmt: skip
        assert _check(conn, "JP").units[uid].reliability == "E"
    # a write rolled back after the picture was read with it: not served afterwards
    with demo.connect() as conn:
        trans = conn.begin()
        observe.record(conn, "JP", uid, valid_at=WEEK, strength=5)
        assert picture_cache.picture(conn, "JP").units[uid].strength == 5
        trans.rollback()
    with demo.begin() as conn:
        assert _check(conn, "JP").units[uid].strength != 5
    # another store with the same partners and scenario: its own picture
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with other.begin() as conn:
            scenario.load_demo(conn)
            observe.record(conn, "JP", uid, valid_at=WEEK, strength=77)
            assert _check(conn, "JP").units[uid].strength == 77
        with demo.begin() as conn:
            assert _check(conn, "JP").units[uid].strength != 77
    finally:
        other.dispose()


def test_a_new_process_starts_from_the_picture_kept_in_the_store(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from liaison.store.schema.orbat import picture_snapshot

    reads: list[Any] = []
    real = picture_cache.get_picture

    def counting(conn: Any, code: str, *a: Any, only: Any = None, **k: Any) -> Picture:
        reads.append(only)
        return real(conn, code, *a, only=only, **k)

    monkeypatch.setattr(picture_cache, "get_picture", counting)
    with demo.begin() as conn:
        pic = _check(conn, "JP")
        assert picture_cache.save(conn, "JP")  # read in full: kept in the store …
        assert not picture_cache.save(conn, "JP")  # … once
        assert not picture_cache.save(conn, "PL")  # nothing read of PL in this process
    picture_cache.clear()  # a new process
    with demo.begin() as conn:
        reads.clear()
        _check(conn, "JP")
        assert reads == []  # nothing read: the stored picture is current
        uid = sorted(pic.units)[2]
        observe.record(conn, "JP", uid, valid_at=WEEK, strength=321, equipment={"T-26": 3})
    picture_cache.clear()
    with demo.begin() as conn:
        reads.clear()
        got = _check(conn, "JP")
        assert reads == [{uid}]  # only the unit changed since the stored picture
        assert got.units[uid].strength == 321 and got.units[uid].equipment == {"T-26": 3}
        assert not picture_cache.save(conn, "JP")  # brought up to date only: not written
        # a burn re-grades without a new observation: read in full, and kept again
        oid = got.units[uid].observation_id
        conn.execute(
            source_burn.insert().values(
                id="b2", partner_code="JP", reliability="E", reason="t", burned_at=utcnow()
            )
        )
        conn.execute(
            burned_item.insert().values(
                burn_id="b2", kind="observation", item_id=oid, reliability="E",
                burned_at=utcnow(),
            )
        )  # fmt: skip
    picture_cache.clear()
    with demo.begin() as conn:
        reads.clear()
        assert _check(conn, "JP").units[uid].reliability == "E"
        assert reads == [None]
        assert picture_cache.save(conn, "JP")
        # a stored picture of another format is not used
        conn.execute(picture_snapshot.update().values(format=picture_cache.FORMAT + 1))
    picture_cache.clear()
    with demo.begin() as conn:
        reads.clear()
        _check(conn, "JP")
        assert reads == [None]
