"""The meeting held in the store: open (snapshot and reconcile), resolve, pair, close.

A meeting's pictures are the two partners' pictures as of `as_of` (valid time) as known at
`snapshot_at` (recorded time): reproducible later from the append-only store. Analysts' pairing
decisions go into the crosswalk (append-only, reversible) and every later meeting uses them.
Closing makes the agreed picture — every fact with the partner, unit, source and grading it came
from — and the minutes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner, get_self
from liaison.orbat.picture import get_picture
from liaison.reconcile.match import Result, reconcile
from liaison.reconcile.requirements import raise_for_discrepancy
from liaison.store import audit
from liaison.store.schema.reconcile import (
    agreed_unit,
    collection_requirement,
    crosswalk,
    discrepancy,
    meeting,
    meeting_match,
)

RESOLUTIONS = ("ours", "theirs", "neither", "defer")


@dataclass
class MeetingInfo:
    id: int
    ours: str
    theirs: str
    as_of: datetime | None
    snapshot_at: datetime
    status: str
    summary: dict[str, Any]
    open_discrepancies: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ours": self.ours,
            "theirs": self.theirs,
            "as_of": iso(self.as_of),
            "snapshot_at": iso(self.snapshot_at),
            "status": self.status,
            "summary": self.summary,
            "open_discrepancies": self.open_discrepancies,
        }


def decisions(
    conn: Connection, ours: str, theirs: str
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Confirmed and rejected pairs in force (the latest decision per pair)."""
    rows = conn.execute(
        sa.select(crosswalk)
        .where(crosswalk.c.ours_partner == ours, crosswalk.c.theirs_partner == theirs)
        .order_by(crosswalk.c.id)
    )
    state: dict[tuple[str, str], str] = {}
    for r in rows:
        state[(r.ours_unit, r.theirs_unit)] = r.status
    return (
        {p for p, s in state.items() if s == "confirmed"},
        {p for p, s in state.items() if s == "rejected"},
    )


def decide_pair(
    conn: Connection,
    ours: str,
    theirs: str,
    ours_unit: str,
    theirs_unit: str,
    status: str,
    *,
    actor: str = "cli",
    comment: str | None = None,
) -> None:
    """Confirm, reject or withdraw a pairing; nothing is overwritten, the latest decision wins."""
    if status not in ("confirmed", "rejected", "withdrawn"):
        raise ValidationError("a pairing decision is confirmed, rejected or withdrawn")
    pic_o = get_picture(conn, ours)
    pic_t = get_picture(conn, theirs)
    if ours_unit not in pic_o.units:
        raise NotFoundError(f"no unit {ours_unit!r} in {ours}'s picture")
    if theirs_unit not in pic_t.units:
        raise NotFoundError(f"no unit {theirs_unit!r} in {theirs}'s picture")
    conn.execute(
        crosswalk.insert().values(
            ours_partner=ours,
            ours_unit=ours_unit,
            theirs_partner=theirs,
            theirs_unit=theirs_unit,
            status=status,
            decided_by=actor,
            decided_at=utcnow(),
            comment=comment,
        )
    )
    audit.record(
        conn,
        actor,
        f"crosswalk.{status}",
        f"{ours}/{ours_unit}~{theirs}/{theirs_unit}",
        {"comment": comment},
    )


def _ours_code(conn: Connection) -> str:
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    return me.code


def pictures_for(
    conn: Connection, ours: str, theirs: str, as_of: datetime | None, snapshot_at: datetime | None
) -> tuple[Picture, Picture]:
    return get_picture(conn, ours, as_of, snapshot_at), get_picture(
        conn, theirs, as_of, snapshot_at
    )


def open_meeting(
    conn: Connection, with_partner: str, *, as_of: datetime | None = None, actor: str = "cli"
) -> tuple[int, Result]:
    ours = _ours_code(conn)
    theirs = get_partner(conn, with_partner).code
    if theirs == ours:
        raise ValidationError("a meeting is held with another partner, not with ourselves")
    if conn.execute(
        sa.select(meeting.c.id).where(
            meeting.c.status == "open", meeting.c.theirs_partner == theirs
        )
    ).first():
        raise ConflictError(f"a meeting with {theirs} is already open (liaison meet show / close)")
    snap = utcnow()
    po, pt = pictures_for(conn, ours, theirs, as_of, snap)
    confirmed, rejected = decisions(conn, ours, theirs)
    res = reconcile(po, pt, confirmed=confirmed, rejected=rejected)
    mid = conn.execute(
        meeting.insert().values(
            ours_partner=ours,
            theirs_partner=theirs,
            as_of=as_of,
            snapshot_at=snap,
            opened_by=actor,
            status="open",
            summary=res.summary,
        )
    ).inserted_primary_key[0]
    if res.matches:
        conn.execute(
            meeting_match.insert(),
            [
                {
                    "meeting_id": mid,
                    "ours_unit": m.ours,
                    "theirs_unit": m.theirs,
                    "score": m.score,
                    "confirmed": m.confirmed,
                }
                for m in res.matches
            ],
        )
    if res.discrepancies:
        conn.execute(
            discrepancy.insert(),
            [
                {
                    "meeting_id": mid,
                    "kind": d.kind,
                    "ours_unit": d.ours,
                    "theirs_unit": d.theirs,
                    "detail": d.to_dict()["detail"],
                    "severity": d.severity,
                    "ours_source": d.ours_source,
                    "theirs_source": d.theirs_source,
                }
                for d in res.discrepancies
            ],
        )
    audit.record(
        conn,
        actor,
        "meeting.open",
        f"meeting/{mid}",
        {"with": theirs, "as_of": iso(as_of), **res.summary},
    )
    return int(mid), res


def current_meeting(conn: Connection, meeting_id: int | None = None) -> Any:
    q = sa.select(meeting)
    q = (
        q.where(meeting.c.id == meeting_id)
        if meeting_id
        else q.order_by(meeting.c.id.desc()).limit(1)
    )
    row = conn.execute(q).first()
    if row is None:
        raise NotFoundError(
            "no meeting yet (liaison meet open --with CODE)"
            if not meeting_id
            else f"no meeting {meeting_id}"
        )
    return row


def info(conn: Connection, meeting_id: int | None = None) -> MeetingInfo:
    m = current_meeting(conn, meeting_id)
    open_n = conn.execute(
        sa.select(sa.func.count())
        .select_from(discrepancy)
        .where(discrepancy.c.meeting_id == m.id, discrepancy.c.resolution.is_(None))
    ).scalar()
    return MeetingInfo(
        m.id,
        m.ours_partner,
        m.theirs_partner,
        m.as_of,
        m.snapshot_at,
        m.status,
        m.summary,
        int(open_n or 0),
    )


def list_discrepancies(
    conn: Connection, meeting_id: int, *, open_only: bool = False
) -> list[dict[str, Any]]:
    q = (
        sa.select(discrepancy)
        .where(discrepancy.c.meeting_id == meeting_id)
        .order_by(discrepancy.c.id)
    )
    if open_only:
        q = q.where(discrepancy.c.resolution.is_(None))
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "ours": r.ours_unit,
            "theirs": r.theirs_unit,
            "detail": r.detail,
            "severity": r.severity,
            "ours_source": r.ours_source,
            "theirs_source": r.theirs_source,
            "resolution": r.resolution,
            "comment": r.comment,
            "resolved_by": r.resolved_by,
            "resolved_at": iso(r.resolved_at),
        }
        for r in conn.execute(q)
    ]


#: ``replaces`` default: write whatever the discrepancy holds now (the CLI names the id and the
#: resolution explicitly on each call, so there is no unseen state to guard against).
ANY: Any = object()


def resolve(
    conn: Connection,
    disc_id: int,
    accept: str,
    comment: str,
    *,
    actor: str = "cli",
    replaces: str | None = ANY,
) -> dict[str, Any]:
    """Record a resolution (or change one while the meeting is open).

    ``replaces`` is the state the deciding analyst saw: ``None`` for an open discrepancy, or the
    resolution being changed. When given, the write is conditional on the discrepancy still being
    in that state (one UPDATE … WHERE, so two racing requests cannot both win): a repeated submit
    of the same item, or a decision taken on a stale screen, is a ConflictError, never a silent
    overwrite."""
    if accept not in RESOLUTIONS:
        raise ValidationError(f"--accept must be one of {', '.join(RESOLUTIONS)}")
    if not comment.strip():
        raise ValidationError("a resolution needs a comment saying why")
    if replaces is not ANY and replaces is not None and replaces not in RESOLUTIONS:
        raise ValidationError(f"replaces must be null or one of {', '.join(RESOLUTIONS)}")
    row = conn.execute(sa.select(discrepancy).where(discrepancy.c.id == disc_id)).first()
    if row is None:
        raise NotFoundError(f"no discrepancy {disc_id}")
    m = current_meeting(conn, row.meeting_id)
    if m.status != "open":
        raise ConflictError(f"meeting {m.id} is closed; its discrepancies can no longer change")
    now = utcnow()
    update = discrepancy.update().where(discrepancy.c.id == disc_id)
    if replaces is not ANY:
        update = update.where(
            discrepancy.c.resolution.is_(None)
            if replaces is None
            else discrepancy.c.resolution == replaces
        )
    done = conn.execute(
        update.values(resolution=accept, comment=comment, resolved_by=actor, resolved_at=now)
    )
    if done.rowcount != 1:
        raise ConflictError(_stale(conn, disc_id, replaces))
    if accept == "neither":
        who = row.ours_unit or row.theirs_unit
        conn.execute(
            collection_requirement.insert().values(
                meeting_id=m.id,
                discrepancy_id=disc_id,
                created_at=now,
                text=f"Establish the {row.kind} of {who} (meeting {m.id}, discrepancy {disc_id}): {comment}",
            )
        )
        raise_for_discrepancy(conn, m, row, comment, actor=actor)  # issue 21: the RFI
    audit.record(
        conn,
        actor,
        "discrepancy.resolve",
        f"discrepancy/{disc_id}",
        {"accept": accept, "comment": comment}
        | ({} if replaces is ANY else {"replaces": replaces}),
    )
    return {"id": disc_id, "resolution": accept, "comment": comment}


def _stale(conn: Connection, disc_id: int, replaces: str | None) -> str:
    """Why a conditional resolution was refused, as the analyst needs to read it."""
    now = conn.execute(
        sa.select(discrepancy.c.resolution, discrepancy.c.resolved_by).where(
            discrepancy.c.id == disc_id
        )
    ).first()
    if now is None or now.resolution is None:
        return (
            f"discrepancy {disc_id} is open, not resolved as {replaces!r}: "
            "reload the queue and decide again"
        )
    held = f"{now.resolution!r} by {now.resolved_by}"
    if replaces is None:
        return (
            f"discrepancy {disc_id} is already resolved ({held}); nothing was written. "
            f"To change it, resolve it again stating the resolution it replaces"
        )
    return (
        f"discrepancy {disc_id} is now resolved {held}, not {replaces!r} as you saw it; "
        "nothing was written: reload the queue and decide again"
    )


# Which unit fields a discrepancy kind decides.
FIELDS = {
    "location": ("lat", "lon", "place"),
    "equipment": ("equipment",),
    "strength": ("strength",),
    "subordination": ("parent_id",),
    "echelon": ("echelon",),
    "branch": ("branch",),
    "stale": (),
}
FACTS = (
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


def _fact(u: UnitView, name: str) -> dict[str, Any]:
    return {
        "value": getattr(u, name),
        "partner": u.partner,
        "unit_id": u.unit_id,
        "source": u.source,
        "reliability": u.reliability,
        "credibility": u.credibility,
        "observed_at": iso(u.observed_at),
    }


def close_meeting(
    conn: Connection, *, actor: str = "cli", meeting_id: int | None = None
) -> dict[str, Any]:
    """Make the agreed picture and the minutes. Every discrepancy needs a resolution (defer is one)."""
    m = current_meeting(conn, meeting_id)
    if m.status != "open":
        raise ConflictError(f"meeting {m.id} is already closed")
    discs = list_discrepancies(conn, m.id)
    undecided = [d["id"] for d in discs if d["resolution"] is None]
    if undecided:
        raise ValidationError(
            f"{len(undecided)} discrepancies are unresolved (e.g. {', '.join(map(str, undecided[:5]))}); "
            "resolve each (defer is allowed) before closing"
        )
    po, pt = pictures_for(conn, m.ours_partner, m.theirs_partner, m.as_of, m.snapshot_at)
    matches = {
        r.ours_unit: r.theirs_unit
        for r in conn.execute(sa.select(meeting_match).where(meeting_match.c.meeting_id == m.id))
    }
    by_pair: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
    for d in discs:
        by_pair.setdefault((d["ours"], d["theirs"]), []).append(d)
    agreed: list[dict[str, Any]] = []
    for o, t in sorted(matches.items()):
        uo, ut = po.units.get(o), pt.units.get(t)
        if uo is None or ut is None:
            continue
        facts = {f: _fact(uo, f) for f in FACTS}
        for d in by_pair.get((o, t), []):
            if d["resolution"] == "theirs":
                for f in FIELDS.get(d["kind"], ()):
                    facts[f] = _fact(ut, f)
            elif d["resolution"] in ("neither", "defer"):
                for f in FIELDS.get(d["kind"], ()):
                    facts[f] = {
                        **facts[f],
                        "status": "unresolved" if d["resolution"] == "neither" else "deferred",
                    }
        agreed.append({"key": f"{o}~{t}", "ours": o, "theirs": t, "facts": facts})
    for d in discs:
        if d["kind"] == "only_ours" and d["resolution"] == "ours":
            u = po.units[d["ours"]]
            agreed.append(
                {
                    "key": f"{d['ours']}~",
                    "ours": d["ours"],
                    "theirs": None,
                    "facts": {f: _fact(u, f) for f in FACTS},
                }
            )
        if d["kind"] == "only_theirs" and d["resolution"] == "theirs":
            u = pt.units[d["theirs"]]
            agreed.append(
                {
                    "key": f"~{d['theirs']}",
                    "ours": None,
                    "theirs": d["theirs"],
                    "facts": {f: _fact(u, f) for f in FACTS},
                }
            )
    if agreed:
        conn.execute(
            agreed_unit.insert(),
            [
                {
                    "meeting_id": m.id,
                    "key": a["key"],
                    "ours_unit": a["ours"],
                    "theirs_unit": a["theirs"],
                    "facts": a["facts"],
                }
                for a in agreed
            ],
        )
    canonical = json.dumps(
        agreed, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    from liaison.reconcile.minutes import minutes_markdown

    now = utcnow()
    text = minutes_markdown(
        conn, m.id, closed_at=now, closed_by=actor, agreed_count=len(agreed), digest=digest
    )
    conn.execute(
        meeting.update()
        .where(meeting.c.id == m.id)
        .values(status="closed", closed_at=now, closed_by=actor, agreed_digest=digest, minutes=text)
    )
    audit.record(
        conn,
        actor,
        "meeting.close",
        f"meeting/{m.id}",
        {"agreed_units": len(agreed), "digest": digest},
    )
    return {"meeting": m.id, "agreed_units": len(agreed), "agreed_digest": digest}


def agreed_picture(conn: Connection, meeting_id: int | None = None) -> list[dict[str, Any]]:
    m = current_meeting(conn, meeting_id)
    rows = conn.execute(
        sa.select(agreed_unit).where(agreed_unit.c.meeting_id == m.id).order_by(agreed_unit.c.key)
    )
    return [{"ours": r.ours_unit, "theirs": r.theirs_unit, "facts": r.facts} for r in rows]


def last_closed(conn: Connection, theirs: str | None = None) -> Any:
    q = sa.select(meeting).where(meeting.c.status == "closed")
    if theirs:
        q = q.where(meeting.c.theirs_partner == theirs)
    return conn.execute(q.order_by(meeting.c.id.desc()).limit(1)).first()


def suggest(d: dict[str, Any]) -> tuple[str, str]:
    """A suggested resolution from the Admiralty gradings alone — for an analyst to confirm, and what
    the demo applies. Better source reliability wins, then better credibility; a tie defers."""
    kind = d["kind"]
    if kind == "conflict":
        return "neither", "conflicting candidates: collect to tell them apart"
    if kind == "only_ours":
        return "ours", "only we report it; kept pending their check"
    if kind == "only_theirs":
        return "theirs", "only they report it; accepted on their report"
    if kind == "stale":
        older = d["detail"].get("older")
        return ("ours" if older == "theirs" else "theirs"), "the newer report stands"

    def rank(src: dict[str, Any] | None) -> tuple[int, int]:
        if not src:
            return (9, 9)
        return ("ABCDEF".find(src.get("reliability") or "F"), int(src.get("credibility") or 6))

    ro, rt = rank(d.get("ours_source")), rank(d.get("theirs_source"))

    def grade(src: dict[str, Any] | None) -> str:
        return f"{(src or {}).get('reliability') or '?'}{(src or {}).get('credibility') or '?'}"

    g = f"{grade(d.get('ours_source'))} against {grade(d.get('theirs_source'))}"
    if ro < rt:
        return "ours", f"our report is better graded ({g})"
    if rt < ro:
        return "theirs", f"their report is better graded ({g})"
    return "defer", "equally graded: deferred to the next meeting"
