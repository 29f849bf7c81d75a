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

A new process keeps nothing yet: it starts from the picture kept in the store
(`picture_snapshot`, written by `save` when a meeting opens on a picture read in full), under
the same rules — its version says which facts it folds, and only what was added since is read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.markings import Marking
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner
from liaison.orbat.picture import changed_since, get_picture
from liaison.store.schema.orbat import observation, picture_snapshot
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
    full: bool = False  # read in full from the observations (worth keeping in the store)


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
    if hit is None and valid_at is None:
        hit = _stored(conn, code)  # a new process: the picture kept in the store, if any
    if hit is not None and hit.version == now:
        _keep(key, hit)
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
    full = pic is None
    if pic is None:
        pic = get_picture(conn, code, valid_at, recorded_at)
    _keep(key, _Entry(now, pic, full))
    return _hand_out(pic, recorded_at)


def _keep(key: tuple[str, datetime | None], entry: _Entry) -> None:
    with _lock:
        _cache[key] = entry
        _cache.move_to_end(key)
        while len(_cache) > SIZE:
            _cache.popitem(last=False)


def clear() -> None:
    """Forget every kept picture (tests, and a benchmark of a cold process)."""
    with _lock:
        _cache.clear()


# ---- the picture kept in the store -----------------------------------------------------------
#: The stored form of `units`; bump it when what a picture holds or how it is folded changes
#: (a stored picture of another format is ignored, and replaced when next read in full).
FORMAT = 1


def save(conn: Connection, partner: str) -> bool:
    """Keep in the store this process's picture of `partner` ("as known now") when it was read
    in full and the store holds an older one (a write transaction: a meeting being opened).
    True when written. A picture only brought up to date is not written: the next process
    brings the stored one up to date as cheaply."""
    code = get_partner(conn, partner).code
    with _lock:
        hit = _cache.get((code, None))
    if hit is None or not hit.full:
        return False
    v = hit.version
    row = conn.execute(
        sa.select(
            picture_snapshot.c.format,
            picture_snapshot.c.count,
            picture_snapshot.c.last_id,
            picture_snapshot.c.last_recorded,
            picture_snapshot.c.burns,
            picture_snapshot.c.last_burned,
        ).where(picture_snapshot.c.partner_code == code)
    ).first()
    if row is not None and row.format == FORMAT and Version(*row[1:]) == v:
        return False
    if version(conn, code) != v:  # facts recorded since it was read: not this picture's state
        return False
    values = {
        "format": FORMAT,
        "count": v.count,
        "last_id": v.last_id,
        "last_recorded": v.last_recorded,
        "burns": v.burns,
        "last_burned": v.last_burned,
        "units": _encode(hit.picture),
        "written_at": utcnow(),
    }
    if row is None:
        conn.execute(picture_snapshot.insert().values(partner_code=code, **values))
    else:
        conn.execute(
            picture_snapshot.update().where(picture_snapshot.c.partner_code == code).values(values)
        )
    return True


def _stored(conn: Connection, code: str) -> _Entry | None:
    row = conn.execute(
        sa.select(picture_snapshot).where(
            picture_snapshot.c.partner_code == code, picture_snapshot.c.format == FORMAT
        )
    ).first()
    if row is None:
        return None
    v = Version(row.count, row.last_id, row.last_recorded, row.burns, row.last_burned)
    return _Entry(v, Picture(code, _decode(code, row.units)))


def _encode(pic: Picture) -> str:
    """Every unit as a list of its fields (in `UnitView`'s order, the partner left out); the
    values many units share (echelon, branch, SIDC, source, grading, times, marking) as
    indexes into tables, so that reading it back makes few objects."""
    shared: dict[tuple[str, Any], int] = {}  # ("t", ISO text) for a time, ("v", value) else
    marks: dict[Marking, int] = {}

    def ref(v: Any, kind: str = "v") -> int:
        i = shared.get((kind, v))
        if i is None:
            i = shared[(kind, v)] = len(shared)
        return i

    def mark(m: Marking) -> int:
        i = marks.get(m)
        if i is None:
            i = marks[m] = len(marks)
        return i

    units = [
        [
            u.unit_id,
            u.designation,
            ref(u.echelon),
            ref(u.branch),
            u.parent_id,
            ref(u.sidc),
            u.lat,
            u.lon,
            u.place,
            ref(_time(u.observed_at), "t"),
            ref(_time(u.recorded_at), "t"),
            u.equipment or None,
            u.strength,
            ref(u.source),
            ref(u.reliability),
            u.credibility,
            mark(u.marking),
            u.notes,
            u.observation_id,
            u.burned,
        ]  # fmt: skip
        for u in pic.units.values()
    ]
    return orjson.dumps(
        {
            "shared": [[kind, v] for kind, v in shared],
            "markings": [[m.tlp, list(m.rel_to), m.orcon] for m in marks],
            "units": units,
        }
    ).decode()


def _time(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _decode(code: str, text: str) -> dict[str, UnitView]:
    """`_encode`'s units back: each its own equipment mapping; shared values (text, times,
    markings: immutable) shared."""
    doc = orjson.loads(text)
    shared = [
        datetime.fromisoformat(v) if kind == "t" and v is not None else v
        for kind, v in doc["shared"]
    ]
    marks = [Marking(tlp, tuple(rel_to), orcon) for tlp, rel_to, orcon in doc["markings"]]
    units: dict[str, UnitView] = {}
    for (
        uid, designation, echelon, branch, parent, sidc, lat, lon, place, observed, recorded,
        equipment, strength, src, reliability, credibility, mk, notes, oid, burned,
    ) in doc["units"]:  # fmt: skip
        units[uid] = UnitView(
            code, uid, designation, shared[echelon], shared[branch], parent, shared[sidc], lat,
            lon, place, shared[observed], shared[recorded], equipment or {}, strength,
            shared[src], shared[reliability], credibility, marks[mk], notes, oid, burned,
        )  # fmt: skip
    return units
