"""Collection requirements (RFIs): what a meeting could not settle, to be collected and answered.

Resolving a discrepancy as "neither" raises one: what is unknown (the discrepancy's kind), about
which units (both partners' ids), by when (the next scheduled meeting, else a week), who
collects. Requirements travel to the partner (courier kind `requirements`) under a reference that
is the same in both stores (`PL/RFI-3`); a later observation of a unit concerned that carries the
fact in question answers it — linked to the requirement, with an alert — and the issuer closes it.
Status only moves forward: open → answered → closed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, to_utc, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.store import audit
from liaison.store.schema.orbat import observation, unit
from liaison.store.schema.rfi import requirement, requirement_answer

STATUSES = ("open", "answered", "closed")
DEFAULT_DUE = timedelta(days=7)
# Which observation column carries the fact a requirement asks for (None: any observation will do).
FACT_COLUMN: dict[str, Any] = {
    "location": observation.c.lat,
    "equipment": observation.c.equipment,
    "strength": observation.c.strength,
    "subordination": observation.c.parent_local_id,
    "echelon": observation.c.echelon,
    "branch": observation.c.branch,
}
QUESTION = {
    "location": "Where is {u} now?",
    "equipment": "What equipment does {u} hold?",
    "strength": "How strong is {u}?",
    "subordination": "To which formation is {u} subordinated?",
    "echelon": "What echelon is {u}?",
    "branch": "What arm of service is {u}?",
    "stale": "Is the report on {u} still true? A fresh observation is needed.",
    "only_ours": "Does {u} exist? Only one side reports it.",
    "only_theirs": "Does {u} exist? Only one side reports it.",
    "conflict": "Which unit is {u}? Several fit equally.",
}
CSV_COLUMNS = (
    "ref",
    "status",
    "kind",
    "question",
    "note",
    "units",
    "due_at",
    "collector",
    "issuer",
    "counterpart",
    "meeting",
    "created_at",
    "answers",
    "closed_at",
    "close_note",
)


def _designation(conn: Connection, partner: str, unit_id: str | None) -> str:
    if not unit_id:
        return ""
    row = conn.execute(
        sa.select(observation.c.designation)
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
        .where(
            unit.c.partner_code == partner,
            unit.c.local_id == unit_id,
            observation.c.designation.is_not(None),
        )
        .order_by(observation.c.valid_at.desc())
        .limit(1)
    ).first()
    return row.designation if row else ""


def default_due(conn: Connection, partner: str, now: datetime) -> datetime:
    """By the next scheduled meeting with the partner, else a week from now."""
    from liaison.reconcile.cadence import next_meeting_at

    nxt = next_meeting_at(conn, partner, after=now)
    return nxt if nxt is not None else now + DEFAULT_DUE


def raise_for_discrepancy(
    conn: Connection, m: Any, d: Any, comment: str, *, actor: str = "cli"
) -> str:
    """The requirement a "neither" resolution raises (`m` the meeting row, `d` the discrepancy
    row); returns its reference. Changing the resolution later does not withdraw it: the issuer
    closes it with a note."""
    existing = conn.execute(
        sa.select(requirement.c.ref).where(
            requirement.c.meeting_id == m.id,
            requirement.c.discrepancy_id == d.id,
            requirement.c.issuer == m.ours_partner,
            requirement.c.status != "closed",
        )
    ).first()
    if existing is not None:  # neither → defer → neither again: one requirement, not two
        return str(existing.ref)
    now = utcnow()
    units = []
    for side, partner in (("ours", m.ours_partner), ("theirs", m.theirs_partner)):
        uid = getattr(d, f"{side}_unit")
        if uid:
            units.append(
                {
                    "partner": partner,
                    "unit_id": uid,
                    "designation": _designation(conn, partner, uid),
                }
            )
    who = " / ".join(f"{u['designation'] or u['unit_id']} ({u['partner']})" for u in units)
    question = QUESTION.get(d.kind, "Establish the {u}.").format(u=who or "the unit")
    collector = {"only_ours": m.theirs_partner, "only_theirs": m.ours_partner}.get(d.kind, "both")
    rid = conn.execute(
        requirement.insert().values(
            ref=f"pending-{m.id}-{d.id}-{now.timestamp()}",
            issuer=m.ours_partner,
            counterpart=m.theirs_partner,
            meeting_ref=f"{m.ours_partner}/{m.id}",
            meeting_id=m.id,
            discrepancy_id=d.id,
            kind=d.kind,
            question=question[:4000],
            note=comment.strip()[:4000] or None,
            units=units,
            due_at=default_due(conn, m.theirs_partner, now),
            collector=collector,
            status="open",
            created_at=now,
            created_by=actor,
            updated_at=now,
        )
    ).inserted_primary_key[0]
    ref = f"{m.ours_partner}/RFI-{rid}"
    conn.execute(requirement.update().where(requirement.c.id == rid).values(ref=ref))
    audit.record(conn, actor, "requirement.raise", ref, {"kind": d.kind, "units": units})
    return ref


def _row(conn: Connection, ref: str) -> Any:
    row = conn.execute(sa.select(requirement).where(requirement.c.ref == ref)).first()
    if row is None:
        raise NotFoundError(f"no requirement {ref!r} (liaison rfi list)")
    return row


def _answers(conn: Connection, rid: int) -> list[dict[str, Any]]:
    return [
        {
            "partner": a.partner,
            "unit_id": a.unit_id,
            "observation_id": a.observation_id,
            "valid_at": iso(a.valid_at),
            "answered_at": iso(a.answered_at),
            "answered_by": a.answered_by,
            "note": a.note,
        }
        for a in conn.execute(
            sa.select(requirement_answer)
            .where(requirement_answer.c.requirement_id == rid)
            .order_by(requirement_answer.c.id)
        )
    ]


def to_dict(conn: Connection, r: Any) -> dict[str, Any]:
    return {
        "ref": r.ref,
        "status": r.status,
        "kind": r.kind,
        "question": r.question,
        "note": r.note,
        "units": r.units,
        "due_at": iso(r.due_at),
        "overdue": r.status == "open" and to_utc(r.due_at) < utcnow(),
        "collector": r.collector,
        "issuer": r.issuer,
        "counterpart": r.counterpart,
        "meeting": r.meeting_ref,
        "discrepancy_id": r.discrepancy_id,
        "created_at": iso(r.created_at),
        "created_by": r.created_by,
        "closed_at": iso(r.closed_at),
        "closed_by": r.closed_by,
        "close_note": r.close_note,
        "answers": _answers(conn, r.id),
    }


def list_requirements(
    conn: Connection, *, status: str | None = None, partner: str | None = None
) -> list[dict[str, Any]]:
    """Every requirement (ours and the partners'), newest first; filter by status or partner."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"--status must be one of {', '.join(STATUSES)}")
    q = sa.select(requirement).order_by(requirement.c.id.desc())
    if status:
        q = q.where(requirement.c.status == status)
    if partner:
        p = partner.upper()
        q = q.where(sa.or_(requirement.c.issuer == p, requirement.c.counterpart == p))
    return [to_dict(conn, r) for r in conn.execute(q).all()]


def show(conn: Connection, ref: str) -> dict[str, Any]:
    """One requirement with its answers and the observations that may answer it, not yet linked."""
    r = _row(conn, ref)
    out = to_dict(conn, r)
    out["candidates"] = candidates(conn, r) if r.status != "closed" else []
    return out


def candidates(conn: Connection, r: Any) -> list[dict[str, Any]]:
    """Observations of the units concerned, recorded after the requirement was raised, that
    carry the fact it asks for and are not linked yet (retractions and retracted ones excluded)."""
    linked = {
        (a.partner, a.unit_id, a.observation_id)
        for a in conn.execute(
            sa.select(requirement_answer).where(requirement_answer.c.requirement_id == r.id)
        )
    }
    keys = [(u["partner"], u["unit_id"]) for u in r.units if isinstance(u, dict)]
    if not keys:
        return []
    retracted = sa.select(observation.c.retracts).where(observation.c.retracts.is_not(None))
    q = (
        sa.select(
            observation.c.id,
            observation.c.valid_at,
            observation.c.recorded_at,
            observation.c.place,
            unit.c.partner_code,
            unit.c.local_id,
        )
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
        .where(
            sa.or_(*[sa.and_(unit.c.partner_code == p, unit.c.local_id == u) for p, u in keys]),
            observation.c.recorded_at > r.created_at,
            observation.c.retracts.is_(None),
            observation.c.id.not_in(retracted),
        )
        .order_by(observation.c.recorded_at, observation.c.id)
    )
    col = FACT_COLUMN.get(r.kind)
    if col is not None:
        q = q.where(col.is_not(None))
    return [
        {
            "partner": o.partner_code,
            "unit_id": o.local_id,
            "observation_id": o.id,
            "valid_at": iso(o.valid_at),
            "recorded_at": iso(o.recorded_at),
            "place": o.place,
        }
        for o in conn.execute(q)
        if (o.partner_code, o.local_id, o.id) not in linked
    ]


def _link(
    conn: Connection,
    r: Any,
    c: dict[str, Any],
    *,
    actor: str,
    note: str | None,
    now: datetime,
) -> dict[str, Any]:
    conn.execute(
        requirement_answer.insert().values(
            requirement_id=r.id,
            partner=c["partner"],
            unit_id=c["unit_id"],
            observation_id=c.get("observation_id"),
            valid_at=_time(c.get("valid_at")),
            answered_at=now,
            answered_by=actor,
            note=note,
            recorded_at=now,
        )
    )
    values: dict[str, Any] = {"updated_at": now}
    if r.status == "open":
        values["status"] = "answered"
    conn.execute(requirement.update().where(requirement.c.id == r.id).values(**values))
    alert = {
        "kind": "answered",
        "ref": r.ref,
        "question": r.question,
        "partner": c["partner"],
        "unit_id": c["unit_id"],
        "observation_id": c.get("observation_id"),
        "valid_at": c.get("valid_at"),
        "note": note,
    }
    audit.record(conn, actor, "requirement.answer", r.ref, alert)
    return alert


def _time(v: Any) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    from liaison.core.clock import parse_time

    return parse_time(str(v))


def answer(
    conn: Connection,
    ref: str,
    *,
    observation_id: str | None = None,
    note: str | None = None,
    actor: str = "cli",
) -> list[dict[str, Any]]:
    """Link a later observation (one named, else every candidate) as the answer; returns the
    alerts it makes. An observation that is not a candidate (another unit, older than the
    requirement, without the fact asked for) is refused."""
    r = _row(conn, ref)
    if r.status == "closed":
        raise ConflictError(f"{ref} is closed")
    cands = candidates(conn, r)
    if observation_id is not None:
        cands = [c for c in cands if c["observation_id"] == observation_id]
        if not cands:
            raise ValidationError(
                f"observation {observation_id!r} does not answer {ref}: it must be an observation of "
                "a unit concerned, recorded after the requirement, carrying the fact asked for, "
                "and not linked yet (liaison rfi show REF lists the candidates)"
            )
    if not cands:
        raise ValidationError(f"no later observation answers {ref} yet")
    now = utcnow()
    return [_link(conn, r, c, actor=actor, note=note, now=now) for c in cands]


def sweep(conn: Connection, *, actor: str = "rfi-sweep") -> list[dict[str, Any]]:
    """Link every candidate answer of every open or answered requirement; the alerts it makes."""
    rows = conn.execute(
        sa.select(requirement).where(requirement.c.status.in_(("open", "answered")))
    ).all()
    now = utcnow()
    out: list[dict[str, Any]] = []
    for r in rows:
        for c in candidates(conn, r):
            out.append(_link(conn, r, c, actor=actor, note="later observation", now=now))
            r = _row(conn, r.ref)
    return out


def pending(conn: Connection) -> list[dict[str, Any]]:
    """Alerts without writing: later observations that would answer a requirement."""
    out = []
    for r in conn.execute(
        sa.select(requirement).where(requirement.c.status.in_(("open", "answered")))
    ).all():
        for c in candidates(conn, r):
            out.append({"kind": "may-answer", "ref": r.ref, "question": r.question, **c})
    return out


def close(conn: Connection, ref: str, note: str, *, actor: str = "cli") -> dict[str, Any]:
    """Close a requirement we issued (the partner's own are theirs to close)."""
    from liaison.orbat.partners import get_self

    if not note.strip():
        raise ValidationError("closing a requirement needs a note saying why (--note)")
    r = _row(conn, ref)
    me = get_self(conn)
    if me is None or r.issuer != me.code:
        raise ConflictError(f"{ref} was issued by {r.issuer}: only the issuer closes it")
    if r.status == "closed":
        raise ConflictError(f"{ref} is already closed")
    now = utcnow()
    done = conn.execute(
        requirement.update()
        .where(requirement.c.id == r.id, requirement.c.status != "closed")
        .values(status="closed", closed_at=now, closed_by=actor, close_note=note, updated_at=now)
    )
    if done.rowcount != 1:
        raise ConflictError(f"{ref} was closed meanwhile")
    audit.record(conn, actor, "requirement.close", ref, {"note": note})
    return to_dict(conn, _row(conn, ref))


def alerts_since(conn: Connection, since: datetime | None) -> list[dict[str, Any]]:
    """Answers linked since `since` (all when None): the 'answered' alerts."""
    q = (
        sa.select(requirement_answer, requirement.c.ref, requirement.c.question)
        .select_from(requirement_answer.join(requirement))
        .order_by(requirement_answer.c.id)
    )
    if since is not None:
        q = q.where(requirement_answer.c.recorded_at > since)
    return [
        {
            "kind": "answered",
            "ref": a.ref,
            "question": a.question,
            "partner": a.partner,
            "unit_id": a.unit_id,
            "observation_id": a.observation_id,
            "valid_at": iso(a.valid_at),
            "note": a.note,
        }
        for a in conn.execute(q)
    ]


def _cell(v: Any) -> str:
    """A CSV cell, neutralised when it would start a formula (OWASP)."""
    s = "" if v is None else str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def export(rows: list[dict[str, Any]], fmt: str) -> str:
    """The requirements as CSV (one row each, spreadsheet-safe) or JSON."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise ValidationError("--format must be csv or json")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        flat = dict(r)
        flat["units"] = "; ".join(f"{u['partner']}:{u['unit_id']}" for u in r["units"])
        flat["answers"] = "; ".join(
            f"{a['partner']}:{a['unit_id']}@{a['valid_at'] or '?'}" for a in r["answers"]
        )
        w.writerow([_cell(flat.get(c)) for c in CSV_COLUMNS])
    return buf.getvalue()
