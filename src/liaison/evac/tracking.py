"""Checkpoint events recorded offline on several devices, merged without loss, and the dashboard.

Each device numbers its own events (device id + per-device sequence) and only ever appends. Logs
travel as JSON lines; importing one adds the events not yet held, skips those held identically
and refuses (all-or-nothing, naming the line) an event whose id is held with other content — so
any order of syncs converges on the same set and nothing is overwritten.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import ValidationError
from liaison.store import audit
from liaison.store.schema.evac import (
    evac_assignment,
    evac_departure,
    evac_event,
    evac_leg,
    evac_person,
    evac_plan,
)

KINDS = ("departed", "arrived", "crossed")


@dataclass(frozen=True)
class Event:
    device: str
    seq: int
    at: datetime
    subject: str  # travel group id, or a person's id when travelling alone
    kind: str
    place: str
    departure_id: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "device": self.device,
            "seq": self.seq,
            "at": iso(self.at),
            "subject": self.subject,
            "kind": self.kind,
            "place": self.place,
            "departure_id": self.departure_id,
        }


def _check(device: str, subject: str, kind: str, place: str) -> None:
    if not device.strip() or len(device) > 64:
        raise ValidationError("device: give an id of 1–64 characters")
    if not subject.strip():
        raise ValidationError("subject: empty")
    if kind not in KINDS:
        raise ValidationError(f"kind {kind!r} must be one of {', '.join(KINDS)}")
    if not place.strip():
        raise ValidationError("place: empty")


def _row(r: sa.Row) -> Event:
    return Event(r.device, r.seq, r.at, r.subject, r.kind, r.place, r.departure_id or "")


def events(conn: Connection) -> list[Event]:
    q = sa.select(evac_event).order_by(evac_event.c.device, evac_event.c.seq)
    return [_row(r) for r in conn.execute(q)]


def record(
    conn: Connection,
    device: str,
    subject: str,
    kind: str,
    place: str,
    at: datetime | None = None,
    departure_id: str = "",
    actor: str = "cli",
) -> Event:
    """Append one event with this device's next sequence number."""
    _check(device, subject, kind, place)
    at = at or utcnow()
    if at.tzinfo is None:
        raise ValidationError("at: give a time zone (UTC)")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE evac_event IN SHARE ROW EXCLUSIVE MODE")
    last = conn.execute(
        sa.select(sa.func.max(evac_event.c.seq)).where(evac_event.c.device == device)
    ).scalar()
    ev = Event(device, (last or 0) + 1, at, subject, kind, place.strip(), departure_id)
    conn.execute(evac_event.insert().values(**_values(ev)))
    audit.record(conn, actor, "evac.track.record", f"{device}/{ev.seq}", {"kind": kind})
    return ev


def _values(ev: Event) -> dict[str, object]:
    return {
        "device": ev.device,
        "seq": ev.seq,
        "at": ev.at,
        "subject": ev.subject,
        "kind": ev.kind,
        "place": ev.place,
        "departure_id": ev.departure_id,
        "recorded_at": utcnow(),
    }


def export_log(conn: Connection, path: Path, device: str | None = None, actor: str = "cli") -> int:
    """Write events (all, or one device's) as JSON lines, in (device, seq) order; atomic file."""
    evs = [e for e in events(conn) if device is None or e.device == device]
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(
        "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in evs), encoding="utf-8"
    )
    os.replace(tmp, path)
    audit.record(conn, actor, "evac.track.export", str(path), {"events": len(evs)})
    return len(evs)


def _parse_line(path: Path, n: int, line: str) -> Event:
    where = f"{path}: line {n}"
    try:
        d = json.loads(line)
    except ValueError as exc:
        raise ValidationError(f"{where}: not JSON ({exc})") from None
    if not isinstance(d, dict):
        raise ValidationError(f"{where}: not a JSON object")
    for f in ("device", "seq", "at", "subject", "kind", "place"):
        if f not in d:
            raise ValidationError(f"{where}: field {f}: missing")
    unknown = set(d) - {"device", "seq", "at", "subject", "kind", "place", "departure_id"}
    if unknown:
        raise ValidationError(f"{where}: field {sorted(unknown)[0]}: unknown")
    if not isinstance(d["seq"], int) or isinstance(d["seq"], bool) or d["seq"] < 1:
        raise ValidationError(f"{where}: field seq: not a positive integer")
    try:
        at = parse_time(str(d["at"]))
    except ValueError as exc:
        raise ValidationError(f"{where}: field at: {exc}") from None
    try:
        _check(str(d["device"]), str(d["subject"]), str(d["kind"]), str(d["place"]))
    except ValidationError as exc:
        raise ValidationError(f"{where}: field {exc}") from None
    return Event(
        str(d["device"]),
        d["seq"],
        at,
        str(d["subject"]),
        str(d["kind"]),
        str(d["place"]).strip(),
        str(d.get("departure_id") or ""),
    )


@dataclass
class SyncReport:
    new: int
    known: int

    def to_dict(self) -> dict[str, int]:
        return {"new": self.new, "known": self.known}


def import_log(conn: Connection, path: Path, actor: str = "cli") -> SyncReport:
    """Add another device's events; identical ones are skipped; a conflicting one stops it all."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read ({exc})") from None
    problems: list[str] = []
    incoming: dict[tuple[str, int], tuple[int, Event]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            ev = _parse_line(Path(path), n, line)
        except ValidationError as exc:
            problems.append(str(exc))
            continue
        key = (ev.device, ev.seq)
        if key in incoming and incoming[key][1] != ev:
            problems.append(
                f"{path}: line {n}: event {ev.device}/{ev.seq} differs from line {incoming[key][0]}"
            )
        incoming.setdefault(key, (n, ev))
    held = {(e.device, e.seq): e for e in events(conn)}
    new: list[Event] = []
    for key, (n, ev) in sorted(incoming.items()):
        old = held.get(key)
        if old is None:
            new.append(ev)
        elif old != ev:
            problems.append(
                f"{path}: line {n}: event {ev.device}/{ev.seq} is already held with other content"
            )
    if problems:
        raise ValidationError(f"{path}: {len(problems)} problem(s); nothing imported", problems)
    if new:
        conn.execute(evac_event.insert(), [_values(e) for e in new])
    audit.record(conn, actor, "evac.track.import", str(path), {"new": len(new)})
    return SyncReport(len(new), len(incoming) - len(new))


def latest_plan(conn: Connection) -> dict[str, list[tuple[int, str]]]:
    """{subject: [(leg, departure id), …]} from the most recent saved plan."""
    pid = conn.execute(
        sa.select(evac_plan.c.id).order_by(evac_plan.c.made_at.desc(), evac_plan.c.id.desc())
    ).scalar()
    if pid is None:
        return {}
    out: dict[str, list[tuple[int, str]]] = {}
    q = (
        sa.select(evac_assignment)
        .where(evac_assignment.c.plan_id == pid)
        .order_by(evac_assignment.c.subject, evac_assignment.c.leg)
    )
    for r in conn.execute(q):
        out.setdefault(r.subject, []).append((r.leg, r.departure_id))
    return out


def status(conn: Connection, today: date, groups: dict[str, list[str]]) -> dict[str, object]:
    """Where everyone is: arrived at the destination, on a leg, at a place, waiting, overdue.

    `groups` maps travel groups to member ids (counts only are reported: the dashboard shows
    group ids and numbers of people, never names). Overdue: the expected arrival (of the departure
    a group is on, else of its planned itinerary) has passed without an arrival event since.
    """
    legs = {r.leg: r for r in conn.execute(sa.select(evac_leg).order_by(evac_leg.c.leg))}
    deps = {r.id: r for r in conn.execute(sa.select(evac_departure))}
    destination = legs[max(legs)].to_place if legs else ""
    plan = latest_plan(conn)
    group_of = {m: g for g, ms in groups.items() for m in ms}
    size = {g: len(ms) for g, ms in groups.items()}
    last: dict[str, Event] = {}
    for e in sorted(events(conn), key=lambda e: (e.at, e.device, e.seq)):
        last[group_of.get(e.subject, e.subject)] = e
    subjects = sorted(set(groups) | set(plan) | set(last))
    by_leg: dict[int, list[str]] = {k: [] for k in legs}
    at_place: dict[str, list[str]] = {}
    arrived: list[str] = []
    waiting: list[str] = []
    unplanned: list[str] = []
    overdue: list[dict[str, object]] = []
    # Issue 24: a group's own destination (its members'), when the route branches onward.
    dest_of: dict[str, str] = {}
    for pid, d in conn.execute(sa.select(evac_person.c.id, evac_person.c.destination)):
        if d and pid in group_of:
            dest_of.setdefault(group_of[pid], d)
    for s in subjects:
        e = last.get(s)
        itinerary = plan.get(s, [])
        final = deps[itinerary[-1][1]].arrive if itinerary and itinerary[-1][1] in deps else None
        expected = final
        if (
            e is not None
            and e.kind == "arrived"
            and e.place in (destination, dest_of.get(s, destination))
        ):
            arrived.append(s)
            continue
        if e is not None and e.kind in ("departed", "crossed"):
            dep = deps.get(e.departure_id)
            leg = dep.leg if dep is not None else _leg_from(legs, e.place)
            if leg is not None:
                by_leg[leg].append(s)
            else:
                at_place.setdefault(e.place, []).append(s)
            expected = dep.arrive if dep is not None else final
        elif e is not None:
            at_place.setdefault(e.place, []).append(s)
        elif itinerary:
            waiting.append(s)
        else:
            unplanned.append(s)
        if expected is not None and expected < today:
            overdue.append(
                {
                    "subject": s,
                    "people": size.get(s, 0),
                    "expected": expected.isoformat(),
                    "last_seen": f"{e.kind} {e.place} {iso(e.at)}" if e else "no event",
                }
            )

    def people(ids: list[str]) -> int:
        return sum(size.get(x, 0) for x in ids)

    return {
        "as_of": today.isoformat(),
        "destination": destination,
        "arrived": {"groups": arrived, "people": people(arrived)},
        "by_leg": [
            {
                "leg": k,
                "from": legs[k].from_place,
                "to": legs[k].to_place,
                "mode": legs[k].mode,
                "groups": by_leg[k],
                "people": people(by_leg[k]),
            }
            for k in sorted(legs)
        ],
        "at_place": {p: {"groups": g, "people": people(g)} for p, g in sorted(at_place.items())},
        "waiting": {"groups": waiting, "people": people(waiting)},
        "unplanned": {"groups": unplanned, "people": people(unplanned)},
        "overdue": overdue,
        "events": int(
            conn.execute(sa.select(sa.func.count()).select_from(evac_event)).scalar() or 0
        ),
    }


def counts_only(board: dict[str, object]) -> dict[str, object]:
    """The board for users of other partners (issue 24, item 4): head counts per state and leg,
    no group or person ids, no places where people wait, no times."""
    out = dict(board)
    for key in ("arrived", "waiting", "unplanned"):
        out[key] = {"groups": [], "people": board[key]["people"]}  # type: ignore[index]
    out["by_leg"] = [dict(leg, groups=[]) for leg in board["by_leg"]]  # type: ignore[attr-defined]
    at = board["at_place"]
    out["at_place"] = (
        {"at checkpoints": {"groups": [], "people": sum(g["people"] for g in at.values())}}  # type: ignore[attr-defined]
        if at
        else {}
    )
    out["overdue"] = []
    out["overdue_people"] = sum(o["people"] for o in board["overdue"])  # type: ignore[attr-defined]
    out["counts_only"] = True
    return out


def _leg_from(legs: dict[int, sa.Row], place: str) -> int | None:
    """A departure without a known departure id: the leg that starts at that place."""
    for k, r in legs.items():
        if r.from_place == place:
            return k
    return None
