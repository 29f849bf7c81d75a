"""The coalition meeting (issue 23): N participants, one queue, one agreed picture signed by all.

Inputs: each participant's picture as it contributed it to the meeting (`coalition_input`), the
same bytes at every participant (each sends its own to every other; none forwards another's).
Once every input is held, each participant computes the queue itself with `reconcile_many`
(units clustered across all pictures, each item naming the partners that disagree) and keeps its
digest (`queue_digest`), which the host's close names so a participant that computed another
queue says so instead of agreeing.

Positions: every participant states one per item — a partner code (take that partner's report;
for a unit some partners lack, include it), "neither" or "defer". An item is agreed when all
participants state the same, disputed when any two differ, pending while someone is silent.

The agreed picture (`agreed_document`) is canonical JSON (RFC 8785) built only from what every
participant holds alike (the inputs, the clusters, the positions), so each computes it byte for
byte and signs its own computation. The two-party meeting (`reconcile.meeting`, `joint`) keeps its
own tables because it remembers previous meetings with one partner in ours/theirs terms; the
facts, their provenance, the digests and the refusal messages are shared with it (`joint`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.core.errors import NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.orbat.model import Picture
from liaison.reconcile import joint
from liaison.reconcile.coalition import _majority, reconcile_many
from liaison.store import audit
from liaison.store.schema.coalition import (
    coalition_agreed,
    coalition_input,
    coalition_item,
    coalition_meeting,
    coalition_position,
)

OTHER_POSITIONS = ("neither", "defer")
STATUSES = ("agreed", "disputed", "pending")


# ---- the meeting and its inputs ------------------------------------------------------------------
def check_participants(host: str, participants: Any) -> list[str]:
    """Participants as stored and sent: distinct partner codes, host first, two or more."""
    if (
        not isinstance(participants, list)
        or not all(isinstance(p, str) and 0 < len(p) <= 16 for p in participants)
        or len(set(participants)) != len(participants)
    ):
        raise ValidationError("participants: distinct partner codes")
    if len(participants) < 2 or participants[0] != host:
        raise ValidationError("participants: the host first, and at least one other")
    return list(participants)


def create(
    conn: Connection,
    *,
    host: str,
    participants: list[str],
    as_of: datetime | None,
    opened_by: str,
    opened_at: datetime,
    ref: str | None = None,
) -> Any:
    """A coalition meeting row: `ref` given (one another participant opened) or made here."""
    check_participants(host, participants)
    mid = conn.execute(
        coalition_meeting.insert().values(
            ref=ref or f"~{new_id()}"[:40],
            host=host,
            participants=participants,
            as_of=as_of,
            opened_by=opened_by,
            opened_at=opened_at,
            status="open",
        )
    ).inserted_primary_key[0]
    if ref is None:
        conn.execute(
            coalition_meeting.update()
            .where(coalition_meeting.c.id == mid)
            .values(ref=f"{host}/C{mid}")
        )
    return get(conn, int(mid))


def get(conn: Connection, meeting_id: int) -> Any:
    m = conn.execute(
        sa.select(coalition_meeting).where(coalition_meeting.c.id == meeting_id)
    ).first()
    if m is None:
        raise NotFoundError(f"no coalition meeting {meeting_id}")
    return m


def by_ref(conn: Connection, ref: str) -> Any:
    m = conn.execute(sa.select(coalition_meeting).where(coalition_meeting.c.ref == ref)).first()
    if m is None:
        raise NotFoundError(f"no coalition meeting {ref!r}")
    return m


def header(m: Any) -> dict[str, Any]:
    """What names the meeting alike at every participant (sent with each input)."""
    return {
        "ref": m.ref,
        "host": m.host,
        "participants": list(m.participants),
        "as_of": iso(m.as_of),
        "opened_by": m.opened_by,
        "opened_at": iso(m.opened_at),
    }


def add_input(
    conn: Connection, m: Any, partner: str, units: list[dict[str, Any]], digest: str, now: datetime
) -> str | None:
    """Keep `partner`'s contributed picture; None, or why not (a second, different one)."""
    have = conn.execute(
        sa.select(coalition_input.c.digest).where(
            coalition_input.c.meeting_id == m.id, coalition_input.c.partner_code == partner
        )
    ).first()
    if have is not None:
        if have.digest == digest:
            return None
        return f"{partner} sent a second, different picture for meeting {m.ref}: kept the first"
    conn.execute(
        coalition_input.insert().values(
            meeting_id=m.id, partner_code=partner, units=units, digest=digest, recorded_at=now
        )
    )
    return None


def inputs(conn: Connection, meeting_id: int) -> dict[str, Any]:
    """{partner: row} of the pictures held for the meeting."""
    return {
        r.partner_code: r
        for r in conn.execute(
            sa.select(coalition_input).where(coalition_input.c.meeting_id == meeting_id)
        )
    }


def missing_inputs(conn: Connection, m: Any) -> list[str]:
    held = set(inputs(conn, m.id))
    return [p for p in m.participants if p not in held]


# ---- the queue -----------------------------------------------------------------------------------
def item_key(kind: str, units: dict[str, str], values: dict[str, Any]) -> str:
    """An item's name at every participant: kind (and equipment type), units by partner code."""
    k = kind
    if kind == "equipment":
        first = next(iter(values.values()), {})
        k += "/" + (next(iter(first), "?") if isinstance(first, dict) else "?")
    return k + ":" + joint.unit_key(units)


def compute_queue(pictures: list[Picture]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(clusters, items) from `reconcile_many` over the pictures in participant order."""
    co = reconcile_many(pictures)
    clusters = [{"id": c.id, "units": c.units} for c in co.clusters]
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for f in co.findings:
        key = item_key(f.kind, f.units, f.values)
        n = 1
        while key in seen:  # never expected; kept distinct rather than lost
            n += 1
            key = f"{item_key(f.kind, f.units, f.values)}#{n}"
        seen.add(key)
        items.append(
            {
                "key": key,
                "kind": f.kind,
                "cluster": f.cluster,
                "units": f.units,
                "values": f.values,
                "disagreeing": f.disagreeing,
                "severity": f.severity,
            }
        )
    items.sort(key=lambda x: x["key"])
    return clusters, items


def queue_digest(clusters: list[dict[str, Any]], items: list[dict[str, Any]]) -> str:
    return joint.fast_digest({"clusters": clusters, "items": items})


def build_queue(conn: Connection, m: Any, pictures: list[Picture], *, actor: str) -> str:
    """Compute and keep the queue here (once every input is held); returns its digest."""
    if m.queue_digest is not None:
        return str(m.queue_digest)
    clusters, items = compute_queue(pictures)
    digest = queue_digest(clusters, items)
    if items:
        conn.execute(coalition_item.insert(), [{"meeting_id": m.id, **it} for it in items])
    conn.execute(
        coalition_meeting.update()
        .where(coalition_meeting.c.id == m.id)
        .values(queue_digest=digest, clusters=clusters)
    )
    audit.record(conn, actor, "coalition.queue", m.ref, {"items": len(items), "digest": digest})
    return digest


# ---- positions -----------------------------------------------------------------------------------
def check_position(m: Any, position: Any) -> str:
    if position in m.participants or position in OTHER_POSITIONS:
        return str(position)
    raise ValidationError(
        f"position: one of {', '.join([*m.participants, *OTHER_POSITIONS])}, not {position!r}"
    )


def set_position(
    conn: Connection,
    m: Any,
    key: str,
    partner: str,
    position: str,
    *,
    comment: str | None,
    by: str,
    at: datetime,
    now: datetime,
) -> bool:
    """Keep `partner`'s position on item `key` (its latest stands); False if unchanged."""
    if m.status != "open" or m.closed_by is not None:  # the host's close names the positions
        raise ValidationError(f"coalition meeting {m.ref} is closed")
    if partner not in m.participants:
        raise ValidationError(f"{partner} is not a participant of coalition meeting {m.ref}")
    position = check_position(m, position)
    row = conn.execute(
        sa.select(coalition_position).where(
            coalition_position.c.meeting_id == m.id,
            coalition_position.c.key == key,
            coalition_position.c.partner_code == partner,
        )
    ).first()
    values = {"position": position, "comment": comment, "by": by, "at": at, "recorded_at": now}
    if row is None:
        conn.execute(
            coalition_position.insert().values(
                meeting_id=m.id, key=key, partner_code=partner, **values
            )
        )
    elif (row.position, row.comment) == (position, comment):
        return False
    else:
        conn.execute(
            coalition_position.update().where(coalition_position.c.id == row.id).values(**values)
        )
    return True


def take_position(
    conn: Connection,
    m: Any,
    me: str,
    key: str,
    position: str,
    *,
    comment: str | None = None,
    actor: str,
    now: datetime,
) -> None:
    """Our analyst's position on an item of our queue (travels with the next pouches)."""
    if m.queue_digest is None:
        raise ValidationError(
            f"coalition meeting {m.ref} has no queue yet: waiting for "
            + ", ".join(missing_inputs(conn, m))
        )
    if not conn.execute(
        sa.select(coalition_item.c.id).where(
            coalition_item.c.meeting_id == m.id, coalition_item.c.key == key
        )
    ).first():
        raise NotFoundError(f"no item {key!r} in coalition meeting {m.ref}")
    if set_position(conn, m, key, me, position, comment=comment, by=actor, at=now, now=now):
        audit.record(conn, actor, "coalition.position", m.ref, {"key": key, "position": position})


def positions(conn: Connection, meeting_id: int) -> dict[str, dict[str, str]]:
    """{item key: {partner: position}}."""
    out: dict[str, dict[str, str]] = {}
    for r in conn.execute(
        sa.select(coalition_position).where(coalition_position.c.meeting_id == meeting_id)
    ):
        out.setdefault(r.key, {})[r.partner_code] = r.position
    return out


def positions_digest(conn: Connection, meeting_id: int) -> str:
    rows = sorted(
        [k, p, v] for k, byp in positions(conn, meeting_id).items() for p, v in byp.items()
    )
    return joint.fast_digest(rows)


def status_of(pos: dict[str, str], participants: list[str]) -> tuple[str, str | None]:
    """(agreed|disputed|pending, the agreed decision)."""
    stated = {p: pos[p] for p in participants if p in pos}
    if len(set(stated.values())) > 1:
        return "disputed", None
    if len(stated) < len(participants):
        return "pending", None
    return "agreed", next(iter(stated.values()))


def items(conn: Connection, m: Any) -> list[dict[str, Any]]:
    """The queue with every participant's position, the status and who disagrees."""
    pos = positions(conn, m.id)
    out = []
    for r in conn.execute(
        sa.select(coalition_item)
        .where(coalition_item.c.meeting_id == m.id)
        .order_by(coalition_item.c.key)
    ):
        p = pos.get(r.key, {})
        status, decision = status_of(p, list(m.participants))
        out.append(
            {
                "key": r.key,
                "kind": r.kind,
                "severity": r.severity,
                "cluster": r.cluster,
                "units": r.units,
                "values": r.values,
                "disagreeing": r.disagreeing,
                "positions": {q: p[q] for q in m.participants if q in p},
                "status": status,
                "decision": decision,
                # the participants whose position departs from the others' (all, without a majority)
                "dissenting": _majority(p) if status == "disputed" else [],
            }
        )
    return out


# ---- the agreed picture --------------------------------------------------------------------------
def agreed_document(
    m: Any,
    pictures: dict[str, Picture],
    digests: dict[str, str],
    clusters: list[dict[str, Any]],
    queue: list[dict[str, Any]],
) -> dict[str, Any]:
    """Every agreed fact with its provenance, from what every participant holds alike.

    A unit's facts are the first participant's report (participant order) that holds it, unless an
    agreed decision took another's; a disputed, pending, deferred or unresolved fact keeps its
    status, never silently chosen. A unit some participants lack is in the agreed picture only
    when all agreed to take it (a position naming a partner that holds it)."""
    parts = list(m.participants)
    on: dict[int, list[dict[str, Any]]] = {}
    for it in queue:
        on.setdefault(int(it["cluster"]), []).append(it)
    units = []
    for c in clusters:
        ids: dict[str, str] = dict(c["units"])
        views = {p: pictures[p].units[u] for p, u in ids.items() if u in pictures[p].units}
        if not views:
            continue
        first = next(p for p in parts if p in views)
        mine = on.get(int(c["id"]), [])
        gap = [it for it in mine if it["kind"] == "missing"]
        if gap and not (gap[0]["status"] == "agreed" and gap[0]["decision"] in views):
            continue
        facts = {f: joint._fact(views[first], f) for f in joint.AGREED_FACTS}
        for it in sorted(mine, key=lambda x: x["key"]):
            for f in joint.DECIDES.get(it["kind"], ()):
                dec = it["decision"]
                if it["status"] == "agreed" and dec in views:
                    facts[f] = joint._fact(views[dec], f)
                else:
                    status = it["status"]
                    if status == "agreed":
                        status = {"defer": "deferred"}.get(str(dec), "unresolved")
                    facts[f] = {**facts[f], "status": status}
        units.append({"key": joint.unit_key(ids), "units": ids, "facts": facts})
    units.sort(key=lambda x: x["key"])
    return {
        "type": "liaison-coalition-agreed-picture",
        "version": 1,
        "meeting": m.ref,
        "host": m.host,
        "parties": parts,
        "as_of": iso(m.as_of),
        "inputs": {p: digests[p] for p in sorted(digests)},
        "queue": m.queue_digest,
        "items": [
            {
                "key": it["key"],
                "kind": it["kind"],
                "disagreeing": it["disagreeing"],
                "positions": it["positions"],
                "status": it["status"],
                "decision": it["decision"],
            }
            for it in queue
        ],
        "units": units,
    }


def store_agreed(
    conn: Connection, m: Any, pictures: dict[str, Picture], *, actor: str, now: datetime
) -> str:
    """Compute the agreed picture here and keep its canonical bytes; returns the digest."""
    held = inputs(conn, m.id)
    doc = agreed_document(
        m,
        pictures,
        {p: r.digest for p, r in held.items()},
        list(m.clusters or []),
        items(conn, m),
    )
    data = joint.canonical(doc)
    digest = joint.sha256(data)
    conn.execute(coalition_agreed.delete().where(coalition_agreed.c.meeting_id == m.id))
    conn.execute(
        coalition_agreed.insert().values(
            meeting_id=m.id, content=data.decode(), digest=digest, computed_at=now
        )
    )
    audit.record(
        conn, actor, "coalition.agreed", m.ref, {"digest": digest, "units": len(doc["units"])}
    )
    return digest


def agreed_bytes(conn: Connection, meeting_id: int) -> bytes:
    row = conn.execute(
        sa.select(coalition_agreed.c.content).where(coalition_agreed.c.meeting_id == meeting_id)
    ).first()
    if row is None:
        raise NotFoundError("this coalition meeting has no agreed picture computed here yet")
    return str(row.content).encode()
