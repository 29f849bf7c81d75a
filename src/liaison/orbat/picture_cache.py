"""Pictures kept between reads in one process, by version: a picture that has not changed is not
read again, and one that changed is brought up to date by reading only its changed units.

Reading a partner's whole picture from the store (every observation, folded) is most of the
time of opening a meeting on a large picture; a week later most units have not changed. The
store is append-only for facts, so a partner's picture is known to be unchanged when its
observations and burns are what they were: the same count, the same greatest id and the same
latest recorded time (a copy of a store is the same store up to where they part; ids are
random, so two stores never share a version by chance). When only later observations were
added — everything recorded up to the cached picture's time is still exactly what it was
(same count, same greatest id) — the units they are about are read again and the rest kept.
Anything else (a burn, a fact recorded with an earlier time, a new unit) reads the picture
again in full. Only pictures "as known now" (or at a time after every recorded fact) are kept.

The cached `UnitView`s are shared by the pictures handed out: callers read them, never change
them (each call gets its own `Picture` and units mapping).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.orbat.model import Picture
from liaison.orbat.partners import get_partner
from liaison.orbat.picture import changed_since, get_picture
from liaison.store.schema.orbat import observation
from liaison.store.schema.sources import burned_item

#: Pictures kept (two partners of a few meetings' worth; a 30,000-unit picture is ~50 MB).
SIZE = 4


@dataclass(frozen=True)
class Version:
    count: int
    last_id: Any
    last_recorded: datetime | None
    burns: int
    last_burned: datetime | None


@dataclass(frozen=True)
class _Entry:
    version: Version
    picture: Picture


_cache: OrderedDict[tuple[str, datetime | None], _Entry] = OrderedDict()
_lock = threading.Lock()


def version(conn: Connection, partner: str, upto: datetime | None = None) -> Version:
    """A partner's observations (recorded up to `upto`) and burns, summed up."""
    q = sa.select(
        sa.func.count(), sa.func.max(observation.c.id), sa.func.max(observation.c.recorded_at)
    ).where(observation.c.partner_code == partner)
    if upto is not None:
        q = q.where(observation.c.recorded_at <= upto)
    count, last_id, last_recorded = conn.execute(q).one()
    burns, last_burned = conn.execute(
        sa.select(sa.func.count(), sa.func.max(burned_item.c.burned_at))
        .select_from(burned_item.join(observation, observation.c.id == burned_item.c.item_id))
        .where(burned_item.c.kind == "observation", observation.c.partner_code == partner)
    ).one()
    return Version(int(count), last_id, last_recorded, int(burns), last_burned)


def _hand_out(pic: Picture, recorded_at: datetime | None) -> Picture:
    return Picture(pic.partner, dict(pic.units), pic.valid_at, recorded_at)


def picture(
    conn: Connection,
    partner: str,
    valid_at: datetime | None = None,
    recorded_at: datetime | None = None,
) -> Picture:
    """`get_picture(conn, partner, valid_at, recorded_at)`, from the cache where it holds."""
    code = get_partner(conn, partner).code
    now = version(conn, code)
    if recorded_at is not None and (
        (now.last_recorded is not None and now.last_recorded > recorded_at)
        or (now.last_burned is not None and now.last_burned > recorded_at)
    ):
        return get_picture(conn, code, valid_at, recorded_at)  # a past state: not kept
    key = (code, valid_at)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit.version == now:
        with _lock:
            _cache.move_to_end(key)
        return _hand_out(hit.picture, recorded_at)
    pic = None
    old = hit.version if hit is not None else None
    if (
        hit is not None
        and old is not None
        and old.last_recorded is not None
        and (old.burns, old.last_burned) == (now.burns, now.last_burned)
    ):
        before = version(conn, code, old.last_recorded)
        if (before.count, before.last_id) == (old.count, old.last_id):
            changed = changed_since(conn, code, old.last_recorded)
            if changed <= hit.picture.units.keys():  # a new unit changes the order: read all
                fresh = get_picture(conn, code, valid_at, recorded_at, only=changed)
                units = dict(hit.picture.units)
                for uid in changed:
                    if uid in fresh.units:
                        units[uid] = fresh.units[uid]
                    else:  # every fact of it retracted
                        del units[uid]
                pic = Picture(code, units, valid_at, recorded_at)
    if pic is None:
        pic = get_picture(conn, code, valid_at, recorded_at)
    with _lock:
        _cache[key] = _Entry(now, pic)
        _cache.move_to_end(key)
        while len(_cache) > SIZE:
            _cache.popitem(last=False)
    return _hand_out(pic, recorded_at)


def clear() -> None:
    """Forget every kept picture (tests, and a benchmark of a cold process)."""
    with _lock:
        _cache.clear()
