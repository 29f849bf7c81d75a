"""The weekly cadence: a schedule of meetings with each partner, and the next meeting's agenda.

The agenda is computed from the store at any moment before the meeting opens: what changed in
either picture since the last closed meeting with the partner, the items deferred there, the
open requirements between us, and the answers that came in. The minutes compare a meeting with
the one before it (`weekly_sections`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, to_utc, utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.store import audit
from liaison.store.schema.reconcile import discrepancy, meeting
from liaison.store.schema.rfi import meeting_schedule

_EVERY = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$")
_UNIT = {"h": 3600, "d": 86400, "w": 7 * 86400}


def parse_every(text: str) -> timedelta:
    """'7d', '2w', '12h' → a period between 1 hour and a year."""
    m = _EVERY.match(text or "")
    if not m:
        raise ValidationError(f"--every: {text!r} is not a period like 7d, 2w or 12h")
    secs = int(m.group(1)) * _UNIT[m.group(2)]
    if not 3600 <= secs <= 366 * 86400:
        raise ValidationError("--every: give a period between 1h and 52w")
    return timedelta(seconds=secs)


def _last_meeting(conn: Connection, partner: str, *, closed: bool = True) -> Any:
    q = sa.select(meeting).where(meeting.c.theirs_partner == partner)
    if closed:
        q = q.where(meeting.c.status == "closed")
    return conn.execute(q.order_by(meeting.c.id.desc()).limit(1)).first()


def schedule(
    conn: Connection,
    partner: str,
    every: timedelta,
    *,
    first_at: datetime | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Meet `partner` every `every`, from `first_at` (default: a period after the last meeting
    with them, else a period from now). A new schedule replaces the partner's previous one."""
    from liaison.orbat.partners import get_partner, get_self

    p = get_partner(conn, partner)
    me = get_self(conn)
    if me is not None and me.code == p.code:
        raise ValidationError("a meeting is held with another partner, not with ourselves")
    now = utcnow()
    if first_at is None:
        last = _last_meeting(conn, p.code, closed=False)
        first_at = to_utc(last.snapshot_at) + every if last is not None else now + every
    conn.execute(
        meeting_schedule.update()
        .where(meeting_schedule.c.partner == p.code, meeting_schedule.c.active.is_(True))
        .values(active=False)
    )
    conn.execute(
        meeting_schedule.insert().values(
            partner=p.code,
            every_seconds=int(every.total_seconds()),
            first_at=first_at,
            created_at=now,
            created_by=actor,
            active=True,
        )
    )
    audit.record(
        conn,
        actor,
        "meeting.schedule",
        f"partner/{p.code}",
        {"every_seconds": int(every.total_seconds()), "first_at": iso(first_at)},
    )
    return {
        "partner": p.code,
        "every": _period_text(int(every.total_seconds())),
        "first_at": iso(first_at),
        "next_at": iso(next_meeting_at(conn, p.code, after=now)),
    }


def _period_text(secs: int) -> str:
    for unit, n in (("d", 86400), ("h", 3600)):
        if secs % n == 0:
            return f"{secs // n}{unit}"
    return f"{secs}s"


def schedules(conn: Connection) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "partner": r.partner,
            "every": _period_text(r.every_seconds),
            "first_at": iso(r.first_at),
            "next_at": iso(next_meeting_at(conn, r.partner, after=now)),
        }
        for r in conn.execute(
            sa.select(meeting_schedule)
            .where(meeting_schedule.c.active.is_(True))
            .order_by(meeting_schedule.c.partner)
        )
    ]


def next_meeting_at(conn: Connection, partner: str, *, after: datetime) -> datetime | None:
    """The first scheduled meeting with `partner` at or after `after` (None: no schedule)."""
    r = conn.execute(
        sa.select(meeting_schedule)
        .where(meeting_schedule.c.partner == partner, meeting_schedule.c.active.is_(True))
        .order_by(meeting_schedule.c.id.desc())
        .limit(1)
    ).first()
    if r is None:
        return None
    first = to_utc(r.first_at)
    if after <= first:
        return first
    step = timedelta(seconds=r.every_seconds)
    k = -(-(after - first) // step)  # ceiling division of timedeltas
    return first + k * step


def agenda(conn: Connection, partner: str) -> dict[str, Any]:
    """The next meeting's agenda with `partner`: changes since the last closed meeting, its
    deferred items, open requirements between us, answers and alerts since then."""
    from liaison.orbat.partners import get_partner, get_self
    from liaison.orbat.picture import get_picture
    from liaison.reconcile import requirements
    from liaison.reconcile.alerts import diff

    p = get_partner(conn, partner)
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    now = utcnow()
    last = _last_meeting(conn, p.code)
    since = to_utc(last.snapshot_at) if last is not None else None
    changes: list[dict[str, Any]] = []
    if since is not None:
        for code in (me.code, p.code):
            changes += [
                a.to_dict()
                for a in diff(
                    get_picture(conn, code, recorded_at=since),
                    get_picture(conn, code, recorded_at=now),
                )
            ]
    deferred = []
    if last is not None:
        deferred = [
            {
                "id": d.id,
                "kind": d.kind,
                "ours": d.ours_unit,
                "theirs": d.theirs_unit,
                "comment": d.comment,
                "meeting": last.id,
            }
            for d in conn.execute(
                sa.select(discrepancy)
                .where(discrepancy.c.meeting_id == last.id, discrepancy.c.resolution == "defer")
                .order_by(discrepancy.c.id)
            )
        ]
    reqs = [
        r
        for r in requirements.list_requirements(conn, partner=p.code)
        if r["status"] in ("open", "answered")
    ]
    return {
        "with": p.code,
        "ours": me.code,
        "next_at": iso(next_meeting_at(conn, p.code, after=now)),
        "last_meeting": last.id if last is not None else None,
        "since": iso(since),
        "changes": changes,
        "deferred": deferred,
        "requirements": reqs,
        "alerts": requirements.alerts_since(conn, since) + requirements.pending(conn),
        "prepared_at": iso(now),
    }


def agenda_markdown(a: dict[str, Any]) -> str:
    lines = [
        f"# Agenda: {a['ours']} – {a['with']}, next meeting {a['next_at'] or 'not scheduled'}",
        "",
        f"Since meeting {a['last_meeting']} ({a['since']})"
        if a["last_meeting"]
        else "No closed meeting yet: the first meeting reconciles everything.",
        "",
        f"## Changes since the last meeting ({len(a['changes'])})",
        "",
    ]
    lines += [
        f"- {c['kind']}: {c['partner']} {c['unit_id']} «{c['designation']}» {c['detail']}"
        for c in a["changes"]
    ] or ["- none"]
    lines += ["", f"## Deferred items ({len(a['deferred'])})", ""]
    lines += [
        f"- #{d['id']} {d['kind']}: {d['ours'] or '—'} ↔ {d['theirs'] or '—'} ({d['comment'] or ''})"
        for d in a["deferred"]
    ] or ["- none"]
    lines += ["", f"## Open requirements ({len(a['requirements'])})", ""]
    lines += [
        f"- {r['ref']} [{r['status']}{', overdue' if r['overdue'] else ''}] due {r['due_at']}, "
        f"collects {r['collector']}: {r['question']}"
        for r in a["requirements"]
    ] or ["- none"]
    lines += ["", f"## Alerts ({len(a['alerts'])})", ""]
    lines += [
        f"- {x['kind']}: {x['ref']} by {x['partner']} {x['unit_id']} ({x.get('valid_at') or '?'})"
        for x in a["alerts"]
    ] or ["- none"]
    return "\n".join(lines) + "\n"


def previous_meeting(conn: Connection, meeting_id: int) -> Any:
    m = conn.execute(sa.select(meeting).where(meeting.c.id == meeting_id)).first()
    if m is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return conn.execute(
        sa.select(meeting)
        .where(meeting.c.theirs_partner == m.theirs_partner, meeting.c.id < m.id)
        .order_by(meeting.c.id.desc())
        .limit(1)
    ).first()


def _counts(conn: Connection, meeting_id: int) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for d in conn.execute(
        sa.select(discrepancy.c.kind, discrepancy.c.resolution).where(
            discrepancy.c.meeting_id == meeting_id
        )
    ):
        k = out.setdefault(d.kind, {"raised": 0, "neither": 0, "defer": 0})
        k["raised"] += 1
        if d.resolution in ("neither", "defer"):
            k[d.resolution] += 1
    return out


def weekly_sections(conn: Connection, meeting_id: int) -> list[str]:
    """Minutes lines: this meeting against the one before it (discrepancies by kind, forces)."""
    prev = previous_meeting(conn, meeting_id)
    lines = ["", "## This week against last week", ""]
    if prev is None:
        return lines + ["First meeting with this partner: nothing to compare.", ""]
    now_c, then_c = _counts(conn, meeting_id), _counts(conn, prev.id)
    lines += [
        f"Meeting {meeting_id} against meeting {prev.id}.",
        "",
        "| kind | last week | this week | change |",
        "|---|---|---|---|",
    ]
    for k in sorted(set(now_c) | set(then_c)):
        a, b = then_c.get(k, {}).get("raised", 0), now_c.get(k, {}).get("raised", 0)
        lines.append(f"| {k} | {a} | {b} | {b - a:+d} |")
    try:
        from liaison.reconcile.forces import minutes_lines

        lines += minutes_lines(conn, meeting_id, prev.id)
    except NotFoundError:
        pass
    return lines + [""]
