"""After arrival: reception at the destination, family tracing across registries, the exchange
settings for other organisations, and the dashboard from departure to care.

Reception is append-only (the latest row per person is its state: shelter, contact, onward
status). Family tracing looks for a person's relatives among persons other organisations released
to us (`evac_foreign_person`, received in pouches) and in our own registry, with the duplicate
scorer's surname comparison across scripts: a relative shares a surname, not a given name.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.evac import duplicates, issuing, people
from liaison.evac.people import Actor, require_role
from liaison.evac.registry import Person
from liaison.evac.soundex import dm_soundex
from liaison.store import audit
from liaison.store.schema.evac import (
    evac_foreign_person,
    evac_reception,
    evac_release,
    evac_trust,
)

ONWARD = ("sheltered", "placed with family", "onward travel", "hospital", "left care")


def receive(
    conn: Connection,
    actor: Actor,
    person_id: str,
    place: str,
    onward: str,
    shelter: str = "",
    contact: str = "",
) -> str:
    """Record a person's reception at the destination (registrar or admin)."""
    require_role(actor, frozenset({"registrar", "admin"}), "recording a reception")
    if onward not in ONWARD:
        raise ValidationError(f"onward status {onward!r} is not one of {', '.join(ONWARD)}")
    if not place.strip():
        raise ValidationError("place: empty")
    if person_id not in {p.person_id for p in people._all(conn)}:
        raise NotFoundError(f"no person {person_id!r} in the registry")
    rid = new_id()
    conn.execute(
        evac_reception.insert().values(
            id=rid,
            person_id=person_id,
            place=place.strip(),
            shelter=shelter,
            contact=contact,
            onward=onward,
            at=utcnow(),
            recorded_by=actor.name,
        )
    )
    audit.record(conn, actor.name, "evac.reception", person_id, {"onward": onward})
    return rid


def receptions(conn: Connection) -> dict[str, dict[str, str]]:
    """{person: latest reception} (internal: the dashboard counts them)."""
    out: dict[str, dict[str, str]] = {}
    for r in conn.execute(sa.select(evac_reception).order_by(evac_reception.c.at)):
        out[r.person_id] = {"place": r.place, "onward": r.onward}
    return out


def set_release(conn: Connection, partner: str, persons: bool, actor: str) -> None:
    """Whether registered persons may go to `partner` in pouches (revocations always go to
    every partner with a release policy). Persons at risk never go."""
    conn.execute(evac_release.delete().where(evac_release.c.partner_code == partner))
    conn.execute(
        evac_release.insert().values(partner_code=partner, persons=persons, updated_at=utcnow())
    )
    audit.record(conn, actor, "evac.release.set", partner, {"persons": persons})


def publish_trust(conn: Connection, trust_list: bytes, root_public: bytes, actor: str) -> str:
    """Keep our newly signed trust list in the store, so the next pouch carries it (with its
    root key) to every partner with a release policy. Returns its issue time."""
    from liaison.evac import trust as trustmod

    v = trustmod.Verifier(trust_list, root_public, max_age=None)
    conn.execute(
        evac_trust.insert().values(
            partner_code="",
            issued_at=v.issued_at,
            root_pub=root_public.hex(),
            trust_list=trust_list,
            recorded_at=utcnow(),
        )
    )
    audit.record(conn, actor, "evac.trust.publish", "evac.trust", {"issuers": len(v.issuers)})
    return v.issued_at.isoformat()


def partner_checkpoint(conn: Connection, partner: str, max_age: timedelta | None = None):  # type: ignore[no-untyped-def]
    """A checkpoint verifier for a partner organisation's documents: its newest trust list
    received in a pouch (checked against the root key it came with, and its age), plus every
    revocation we hold, ours and received — so a revocation learnt from any pouch counts."""
    from liaison.evac import trust as trustmod

    row = conn.execute(
        sa.select(evac_trust)
        .where(evac_trust.c.partner_code == partner)
        .order_by(evac_trust.c.issued_at.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"no trust list received from {partner}")
    kwargs = {} if max_age is None else {"max_age": max_age}
    v = trustmod.Verifier(bytes(row.trust_list), bytes.fromhex(row.root_pub), **kwargs)
    return v.with_revocations(issuing.revoked(conn))


def _surname_match(a: Person, b: Person) -> float:
    s = duplicates._sim(a.surname_icao, b.surname_icao)
    if dm_soundex(a.surname_icao) & dm_soundex(b.surname_icao):
        s = max(s, 0.9)
    return s


def trace(
    conn: Connection, actor: Actor, person_id: str, min_score: float = 0.85
) -> list[dict[str, object]]:
    """Possible relatives of one person, in other organisations' released registries and in
    ours (other travel groups): same surname across scripts, not the same person (a duplicate
    goes to duplicate review instead). Best first; the search is audited."""
    require_role(actor, people.READ_ROLES, "tracing a family")
    ours = {p.person_id: p for p in people._all(conn)}
    me = ours.get(person_id)
    if me is None:
        raise NotFoundError(f"no person {person_id!r} in the registry")
    pool: list[tuple[str, Person]] = [
        ("", p)
        for p in people.exportable(conn, list(ours.values()))
        if p.person_id != person_id and (not me.family_id or p.family_id != me.family_id)
    ]
    for r in conn.execute(sa.select(evac_foreign_person)):
        pool.append(
            (
                r.partner_code,
                Person(
                    r.person_id,
                    r.surname,
                    r.given_names,
                    r.birth_date,
                    family_id=r.family_id,
                    destination=r.destination,
                ),
            )
        )
    out = []
    for org, p in pool:
        s = _surname_match(me, p)
        if s < min_score:
            continue
        if duplicates.score(me, p)[0] >= duplicates.DEFAULT_THRESHOLD:
            continue  # the same person, not a relative
        out.append(
            {
                "registry": org or "ours",
                "person_id": p.person_id,
                "surname": p.surname,
                "given_names": p.given_names,
                "birth_date": p.birth_date.isoformat(),
                "destination": p.destination,
                "family": p.family_id,
                "surname_score": round(s, 3),
            }
        )
    out.sort(key=lambda x: (-float(x["surname_score"]), str(x["registry"]), str(x["person_id"])))
    audit.record(conn, actor.name, "evac.trace", person_id, {"found": len(out)})
    return out


def journey(conn: Connection, today: date) -> dict[str, object]:
    """Counts from departure to care: registered, documented (people covered by travel
    documents), seated in the latest plan, waiting, arrived, received, by onward status and by
    destination. Numbers only."""
    from liaison.evac import tracking

    groups = people.travel_groups(conn)
    persons = {p.person_id: p for p in people._all(conn)}
    seated = tracking.latest_plan(conn)
    held = issuing.holdings(conn, people.active_merges(conn), None, None)
    rec = receptions(conn)
    by_dest: dict[str, int] = {}
    for ms in groups.values():
        for m in ms:
            d = persons[m].destination or "(none)"
            by_dest[d] = by_dest.get(d, 0) + 1
    onward: dict[str, int] = {}
    for r in rec.values():
        onward[r["onward"]] = onward.get(r["onward"], 0) + 1
    board = tracking.status(conn, today, groups)
    return {
        "as_of": today.isoformat(),
        "registered": sum(len(ms) for ms in groups.values()),
        "documented": sum(1 for ms in groups.values() for m in ms if m in held),
        "seated": sum(len(groups[g]) for g in seated if g in groups),
        "arrived": board["arrived"]["people"],  # type: ignore[index]
        "received": len(rec),
        "onward": dict(sorted(onward.items())),
        "by_destination": dict(sorted(by_dest.items())),
    }
