"""Import a unit file into a partner's picture — all or nothing, idempotent.

Everything is validated first (file, line and column named for each problem); writes happen in
one transaction in batches, so an interrupted or failed import leaves the store as it was.
Re-importing the same file adds nothing: each row's content hash is stored with the observation.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.ids import new_id
from liaison.core.markings import Marking
from liaison.orbat.csvio import Parsed, PlaceResolver, UnitReader, UnitRow, find_cycles
from liaison.orbat.observe import fingerprint, unit_ids
from liaison.orbat.partners import find_source, get_partner
from liaison.store import audit
from liaison.store.schema.orbat import observation, unit

BATCH = 5000


@dataclass
class ImportReport:
    partner: str
    file: str
    rows: int = 0
    units_new: int = 0
    observations_new: int = 0
    unchanged: int = 0
    unplaced: list[str] = field(default_factory=list)
    batch: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _current_parents(conn: Connection, partner: str) -> dict[str, str | None]:
    """Each stored unit's latest parent link (for cycle checks across file and store)."""
    q = (
        sa.select(unit.c.local_id, observation.c.parent_local_id)
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
        .where(observation.c.partner_code == partner, observation.c.retracts.is_(None))
        .order_by(observation.c.valid_at, observation.c.recorded_at)
    )
    out: dict[str, str | None] = {}
    for r in conn.execute(q):
        if r.parent_local_id is not None or r.local_id not in out:
            out[r.local_id] = r.parent_local_id or None
    return out


def import_file(
    conn: Connection,
    path: str | Path,
    partner: str,
    *,
    data: bytes | None = None,
    allow_unplaced: bool = False,
    marking: Marking | None = None,
    source: str | None = None,
    actor: str = "cli",
    now: datetime | None = None,
    resolve_place: PlaceResolver | None = None,
) -> ImportReport:
    """Validate and import; raises ValidationError (nothing written) on any bad row."""
    p = get_partner(conn, partner)
    now = now or utcnow()
    marking = marking or Marking()
    source_id = find_source(conn, p.code, source)[0] if source else None
    ids = unit_ids(conn, p.code)
    reader = UnitReader(
        path,
        data,
        allow_unplaced=allow_unplaced,
        known_parents=set(ids),
        now=now,
        resolve_place=resolve_place,
    )
    existing: set[tuple[str, str]] = set()
    if ids:
        existing = {
            (r.unit_id, r.fingerprint)
            for r in conn.execute(
                sa.select(observation.c.unit_id, observation.c.fingerprint).where(
                    observation.c.partner_code == p.code
                )
            )
        }
    batch = new_id()
    rep = ImportReport(partner=p.code, file=str(path), batch=batch)
    new_units: list[dict[str, object]] = []
    new_obs: list[dict[str, object]] = []
    rel_to = ",".join(marking.rel_to)

    def flush() -> None:
        if new_units:
            conn.execute(unit.insert(), new_units)
            new_units.clear()
        if new_obs:
            conn.execute(observation.insert(), new_obs)
            new_obs.clear()

    def add(r: UnitRow) -> None:
        facts = {
            "designation": r.designation,
            "echelon": r.echelon,
            "branch": r.branch,
            "parent_local_id": r.parent_id or "",
            "sidc": r.sidc,
            "lat": r.lat,
            "lon": r.lon,
            "place": r.place,
            "equipment": r.equipment or None,
            "strength": r.strength,
            "reliability": r.reliability,
            "credibility": r.credibility,
            "notes": r.notes,
        }
        fp = fingerprint(facts, iso(r.observed_at) or "", marking, source_id)
        internal = ids.get(r.unit_id)
        if internal is None:
            internal = ids[r.unit_id] = new_id()
            new_units.append(
                {"id": internal, "partner_code": p.code, "local_id": r.unit_id, "created_at": now}
            )
            rep.units_new += 1
        elif (internal, fp) in existing:
            rep.unchanged += 1
            return
        new_obs.append(
            {
                "id": new_id(),
                "unit_id": internal,
                "partner_code": p.code,
                "valid_at": r.observed_at or now,
                "recorded_at": now,
                "tlp": marking.tlp,
                "rel_to": rel_to,
                "orcon": marking.orcon,
                "source_id": source_id,
                "fingerprint": fp,
                "batch": batch,
                "retracts": None,
                **facts,
            }
        )
        rep.observations_new += 1
        if r.unplaced:
            rep.unplaced.append(r.unit_id)
        if len(new_obs) >= BATCH:
            flush()

    # Rows are written as they are validated; once any problem is seen we only keep validating,
    # and the caller's transaction is rolled back by the ValidationError raised at the end.
    for r in reader.rows():
        if not reader.problems:
            add(r)
    for r in reader.finish():
        if not reader.problems:
            add(r)
    if not reader.problems and ids:
        merged = _current_parents(conn, p.code)
        merged.update(reader.parents)
        for cyc in find_cycles(merged):
            line = next((reader.lines[u] for u in cyc if u in reader.lines), 0)
            reader.bad(
                line,
                "parent_id",
                "with the store's picture, parent links make a cycle: "
                + " → ".join(cyc + [cyc[0]]),
            )
            break
    Parsed(reader.name, [], reader.problems).raise_if_problems()
    flush()
    rep.rows = reader.count
    digest = hashlib.sha256(data if data is not None else Path(path).read_bytes()).hexdigest()
    audit.record(
        conn,
        actor,
        "orbat.import",
        f"{p.code}/{Path(path).name}",
        {
            "sha256": digest,
            "rows": rep.rows,
            "units_new": rep.units_new,
            "observations_new": rep.observations_new,
            "batch": batch,
        },
    )
    return rep
