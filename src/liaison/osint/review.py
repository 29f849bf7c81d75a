"""Review: an analyst lists candidates, looks at one beside its documents and the unit's current
facts, and accepts, edits or rejects it. Every decision is appended (osint_decision) and audited.

A decision names the revision the analyst saw; if a compile changed the candidate since, the
decision is refused (ConflictError), so nobody accepts facts they did not read. Accepting records
an observation in the partner's picture (orbat.observe, append-only) whose provenance rows name
each supporting mention's document, offsets and quote, and whose notes carry the first quote so
the picture's history shows where the fact came from without a join.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.grading import parse_credibility
from liaison.core.ids import new_id
from liaison.core.markings import Marking
from liaison.names.vocab import norm_branch, norm_echelon
from liaison.orbat import observe
from liaison.orbat.picture import get_picture
from liaison.osint.archive import mention_dict
from liaison.store import audit
from liaison.store.schema.orbat import source, unit
from liaison.store.schema.osint import (
    osint_candidate,
    osint_candidate_mention,
    osint_decision,
    osint_document,
    osint_mention,
    osint_provenance,
)

STATUSES = ("pending", "accepted", "rejected")
EDITABLE = (
    "unit",
    "designation",
    "echelon",
    "branch",
    "place",
    "lat",
    "lon",
    "date",
    "credibility",
)
NEW_UNIT = "new"
MAX_COMMENT = 4000


def _row(conn: Connection, candidate_id: str) -> Any:
    row = conn.execute(
        sa.select(osint_candidate).where(osint_candidate.c.id == candidate_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no candidate {candidate_id!r} (see `liaison osint review list`)")
    return row


def resolve_id(conn: Connection, given: str) -> str:
    """A candidate id, or a unique part of one: its first or its last 6+ characters (lists print
    the last 8, the random part of the time-ordered id)."""
    g = given.strip().lower()
    if len(g) < 6 or not re.fullmatch(r"[0-9a-f-]+", g):
        raise ValidationError(f"candidate {given!r}: give its id (or its last 6+ characters)")
    for cond in (
        osint_candidate.c.id == g,
        osint_candidate.c.id.startswith(g, autoescape=True),
        osint_candidate.c.id.endswith(g, autoescape=True),
    ):
        rows = list(conn.execute(sa.select(osint_candidate.c.id).where(cond).limit(2)).scalars())
        if len(rows) == 1:
            return str(rows[0])
        if len(rows) > 1:
            raise ValidationError(f"candidate {given!r} is ambiguous; give more of its id")
    raise NotFoundError(f"no candidate {given!r} (see `liaison osint review list`)")


def summary(r: Any) -> dict[str, Any]:
    """A candidate as a list shows it."""
    g = r.grading or {}
    return {
        "id": r.id,
        "partner": r.partner_code,
        "status": r.status,
        "revision": r.revision,
        "edited": bool(r.edited),
        "unit": r.unit_local_id,
        "new_unit": r.unit_local_id is None,
        "match_score": r.match_score,
        "designation": r.designation,
        "number": r.number,
        "echelon": r.echelon,
        "branch": r.branch,
        "guards": bool(r.guards),
        "unit_number": r.unit_number,
        "place": r.place,
        "lat": r.lat,
        "lon": r.lon,
        "valid_at": iso(r.valid_at),
        "first_seen": r.first_seen,
        "last_seen": r.last_seen,
        "reliability": r.reliability,
        "credibility": r.credibility,
        "grade": f"{r.reliability or 'F'}{r.credibility}",
        "corroboration": r.corroboration,
        "mentions": g.get("mentions"),
        "documents": g.get("documents"),
        "ambiguous": g.get("ambiguous"),
        "reasons": g.get("reasons", []),
        "contradictions": g.get("contradictions", []),
        "decided_by": r.decided_by,
        "decided_at": iso(r.decided_at),
        "observation_id": r.observation_id,
    }


def list_candidates(
    conn: Connection,
    partners: Sequence[str] | None = None,
    *,
    status: str = "pending",
    unit_id: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Pending first by default: best graded first (credibility, then corroboration), newest first."""
    if status not in (*STATUSES, "all"):
        raise ValidationError(f"status must be one of {', '.join(STATUSES)} or all, got {status!r}")
    q = sa.select(osint_candidate)
    if partners is not None:
        q = q.where(osint_candidate.c.partner_code.in_(list(partners)))
    if status != "all":
        q = q.where(osint_candidate.c.status == status)
    if unit_id:
        q = q.where(osint_candidate.c.unit_local_id == unit_id)
    q = q.order_by(
        osint_candidate.c.credibility,
        osint_candidate.c.corroboration.desc(),
        osint_candidate.c.valid_at.desc(),
        osint_candidate.c.id,
    )
    q = q.limit(max(1, min(limit, 5000))).offset(max(0, offset))
    return [summary(r) for r in conn.execute(q)]


def counts(conn: Connection, partners: Sequence[str] | None = None) -> dict[str, int]:
    q = sa.select(osint_candidate.c.status, sa.func.count()).group_by(osint_candidate.c.status)
    if partners is not None:
        q = q.where(osint_candidate.c.partner_code.in_(list(partners)))
    out = dict.fromkeys(STATUSES, 0)
    out.update({r[0]: r[1] for r in conn.execute(q)})
    return out


def show(conn: Connection, candidate_id: str) -> dict[str, Any]:
    """The candidate, its mentions with their documents, the unit's current facts, decisions."""
    r = _row(conn, candidate_id)
    out = summary(r)
    out["grading"] = r.grading
    rows = conn.execute(
        sa.select(osint_mention, osint_document.c.title, osint_document.c.origin)
        .select_from(
            osint_candidate_mention.join(
                osint_mention, osint_mention.c.id == osint_candidate_mention.c.mention_id
            ).join(osint_document, osint_document.c.id == osint_mention.c.document_id)
        )
        .where(osint_candidate_mention.c.candidate_id == candidate_id)
        .order_by(osint_mention.c.document_id, osint_mention.c.start_char)
    )
    mentions = []
    for m in rows:
        d = mention_dict(m)
        d["document_title"] = m.title
        d["document_origin"] = m.origin
        mentions.append(d)
    out["mentions_detail"] = mentions
    out["unit_facts"] = None
    if r.unit_local_id:
        u = get_picture(conn, r.partner_code, only={r.unit_local_id}).units.get(r.unit_local_id)
        if u is not None:
            out["unit_facts"] = {
                "unit_id": u.unit_id,
                "designation": u.designation,
                "echelon": u.echelon,
                "branch": u.branch,
                "parent_id": u.parent_id,
                "place": u.place,
                "lat": u.lat,
                "lon": u.lon,
                "observed_at": iso(u.observed_at),
                "source": u.source,
                "reliability": u.reliability,
                "credibility": u.credibility,
                "strength": u.strength,
                "equipment": u.equipment,
            }
    out["decisions"] = [
        {
            "action": d.action,
            "actor": d.actor,
            "at": iso(d.at),
            "revision": d.revision,
            "changes": d.changes,
            "comment": d.comment,
            "observation_id": d.observation_id,
        }
        for d in conn.execute(
            sa.select(osint_decision)
            .where(osint_decision.c.candidate_id == candidate_id)
            .order_by(osint_decision.c.at, osint_decision.c.id)
        )
    ]
    return out


def _check_open(r: Any, revision: int | None) -> None:
    if r.status != "pending":
        raise ConflictError(
            f"candidate {r.id} is already {r.status} by {r.decided_by}; decisions are final"
        )
    if revision is not None and revision != r.revision:
        raise ConflictError(
            f"candidate {r.id} changed since you saw it (revision {revision}, now {r.revision}); "
            "look at it again"
        )


def _comment(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if "\x00" in text:
        raise ValidationError("comment: NUL characters are not allowed")
    if len(text) > MAX_COMMENT:
        raise ValidationError(f"comment: at most {MAX_COMMENT} characters")
    return text or None


def _changes(conn: Connection, r: Any, edits: dict[str, Any]) -> dict[str, Any]:
    """Validate an analyst's edits; returns the candidate columns to change."""
    unknown = set(edits) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}"
        )
    out: dict[str, Any] = {}
    for k, v in edits.items():
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, str) and "\x00" in v:
            raise ValidationError(f"{k}: NUL characters are not allowed")
        if k == "unit":
            uid = str(v).strip()
            if uid.lower() == NEW_UNIT:
                out["unit_local_id"] = None
                continue
            exists = conn.execute(
                sa.select(unit.c.id).where(
                    unit.c.partner_code == r.partner_code, unit.c.local_id == uid
                )
            ).first()
            if exists is None:
                raise ValidationError(
                    f"unit: {r.partner_code} has no unit {uid!r} (give an existing unit id, or 'new')"
                )
            out["unit_local_id"] = uid
            out["designation"] = (
                get_picture(conn, r.partner_code, only={uid}).units[uid].designation or uid
            )[:300]
        elif k == "designation":
            text = str(v).strip()
            if len(text) > 300:
                raise ValidationError("designation: at most 300 characters")
            out["designation"] = text
        elif k == "echelon":
            try:
                out["echelon"] = norm_echelon(str(v))
            except ValueError as exc:
                raise ValidationError(f"echelon: {exc}") from None
        elif k == "branch":
            try:
                out["branch"] = norm_branch(str(v))
            except ValueError as exc:
                raise ValidationError(f"branch: {exc}") from None
        elif k == "place":
            text = str(v).strip()
            if len(text) > 300:
                raise ValidationError("place: at most 300 characters")
            out["place"] = text
            if "lat" not in edits or edits.get("lat") in (None, ""):
                from liaison.names.gazetteer import resolve

                res = resolve(text)
                if res.status != "ok" or res.place is None:
                    raise ValidationError(
                        f"place: {text!r} is {res.status} in the gazetteer; give lat and lon too"
                    )
                out["lat"], out["lon"] = res.place.lat, res.place.lon
        elif k in ("lat", "lon"):
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise ValidationError(f"{k}: not a number ({v!r})") from None
            lim = 90.0 if k == "lat" else 180.0
            if not (-lim <= f <= lim):
                raise ValidationError(f"{k}: {f} is outside -{lim:g}..{lim:g}")
            out[k] = f
        elif k == "date":
            try:
                d = date.fromisoformat(str(v).strip()[:10])
            except ValueError:
                raise ValidationError(f"date: not YYYY-MM-DD ({v!r})") from None
            out["valid_at"] = datetime(d.year, d.month, d.day, tzinfo=UTC)
            out["date_precision"] = 1
        elif k == "credibility":
            try:
                out["credibility"] = parse_credibility(v)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
    if ("lat" in out) != ("lon" in out) and "place" not in out:
        raise ValidationError("lat and lon go together")
    return out


def _record(
    conn: Connection,
    r: Any,
    action: str,
    actor: str,
    changes: dict[str, Any],
    comment: str | None,
    observation_id: str | None = None,
) -> None:
    conn.execute(
        osint_decision.insert().values(
            id=new_id(),
            candidate_id=r.id,
            revision=r.revision,
            action=action,
            actor=actor,
            at=utcnow(),
            changes={k: (iso(v) if isinstance(v, datetime) else v) for k, v in changes.items()},
            comment=comment,
            observation_id=observation_id,
        )
    )
    audit.record(
        conn,
        actor,
        f"osint.{action}",
        f"{r.partner_code}/{r.id}",
        {
            "revision": r.revision,
            "changes": {k: (iso(v) if isinstance(v, datetime) else v) for k, v in changes.items()},
            "comment": comment,
            "observation": observation_id,
        },
    )


def edit(
    conn: Connection,
    candidate_id: str,
    edits: dict[str, Any],
    *,
    actor: str,
    revision: int | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    """Change a pending candidate's facts; it stays pending, and compiles no longer touch it."""
    r = _row(conn, candidate_id)
    _check_open(r, revision)
    changes = _changes(conn, r, edits)
    if not changes:
        raise ValidationError("nothing to change: give at least one of " + ", ".join(EDITABLE))
    comment = _comment(comment)
    conn.execute(
        osint_candidate.update()
        .where(osint_candidate.c.id == r.id, osint_candidate.c.revision == r.revision)
        .values(**changes, edited=True, revision=r.revision + 1, updated_at=utcnow())
    )
    _record(conn, r, "edit", actor, changes, comment)
    return summary(_row(conn, candidate_id))


def reject(
    conn: Connection,
    candidate_id: str,
    *,
    actor: str,
    revision: int | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    r = _row(conn, candidate_id)
    _check_open(r, revision)
    comment = _comment(comment)
    now = utcnow()
    res = conn.execute(
        osint_candidate.update()
        .where(osint_candidate.c.id == r.id, osint_candidate.c.status == "pending")
        .values(status="rejected", decided_at=now, decided_by=actor, updated_at=now)
    )
    if res.rowcount != 1:
        raise ConflictError(f"candidate {r.id} was decided by someone else meanwhile")
    _record(conn, r, "reject", actor, {}, comment)
    return summary(_row(conn, candidate_id))


def _next_local_id(conn: Connection, partner: str) -> str:
    rows = conn.execute(
        sa.select(unit.c.local_id).where(
            unit.c.partner_code == partner, unit.c.local_id.like("OSINT-%")
        )
    )
    n = max((int(m.group(1)) for (x,) in rows if (m := re.fullmatch(r"OSINT-(\d+)", x))), default=0)
    return f"OSINT-{n + 1:04d}"


def accept(
    conn: Connection,
    candidate_id: str,
    *,
    actor: str,
    revision: int | None = None,
    edits: dict[str, Any] | None = None,
    comment: str | None = None,
    marking: Marking | None = None,
) -> dict[str, Any]:
    """Accept (with optional last edits): record the observation with its provenance."""
    r = _row(conn, candidate_id)
    _check_open(r, revision)
    comment = _comment(comment)
    changes = _changes(conn, r, edits or {})
    facts = dict(r._mapping)
    facts.update(changes)
    mentions = list(
        conn.execute(
            sa.select(
                osint_mention,
                osint_document.c.title,
                osint_document.c.origin,
                osint_document.c.source_id,
            )
            .select_from(
                osint_candidate_mention.join(
                    osint_mention, osint_mention.c.id == osint_candidate_mention.c.mention_id
                ).join(osint_document, osint_document.c.id == osint_mention.c.document_id)
            )
            .where(osint_candidate_mention.c.candidate_id == r.id)
            .order_by(
                osint_mention.c.date.desc(), osint_mention.c.document_id, osint_mention.c.start_char
            )
        )
    )
    if not mentions:
        raise ConflictError(f"candidate {r.id} has no mentions left; compile again")
    # the observation's source: the most reliable source among the documents
    src_ids = {m.source_id for m in mentions if m.source_id}
    codename = None
    if src_ids:
        best = conn.execute(
            sa.select(source.c.codename)
            .where(source.c.id.in_(sorted(src_ids)))
            .order_by(source.c.reliability, source.c.codename)
            .limit(1)
        ).scalar()
        codename = best
    local_id = facts["unit_local_id"]
    new_unit = local_id is None
    if new_unit:
        local_id = _next_local_id(conn, r.partner_code)
    first = mentions[0]
    docs = {m.document_id for m in mentions}
    quote = first.quote if len(first.quote) <= 300 else first.quote[:299] + "…"
    notes = (
        f"OSINT candidate {r.id}: {len(mentions)} mention(s) in {len(docs)} document(s); "
        f"«{quote}» — {first.title or first.origin} "
        f"[document {first.document_id}, characters {first.start_char}–{first.end_char}]"
    )
    obs_facts: dict[str, Any] = {
        "lat": facts["lat"],
        "lon": facts["lon"],
        "place": facts["place"],
        "reliability": facts["reliability"] or "F",
        "credibility": facts["credibility"],
        "notes": notes,
    }
    if new_unit or "designation" in changes:
        obs_facts["designation"] = facts["designation"]
    if new_unit or "echelon" in changes:
        obs_facts["echelon"] = facts["echelon"]
    if new_unit or "branch" in changes:
        obs_facts["branch"] = facts["branch"]
    obs_facts = {k: v for k, v in obs_facts.items() if v is not None}
    oid = observe.record(
        conn,
        r.partner_code,
        local_id,
        valid_at=facts["valid_at"],
        marking=marking,
        source=codename,
        actor=actor,
        **obs_facts,
    )
    if oid is None:
        raise ConflictError(f"the picture already holds this observation of {local_id}")
    conn.execute(
        osint_provenance.insert(),
        [
            {
                "observation_id": oid,
                "mention_id": m.id,
                "candidate_id": r.id,
                "document_id": m.document_id,
                "start_char": m.start_char,
                "end_char": m.end_char,
                "quote": m.quote,
            }
            for m in mentions
        ],
    )
    now = utcnow()
    res = conn.execute(
        osint_candidate.update()
        .where(osint_candidate.c.id == r.id, osint_candidate.c.status == "pending")
        .values(
            status="accepted",
            decided_at=now,
            decided_by=actor,
            updated_at=now,
            observation_id=oid,
            unit_local_id=local_id,
            **{k: v for k, v in changes.items() if k != "unit_local_id"},
        )
    )
    if res.rowcount != 1:
        raise ConflictError(f"candidate {r.id} was decided by someone else meanwhile")
    if new_unit:
        changes = {**changes, "unit_local_id": local_id, "new_unit": True}
    _record(conn, r, "accept", actor, changes, comment, oid)
    return summary(_row(conn, candidate_id))


def provenance(conn: Connection, observation_id: str) -> list[dict[str, Any]]:
    """Where an accepted observation came from: document, offsets and quote of each mention."""
    rows = conn.execute(
        sa.select(osint_provenance, osint_document.c.title, osint_document.c.origin)
        .select_from(
            osint_provenance.join(
                osint_document, osint_document.c.id == osint_provenance.c.document_id
            )
        )
        .where(osint_provenance.c.observation_id == observation_id)
        .order_by(osint_provenance.c.document_id, osint_provenance.c.start_char)
    )
    return [
        {
            "observation": r.observation_id,
            "candidate": r.candidate_id,
            "document": r.document_id,
            "title": r.title,
            "origin": r.origin,
            "start": r.start_char,
            "end": r.end_char,
            "quote": r.quote,
        }
        for r in rows
    ]
