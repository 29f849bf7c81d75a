"""The meeting over time and between two sides: memory, the shared queue, positions, agreed picture.

Memory: each discrepancy has a key that names it across meetings and across both stores
(`memory_key`: kind and the units by partner code, never "ours"/"theirs") and the facts it is
about (`item_facts`). A meeting starts from the last one: a discrepancy settled there whose facts
are unchanged is carried as settled (not raised again); one whose facts changed is raised again,
marked with what changed; deferred and disputed ones are raised again, marked so.

Both sides: the queue is computed in the host's orientation (host = "ours" of `reconcile`) from
the two pictures as each side released them to the other, so the guest recomputes the very same
queue and compares digests (`queue_digest`). The guest stores it in its own orientation (its
analysts see their units as "ours"): `swap`. Positions travel by key in partner codes.

The agreed picture (`agreed_document`) is canonical JSON (RFC 8785) built only from what both
sides hold (the released pictures, the matches, the decided positions), so each side computes it
byte for byte and signs its own computation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson
import rfc8785
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.orbat.model import Picture, UnitView
from liaison.reconcile.match import Discrepancy, Match, Result
from liaison.store.raw import driver_rows
from liaison.store.schema.reconcile import discrepancy, meeting

IDENTITY = ("designation", "echelon", "branch")
#: The facts a discrepancy of each kind is about: unchanged facts mean an unchanged discrepancy.
MEMORY_FIELDS: dict[str, tuple[str, ...]] = {
    "location": ("lat", "lon", "place"),
    "equipment": ("equipment",),
    "strength": ("strength",),
    "subordination": ("parent_id",),
    "echelon": ("echelon",),
    "branch": ("branch",),
    "stale": ("observed_at",),
    "only_ours": IDENTITY,
    "only_theirs": IDENTITY,
    "conflict": IDENTITY,
}
SETTLING = ("ours", "theirs", "neither")
AGREED_FACTS = (
    "designation",
    "echelon",
    "branch",
    "parent_id",
    "lat",
    "lon",
    "place",
    "equipment",
    "strength",
    "sidc",
)
DECIDES = {
    "location": ("lat", "lon", "place"),
    "equipment": ("equipment",),
    "strength": ("strength",),
    "subordination": ("parent_id",),
    "echelon": ("echelon",),
    "branch": ("branch",),
}


def canonical(obj: Any) -> bytes:
    return rfc8785.dumps(obj)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- memory --------------------------------------------------------------------------------------
def memory_key(kind: str, units: dict[str, str]) -> str:
    """The discrepancy's name in every meeting and on both sides: "only_ours" seen from the other
    side is "only_theirs", so both are "only"; units by partner code, in code order."""
    k = "only" if kind in ("only_ours", "only_theirs") else kind
    return k + ":" + "|".join(f"{p}={u}" for p, u in sorted(units.items()))


def _value(u: UnitView, name: str) -> Any:
    v = getattr(u, name)
    if name == "observed_at":
        return iso(v)
    if name == "equipment":
        return dict(sorted(v.items())) if v else {}
    return v


def item_facts(d: Discrepancy, host: Picture, guest: Picture) -> dict[str, dict[str, Any]]:
    """{partner: {field: value}} of the facts the discrepancy `d` (host orientation) is about."""
    out: dict[str, dict[str, Any]] = {}
    fields = MEMORY_FIELDS.get(d.kind, IDENTITY)
    for pic, uid in ((host, d.ours), (guest, d.theirs)):
        u = pic.units.get(uid) if uid else None
        if u is not None:
            out[pic.partner] = {f: _value(u, f) for f in fields}
    if d.kind == "conflict":
        side = host.partner if d.ours else guest.partner
        out.setdefault(side, {})["candidates"] = list(d.detail.get("candidates", []))
    return out


@dataclass
class Item:
    """A discrepancy of the queue being opened, with what memory says of it."""

    d: Discrepancy  # host orientation
    key: str
    facts: dict[str, dict[str, Any]]  # RawJSON (not decoded) on an item copied (`copy_of`)
    memory: dict[str, Any] | None = None
    settled: bool = False
    decision: str | None = None  # a settled item's decision, as a partner code / neither
    #: A settled item carried unchanged: the previous meeting's row it repeats (kind, units,
    #: detail, sources, facts), which `meeting.store_queue` copies in the database.
    copy_of: int | None = None

    def wire(self) -> dict[str, Any]:
        """What both sides must compute alike (the queue digest covers it)."""
        return {
            "key": self.key,
            "kind": self.d.kind,
            "severity": self.d.severity,
            "detail": detail_of(self.d),
            "facts": loaded(self.facts),
            "memory": self.memory,
            "settled": self.settled,
        }


def detail_of(d: Discrepancy) -> dict[str, Any]:
    """The detail as stored and sent (times as ISO text), without `asdict`'s deep copies."""
    return {k: (iso(v) if isinstance(v, datetime) else v) for k, v in d.detail.items()}


def decided(row: Any, me: str, partner: str) -> str | None:
    """What a previous meeting's row decided, in partner codes: a code, "neither", "defer",
    "disputed", or None (undecided)."""
    ours = to_code(row.resolution, me, partner)
    if row.settled or row.meeting_shared != "joined":
        return ours
    theirs = to_code(row.partner_position, me, partner)
    if ours is None or theirs is None:
        return None
    return ours if ours == theirs else "disputed"


def to_code(position: str | None, me: str, partner: str) -> str | None:
    """A position in our terms (ours/theirs/neither/defer) as it travels (partner codes)."""
    return {"ours": me, "theirs": partner}.get(position or "", position)


def from_code(position: Any, me: str, partner: str) -> str | None:
    """A travelling position in our terms; None for anything else."""
    if position == me:
        return "ours"
    if position == partner:
        return "theirs"
    return position if position in ("neither", "defer") else None


class PreviousRow(NamedTuple):
    """One discrepancy of the previous meeting, as memory reads it."""

    shared_key: str
    facts: Any
    memory: Any
    settled: Any
    resolution: str | None
    partner_position: str | None
    comment: str | None
    meeting_shared: str | None
    meeting_ref: str | None
    meeting_id: int
    kind: str | None = None
    ours_unit: str | None = None
    theirs_unit: str | None = None
    detail: Any = None
    severity: str | None = None
    ours_source: Any = None
    theirs_source: Any = None
    id: int | None = None  # the row's id (read with `full`)


_JSON_AT = {1, 2, 13, 15, 16}  # facts, memory, detail, ours_source, theirs_source


class RawJSON:
    """JSON text read and not decoded yet: the facts of a previous meeting's item, which most
    items carried unchanged never look at (they are copied in the database); `loaded` decodes."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def loaded(value: Any) -> Any:
    """`value` decoded if it is `RawJSON`, else as it is."""
    return orjson.loads(value.text) if isinstance(value, RawJSON) else value


def previous_rows(
    conn: Connection, meeting_id: int | None, *, full: bool = False
) -> dict[str, PreviousRow]:
    """The previous meeting's discrepancies by key (with the meeting's sharing state); `full`
    also reads what each one is (kind, units, detail, sources), to carry it (`carried`).

    Read as the driver's rows (a meeting has tens of thousands of rows; SQLAlchemy's per-value
    processing was most of the time), JSON decoded here where the driver gives text."""
    if meeting_id is None:
        return {}
    cols = [
        discrepancy.c.shared_key,
        discrepancy.c.facts,
        discrepancy.c.memory,
        discrepancy.c.settled,
        discrepancy.c.resolution,
        discrepancy.c.partner_position,
        discrepancy.c.comment,
        meeting.c.shared.label("meeting_shared"),
        meeting.c.ref.label("meeting_ref"),
        meeting.c.id.label("meeting_id"),
    ]
    if full:
        cols += [
            discrepancy.c.kind,
            discrepancy.c.ours_unit,
            discrepancy.c.theirs_unit,
            discrepancy.c.detail,
            discrepancy.c.severity,
            discrepancy.c.ours_source,
            discrepancy.c.theirs_source,
            discrepancy.c.id,
        ]
    q = (
        sa.select(*cols)
        .select_from(discrepancy.join(meeting, discrepancy.c.meeting_id == meeting.c.id))
        .where(discrepancy.c.meeting_id == int(meeting_id), discrepancy.c.shared_key.is_not(None))
        .order_by(discrepancy.c.id)
    )
    rows = driver_rows(conn, q)
    out: dict[str, PreviousRow] = {}
    if conn.dialect.name == "sqlite":  # JSON arrives as text (null included), booleans as 0/1
        loads = orjson.loads
        at = sorted(i for i in _JSON_AT if i < len(cols))
        if full:  # facts decoded when needed (`loaded`)
            at = [i for i in at if i != 1]
        for r in rows:
            v = list(r)
            for i in at:
                if v[i] is not None:
                    v[i] = loads(v[i])
            if full and v[1] is not None:
                v[1] = RawJSON(v[1])
            v[3] = bool(v[3])
            out[v[0]] = PreviousRow(*v)
    else:
        for r in rows:
            out[r[0]] = PreviousRow(*r)
    return out


def carried(prev: dict[str, PreviousRow]) -> dict[tuple[str | None, str | None], list[Discrepancy]]:
    """The previous meeting's discrepancies (read with `full`, in our orientation) by unit pair,
    in the order they were listed, for `reconcile(carry=…)`."""
    out: dict[tuple[str | None, str | None], list[Discrepancy]] = {}
    for r in prev.values():
        o, t = r.ours_unit, r.theirs_unit
        d = Discrepancy(r.kind, o, t, r.detail, r.severity, r.ours_source, r.theirs_source)
        got = out.get((o, t))
        if got is None:
            out[(o, t)] = [d]
        else:
            got.append(d)
    return out


def _changed(before: dict[str, Any] | None, now: dict[str, Any]) -> list[str]:
    before = before or {}
    out = []
    for p in sorted(set(before) | set(now)):
        a, b = before.get(p) or {}, now.get(p) or {}
        for f in sorted(set(a) | set(b)):
            if a.get(f) != b.get(f):
                out.append(f"{p} {f}")
    return out


def remember(
    res: Result,
    host: Picture,
    guest: Picture,
    prev: dict[str, Any],
    me: str,
    partner: str,
    carried: set[int] | frozenset[int] = frozenset(),
) -> list[Item]:
    """The queue with memory applied (`me`/`partner`: this store's view, to read `prev`).

    `carried`: ids of discrepancies taken unchanged from `prev` (their units unchanged, so their
    facts are the previous row's)."""
    items = []
    for d in res.discrepancies:
        units = {}
        if d.ours:
            units[host.partner] = d.ours
        if d.theirs:
            units[guest.partner] = d.theirs
        key = memory_key(d.kind, units)
        r = prev.get(key)
        same = r is not None and id(d) in carried
        facts = r.facts if same else item_facts(d, host, guest)
        it = Item(d, key, facts)
        if r is not None:
            was = decided(r, me, partner)
            mem = r.memory or {}
            ref = mem.get("ref") if r.settled else r.meeting_ref
            changed = [] if same else _changed(loaded(r.facts), facts)
            if was in ("defer", "disputed", None):
                it.memory = {"state": "deferred" if was != "disputed" else "disputed", "ref": ref}
                if changed:
                    it.memory["changed"] = changed
            elif changed:
                it.memory = {"state": "changed", "ref": ref, "was": was, "changed": changed}
            else:
                it.memory = {"state": "settled", "ref": ref, "was": was}
                it.settled, it.decision = True, was
                if same and d.detail is r.detail:  # carried from the row `r` itself
                    it.copy_of = r.id
        if it.copy_of is None:
            it.facts = loaded(it.facts)
        items.append(it)
    return items


# ---- the shared queue ----------------------------------------------------------------------------
def fast_digest(obj: Any) -> str:
    """SHA-256 of `obj` as JSON with sorted keys: a digest both sides compute with the same code
    and compare (never signed: what is signed is RFC 8785, `canonical`)."""
    return sha256(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))


def queue_digest(items: list[Item], matches: list[Match]) -> str:
    doc = {
        "items": sorted((it.wire() for it in items), key=lambda w: w["key"]),
        "matches": sorted([m.ours, m.theirs] for m in matches),
    }
    return fast_digest(doc)


def picture_digest(pic: Picture) -> str:
    """Digest of a picture as released (the facts reconciliation reads), to tell which side's
    picture differs when two recomputations disagree."""
    rows = [
        [u.unit_id, *(_value(u, f) for f in (*AGREED_FACTS, "observed_at"))]
        + [u.reliability, u.credibility]
        for u in sorted(pic.units.values(), key=lambda u: u.unit_id)
    ]
    return fast_digest(rows)


_FLIP = {"ours": "theirs", "theirs": "ours"}


def swap_detail(detail: Any) -> Any:
    """A discrepancy's detail as seen from the other side: every ours…/theirs… key swapped."""
    if isinstance(detail, dict):
        out = {}
        for k, v in detail.items():
            nk = k
            for a, b in _FLIP.items():
                if k.startswith(a):
                    nk = b + k[len(a) :]
                    break
            out[nk] = _FLIP.get(v, v) if k == "older" else swap_detail(v)
        return out
    return detail


def local_row(it: Item, *, swap: bool, me: str, partner: str) -> dict[str, Any]:
    """The discrepancy row for this store (swapped on the guest, whose analysts see theirs as ours)."""
    d = it.d
    kind, ou, tu, os_, ts = d.kind, d.ours, d.theirs, d.ours_source, d.theirs_source
    detail = detail_of(d)
    if swap:
        kind = {"only_ours": "only_theirs", "only_theirs": "only_ours"}.get(kind, kind)
        ou, tu, os_, ts = tu, ou, ts, os_
        detail = swap_detail(detail)
    row = {
        "kind": kind,
        "ours_unit": ou,
        "theirs_unit": tu,
        "detail": detail,
        "severity": d.severity,
        "ours_source": os_,
        "theirs_source": ts,
        "shared_key": it.key,
        "facts": loaded(it.facts),
        "memory": it.memory,
        "settled": it.settled,
    }
    if it.settled:
        row |= settled_row(it, me=me, partner=partner)
    return row


def settled_row(it: Item, *, me: str, partner: str) -> dict[str, Any]:
    """A settled item's decision columns (both sides' position: what was decided before)."""
    pos = from_code(it.decision, me, partner)
    ref = (it.memory or {}).get("ref")
    return {
        "resolution": pos,
        "comment": f"settled in meeting {ref}",
        "resolved_by": "memory",
        "partner_position": pos,
    }


# ---- the agreed picture --------------------------------------------------------------------------
def _fact(u: UnitView, name: str) -> dict[str, Any]:
    return {
        "value": _value(u, name),
        "partner": u.partner,
        "unit_id": u.unit_id,
        "reliability": u.reliability,
        "credibility": u.credibility,
        "observed_at": iso(u.observed_at),
    }


def unit_key(units: dict[str, str]) -> str:
    return "|".join(f"{p}={u}" for p, u in sorted(units.items()))


def agreed_document(
    *,
    ref: str,
    as_of: str | None,
    host: Picture,
    guest: Picture,
    matches: list[tuple[str, str]],
    decisions: list[tuple[str, str | None, str | None, str]],
    inputs: dict[str, str],
) -> dict[str, Any]:
    """Every agreed fact with its provenance, from what both sides hold alike.

    `matches` are (host unit, guest unit); `decisions` (kind in host orientation, host unit,
    guest unit, decision as a partner code / neither / defer / disputed). A matched unit's facts
    are the host's report unless a decision took the guest's; an undecided or disputed fact is
    kept with its status, never silently chosen; a unit only one side reports is in the agreed
    picture when both accepted it."""
    hp, gp = host.partner, guest.partner
    by_pair: dict[tuple[str | None, str | None], list[tuple[str, str]]] = {}
    for kind, h, g, dec in decisions:
        by_pair.setdefault((h, g), []).append((kind, dec))
    units = []
    for h, g in sorted(matches):
        uh, ug = host.units.get(h), guest.units.get(g)
        if uh is None or ug is None:
            continue
        facts = {f: _fact(uh, f) for f in AGREED_FACTS}
        for kind, dec in sorted(by_pair.get((h, g), [])):
            for f in DECIDES.get(kind, ()):
                if dec == gp:
                    facts[f] = _fact(ug, f)
                elif dec != hp:
                    status = {"neither": "unresolved", "defer": "deferred"}.get(dec, "disputed")
                    facts[f] = {**facts[f], "status": status}
        ids = {hp: h, gp: g}
        units.append({"key": unit_key(ids), "units": ids, "facts": facts})
    for kind, h, g, dec in decisions:
        if kind == "only_ours" and h and dec == hp and h in host.units:
            u, ids = host.units[h], {hp: h}
        elif kind == "only_theirs" and g and dec == gp and g in guest.units:
            u, ids = guest.units[g], {gp: g}
        else:
            continue
        units.append(
            {"key": unit_key(ids), "units": ids, "facts": {f: _fact(u, f) for f in AGREED_FACTS}}
        )
    units.sort(key=lambda x: x["key"])
    return {
        "type": "liaison-agreed-picture",
        "version": 1,
        "meeting": ref,
        "host": hp,
        "parties": sorted([hp, gp]),
        "as_of": as_of,
        "inputs": inputs,
        "units": units,
    }


def first_difference(ours: dict[str, Any], theirs: Any) -> str:
    """Where a received agreed picture departs from ours, for the refusal message."""
    if not isinstance(theirs, dict):
        return "it is not an agreed picture"
    for k in sorted(set(ours) | set(theirs)):
        if k == "units":
            continue
        if ours.get(k) != theirs.get(k):
            return f"its {k!r} differs"
    a = {u["key"]: u for u in ours.get("units", [])}
    b_list = theirs.get("units")
    if not isinstance(b_list, list):
        return "its units are not a list"
    b = {u.get("key"): u for u in b_list if isinstance(u, dict)}
    for k in sorted(set(a) | set(b), key=str):
        if k not in a:
            return f"it has unit {k} that ours does not"
        if k not in b:
            return f"it lacks unit {k}"
        if a[k] != b[k]:
            fa, fb = a[k].get("facts", {}), b[k].get("facts") or {}
            for f in sorted(set(fa) | set(fb)):
                if fa.get(f) != fb.get(f):
                    return f"unit {k}: {f} differs"
            return f"unit {k} differs"
    return "its bytes differ"
