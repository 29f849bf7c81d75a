"""The registry in the store: import, list, export, duplicates and reviewer merges.

Personal data rules live here, not in the adapters: every function that hands out persons takes
an `Actor` (name and role — the CLI passes `--actor/--as-role`, the web the signed-in user), checks
the role and writes an audit entry saying who listed how many persons and why.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, SecurityError, ValidationError
from liaison.core.ids import new_id
from liaison.evac import duplicates, registry
from liaison.evac.registry import Person
from liaison.store import audit
from liaison.store.schema.evac import evac_group, evac_merge, evac_person

#: Who may see persons at all (listing, duplicate review) and who may take them out of the store.
READ_ROLES = frozenset({"registrar", "admin", "analyst"})
EXPORT_ROLES = registry.EXPORT_ROLES

#: Fields compared when the same person_id is imported again (identical rows are skipped).
_FIELDS = (
    "surname",
    "given_names",
    "surname_icao",
    "given_names_icao",
    "birth_date",
    "birth_place",
    "nationality",
    "documents",
    "languages",
    "family_id",
    "guardian_id",
    "status",
    "destination",
)


@dataclass(frozen=True)
class Actor:
    """Who asks, and in which role; the role decides, the name goes into the audit log."""

    name: str
    role: str


@dataclass
class ImportReport:
    new: int
    unchanged: int
    groups_new: int

    def to_dict(self) -> dict[str, int]:
        return {"new": self.new, "unchanged": self.unchanged, "groups_new": self.groups_new}


def require_role(actor: Actor, roles: frozenset[str], what: str) -> None:
    """Deny by default: SecurityError unless the actor's role is one of `roles`."""
    if actor.role not in roles:
        raise SecurityError(f"{what} needs role {' or '.join(sorted(roles))}, not {actor.role!r}")


def _row_to_person(r: sa.Row) -> Person:
    return Person(
        person_id=r.id,
        surname=r.surname,
        given_names=r.given_names,
        birth_date=r.birth_date,
        surname_icao=r.surname_icao,
        given_names_icao=r.given_names_icao,
        birth_place=r.birth_place,
        nationality=r.nationality,
        documents=list(r.documents or []),
        languages=list(r.languages or []),
        family_id=r.group_id or "",
        guardian_id=r.guardian_id or "",
        status=r.status,
        destination=r.destination or "",
    )


def _all(conn: Connection) -> list[Person]:
    """Every person row, unaudited: for use inside this package only (counts, planning)."""
    rows = conn.execute(sa.select(evac_person).order_by(evac_person.c.id))
    return [_row_to_person(r) for r in rows]


def import_persons(conn: Connection, path: Path, actor: str = "cli") -> ImportReport:
    """All-or-nothing: the file is parsed whole (line/column errors), then checked against the store.

    A person_id already in the store is skipped if every field is equal and reported as an error
    (line and differing columns) otherwise — corrections are not silent overwrites.
    """
    existing = {p.person_id: p for p in _all(conn)}
    # raises with every problem in the file
    persons, line_of = registry.read_csv_lines(path, set(existing))
    problems: list[str] = []
    new: list[Person] = []
    for p in persons:
        old = existing.get(p.person_id)
        if old is None:
            new.append(p)
            continue
        diff = [f for f in _FIELDS if getattr(old, f) != getattr(p, f)]
        if diff:
            problems.append(
                f"{path}: line {line_of[p.person_id]}: column {diff[0]}: person "
                f"{p.person_id} is already registered with other values ({', '.join(diff)})"
            )
    if problems:
        raise ValidationError(f"{path}: {len(problems)} problem(s); nothing imported", problems)
    now = utcnow()
    have_groups = set(conn.execute(sa.select(evac_group.c.id)).scalars())
    groups = sorted({p.family_id for p in new if p.family_id} - have_groups)
    if groups:
        conn.execute(
            evac_group.insert(),
            [{"id": g, "kind": "family", "guardian_id": None, "created_at": now} for g in groups],
        )
    if new:
        conn.execute(
            evac_person.insert(),
            [
                {
                    "id": p.person_id,
                    "surname": p.surname,
                    "given_names": p.given_names,
                    "surname_icao": p.surname_icao,
                    "given_names_icao": p.given_names_icao,
                    "birth_date": p.birth_date,
                    "birth_place": p.birth_place,
                    "nationality": p.nationality,
                    "documents": p.documents,
                    "languages": p.languages,
                    "group_id": p.family_id or None,
                    "guardian_id": p.guardian_id or None,
                    "status": p.status,
                    "destination": p.destination,
                    "created_at": now,
                    "created_by": actor,
                }
                for p in new
            ],
        )
    # Record the person count only: never names in the audit log.
    audit.record(
        conn, actor, "evac.persons.import", str(path), {"new": len(new), "groups_new": len(groups)}
    )
    return ImportReport(len(new), len(persons) - len(new), len(groups))


def add_children_group(
    conn: Connection, group_id: str, guardian_id: str, children: list[str], actor: str
) -> None:
    """Unaccompanied children travelling with a guardian form a group of kind `children`."""
    ids = set(conn.execute(sa.select(evac_person.c.id)).scalars())
    missing = [x for x in [guardian_id, *children] if x not in ids]
    if missing:
        raise NotFoundError(f"unknown person(s): {', '.join(missing)}")
    if conn.execute(sa.select(evac_group.c.id).where(evac_group.c.id == group_id)).first():
        raise ConflictError(f"group {group_id} already exists")
    conn.execute(
        evac_group.insert().values(
            id=group_id, kind="children", guardian_id=guardian_id, created_at=utcnow()
        )
    )
    conn.execute(
        evac_person.update()
        .where(evac_person.c.id.in_(children))
        .values(group_id=group_id, guardian_id=guardian_id)
    )
    audit.record(
        conn, actor, "evac.group.add", group_id, {"kind": "children", "members": len(children)}
    )


def counts(conn: Connection) -> dict[str, int]:
    """Numbers only (never people): safe for anyone, so not audited."""
    n = conn.execute(sa.select(sa.func.count()).select_from(evac_person)).scalar() or 0
    g = conn.execute(sa.select(sa.func.count()).select_from(evac_group)).scalar() or 0
    return {"persons": int(n), "groups": int(g)}


def list_persons(
    conn: Connection, actor: Actor, purpose: str = "list", include_merged: bool = False
) -> list[Person]:
    """Persons (merged-away duplicates hidden unless asked); needs a reading role; audited."""
    require_role(actor, READ_ROLES, "listing persons")
    people = _all(conn)
    if not include_merged:
        dropped = set(active_merges(conn))
        people = [p for p in people if p.person_id not in dropped]
    audit.record(
        conn, actor.name, f"evac.persons.{purpose}", "evac.persons", {"count": len(people)}
    )
    return people


def export_persons(conn: Connection, path: Path, actor: Actor) -> int:
    """Write the registry as the persons CSV; only registrars and admins; audited; atomic file."""
    require_role(actor, EXPORT_ROLES, "exporting persons")
    people = exportable(conn, list_persons(conn, actor, purpose="export"))
    buf = io.StringIO()
    registry.write_rows(people, buf)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, path)
    return len(people)


def exportable(conn: Connection, persons: list[Person]) -> list[Person]:
    """Persons that may leave the store: everyone but persons at risk (issue 24, item 4)."""
    from liaison.store.schema.evac import evac_protection

    at_risk = set(conn.execute(sa.select(evac_protection.c.person_id)).scalars())
    return [p for p in persons if p.person_id not in at_risk]


def duplicate_candidates(
    conn: Connection, actor: Actor, threshold: float = duplicates.DEFAULT_THRESHOLD
) -> list[duplicates.Candidate]:
    """Candidates for a reviewer (nothing merges here); the listing is audited."""
    people = list_persons(conn, actor, purpose="duplicates")
    return duplicates.candidates(people, threshold)


def merge(
    conn: Connection, keep: str, drop: str, actor: str, score: float | None = None, note: str = ""
) -> str:
    """A reviewer's decision that `drop` is `keep`; returns the merge id (needed to undo it)."""
    ids = set(
        conn.execute(sa.select(evac_person.c.id).where(evac_person.c.id.in_([keep, drop])))
        .scalars()
        .all()
    )
    for x in (keep, drop):
        if x not in ids:
            raise NotFoundError(f"no person {x!r} in the registry")
    if keep == drop:
        raise ValidationError("a person cannot be merged into itself")
    active = active_merges(conn)
    if drop in active:
        raise ConflictError(f"{drop} is already merged into {active[drop]}")
    if canonical(active, keep) == drop:
        raise ConflictError(f"{keep} is merged into {drop}; merging back would make a loop")
    mid = new_id()
    conn.execute(
        evac_merge.insert().values(
            id=mid,
            keep_id=keep,
            drop_id=drop,
            score=score,
            note=note,
            decided_by=actor,
            decided_at=utcnow(),
            undoes=None,
        )
    )
    audit.record(conn, actor, "evac.merge", f"{drop}->{keep}", {"merge": mid})
    return mid


def undo_merge(conn: Connection, merge_id: str, actor: str, note: str = "") -> str:
    """Undo is a new row pointing at the merge it cancels; the original decision stays visible."""
    row = conn.execute(sa.select(evac_merge).where(evac_merge.c.id == merge_id)).first()
    if row is None or row.undoes is not None:
        raise NotFoundError(f"no merge {merge_id!r}")
    if conn.execute(sa.select(evac_merge.c.id).where(evac_merge.c.undoes == merge_id)).first():
        raise ConflictError(f"merge {merge_id} is already undone")
    uid = new_id()
    conn.execute(
        evac_merge.insert().values(
            id=uid,
            keep_id=row.keep_id,
            drop_id=row.drop_id,
            score=None,
            note=note,
            decided_by=actor,
            decided_at=utcnow(),
            undoes=merge_id,
        )
    )
    audit.record(conn, actor, "evac.merge.undo", f"{row.drop_id}->{row.keep_id}", {"merge": uid})
    return uid


def active_merges(conn: Connection) -> dict[str, str]:
    """{dropped person: kept person} for merges not undone."""
    undone = set(
        conn.execute(sa.select(evac_merge.c.undoes).where(evac_merge.c.undoes.is_not(None)))
        .scalars()
        .all()
    )
    rows = conn.execute(
        sa.select(evac_merge.c.id, evac_merge.c.keep_id, evac_merge.c.drop_id).where(
            evac_merge.c.undoes.is_(None)
        )
    )
    return {r.drop_id: r.keep_id for r in rows if r.id not in undone}


def canonical(active: dict[str, str], pid: str) -> str:
    seen = set()
    while pid in active and pid not in seen:
        seen.add(pid)
        pid = active[pid]
    return pid


def merge_log(conn: Connection) -> list[dict[str, object]]:
    """Every merge and undo in order, for review (ids only, no names)."""
    rows = conn.execute(sa.select(evac_merge).order_by(evac_merge.c.decided_at, evac_merge.c.id))
    return [
        {
            "id": r.id,
            "keep": r.keep_id,
            "drop": r.drop_id,
            "score": r.score,
            "undoes": r.undoes,
            "by": r.decided_by,
            "at": iso(r.decided_at),
            "note": r.note,
        }
        for r in rows
    ]


def travel_groups(conn: Connection) -> dict[str, list[str]]:
    """Planning units: a family travels together; a child with a guardian joins the guardian's
    group (a guardian travelling alone with a children's group travels in that group); anyone
    else travels alone (group key = person id). Merged-away duplicates are left out."""
    merged = active_merges(conn)
    people = [p for p in _all(conn) if p.person_id not in merged]
    kinds = {g: k for g, k in conn.execute(sa.select(evac_group.c.id, evac_group.c.kind))}
    group_of = {p.person_id: p.family_id or p.person_id for p in people}
    for p in people:
        g = p.family_id
        guardian_alone = group_of.get(p.guardian_id) == p.guardian_id
        if g and kinds.get(g) == "children" and guardian_alone:
            group_of[p.guardian_id] = g
    for p in people:
        if p.guardian_id and p.guardian_id in group_of:
            group_of[p.person_id] = group_of[p.guardian_id]
    out: dict[str, list[str]] = {}
    for pid, g in sorted(group_of.items()):
        out.setdefault(g, []).append(pid)
    return out
