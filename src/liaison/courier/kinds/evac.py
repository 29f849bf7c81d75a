"""Evacuation records between organisations: revocations to every partner, persons where allowed.

Collected (ours, since the watermark): document revocations and our published trust lists (with
the root key that signs them) — to every partner with a release policy, whatever its level, so a
receiving organisation's checkpoints learn that a document was revoked and whose seals to trust;
and registered persons (names, birth date, family, destination, the numbers of the
documents they hold) only to a partner whose evacuation release allows persons (`evac_release`,
deny by default), never a person at risk (`evac_protection`) and never a merged-away duplicate.
Each record is signed by us (`records.sign`).

Received: verified against the sender's keys; a revocation is added to our revocation list
(`evac_revocation`, marked with the partner it came from) so our next trust list and our
checkpoints refuse the document; a person goes into `evac_foreign_person`, apart from our own
registry, for family tracing. Re-sent records are skipped.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

import sqlalchemy as sa

from liaison.core.clock import iso, parse_time
from liaison.courier import records
from liaison.courier.keyring import partner_keys
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing, bad, require
from liaison.courier.records import PouchRejected
from liaison.store.schema.evac import (
    evac_document,
    evac_foreign_person,
    evac_merge,
    evac_person,
    evac_protection,
    evac_release,
    evac_revocation,
    evac_trust,
)

REVOCATION = "evac-revocation"
PERSON = "evac-person"
TRUST = "evac-trust"
MAX_TRUST_LIST = 1_000_000  # bytes of one COSE trust list


def persons_released(conn: Any, partner: str) -> bool:
    row = conn.execute(
        sa.select(evac_release.c.persons).where(evac_release.c.partner_code == partner)
    ).first()
    return bool(row and row.persons)


def _merged_away(conn: Any) -> set[str]:
    undone = set(
        conn.execute(sa.select(evac_merge.c.undoes).where(evac_merge.c.undoes.is_not(None)))
        .scalars()
        .all()
    )
    return {
        r.drop_id
        for r in conn.execute(
            sa.select(evac_merge.c.id, evac_merge.c.drop_id).where(evac_merge.c.undoes.is_(None))
        )
        if r.id not in undone
    }


def collect(out: Outgoing) -> Collected:
    conn, me = out.conn, out.me
    if out.policy is None:  # deny by default: no policy, nothing at all
        return Collected([], {})
    recs: list[Any] = []
    for r in conn.execute(
        sa.select(evac_revocation)
        .where(evac_revocation.c.received_from.is_(None), out.window(evac_revocation.c.revoked_at))
        .order_by(evac_revocation.c.revoked_at, evac_revocation.c.number)
    ):
        body = {
            "type": REVOCATION,
            "issuer": me,
            "kid": r.issuer_kid,
            "number": r.number,
            "revoked_at": iso(r.revoked_at),
        }
        recs.append(records.sign(out.kp, body))
    for t in conn.execute(
        sa.select(evac_trust)
        .where(evac_trust.c.partner_code == "", out.window(evac_trust.c.recorded_at))
        .order_by(evac_trust.c.issued_at)
    ):
        body = {
            "type": TRUST,
            "issuer": me,
            "issued_at": iso(t.issued_at),
            "root_pub": t.root_pub,
            "trust_list": base64.b64encode(t.trust_list).decode("ascii"),
        }
        recs.append(records.sign(out.kp, body))
    withheld = 0
    if persons_released(conn, out.to):
        at_risk = set(conn.execute(sa.select(evac_protection.c.person_id)).scalars())
        gone = _merged_away(conn)
        docs: dict[str, list[list[str]]] = {}
        for d in conn.execute(
            sa.select(
                evac_document.c.number,
                evac_document.c.issuer_kid,
                evac_document.c.kind,
                evac_document.c.person_id,
            ).order_by(evac_document.c.number)
        ):
            docs.setdefault(d.person_id, []).append([d.number, d.issuer_kid, d.kind])
        for p in conn.execute(
            sa.select(evac_person)
            .where(out.window(evac_person.c.created_at))
            .order_by(evac_person.c.id)
        ):
            if p.id in at_risk or p.id in gone:
                withheld += 1
                continue
            body = {
                "type": PERSON,
                "issuer": me,
                "person_id": p.id,
                "surname": p.surname,
                "given_names": p.given_names,
                "birth_date": p.birth_date.isoformat(),
                "family_id": p.group_id or "",
                "destination": p.destination or "",
                "documents": docs.get(p.id, []),
            }
            recs.append(records.sign(out.kp, body))
    else:
        withheld = int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(evac_person)
                .where(out.window(evac_person.c.created_at))
            ).scalar()
            or 0
        )
    return Collected(recs, {"evac_persons": withheld})


def _text(v: Any, what: str, n: int = 200, empty: bool = False) -> str:
    if not isinstance(v, str) or len(v) > n or (not v and not empty):
        raise bad(what)
    return v


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    conn, sender = inc.conn, inc.sender
    got = {"evac_revocations": 0, "evac_persons": 0, "evac_trust_lists": 0}
    for rec in recs:
        b = rec["body"]
        if "keys" not in inc.cache:
            inc.cache["keys"] = partner_keys(conn, sender)
        if b.get("issuer") != sender or not any(
            records.verify_by(rec, k.sign_pk, k.fingerprint) for k in inc.cache["keys"]
        ):
            raise PouchRejected("bad-evac", "an evacuation record not signed by the sender")
        if b["type"] == TRUST:
            got["evac_trust_lists"] += _trust(inc, b)
        elif b["type"] == REVOCATION:
            number = _text(b.get("number"), "an evacuation revocation", 16).upper()
            kid = _text(b.get("kid"), "an evacuation revocation", 64)
            try:
                at = parse_time(str(b.get("revoked_at")))
            except (ValueError, TypeError, OverflowError):
                raise bad("an evacuation revocation") from None
            if conn.execute(
                sa.select(evac_revocation.c.number).where(evac_revocation.c.number == number)
            ).first():
                continue
            conn.execute(
                evac_revocation.insert().values(
                    number=number,
                    issuer_kid=kid,
                    reason="",
                    revoked_at=at,
                    revoked_by=f"pouch:{sender}",
                    received_from=sender,
                )
            )
            got["evac_revocations"] += 1
        else:
            pid = _text(b.get("person_id"), "an evacuated person", 64)
            try:
                born = date.fromisoformat(str(b.get("birth_date")))
            except ValueError:
                raise bad("an evacuated person") from None
            docs = b.get("documents")
            require(isinstance(docs, list) and len(docs) <= 100, "an evacuated person")
            row = {
                "surname": _text(b.get("surname"), "an evacuated person"),
                "given_names": _text(b.get("given_names"), "an evacuated person"),
                "birth_date": born,
                "family_id": _text(b.get("family_id"), "an evacuated person", 64, True),
                "destination": _text(b.get("destination"), "an evacuated person", 200, True),
            }
            key = (evac_foreign_person.c.partner_code == sender) & (
                evac_foreign_person.c.person_id == pid
            )
            if conn.execute(sa.select(evac_foreign_person.c.person_id).where(key)).first():
                conn.execute(evac_foreign_person.update().where(key).values(**row))
            else:
                conn.execute(
                    evac_foreign_person.insert().values(
                        partner_code=sender, person_id=pid, received_at=inc.now, **row
                    )
                )
            got["evac_persons"] += 1
    return got


def _trust(inc: Incoming, b: dict[str, Any]) -> int:
    """Keep a partner's trust list (checked against its root key when a checkpoint loads it)."""
    root = _text(b.get("root_pub"), "an evacuation trust list", 64)
    try:
        bytes.fromhex(root)
        raw = base64.b64decode(_text(b.get("trust_list"), "a trust list", 2 * MAX_TRUST_LIST))
        issued = parse_time(str(b.get("issued_at")))
    except (ValueError, TypeError, OverflowError, binascii.Error):
        raise bad("an evacuation trust list") from None
    require(len(root) == 64 and 0 < len(raw) <= MAX_TRUST_LIST, "an evacuation trust list")
    key = (evac_trust.c.partner_code == inc.sender) & (evac_trust.c.issued_at == issued)
    if inc.conn.execute(sa.select(evac_trust.c.issued_at).where(key)).first():
        return 0
    inc.conn.execute(
        evac_trust.insert().values(
            partner_code=inc.sender,
            issued_at=issued,
            root_pub=root,
            trust_list=raw,
            recorded_at=inc.now,
        )
    )
    return 1


KIND = Kind(
    "evac", "items", collect, receive, signed=(REVOCATION, PERSON, TRUST), max_records=200_000
)
