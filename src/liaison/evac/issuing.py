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
from liaison.evac.registry import Person
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


KINDS = ("transit", "destination", "family")


def issue(
    conn: Connection,
    issuer: seal.Issuer,
    station: str,
    route: list[str],
    valid_from: date,
    valid_until: date,
    actor: str,
    person_ids: list[str] | None = None,
    *,
    kind: str = "transit",
    destination: str = "",
) -> list[documents.Document]:
    """Number and seal one document per person named, or (a batch) per registered person not yet
    holding an unrevoked document of this kind from this issuer; merged-away duplicates get none,
    and a person whose merged-away record holds one counts as holding it.

    `kind`: "transit" (one person), "destination" (a visa of the destination's issuer: its own
    block and key), or "family" (one document per travel group, held by its eldest member and
    naming every other member in the seal). A transit or family document rests on the holder's
    valid destination document, if any: its number and issuer go into the seal. The destination
    is `destination`, else the holder's own."""
    if kind not in KINDS:
        raise ValidationError(f"document kind {kind!r} is not one of {', '.join(KINDS)}")
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
    members: dict[str, list[Person]] | None = None
    if kind == "family":
        members = {}
        wanted = {p.person_id for p in persons}
        heads = []
        for group in people.travel_groups(conn).values():
            if not wanted & set(group):
                continue
            ms = sorted((everyone[x] for x in group), key=lambda p: (p.birth_date, p.person_id))
            heads.append(ms[0])
            members[ms[0].person_id] = ms[1:]
        persons = sorted(heads, key=lambda p: p.person_id)
    # A person holds what any of their merged-away records holds: a duplicate merged after it
    # was documented must not get a second valid document under the kept record.
    held = holdings(conn, merged, issuer.kid, "destination" if kind == "destination" else None)

    def covered(p: Person) -> list[str]:
        return [p.person_id] + [m.person_id for m in (members or {}).get(p.person_id, [])]

    if person_ids is None:  # a batch skips persons already holding a valid document from us
        persons = [p for p in persons if not any(x in held for x in covered(p))]
    else:
        twice = [f"{x} holds {held[x]}" for p in persons for x in covered(p) if x in held]
        if twice:
            raise ConflictError(f"already documented (revoke it first): {', '.join(twice)}")
    rests_on: dict[str, tuple[str, str]] = {}
    if kind != "destination":
        visas = holdings(conn, merged, None, "destination", with_issuer=True)
        rests_on = {p.person_id: visas[p.person_id] for p in persons if p.person_id in visas}
    block = Block(station, row.serial_first, row.serial_last, row.next_serial)
    if block.end - block.next + 1 < len(persons):
        raise ConflictError(
            f"block {station} has {block.end - block.next + 1} numbers left, {len(persons)} needed"
        )
    dest_of = {p.person_id: destination or p.destination for p in persons}
    docs: list[documents.Document] = []
    for dest in sorted(set(dest_of.values())):
        docs += documents.issue(
            [p for p in persons if dest_of[p.person_id] == dest],
            issuer,
            block,
            route,
            valid_from,
            valid_until,
            kind=kind,
            destination=dest,
            rests_on=rests_on,
            members=members,
        )
    docs.sort(key=lambda d: d.number)
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
                    "kind": kind,
                    "rests_on": rests_on.get(d.person_id, ("", ""))[0] or None,
                    "members": (
                        [m.person_id for m in members.get(d.person_id, [])]
                        if members is not None
                        else None
                    ),
                    "destination": dest_of[d.person_id],
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
        {
            "issuer": issuer.kid,
            "kind": kind,
            "count": len(docs),
            "people": sum(1 + len(d.payload.get("mem") or []) for d in docs),
            "first": docs[0].number if docs else None,
        },
    )
    return docs


def holdings(
    conn: Connection,
    merged: dict[str, str],
    issuer_kid: str | None,
    kind: str | None,
    with_issuer: bool = False,
) -> dict:
    """{person: number} (or (number, issuer) with `with_issuer`) of unrevoked documents, by the
    kept record of merged duplicates; a family document counts for every member it covers.
    `kind` None: transit and family documents (the travel documents)."""
    rev = revoked_pairs(conn)
    q = sa.select(
        evac_document.c.number,
        evac_document.c.person_id,
        evac_document.c.issuer_kid,
        evac_document.c.members,
        evac_document.c.kind,
    )
    if issuer_kid is not None:
        q = q.where(evac_document.c.issuer_kid == issuer_kid)
    if kind is not None:
        q = q.where(evac_document.c.kind == kind)
    else:
        q = q.where(evac_document.c.kind != "destination")
    out: dict = {}
    for r in conn.execute(q.order_by(evac_document.c.number)):
        if (r.issuer_kid, r.number) in rev:
            continue
        for pid in [r.person_id, *(r.members or [])]:
            out.setdefault(
                people.canonical(merged, pid), (r.number, r.issuer_kid) if with_issuer else r.number
            )
    return out


def revoked_pairs(conn: Connection) -> set[tuple[str, str]]:
    return {(k, n) for k, ns in revoked(conn).items() for n in ns}


def coverage(conn: Connection) -> dict[str, dict[str, int]]:
    """Per kind: unrevoked documents and the people they cover (a family document covers its
    holder and every member) — numbers only."""
    rev = revoked_pairs(conn)
    out: dict[str, dict[str, int]] = {}
    for r in conn.execute(
        sa.select(
            evac_document.c.number,
            evac_document.c.issuer_kid,
            evac_document.c.kind,
            evac_document.c.members,
        )
    ):
        if (r.issuer_kid, r.number) in rev:
            continue
        c = out.setdefault(r.kind, {"documents": 0, "people": 0})
        c["documents"] += 1
        c["people"] += 1 + len(r.members or [])
    return out


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
