"""Key events: our key's rotation and revocation, as signed records that travel in manifests.

A rotation names the old and the new public keys and is signed by the old key *and* the new one
(proof of possession); a revocation names a key, a time and a reason, signed by one of our keys.
Both ride in the *manifest* of our next pouches (readable before decryption, covered by the pouch
signature), so the receiver learns of a new key before it checks a pouch signed with it. Received:
a rotation only if signed by an old key we know for the sender; a revocation retires the key from
its time, so pouches signed with it and created later are refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import ValidationError
from liaison.courier import records
from liaison.courier.keyring import add_partner_key, key_row, retire_key, self_code
from liaison.courier.keys import KeyPair, PublicKeys
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing
from liaison.courier.records import PouchRejected
from liaison.store import audit
from liaison.store.schema.courier import key_event

ROTATION, REVOCATION = "key-rotation", "key-revocation"
MAX_RECORDS = 100


def rotate_own(
    conn: Connection, old: KeyPair, new: KeyPair, *, reason: str = "scheduled", actor: str = "cli"
) -> dict[str, Any]:
    """Replace our key: the rotation is signed by the old key (and by the new, proving it)."""
    me = self_code(conn)
    if old.partner != me or new.partner != me:
        raise ValidationError(f"both keys must be {me}'s")
    now = utcnow()
    rec = records.sign(
        old,
        {
            "type": ROTATION,
            "partner": me,
            "old": old.public.fingerprint,
            "new": {"sign_pk": new.public.sign_pk, "box_pk": new.public.box_pk},
            "new_fingerprint": new.public.fingerprint,
            "at": iso(now),
            "reason": reason,
        },
        new,
    )
    add_partner_key(conn, new.public, actor=actor)
    retire_key(conn, me, old.public.fingerprint, now, f"rotated to {new.public.fingerprint}")
    conn.execute(
        key_event.insert().values(
            partner_code=me,
            kind="rotation",
            key_fingerprint=old.public.fingerprint,
            new_fingerprint=new.public.fingerprint,
            effective_at=now,
            reason=reason,
            record=rec,
            recorded_at=now,
        )
    )
    audit.record(
        conn,
        actor,
        "key.rotate",
        me,
        {"old": old.public.fingerprint, "new": new.public.fingerprint},
    )
    return rec


def revoke_own(
    conn: Connection,
    signer: KeyPair,
    fingerprint: str,
    reason: str,
    *,
    at: datetime | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Revoke one of our keys (compromised): a signed record partners apply when they receive it;
    pouches signed by that key and created after `at` are then refused."""
    me = self_code(conn)
    at = at or utcnow()
    rec = records.sign(
        signer,
        {
            "type": REVOCATION,
            "partner": me,
            "key": fingerprint,
            "at": iso(at),
            "reason": reason,
        },
    )
    retire_key(conn, me, fingerprint, at, reason, revoke=True)
    conn.execute(
        key_event.insert().values(
            partner_code=me,
            kind="revocation",
            key_fingerprint=fingerprint,
            effective_at=at,
            reason=reason,
            record=rec,
            recorded_at=utcnow(),
        )
    )
    audit.record(conn, actor, "key.revoke", me, {"fingerprint": fingerprint, "reason": reason})
    return rec


def apply_key_records(conn: Connection, sender: str, recs: Any, actor: str) -> int:
    """Apply a partner's key rotations and revocations (from a pouch's manifest); returns how many
    were new. Each must be signed by a key of that partner we already know."""
    if not isinstance(recs, list) or len(recs) > MAX_RECORDS:
        raise PouchRejected("malformed", "the manifest's key records are not a list")
    n = 0
    for rec in recs:
        kind = (
            rec.get("body", {}).get("type")
            if isinstance(rec, dict) and isinstance(rec.get("body"), dict)
            else None
        )
        if kind not in (ROTATION, REVOCATION):
            raise PouchRejected("malformed", "a key record is neither a rotation nor a revocation")
        b = records.check_shape(rec, kind)
        if b.get("partner") != sender:
            raise PouchRejected(
                "bad-key-record", f"a key record for {b.get('partner')!r} in {sender}'s pouch"
            )
        target, reason = b.get("old" if kind == ROTATION else "key"), b.get("reason")
        if not isinstance(target, str) or not (reason is None or isinstance(reason, str)):
            raise PouchRejected("malformed", "a key record's key or reason is not text")
        try:
            at = parse_time(str(b["at"]))
        except (KeyError, ValueError, TypeError, OverflowError):
            raise PouchRejected("malformed", "a key record lacks its key or time") from None
        dbkind = "rotation" if kind == ROTATION else "revocation"
        if conn.execute(
            sa.select(key_event.c.id).where(
                key_event.c.partner_code == sender,
                key_event.c.kind == dbkind,
                key_event.c.key_fingerprint == target,
            )
        ).first():
            continue
        if kind == ROTATION:
            newfp: str | None = _rotation(conn, sender, target, at, b, rec, actor)
        else:
            signer_ok = any(
                (k := key_row(conn, sender, s["key"])) is not None
                and records.verify_by(rec, k.sign_pk, k.fingerprint)
                for s in rec["signatures"]
            )
            if not signer_ok:
                raise PouchRejected(
                    "bad-key-record",
                    f"{sender}'s key revocation is not signed by a key of {sender}",
                )
            retire_key(conn, sender, target, at, reason or "revoked", revoke=True)
            newfp = None
        conn.execute(
            key_event.insert().values(
                partner_code=sender,
                kind=dbkind,
                key_fingerprint=target,
                new_fingerprint=newfp,
                effective_at=at,
                reason=reason,
                record=rec,
                recorded_at=utcnow(),
            )
        )
        audit.record(conn, actor, f"key.{dbkind}.received", sender, {"key": target, "at": iso(at)})
        n += 1
    return n


def _rotation(
    conn: Connection,
    sender: str,
    target: str,
    at: datetime,
    b: dict[str, Any],
    rec: dict[str, Any],
    actor: str,
) -> str:
    """Apply a received rotation signed by the old key `target` and by the new key; returns the
    new key's fingerprint."""
    old = key_row(conn, sender, target)
    if old is None or not records.verify_by(rec, old.sign_pk, old.fingerprint):
        raise PouchRejected(
            "bad-key-record", f"{sender}'s key rotation is not signed by its old key {target}"
        )
    try:
        new = PublicKeys(sender, str(b["new"]["sign_pk"]), str(b["new"]["box_pk"]))
        new.verify_key, new.box_key  # noqa: B018 — both must be valid keys
    except Exception:  # KeyError, TypeError, ValueError, nacl's own errors: not a key
        raise PouchRejected("bad-key-record", "the rotation's new key is not a key") from None
    if (
        not records.verify_by(rec, new.sign_pk, new.fingerprint)
        or b.get("new_fingerprint") != new.fingerprint
    ):
        raise PouchRejected("bad-key-record", "the rotation is not signed by its new key")
    if key_row(conn, sender, new.fingerprint) is None:
        add_partner_key(conn, new, actor=actor)
    retire_key(conn, sender, target, at, f"rotated to {new.fingerprint}")
    return new.fingerprint


def own_key_records(conn: Connection, me: str, since: datetime | None) -> list[dict[str, Any]]:
    q = sa.select(key_event.c.record).where(key_event.c.partner_code == me).order_by(key_event.c.id)
    if since is not None:
        q = q.where(key_event.c.recorded_at > since)
    return [r.record for r in conn.execute(q)]


def collect(out: Outgoing) -> Collected:
    return Collected(own_key_records(out.conn, out.me, out.since))


def receive(inc: Incoming, recs: Any) -> dict[str, int]:
    return {"keys": apply_key_records(inc.conn, inc.sender, recs, inc.actor)}


# Registered in `courier.registry`: the manifest's "keys", applied before the pouch's signature
# is checked (the pouch may be signed by the key a rotation announces).
KIND = Kind(
    "keys", "manifest", collect, receive, signed=(ROTATION, REVOCATION), max_records=MAX_RECORDS
)
