"""Partners' public keys in the store: added, imported from a file, retired, revoked, looked up.

Shared by the pouch (which key signed this, is it live, which key do we encrypt to) and by the key
events that travel in pouches (`kinds.keys`: rotations and revocations), so neither imports the
other.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.courier.keys import PublicKeys, read_public
from liaison.courier.records import PouchRejected
from liaison.orbat.partners import get_partner, get_self
from liaison.store import audit
from liaison.store.schema.courier import key_event, partner_key


def self_code(conn: Connection) -> str:
    """Our own partner code; a store without one cannot send or receive."""
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    return me.code


def add_partner_key(conn: Connection, pk: PublicKeys, *, actor: str = "cli") -> str:
    get_partner(conn, pk.partner)
    if conn.execute(
        sa.select(partner_key.c.id).where(
            partner_key.c.partner_code == pk.partner, partner_key.c.sign_pk == pk.sign_pk
        )
    ).first():
        raise ValidationError(f"this key of {pk.partner} is already known")
    conn.execute(
        partner_key.insert().values(
            partner_code=pk.partner,
            sign_pk=pk.sign_pk,
            box_pk=pk.box_pk,
            fingerprint=pk.fingerprint,
            added_at=utcnow(),
        )
    )
    audit.record(conn, actor, "key.add", pk.partner, {"fingerprint": pk.fingerprint})
    return pk.fingerprint


def import_partner_key(
    conn: Connection, code: str, key_file: Path | str, *, actor: str = "cli"
) -> PublicKeys:
    """Read a partner's public key file and store it; the file must hold `code`'s key.

    The one entry point for `liaison keys import` and the lead's `partner add --key FILE`.
    Returns the key so the caller can show its fingerprint to compare out of band.
    """
    pk = read_public(Path(key_file))
    if pk.partner != code.upper():
        raise ValidationError(f"{key_file} holds {pk.partner}'s key, not {code.upper()}'s")
    add_partner_key(conn, pk, actor=actor)
    return pk


def revoke_partner_key(
    conn: Connection, partner: str, fp: str, reason: str, *, actor: str = "cli"
) -> None:
    """We stop trusting a partner's key (compromised): pouches signed by it are refused outright."""
    n = conn.execute(
        partner_key.update()
        .where(
            partner_key.c.partner_code == partner.upper(),
            partner_key.c.fingerprint == fp,
            partner_key.c.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow(), revoked_reason=reason)
    ).rowcount
    if not n:
        raise NotFoundError(f"no live key {fp} for {partner}")
    audit.record(conn, actor, "key.revoke", partner, {"fingerprint": fp, "reason": reason})


def current_key(conn: Connection, partner: str) -> PublicKeys:
    row = conn.execute(
        sa.select(partner_key)
        .where(partner_key.c.partner_code == partner, partner_key.c.revoked_at.is_(None))
        .order_by(partner_key.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"no key for {partner} (liaison keys import {partner} FILE)")
    return PublicKeys(partner, row.sign_pk, row.box_pk)


def key_row(conn: Connection, partner: str, fp: str) -> Any:
    return conn.execute(
        sa.select(partner_key).where(
            partner_key.c.partner_code == partner, partner_key.c.fingerprint == fp
        )
    ).first()


def partner_keys(conn: Connection, partner: str) -> list[Any]:
    """Every key we hold for `partner`, live or retired."""
    return list(conn.execute(sa.select(partner_key).where(partner_key.c.partner_code == partner)))


def key_cutoff(conn: Connection, partner: str, fp: str) -> datetime | None:
    """When a partner's own signed rotation or revocation of `fp` took effect (None: not announced
    by the partner — then a revoked key was revoked by us and is refused outright)."""
    return conn.execute(
        sa.select(sa.func.min(key_event.c.effective_at)).where(
            key_event.c.partner_code == partner, key_event.c.key_fingerprint == fp
        )
    ).scalar()


def retire_key(
    conn: Connection, partner: str, fp: str, at: datetime, reason: str, *, revoke: bool = False
) -> None:
    """Mark a key retired from `at` (the earliest time wins); a revocation's reason overrides a
    rotation's, so the refusal names the compromise."""
    row = conn.execute(
        sa.select(partner_key.c.id, partner_key.c.revoked_at).where(
            partner_key.c.partner_code == partner, partner_key.c.fingerprint == fp
        )
    ).first()
    if row is None:
        raise PouchRejected("bad-key-record", f"no key {fp} of {partner} to retire")
    if row.revoked_at is None or row.revoked_at > at or revoke:
        when = at if row.revoked_at is None else min(row.revoked_at, at)
        conn.execute(
            partner_key.update()
            .where(partner_key.c.id == row.id)
            .values(revoked_at=when, revoked_reason=reason)
        )
