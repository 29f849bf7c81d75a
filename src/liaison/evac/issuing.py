"""Numbered, sealed documents issued from the store: station blocks, issue, revoke, list.

A station's block is a row; taking numbers locks it (FOR UPDATE on PostgreSQL, the write lock on
SQLite), so two issuing desks on one store never hand out the same number, and stations working
offline on their own stores never collide because their blocks are disjoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.evac import documents, people, seal
from liaison.evac.numbers import Block, valid_number
from liaison.store import audit
from liaison.store.schema.evac import evac_block, evac_document, evac_revocation


@dataclass(frozen=True)
class BlockInfo:
    station: str
    first: int
    last: int
    next: int

    def to_dict(self) -> dict[str, object]:
        return {"station": self.station, "first": self.first, "last": self.last, "next": self.next}


def allocate_block(conn: Connection, station: str, first: int, last: int, actor: str) -> BlockInfo:
    """Give a station the serials [first, last]; refuses overlaps with any other station's block."""
    if not (len(station) == 3 and station.isascii() and station.isalnum() and station.isupper()):
        raise ValidationError(f"station code {station!r} must be three upper-case letters/digits")
    if not (1 <= first <= last <= 999_999):
        raise ValidationError(f"block {first}-{last}: need 1 ≤ first ≤ last ≤ 999999")
    for r in conn.execute(sa.select(evac_block)):
        if r.station == station:
            raise ConflictError(
                f"station {station} already has block {r.serial_first}-{r.serial_last}"
            )
        if first <= r.serial_last and r.serial_first <= last:
            raise ConflictError(
                f"block {first}-{last} overlaps {r.station}'s {r.serial_first}-{r.serial_last}"
            )
    conn.execute(
        evac_block.insert().values(
            station=station,
            serial_first=first,
            serial_last=last,
            next_serial=first,
            allocated_at=utcnow(),
            allocated_by=actor,
        )
    )
    audit.record(conn, actor, "evac.block.allocate", station, {"first": first, "last": last})
    return BlockInfo(station, first, last, first)


def blocks(conn: Connection) -> list[BlockInfo]:
    rows = conn.execute(sa.select(evac_block).order_by(evac_block.c.station))
    return [BlockInfo(r.station, r.serial_first, r.serial_last, r.next_serial) for r in rows]


def issue(
    conn: Connection,
    issuer: seal.Issuer,
    station: str,
    route: list[str],
    valid_from: date,
    valid_until: date,
    actor: str,
    person_ids: list[str] | None = None,
) -> list[documents.Document]:
    """Number and seal one document per person named, or (a batch) per registered person not yet
    holding an unrevoked document from this issuer; merged-away duplicates get none."""
    if valid_until < valid_from:
        raise ValidationError(f"valid until {valid_until} is before valid from {valid_from}")
    if not route or any(not s.strip() for s in route):
        raise ValidationError("route: give at least one stop, none empty")
    row = conn.execute(
        sa.select(evac_block).where(evac_block.c.station == station).with_for_update()
    ).first()
    if row is None:
        raise NotFoundError(f"station {station} has no number block (see `liaison evac block`)")
    everyone = {p.person_id: p for p in people._all(conn)}
    merged = people.active_merges(conn)
    ids = person_ids if person_ids is not None else sorted(everyone)
    missing = [x for x in ids if x not in everyone]
    if missing:
        raise NotFoundError(f"unknown person id(s): {', '.join(missing)}")
    dup = [x for x in ids if x in merged]
    if dup and person_ids is not None:
        raise ConflictError(
            f"merged into another record: {', '.join(f'{d}->{merged[d]}' for d in dup)}"
        )
    persons = [everyone[x] for x in ids if x not in merged]
    if person_ids is None:  # a batch skips persons already holding a valid document from us
        rev = {n for ns in revoked(conn).values() for n in ns}
        held = {
            r.person_id
            for r in conn.execute(
                sa.select(evac_document.c.number, evac_document.c.person_id).where(
                    evac_document.c.issuer_kid == issuer.kid
                )
            )
            if r.number not in rev
        }
        persons = [p for p in persons if p.person_id not in held]
    block = Block(station, row.serial_first, row.serial_last, row.next_serial)
    if block.end - block.next + 1 < len(persons):
        raise ConflictError(
            f"block {station} has {block.end - block.next + 1} numbers left, {len(persons)} needed"
        )
    docs = documents.issue(persons, issuer, block, route, valid_from, valid_until)
    now = utcnow()
    if docs:
        conn.execute(
            evac_document.insert(),
            [
                {
                    "number": d.number,
                    "person_id": d.person_id,
                    "station": station,
                    "issuer_kid": issuer.kid,
                    "route": list(route),
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "qr": d.qr,
                    "issued_at": now,
                    "issued_by": actor,
                }
                for d in docs
            ],
        )
    conn.execute(
        evac_block.update().where(evac_block.c.station == station).values(next_serial=block.next)
    )
    audit.record(
        conn,
        actor,
        "evac.documents.issue",
        station,
        {"issuer": issuer.kid, "count": len(docs), "first": docs[0].number if docs else None},
    )
    return docs


def revoke(
    conn: Connection, number: str, actor: str, reason: str = "", issuer_kid: str = ""
) -> None:
    """Revoke a document number (ours, or another issuer's given with `issuer_kid`)."""
    number = number.strip().upper()
    if not valid_number(number):
        raise ValidationError(f"{number!r} is not a document number (check digit)")
    if not issuer_kid:
        kid = conn.execute(
            sa.select(evac_document.c.issuer_kid).where(evac_document.c.number == number)
        ).scalar()
        if kid is None:
            raise NotFoundError(f"no document {number} issued here; name its issuer with --issuer")
        issuer_kid = kid
    if conn.execute(
        sa.select(evac_revocation.c.number).where(evac_revocation.c.number == number)
    ).first():
        raise ConflictError(f"{number} is already revoked")
    conn.execute(
        evac_revocation.insert().values(
            number=number,
            issuer_kid=issuer_kid,
            reason=reason,
            revoked_at=utcnow(),
            revoked_by=actor,
        )
    )
    audit.record(
        conn, actor, "evac.documents.revoke", number, {"issuer": issuer_kid, "reason": reason}
    )


def revoked(conn: Connection) -> dict[str, list[str]]:
    """{issuer kid: [revoked numbers]} — what goes into the signed revocation list."""
    out: dict[str, list[str]] = {}
    for r in conn.execute(sa.select(evac_revocation).order_by(evac_revocation.c.number)):
        out.setdefault(r.issuer_kid, []).append(r.number)
    return out


def list_documents(conn: Connection, actor: people.Actor) -> list[dict[str, object]]:
    """Issued documents (number, person id, validity, route, issuer, revoked?); audited listing."""
    people.require_role(actor, people.READ_ROLES, "listing documents")
    rev = {n for ns in revoked(conn).values() for n in ns}
    rows = conn.execute(sa.select(evac_document).order_by(evac_document.c.number)).all()
    audit.record(conn, actor.name, "evac.documents.list", "evac.documents", {"count": len(rows)})
    return [
        {
            "number": r.number,
            "person_id": r.person_id,
            "issuer": r.issuer_kid,
            "station": r.station,
            "route": r.route,
            "valid_from": r.valid_from.isoformat(),
            "valid_until": r.valid_until.isoformat(),
            "issued_at": iso(r.issued_at),
            "revoked": r.number in rev,
            "qr": r.qr,
        }
        for r in rows
    ]


def validity_by_person(conn: Connection) -> dict[str, date]:
    """Latest valid_until of each person's unrevoked documents (for the planner)."""
    rev = {n for ns in revoked(conn).values() for n in ns}
    out: dict[str, date] = {}
    for r in conn.execute(
        sa.select(evac_document.c.number, evac_document.c.person_id, evac_document.c.valid_until)
    ):
        if r.number not in rev and (r.person_id not in out or r.valid_until > out[r.person_id]):
            out[r.person_id] = r.valid_until
    return out
