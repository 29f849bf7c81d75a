"""Pictures as of any valid time and any recorded time, and a unit's history.

A picture folds a unit's observations in valid-time order: each fact takes its latest known
value, so a daily position report does not erase the equipment reported last week.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.core.errors import NotFoundError
from liaison.core.markings import Marking
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner
from liaison.store.raw import converter, driver_rows
from liaison.store.schema.orbat import observation, source, unit

_COLS = (  # get_picture unpacks its rows in this order
    observation.c.id,
    observation.c.valid_at,
    observation.c.recorded_at,
    observation.c.designation,
    observation.c.echelon,
    observation.c.branch,
    observation.c.parent_local_id,
    observation.c.sidc,
    observation.c.lat,
    observation.c.lon,
    observation.c.place,
    observation.c.equipment,
    observation.c.strength,
    observation.c.reliability,
    observation.c.credibility,
    observation.c.tlp,
    observation.c.rel_to,
    observation.c.orcon,
    observation.c.notes,
    observation.c.retracts,
    unit.c.local_id,
    source.c.codename,
    source.c.compartment,
)


def _select(
    partner: str, recorded_at: datetime | None, only: set[str] | None = None
) -> sa.Select[Any]:
    q = (
        sa.select(*_COLS)
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id).outerjoin(source))
        .where(observation.c.partner_code == partner)
    )
    if recorded_at is not None:
        q = q.where(observation.c.recorded_at <= recorded_at)
    if only is not None:
        q = q.where(unit.c.local_id.in_(sorted(only)))
    return q.order_by(unit.c.local_id, observation.c.valid_at, observation.c.recorded_at)


def get_picture(
    conn: Connection,
    partner: str,
    valid_at: datetime | None = None,
    recorded_at: datetime | None = None,
    only: set[str] | None = None,
    *,
    compartments: Collection[str] = (),
    without_burned: bool = False,
    regrade: bool = True,
) -> Picture:
    """The partner's picture: what was true at `valid_at` as known at `recorded_at` (None = now).

    `only` limits it to those units (an incremental pouch needs the changed units, not all).
    A source in a compartment is named only for a user read into it (`compartments`; by default
    nobody, so nothing built from a picture — a pouch, an export — can carry the codename).
    Facts from burned sources carry their new grading, or are left out with `without_burned`;
    `regrade=False` shows them as they were graded (what a pouch carries: the fact as sent, the
    re-grading travelling beside it in a burn notice, so the receiver's copy stays one fact)."""
    from liaison.orbat.sources import burned_observations

    p = get_partner(conn, partner)
    # the rows as the driver gives them: times and equipment converted once per distinct value
    # (tens of thousands of observations share a few hundred valid times and recorded times)
    rows = driver_rows(conn, _select(p.code, recorded_at, only))
    burned = burned_observations(conn, p.code, recorded_at)
    times = converter(observation.c.valid_at, conn.dialect)  # valid and recorded: one type
    equipments = converter(observation.c.equipment, conn.dialect)
    retracted = {r[19] for r in rows if r[19] is not None}  # retracts
    units: dict[str, UnitView] = {}
    markings: dict[tuple[Any, ...], Marking] = {}
    code = p.code
    # rows unpacked as tuples (in _COLS order): attribute access per field was a third of the time
    for (
        oid, r_valid, r_recorded, designation, echelon, branch, parent, sidc, lat, lon, place,
        equipment, strength, reliability, credibility, tlp, rel_to, orcon, notes, retracts,
        local_id, codename, compartment,
    ) in rows:  # fmt: skip
        if retracts is not None or oid in retracted:
            continue
        regrade_to = burned.get(oid) if burned else None
        if regrade_to is not None and without_burned:
            continue
        if compartment is not None and compartment not in compartments:
            codename = None
        r_valid = times(r_valid)
        if valid_at is not None and r_valid > valid_at:
            continue
        u = units.get(local_id)
        if u is None:
            u = units[local_id] = UnitView(
                partner=code, unit_id=local_id, designation=designation or ""
            )
        if designation:
            u.designation = designation
        if echelon:
            u.echelon = echelon
        if branch:
            u.branch = branch
        if parent is not None:
            u.parent_id = parent or None
        if sidc:
            u.sidc = sidc
        if lat is not None and lon is not None:
            u.lat, u.lon, u.place = lat, lon, place
        elif place:
            u.lat = u.lon = None
            u.place = place
        if equipment:
            equipment = equipments(equipment)
            if equipment:
                u.equipment = dict(equipment)
        if strength is not None:
            u.strength = strength
        u.reliability, u.credibility, u.source = reliability, credibility, codename
        u.burned = regrade_to is not None
        if regrade_to is not None and regrade:
            u.reliability = regrade_to
        mkey = (tlp, rel_to, orcon)
        mk = markings.get(mkey)
        if mk is None:  # a few distinct markings among many rows; Marking is immutable
            mk = markings[mkey] = Marking(
                tlp, tuple(x for x in (rel_to or "").split(",") if x), bool(orcon)
            )
        u.marking = mk
        if notes:
            u.notes = notes
        u.observed_at, u.recorded_at, u.observation_id = r_valid, times(r_recorded), oid
    fill_sidcs(units.values())
    return Picture(partner=p.code, units=units, valid_at=valid_at, recorded_at=recorded_at)


def fill_sidcs(units: Any) -> None:
    """Derive a SIDC from echelon and branch where none was given (hostile identity)."""
    try:
        from liaison.orbat.symbology import derive_sidc
    except ImportError:  # symbology lands with the scenario work
        return
    derived: dict[tuple[str, str | None], str | None] = {}  # few distinct pairs, many units
    for u in units:
        if not u.sidc and u.echelon:
            key = (u.echelon, u.branch)
            if key not in derived:
                derived[key] = None
                with contextlib.suppress(ValueError):
                    derived[key] = derive_sidc(u.echelon, u.branch)
            if derived[key] is not None:
                u.sidc = derived[key]


def history(
    conn: Connection, partner: str, unit_id: str, *, compartments: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Every observation and retraction of one unit, in valid-time then recorded-time order
    (a compartmented source named only for a user read into it; burned facts re-graded)."""
    from liaison.orbat.sources import burned_observations

    p = get_partner(conn, partner)
    burned = burned_observations(conn, p.code)
    rows = list(
        conn.execute(
            sa.select(*_COLS)
            .select_from(
                observation.join(unit, unit.c.id == observation.c.unit_id).outerjoin(source)
            )
            .where(unit.c.partner_code == p.code, unit.c.local_id == unit_id)
            .order_by(observation.c.valid_at, observation.c.recorded_at)
        )
    )
    if not rows:
        raise NotFoundError(f"no unit {unit_id!r} in {p.code}'s picture")
    retracted = {r.retracts for r in rows if r.retracts}
    out = []
    for r in rows:
        out.append(
            {
                "observation_id": r.id,
                "kind": "retraction" if r.retracts else "observation",
                "retracts": r.retracts,
                "retracted": r.id in retracted,
                "valid_at": iso(r.valid_at),
                "recorded_at": iso(r.recorded_at),
                "designation": r.designation,
                "echelon": r.echelon,
                "branch": r.branch,
                "parent_id": r.parent_local_id,
                "lat": r.lat,
                "lon": r.lon,
                "place": r.place,
                "equipment": r.equipment or {},
                "strength": r.strength,
                "source": r.codename
                if r.compartment is None or r.compartment in compartments
                else None,
                "reliability": burned.get(r.id, r.reliability),
                "burned": r.id in burned,
                "credibility": r.credibility,
                "marking": Marking(
                    r.tlp, tuple(x for x in (r.rel_to or "").split(",") if x), bool(r.orcon)
                ).to_text(),
                "notes": r.notes,
            }
        )
    return out


def changed_since(
    conn: Connection, partner: str, since: datetime, until: datetime | None = None
) -> set[str]:
    """Units of a partner with an observation (or retraction) recorded after `since`."""
    q = (
        sa.select(unit.c.local_id)
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
        .where(observation.c.partner_code == partner, observation.c.recorded_at > since)
        .distinct()
    )
    if until is not None:
        q = q.where(observation.c.recorded_at <= until)
    return {r.local_id for r in conn.execute(q)}


def valid_times(
    conn: Connection, partner: str, keep: Callable[[Marking], bool] | None = None
) -> list[datetime]:
    """The distinct valid times of a partner's observations, oldest first; `keep` filters them by
    marking (what a partner's user may see of a released picture)."""
    code = get_partner(conn, partner).code
    q = sa.select(
        observation.c.valid_at, observation.c.tlp, observation.c.rel_to, observation.c.orcon
    ).where(observation.c.partner_code == code, observation.c.retracts.is_(None))
    if keep is None:
        q = sa.select(observation.c.valid_at).where(
            observation.c.partner_code == code, observation.c.retracts.is_(None)
        )
        return sorted({r.valid_at for r in conn.execute(q.distinct())})
    out = set()
    for r in conn.execute(q):
        if keep(Marking(r.tlp, tuple(x for x in r.rel_to.split(",") if x), bool(r.orcon))):
            out.add(r.valid_at)
    return sorted(out)


def picture_version(conn: Connection, partner: str) -> tuple[Any, ...]:
    """What a partner's picture depends on, for caches: its observations (append-only, so their
    count and latest recorded time change with every write) and the burned sources' observations
    (a burn re-grades without a new observation)."""
    from liaison.orbat.sources import burned_observations

    n, last = conn.execute(
        sa.select(sa.func.count(), sa.func.max(observation.c.recorded_at)).where(
            observation.c.partner_code == partner
        )
    ).one()
    return (partner, int(n or 0), iso(last), len(burned_observations(conn, partner)))
