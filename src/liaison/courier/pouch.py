"""The pouch: one file between two partners — signed, encrypted, numbered, hash-chained.

File: the line `LIAISON-POUCH/1`, then an RFC 8785 canonical JSON envelope
`{"manifest": {...}, "ciphertext": base64, "signature": hex}`. The manifest (sender, recipient,
sequence, previous pouch's digest, key fingerprints, sizes and digests) stays readable so a pouch can
be inspected without its key; the payload (canonical JSON of the released units) is encrypted to the
recipient with a libsodium sealed box (X25519 + XSalsa20-Poly1305: anonymous-sender public-key
encryption; authenticity comes from the Ed25519 signature over the manifest, which commits to the
ciphertext's digest). Sealed boxes were chosen over HPKE because PyNaCl is a mature, maintained
binding of libsodium with one obvious construction, and over age because no maintained Python
binding of age exists.

Opening checks, in order, and refuses with a reason (nothing imported, an audit entry written):
size, format, recipient, sender key known and not revoked, signature, ciphertext digest, decryption,
payload digest, sequence (no replay, no gap) and the hash chain.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import nacl.exceptions
import sqlalchemy as sa
from nacl.public import SealedBox
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import NotFoundError, SecurityError, ValidationError
from liaison.core.ids import new_id
from liaison.core.markings import TLP_LEVELS, parse_tlp
from liaison.courier.canonical import canonical, digest
from liaison.courier.keys import KeyPair, PublicKeys, fingerprint, read_public
from liaison.courier.policy import Policy, release
from liaison.orbat.observe import fingerprint as obs_fingerprint
from liaison.orbat.observe import unit_ids
from liaison.orbat.partners import get_partner, get_self
from liaison.orbat.picture import changed_since, get_picture
from liaison.store import audit
from liaison.store.schema.courier import partner_key, pouch_log, release_policy
from liaison.store.schema.orbat import observation, unit

MAGIC = b"LIAISON-POUCH/1\n"
GENESIS = "0" * 64
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
INCREMENTAL_LIMIT = 5_000  # above this many changed units, fold the whole picture in one pass
MANIFEST_FIELDS = {
    "version",
    "from",
    "to",
    "seq",
    "prev",
    "created",
    "sender_key",
    "recipient_key",
    "payload_sha256",
    "payload_size",
    "ciphertext_sha256",
    "units",
}


class PouchRejected(SecurityError):
    """A pouch refused on opening; `reason` is a short code for the audit log and tests."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"pouch rejected ({reason}): {message}")
        self.reason = reason


# ---- keys and policies in the store -------------------------------------------------------------
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


def set_policy(
    conn: Connection,
    partner: str,
    max_tlp: str,
    *,
    sources: bool = False,
    notes: bool = False,
    actor: str = "cli",
) -> Policy:
    code = get_partner(conn, partner).code
    try:
        level = parse_tlp(max_tlp)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if level == "RED":
        raise ValidationError(
            "TLP:RED never goes into a pouch; the highest release level is AMBER+STRICT"
        )
    conn.execute(release_policy.delete().where(release_policy.c.partner_code == code))
    conn.execute(
        release_policy.insert().values(
            partner_code=code,
            max_tlp=level,
            release_sources=sources,
            release_notes=notes,
            updated_at=utcnow(),
        )
    )
    audit.record(
        conn, actor, "policy.set", code, {"max_tlp": level, "sources": sources, "notes": notes}
    )
    return Policy(code, level, sources, notes)


def get_policy(conn: Connection, partner: str) -> Policy | None:
    r = conn.execute(
        sa.select(release_policy).where(release_policy.c.partner_code == partner)
    ).first()
    return Policy(partner, r.max_tlp, r.release_sources, r.release_notes) if r else None


# ---- sealing -----------------------------------------------------------------------------------
def _last(conn: Connection, direction: str, partner: str) -> Any:
    return conn.execute(
        sa.select(pouch_log)
        .where(pouch_log.c.direction == direction, pouch_log.c.partner_code == partner)
        .order_by(pouch_log.c.seq.desc())
        .limit(1)
    ).first()


def seal(
    conn: Connection,
    kp: KeyPair,
    to: str,
    *,
    since: str = "last",
    actor: str = "cli",
    now: datetime | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """Seal what policy releases to `to` (changes since our last pouch to them, or `all`)."""
    me = get_self(conn)
    if me is None or me.code != kp.partner:
        raise SecurityError(
            f"the key file is {kp.partner}'s, but this store's own partner is {me.code if me else 'not set'}"
        )
    recipient = current_key(conn, get_partner(conn, to).code)
    now = now or utcnow()
    last = _last(conn, "out", recipient.partner)
    if since not in ("last", "all"):
        raise ValidationError("--since is 'last' or 'all'")
    changed = None
    if since == "last" and last is not None:
        changed = changed_since(conn, me.code, last.created_at, now)
    if changed is not None and len(changed) <= INCREMENTAL_LIMIT:
        # only the changed units and their parents (whose releasability decides the parent link)
        pic = get_picture(conn, me.code, recorded_at=now, only=changed)
        parents = {u.parent_id for u in pic.units.values() if u.parent_id} - set(pic.units)
        if parents:
            pic.units.update(get_picture(conn, me.code, recorded_at=now, only=parents).units)
    else:
        pic = get_picture(conn, me.code, recorded_at=now)
    units, withheld = release(pic, get_policy(conn, recipient.partner), changed)
    payload = canonical({"units": units, "withheld": withheld})
    ct = SealedBox(recipient.box_key).encrypt(payload)
    manifest = {
        "version": 1,
        "from": me.code,
        "to": recipient.partner,
        "seq": (last.seq + 1) if last else 1,
        "prev": last.digest if last else GENESIS,
        "created": iso(now),
        "sender_key": kp.public.fingerprint,
        "recipient_key": recipient.fingerprint,
        "payload_sha256": digest(payload),
        "payload_size": len(payload),
        "ciphertext_sha256": digest(ct),
        "units": len(units),
    }
    sig = kp.signing.sign(canonical(manifest)).signature.hex()
    data = MAGIC + canonical(
        {"manifest": manifest, "ciphertext": base64.b64encode(ct).decode(), "signature": sig}
    )
    conn.execute(
        pouch_log.insert().values(
            direction="out",
            partner_code=recipient.partner,
            seq=manifest["seq"],
            digest=digest(data),
            prev_digest=manifest["prev"],
            created_at=now,
            units=len(units),
        )
    )
    audit.record(
        conn,
        actor,
        "pouch.seal",
        recipient.partner,
        {"seq": manifest["seq"], "units": len(units), "withheld": withheld, "digest": digest(data)},
    )
    return data, manifest


# ---- opening -----------------------------------------------------------------------------------
def inspect(data: bytes, *, max_bytes: int | None = None) -> dict[str, Any]:
    """The manifest, checked for form only (no key needed, nothing decrypted)."""
    limit = max_bytes or int(os.environ.get("LIAISON_POUCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(data) > limit:
        raise PouchRejected("oversized", f"{len(data):,} bytes is over the {limit:,}-byte limit")
    if not data.startswith(MAGIC):
        raise PouchRejected("malformed", "not a Liaison pouch (no LIAISON-POUCH/1 header)")
    body = data[len(MAGIC) :]
    try:
        env = json.loads(body)
    except json.JSONDecodeError as exc:
        kind = (
            "truncated"
            if not body.rstrip().endswith(b"}") or exc.pos >= len(exc.doc) - 1
            else "malformed"
        )
        raise PouchRejected(
            kind, f"the envelope is not valid JSON ({exc.msg} at byte {exc.pos})"
        ) from None
    except UnicodeDecodeError:
        raise PouchRejected("malformed", "the envelope is not UTF-8") from None
    if not isinstance(env, dict) or set(env) != {"manifest", "ciphertext", "signature"}:
        raise PouchRejected(
            "malformed", "the envelope must hold exactly manifest, ciphertext and signature"
        )
    m = env["manifest"]
    if not isinstance(m, dict) or set(m) != MANIFEST_FIELDS:
        raise PouchRejected("malformed", "the manifest's fields are not the expected ones")
    if not (
        isinstance(m["seq"], int)
        and m["seq"] >= 1
        and isinstance(m["from"], str)
        and isinstance(m["to"], str)
    ):
        raise PouchRejected("malformed", "bad sequence number or partner codes in the manifest")
    if not isinstance(env["ciphertext"], str) or not isinstance(env["signature"], str):
        raise PouchRejected("malformed", "ciphertext and signature must be strings")
    return {**m, "size": len(data), "envelope": env}


def open_pouch(
    conn: Connection, kp: KeyPair, data: bytes, *, actor: str = "cli", max_bytes: int | None = None
) -> dict[str, Any]:
    """Verify, decrypt, check sequence and chain, import as the sender's received picture — all or nothing."""
    info = inspect(data, max_bytes=max_bytes)
    env = info.pop("envelope")
    m = env["manifest"]
    me = get_self(conn)
    if me is None or m["to"] != me.code or kp.partner != me.code:
        raise PouchRejected(
            "wrong-recipient", f"addressed to {m['to']}, and we are {me.code if me else '?'}"
        )
    if m["recipient_key"] != kp.public.fingerprint:
        raise PouchRejected("wrong-recipient", "sealed to another key of ours (rotated?)")
    rows = conn.execute(
        sa.select(partner_key).where(
            partner_key.c.partner_code == m["from"], partner_key.c.fingerprint == m["sender_key"]
        )
    ).all()
    if not rows:
        raise PouchRejected("unknown-sender", f"no key {m['sender_key']} for {m['from']}")
    key = rows[-1]
    if key.revoked_at is not None:
        raise PouchRejected(
            "revoked-key", f"{m['from']}'s key {m['sender_key']} was revoked ({key.revoked_reason})"
        )
    sender = PublicKeys(m["from"], key.sign_pk, key.box_pk)
    try:
        sender.verify_key.verify(canonical(m), bytes.fromhex(env["signature"]))
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise PouchRejected(
            "bad-signature", "the signature does not match the manifest (tampered)"
        ) from None
    try:
        ct = base64.b64decode(env["ciphertext"], validate=True)
    except (binascii.Error, ValueError):
        raise PouchRejected("malformed", "the ciphertext is not base64") from None
    if digest(ct) != m["ciphertext_sha256"]:
        raise PouchRejected(
            "tampered-ciphertext", "the ciphertext does not match the signed digest"
        )
    try:
        payload = SealedBox(kp.box).decrypt(ct)
    except nacl.exceptions.CryptoError:
        raise PouchRejected(
            "tampered-ciphertext", "the ciphertext does not decrypt with our key"
        ) from None
    if digest(payload) != m["payload_sha256"] or len(payload) != m["payload_size"]:
        raise PouchRejected("tampered-ciphertext", "the payload does not match the signed digest")
    last = _last(conn, "in", m["from"])
    expect = (last.seq + 1) if last else 1
    if m["seq"] < expect:
        raise PouchRejected(
            "replayed",
            f"sequence {m['seq']} from {m['from']} was already opened (next is {expect})",
        )
    if m["seq"] > expect:
        raise PouchRejected(
            "out-of-order",
            f"sequence {m['seq']} from {m['from']}, expected {expect}: a pouch is missing",
        )
    if m["prev"] != (last.digest if last else GENESIS):
        raise PouchRejected(
            "broken-chain", "the previous-pouch digest does not match the last pouch we opened"
        )
    try:
        body = json.loads(payload)
        units = body["units"]
        assert isinstance(units, list) and all(
            isinstance(u, dict) and u.get("unit_id") and u.get("designation") for u in units
        )
    except (ValueError, KeyError, AssertionError, TypeError):
        raise PouchRejected("malformed", "the payload is not a list of units") from None
    n = _receive(conn, m["from"], units, parse_time(m["created"]))
    conn.execute(
        pouch_log.insert().values(
            direction="in",
            partner_code=m["from"],
            seq=m["seq"],
            digest=digest(data),
            prev_digest=m["prev"],
            created_at=utcnow(),
            units=len(units),
        )
    )
    audit.record(
        conn,
        actor,
        "pouch.open",
        m["from"],
        {"seq": m["seq"], "units": len(units), "new_observations": n},
    )
    return {"from": m["from"], "seq": m["seq"], "units": len(units), "new_observations": n}


def _receive(conn: Connection, partner: str, units: list[dict[str, Any]], created: datetime) -> int:
    """Record the received units as the sender's picture (idempotent, like a unit-file import)."""
    from liaison.core.markings import Marking

    ids = unit_ids(conn, partner)
    existing: set[tuple[str, str]] = set()
    if ids:
        q = sa.select(observation.c.unit_id, observation.c.fingerprint).where(
            observation.c.partner_code == partner
        )
        mine = [ids[str(u["unit_id"])] for u in units if str(u.get("unit_id")) in ids]
        if len(mine) <= INCREMENTAL_LIMIT:  # a small pouch: look up only its units' facts
            q = q.where(observation.c.unit_id.in_(mine))
        existing = {(r.unit_id, r.fingerprint) for r in conn.execute(q)}
    now = utcnow()
    new_units, new_obs = [], []
    for u in units:
        try:
            valid = parse_time(u["observed_at"]) if u.get("observed_at") else created
            mk = u.get("marking") or {}
            marking = Marking(
                mk.get("tlp", "AMBER") if mk.get("tlp") in TLP_LEVELS else "AMBER",
                tuple(mk.get("rel_to") or ()),
            )
            facts = {
                "designation": str(u["designation"]),
                "echelon": u.get("echelon"),
                "branch": u.get("branch"),
                "parent_local_id": u.get("parent_id") or "",
                "sidc": u.get("sidc"),
                "lat": float(u["lat"]) if u.get("lat") is not None else None,
                "lon": float(u["lon"]) if u.get("lon") is not None else None,
                "place": u.get("place"),
                "equipment": {str(k): int(v) for k, v in (u.get("equipment") or {}).items()}
                or None,
                "strength": int(u["strength"]) if u.get("strength") is not None else None,
                "reliability": u.get("source_reliability"),
                "credibility": u.get("info_credibility"),
                "notes": u.get("notes"),
            }
        except (ValueError, TypeError, KeyError):
            raise PouchRejected(
                "malformed", f"unit {u.get('unit_id')!r} in the payload has a bad field"
            ) from None
        fp = obs_fingerprint(facts, iso(valid) or "", marking, None)
        internal = ids.get(u["unit_id"])
        if internal is None:
            internal = ids[u["unit_id"]] = new_id()
            new_units.append(
                {
                    "id": internal,
                    "partner_code": partner,
                    "local_id": str(u["unit_id"]),
                    "created_at": now,
                }
            )
        elif (internal, fp) in existing:
            continue
        new_obs.append(
            {
                "id": new_id(),
                "unit_id": internal,
                "partner_code": partner,
                "valid_at": valid,
                "recorded_at": now,
                "tlp": marking.tlp,
                "rel_to": ",".join(marking.rel_to),
                "orcon": False,
                "source_id": None,
                "fingerprint": fp,
                "batch": None,
                "retracts": None,
                **facts,
            }
        )
    if new_units:
        conn.execute(unit.insert(), new_units)
    if new_obs:
        conn.execute(observation.insert(), new_obs)
    return len(new_obs)


def open_file(store: Any, kp: KeyPair, data: bytes, *, actor: str = "cli") -> dict[str, Any]:
    """Open in one transaction; on refusal the transaction is rolled back and the refusal audited."""
    try:
        with store.begin() as conn:
            out = open_pouch(conn, kp, data, actor=actor)
            fault = os.environ.get("LIAISON_FAULT_BEFORE_COMMIT")
            if (
                fault
            ):  # fault-injection point for the crash test: everything written, nothing committed
                Path(fault).write_text("importing")
                time.sleep(60)
            return out
    except PouchRejected as exc:
        with store.begin() as conn:
            audit.record(
                conn,
                actor,
                "pouch.reject",
                exc.reason,
                {"message": str(exc), "sha256": digest(data)},
            )
        raise


__all__ = [
    "PouchRejected",
    "add_partner_key",
    "fingerprint",
    "inspect",
    "open_file",
    "open_pouch",
    "seal",
    "set_policy",
]
