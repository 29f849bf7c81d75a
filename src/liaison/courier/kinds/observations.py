"""Units and their observations: the released picture, the bulk of every pouch.

Collected from our picture as of the sealing time — only the units that changed since the
watermark (and their parents, whose releasability decides the parent link) when few changed —
and filtered by `policy.release`. They sit at the payload's top level (`units`, with the number
withheld in `withheld`), written by the fast canonical writer.

Received records are imported as the sender's picture in one pass, built for the import-rate
target: every record's fields read with one `itemgetter` call, every field type-checked (a bad one
refuses the pouch with a message naming it), each distinct time, marking, echelon, branch, SIDC,
grading and equipment table parsed, checked and JSON-encoded once, fingerprints written directly
(same bytes as `orbat.observe.fingerprint`), ids made in bulk, rows written as multi-row statements
(`courier.bulk`). Re-sent facts are recognised by their fingerprint and not stored twice.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.markings import TLP_LEVELS
from liaison.courier import origin
from liaison.courier.bulk import Batch, bulk_insert, new_ids
from liaison.courier.canonical import canonical_records
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing
from liaison.courier.policy import release
from liaison.courier.records import PouchRejected
from liaison.orbat.observe import FACTS as FACT_COLS
from liaison.orbat.observe import unit_ids
from liaison.orbat.picture import changed_since, get_picture
from liaison.store.schema.orbat import observation, unit

INCREMENTAL_LIMIT = 5_000  # above this many changed units, fold the whole picture in one pass


def collect(out: Outgoing) -> Collected:
    """The released units: the changed ones since the watermark, or the whole picture."""
    conn, me, now = out.conn, out.me, out.now
    changed = None
    if out.since is not None:
        changed = changed_since(conn, me, out.since, now)
    if changed is not None and len(changed) <= INCREMENTAL_LIMIT:
        # only the changed units and their parents (whose releasability decides the parent link)
        pic = get_picture(conn, me, recorded_at=now, only=changed, regrade=False)
        parents = {u.parent_id for u in pic.units.values() if u.parent_id} - set(pic.units)
        if parents:
            pic.units.update(
                get_picture(conn, me, recorded_at=now, only=parents, regrade=False).units
            )
    else:
        # as graded when observed: a burn's re-grading travels in its notice (`kinds.burns`)
        pic = get_picture(conn, me, recorded_at=now, regrade=False)
    units, withheld = release(pic, out.policy, changed)
    return Collected(units, {"units": withheld})


def receive(inc: Incoming, units: Any) -> dict[str, int]:
    """Import the received units; {"units": how many, "new_observations": how many were new}."""
    try:
        # every record an object with a unit id and a designation (dict.get refuses a non-object)
        ok = isinstance(units, list) and all(map(dict.get, units, repeat("unit_id")))
        ok = ok and all(map(dict.get, units, repeat("designation")))
    except TypeError:
        ok = False
    if not ok:
        raise PouchRejected("malformed", "the payload is not a list of units")
    seal = inc.cache.get("origin-batch")
    leaves = origin.check_units(inc, units, seal)
    batch = origin.keep_batch(inc, seal, leaves) if seal is not None and units else None
    n = receive_units(inc.conn, inc.sender, units, inc.created, batch=batch)
    return {"units": len(units), "new_observations": n}


# What each prepared observation row holds, in order; the columns that are the same for every
# row of an import (partner, recording time, ORCON, and what a received fact never has) are set
# once per batch instead (`Batch.fixed`).
_OBS_COLS = ("id", "unit_id", "valid_at", "tlp", "rel_to", "fingerprint", *FACT_COLS)
_UNIT_COLS = ("id", "local_id")
_enc = json.encoder.encode_basestring  # the C string encoder json.dumps uses (ensure_ascii=False)


def _s(v: Any) -> str:
    """A string-or-null field, JSON-encoded; anything else is a malformed record."""
    if v is None:
        return "null"
    if type(v) is not str:
        raise TypeError
    return _enc(v)


def fast_fingerprint(f: dict[str, Any], observed_at: str, tlp: str, rel_to: list[str]) -> str:
    """`orbat.observe.fingerprint` of a received record (no source, no ORCON), the same bytes
    written out directly instead of through json.dumps — checked against it in the tests."""
    eq = f["equipment"]
    return _fp(
        _s(f["branch"]),
        f["credibility"],
        f["designation"],
        _s(f["echelon"]),
        "null" if eq is None else _eq_text(eq),
        f["lat"],
        f["lon"],
        f["notes"],
        _enc(observed_at),
        f["parent_local_id"],
        f["place"],
        _rel_text(rel_to),
        _s(f["reliability"]),
        _s(f["sidc"]),
        f["strength"],
        _enc(tlp),
    )


def _eq_text(eq: dict[str, int]) -> str:
    """json.dumps(eq, sort_keys=True, ensure_ascii=False) of checked {str: int}: the fingerprint's
    piece, and on SQLite the stored column too."""
    return "{" + ", ".join([f"{_enc(k)}: {int.__repr__(n)}" for k, n in sorted(eq.items())]) + "}"


def _rel_text(rel_to: list[str]) -> str:
    return "[" + ", ".join(map(_enc, rel_to)) + "]"


def _fp(
    br: str,
    cred: int | None,
    des: str,
    ech: str,
    eq: str,
    lat: float | None,
    lon: float | None,
    notes: str | None,
    observed_at: str,
    parent: str,
    place: str | None,
    rel_to: str,
    rel: str,
    sidc: str,
    st: int | None,
    tlp: str,
) -> str:
    """The fingerprint from its pieces, in key order; `br`, `ech`, `eq`, `observed_at`, `rel_to`,
    `rel`, `sidc` and `tlp` come already JSON-encoded (the import encodes each distinct value
    once), the rest raw."""
    text = (
        f'{{"branch": {br}, '
        f'"credibility": {"null" if cred is None else int.__repr__(cred)}, '
        f'"designation": {_enc(des)}, "echelon": {ech}, "equipment": {eq}, '
        f'"lat": {"null" if lat is None else float.__repr__(lat)}, '
        f'"lon": {"null" if lon is None else float.__repr__(lon)}, '
        f'"notes": {"null" if notes is None else _enc(notes)}, '
        f'"observed_at": {observed_at}, "orcon": false, '
        f'"parent_local_id": {_enc(parent)}, '
        f'"place": {"null" if place is None else _enc(place)}, '
        f'"rel_to": {rel_to}, "reliability": {rel}, "sidc": {sidc}, "source": null, '
        f'"strength": {"null" if st is None else int.__repr__(st)}, "tlp": {tlp}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def receive_units(
    conn: Connection,
    partner: str,
    units: list[dict[str, Any]],
    created: datetime,
    *,
    batch: str | None = None,
) -> int:
    """Record the received units as the sender's picture (idempotent, like a unit-file import).

    Built for the import-rate target: the rows are prepared in one pass over the records
    (`_rows`) and written in big batches (`bulk_insert`). All inside the caller's
    transaction."""
    ids = unit_ids(conn, partner)
    existing: set[tuple[str, str]] = set()
    if ids:
        q = sa.select(observation.c.unit_id, observation.c.fingerprint).where(
            observation.c.partner_code == partner
        )
        mine = [ids[str(u["unit_id"])] for u in units if str(u.get("unit_id")) in ids]
        if len(mine) <= INCREMENTAL_LIMIT:  # a small pouch: look up only its units' facts
            q = q.where(observation.c.unit_id.in_(mine))
        existing = {(r.unit_id, r.fingerprint) for r in conn.execute(q)}
    new_units, new_obs = _rows(units, ids, existing, _Stored.of(conn, partner, created, batch))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MiB: index pages stay in memory
    bulk_insert(conn, unit, new_units)
    bulk_insert(conn, observation, new_obs)
    return len(new_obs.rows)


@dataclass(frozen=True)
class _Stored:
    """How values are stored on this connection — on SQLite, times already in the driver's text
    form (the rows go straight to the driver); elsewhere as they are, for SQLAlchemy Core — and
    the values every row of this import shares."""

    sqlite: bool
    to_db: Callable[[datetime], Any]
    created: tuple[Any, str]  # the pouch's creation time: stored form, JSON-encoded ISO text
    unit_fixed: dict[str, Any]
    obs_fixed: dict[str, Any]

    @classmethod
    def of(
        cls, conn: Connection, partner: str, created: datetime, batch: str | None = None
    ) -> _Stored:
        sqlite = conn.dialect.name == "sqlite"
        proc = observation.c.valid_at.type._cached_bind_processor(conn.dialect) if sqlite else None
        to_db: Callable[[datetime], Any] = proc if proc else _same
        now = to_db(utcnow())
        obs = {"partner_code": partner, "recorded_at": now, "orcon": 0 if sqlite else False}
        obs |= {"source_id": None, "batch": batch, "retracts": None}  # batch: the origin seal
        return cls(
            sqlite,
            to_db,
            (to_db(created), _enc(iso(created) or "")),
            {"partner_code": partner, "created_at": now},
            obs,
        )


def _same(t: datetime) -> datetime:
    return t


_Rows = tuple[Batch, Batch]


def _rows(
    units: list[dict[str, Any]],
    ids: dict[str, str],
    existing: set[tuple[str, str]],
    cv: _Stored,
) -> _Rows:
    """(new units, new observations) as prepared rows, in one pass over the records: every
    field type-checked (a bad one refuses the pouch, naming it, never a crash), each distinct
    time, marking, equipment table and string field converted and JSON-encoded once, the
    fingerprint written directly (`_fp`), ids made in bulk (`new_ids`), facts already held or
    repeated in the pouch left out. `ids` gains the new units."""
    stored = cv.to_db
    times: dict[Any, tuple[Any, str]] = {}  # observed_at as sent → (stored, JSON-encoded ISO)
    markings: dict[Any, tuple[str, str, str, str]] = {}  # → (tlp, stored rel_to, encoded both)
    equipment: dict[tuple[Any, ...], tuple[dict[str, int], str]] = {}  # → (checked, JSON text)
    # the JSON text of each distinct echelon, branch, SIDC and grading
    enc: dict[Any, str] = {None: "null"}
    created_t = cv.created
    sqlite = cv.sqlite
    fresh = iter(new_ids(2 * len(units) + 1))
    new_units: list[tuple[Any, ...]] = []
    new_obs: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    str_, int_, float_ = str, int, float
    for u in units:
        try:
            try:
                (
                    obs_at, mk, des, ech, br, sidc, place, rel, notes, parent,
                    lat, lon, eq, st, cred, local,
                ) = _fields(u)  # fmt: skip
            except KeyError:  # a field left out counts as null, as with .get
                g = u.get
                (
                    obs_at, mk, des, ech, br, sidc, place, rel, notes, parent,
                    lat, lon, eq, st, cred, local,
                ) = [g(k) for k in _FIELDS]  # fmt: skip
                des, local = u["designation"], u["unit_id"]
            if obs_at:
                t = times.get(obs_at)
                if t is None:
                    v = parse_time(obs_at)
                    t = times[obs_at] = (stored(v), _enc(iso(v) or ""))
            else:
                t = created_t
            mk = mk or {}
            tlp = mk.get("tlp")
            rt = mk.get("rel_to")
            mkey = (tlp, *rt) if rt else tlp
            m = markings.get(mkey)
            if m is None:
                tlp = tlp if tlp in TLP_LEVELS else "AMBER"
                rel_to = [str_(x) for x in rt or ()]
                m = markings[mkey] = (tlp, ",".join(rel_to), _enc(tlp), _rel_text(rel_to))
            parent = parent or ""
            if type(des) is not str_ or type(parent) is not str_:
                raise TypeError
            if place is not None and type(place) is not str_:
                raise TypeError
            if notes is not None and type(notes) is not str_:
                raise TypeError
            ech_e = enc.get(ech) or _enc_new(enc, ech)
            br_e = enc.get(br) or _enc_new(enc, br)
            sidc_e = enc.get(sidc) or _enc_new(enc, sidc)
            rel_e = enc.get(rel) or _enc_new(enc, rel)
            if lat is not None:
                lat = float_(lat)
                if not -90 <= lat <= 90:  # also refuses NaN
                    raise ValueError
            if lon is not None:
                lon = float_(lon)
                if not -180 <= lon <= 180:
                    raise ValueError
            if eq:
                ekey = tuple(eq.items())  # tables of equipment repeat: check each once
                hit = equipment.get(ekey)
                if hit is None:
                    eq = {str_(k): int_(n) for k, n in ekey}
                    for n in eq.values():
                        if not 0 <= n <= 1_000_000_000:
                            raise ValueError
                    hit = equipment[ekey] = (eq, _eq_text(eq))
                eq, eq_e = hit
            else:
                eq = None
                eq_e = "null"
            if st is not None:
                st = int_(st)
                if not 0 <= st <= 1_000_000_000:
                    raise ValueError
            if cred is not None and (type(cred) is not int_ or not 1 <= cred <= 6):
                raise ValueError
            fp = _fp(
                br_e, cred, des, ech_e, eq_e, lat, lon, notes, t[1], parent, place, m[3],
                rel_e, sidc_e, st, m[2],
            )  # fmt: skip
            local = str_(local)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            raise PouchRejected(
                "malformed",
                f"unit {u.get('unit_id') if isinstance(u, dict) else u!r:.80} in the payload: "
                f"{_bad_field(u)}",
            ) from None
        internal = ids.get(local)
        if internal is None:
            internal = ids[local] = next(fresh)
            new_units.append((internal, local))
        elif (internal, fp) in existing:
            continue
        key = (internal, fp)
        if key in seen:  # the same record twice in one pouch
            continue
        seen.add(key)
        new_obs.append(
            (
                next(fresh), internal, t[0], m[0], m[1], fp, des, ech, br, parent, sidc, lat,
                lon, place, eq_e if sqlite and eq is not None else eq, st, rel, cred, notes,
            )
        )  # fmt: skip
    return (
        Batch(_UNIT_COLS, new_units, cv.unit_fixed),
        Batch(_OBS_COLS, new_obs, cv.obs_fixed),
    )


def _enc_new(enc: dict[Any, str], x: Any) -> str:
    """JSON text of a string-or-null field, remembered; anything else is a malformed record."""
    if type(x) is not str:
        raise TypeError
    out = enc[x] = _enc(x)
    return out


_FIELDS = (
    "observed_at",
    "marking",
    "designation",
    "echelon",
    "branch",
    "sidc",
    "place",
    "source_reliability",
    "notes",
    "parent_id",
    "lat",
    "lon",
    "equipment",
    "strength",
    "info_credibility",
    "unit_id",
)
_fields = operator.itemgetter(*_FIELDS)  # one C call for a record with every field present
_STR_FIELDS = ("echelon", "branch", "sidc", "place", "source_reliability", "notes")


def _bad_field(u: Any) -> str:
    """Which field of a refused record is wrong, for the message (only on the error path)."""
    if not isinstance(u, dict):
        return "not an object"
    checks: list[tuple[str, Any]] = [
        ("unit_id", lambda v: isinstance(v, str) and v),
        ("designation", lambda v: isinstance(v, str) and v),
        ("parent_id", lambda v: v is None or isinstance(v, str)),
        *((f, lambda v: v is None or isinstance(v, str)) for f in _STR_FIELDS),
        ("observed_at", lambda v: not v or (isinstance(v, str) and _parses(v))),
        ("marking", lambda v: v is None or (isinstance(v, dict) and _marking_ok(v))),
        ("lat", lambda v: v is None or _in(v, -90, 90)),
        ("lon", lambda v: v is None or _in(v, -180, 180)),
        ("strength", lambda v: v is None or _in(v, 0, 1_000_000_000, whole=True)),
        ("info_credibility", lambda v: v is None or (type(v) is int and 1 <= v <= 6)),
        ("equipment", lambda v: not v or (isinstance(v, dict) and all(
            isinstance(k, str) and _in(n, 0, 1_000_000_000, whole=True) for k, n in v.items()
        ))),
    ]  # fmt: skip
    for name, ok in checks:
        try:
            good = ok(u.get(name))
        except Exception:  # noqa: BLE001 - any failure of the check is a bad field
            good = False
        if not good:
            return f"bad {name}: {u.get(name)!r:.80}"
    return "a bad field"


def _parses(v: str) -> bool:
    try:
        parse_time(v)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _marking_ok(mk: dict[str, Any]) -> bool:
    rt = mk.get("rel_to")
    return rt is None or (
        isinstance(rt, list) and all(isinstance(x, (str, int, float)) for x in rt)
    )


def _in(v: Any, lo: float, hi: float, *, whole: bool = False) -> bool:
    try:
        x = int(v) if whole else float(v)
    except (ValueError, TypeError, OverflowError):
        return False
    return bool(lo <= x <= hi)


# Registered in `courier.registry`: the payload's top-level "units", written by the fast writer.
KIND = Kind("units", "payload", collect, receive, encode=canonical_records)
