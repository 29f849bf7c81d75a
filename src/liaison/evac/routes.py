"""The route in the store (legs and dated departures with seat limits) and saved plans.

Departures come from the departures CSV (all-or-nothing, line/column errors). A plan is saved as
a new row with its assignments, so the dashboard can tell who is overdue; older plans stay.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.errors import ValidationError
from liaison.core.ids import new_id
from liaison.evac import issuing, onward, people, planner
from liaison.store import audit
from liaison.store.schema.evac import evac_assignment, evac_departure, evac_leg, evac_plan

DEPARTURE_COLUMNS = ("dep_id", "leg", "from", "to", "mode", "day", "arrive", "seats")
MODES = ("rail", "ship", "road", "air")


def import_departures(conn: Connection, path: Path, actor: str = "cli") -> dict[str, int]:
    """Legs (index, from, to, mode) and departures; a departure id already held must be equal."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    cols = reader.fieldnames or []
    missing = [c for c in DEPARTURE_COLUMNS if c not in cols]
    if missing:
        raise ValidationError(f"{path}: line 1: missing columns {', '.join(missing)}")
    unknown = [c for c in cols if c not in DEPARTURE_COLUMNS]
    problems = [f"{path}: line 1: unknown columns {', '.join(unknown)}"] if unknown else []
    legs = {r.leg: (r.from_place, r.to_place, r.mode) for r in conn.execute(sa.select(evac_leg))}
    held = {r.id: r for r in conn.execute(sa.select(evac_departure))}
    new_legs: dict[int, tuple[str, str, str]] = {}
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    for row in reader:
        n = reader.line_num
        at = f"{path}: line {n}"
        try:
            dep_id = (row["dep_id"] or "").strip()
            if not dep_id:
                raise ValueError("column dep_id: empty")
            if dep_id in seen:
                raise ValueError(f"column dep_id: duplicate {dep_id!r}")
            seen.add(dep_id)
            try:
                leg = int(row["leg"])
            except (ValueError, TypeError):
                leg = -1
            if leg < 0:
                raise ValueError(f"column leg: not an index ≥ 0 ({row['leg']!r})")
            mode = (row["mode"] or "").strip()
            if mode not in MODES:
                raise ValueError(f"column mode: {mode!r} not one of {', '.join(MODES)}")
            src, dst = (row["from"] or "").strip(), (row["to"] or "").strip()
            if not src or not dst:
                raise ValueError("column from/to: empty")
            days = []
            for col in ("day", "arrive"):
                try:
                    days.append(date.fromisoformat((row[col] or "").strip()))
                except ValueError:
                    raise ValueError(
                        f"column {col}: not a date YYYY-MM-DD ({row[col]!r})"
                    ) from None
            if days[1] < days[0]:
                raise ValueError("column arrive: before the day of departure")
            try:
                seats = int(row["seats"])
            except (ValueError, TypeError):
                seats = -1
            if seats < 0:
                raise ValueError(f"column seats: not a number ≥ 0 ({row['seats']!r})")
        except ValueError as exc:
            problems.append(f"{at}: {exc}")
            continue
        shape = (src, dst, mode)
        known = legs.get(leg) or new_legs.get(leg)
        if known is None:
            new_legs[leg] = shape
        elif known[:2] != shape[:2]:
            problems.append(
                f"{at}: column from/to: leg {leg} runs {known[0]} → {known[1]}, not {src} → {dst}"
            )
            continue
        rec = {"id": dep_id, "leg": leg, "day": days[0], "arrive": days[1], "seats": seats}
        old = held.get(dep_id)
        if old is not None:
            if (old.leg, old.day, old.arrive, old.seats) != (leg, days[0], days[1], seats):
                problems.append(f"{at}: column dep_id: {dep_id} is already held with other values")
            continue
        rows.append(rec)
    all_legs = sorted(set(legs) | set(new_legs))
    if all_legs and all_legs != list(range(len(all_legs))):
        problems.append(f"{path}: legs must be numbered 0, 1, 2 … without gaps (have {all_legs})")
    if problems:
        raise ValidationError(f"{path}: {len(problems)} problem(s); nothing imported", problems)
    if new_legs:
        conn.execute(
            evac_leg.insert(),
            [
                {"leg": k, "from_place": a, "to_place": b, "mode": m}
                for k, (a, b, m) in sorted(new_legs.items())
            ],
        )
    if rows:
        conn.execute(evac_departure.insert(), rows)
    audit.record(
        conn, actor, "evac.departures.import", str(path), {"legs": len(new_legs), "new": len(rows)}
    )
    return {
        "legs_new": len(new_legs),
        "departures_new": len(rows),
        "unchanged": len(seen) - len(rows),
    }


def departures(conn: Connection) -> list[planner.Departure]:
    legs = {r.leg: r.mode for r in conn.execute(sa.select(evac_leg))}
    q = sa.select(evac_departure).order_by(evac_departure.c.day, evac_departure.c.id)
    return [
        planner.Departure(r.id, r.leg, r.day, r.arrive, r.seats, legs.get(r.leg, "rail"))
        for r in conn.execute(q)
    ]


def route(conn: Connection) -> list[str]:
    """The stops in order: Kaunas, Moscow, … from the legs."""
    rows = conn.execute(sa.select(evac_leg).order_by(evac_leg.c.leg)).all()
    return [rows[0].from_place, *[r.to_place for r in rows]] if rows else []


def plan(
    conn: Connection,
    ready: date,
    until: date,
    optimal: bool = False,
    save: bool = False,
    actor: str = "cli",
) -> tuple[planner.Plan, dict[str, int]]:
    """Plan the registry's travel groups; a group's deadline is its members' earliest document
    expiry (else `until`). With `save`, the plan is stored for the tracking dashboard."""
    groups = people.travel_groups(conn)
    deps = departures(conn)
    if not deps:
        raise ValidationError("no departures in the store (see `liaison evac departures`)")
    validity = issuing.validity_by_person(conn)
    gs = []
    for g, members in sorted(groups.items()):
        ends = [validity[m] for m in members if m in validity]
        gs.append(planner.Group(g, len(members), ready, min(ends) if ends else until))
    result = (planner.optimal if optimal else planner.greedy)(gs, deps)
    sizes = {g: len(ms) for g, ms in groups.items()}
    if save:
        pid = new_id()
        conn.execute(
            evac_plan.insert().values(
                id=pid,
                method=result.method,
                placed_people=result.placed_people,
                gap=result.gap,
                left=result.left,
                made_at=utcnow(),
                made_by=actor,
            )
        )
        leg_of = {d.dep_id: d.leg for d in deps}
        rows = [
            {"plan_id": pid, "subject": g, "leg": leg_of[d], "departure_id": d, "people": sizes[g]}
            for g, ds in result.assigned.items()
            for d in ds
        ]
        if rows:
            conn.execute(evac_assignment.insert(), rows)
        audit.record(
            conn,
            actor,
            "evac.plan.save",
            pid,
            {"method": result.method, "placed": result.placed_people, "left": len(result.left)},
        )
    return result, sizes


def network(conn: Connection) -> list[onward.Departure]:
    """Every departure as an edge between two places (legs need not form one line)."""
    legs = {r.leg: r for r in conn.execute(sa.select(evac_leg))}
    q = sa.select(evac_departure).order_by(evac_departure.c.day, evac_departure.c.id)
    return [
        onward.Departure(
            r.id,
            legs[r.leg].from_place,
            legs[r.leg].to_place,
            r.day,
            r.arrive,
            r.seats,
            legs[r.leg].mode,
        )
        for r in conn.execute(q)
    ]


def plan_onward(
    conn: Connection,
    ready: date,
    until: date,
    optimal: bool = False,
    save: bool = False,
    actor: str = "cli",
    origin: str | None = None,
) -> tuple[onward.Plan, dict[str, int]]:
    """Plan every travel group from `origin` (default: where leg 0 starts) to its members'
    destination over the route network; persons at risk first. Groups whose members name no
    destination wait at the origin, saying so. With `save`, the plan (full routes and the legs
    that bring waiting groups as far as they can go) is stored for the dashboard."""
    from liaison.evac.protection import protected_ids

    deps = network(conn)
    if not deps:
        raise ValidationError("no departures in the store (see `liaison evac departures`)")
    start = (
        origin
        or conn.execute(sa.select(evac_leg.c.from_place).order_by(evac_leg.c.leg).limit(1)).scalar()
    )
    groups = people.travel_groups(conn)
    persons = {p.person_id: p for p in people._all(conn)}
    at_risk = protected_ids(conn)
    validity = issuing.validity_by_person(conn)
    gs: list[onward.Group] = []
    unbound: list[str] = []
    for g, members in sorted(groups.items()):
        dests = sorted({persons[m].destination for m in members if persons[m].destination})
        if len(dests) != 1:
            unbound.append(g)
            continue
        ends = [validity[m] for m in members if m in validity]
        gs.append(
            onward.Group(
                g,
                len(members),
                str(start),
                dests[0],
                ready,
                min(ends) if ends else until,
                1 if at_risk & set(members) else 0,
            )
        )
    result = (onward.optimal if optimal else onward.greedy)(gs, deps)
    sizes = {g: len(ms) for g, ms in groups.items()}
    for g in unbound:
        dests = {persons[m].destination for m in groups[g] if persons[m].destination}
        why = "members bound for different destinations" if dests else "no destination given"
        result.waits[g] = {"place": str(start), "why": why, "legs": ""}
        result.waiting_people += sizes[g]
    if save:
        pid = new_id()
        left = {g: f"waits at {w['place']}: {w['why']}" for g, w in result.waits.items()}
        conn.execute(
            evac_plan.insert().values(
                id=pid,
                method="onward-" + result.method,
                placed_people=result.placed_people,
                gap=result.gap,
                left=left,
                made_at=utcnow(),
                made_by=actor,
            )
        )
        leg_of = {r.id: r.leg for r in conn.execute(sa.select(evac_departure))}
        routes_of = dict(result.assigned)
        routes_of |= {g: w["legs"].split(",") for g, w in result.waits.items() if w["legs"]}
        rows = [
            {"plan_id": pid, "subject": g, "leg": leg_of[d], "departure_id": d, "people": sizes[g]}
            for g, ds in routes_of.items()
            for d in ds
        ]
        if rows:
            conn.execute(evac_assignment.insert(), rows)
        audit.record(
            conn,
            actor,
            "evac.plan.save",
            pid,
            {
                "method": "onward-" + result.method,
                "placed": result.placed_people,
                "waiting": result.waiting_people,
            },
        )
    return result, sizes
