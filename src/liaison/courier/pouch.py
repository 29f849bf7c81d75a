"""The pouch: one file between two partners — signed, encrypted, numbered, hash-chained.

File (format 2): the line `LIAISON-POUCH/2`, the manifest as one line of RFC 8785 canonical JSON,
the line of its Ed25519 signature (128 hex digits), then the ciphertext as raw bytes to the end. The
manifest (sender, recipient, sequence, previous pouch's digest, key fingerprints, sizes and digests)
stays readable so a pouch can be inspected without its key; the payload (canonical JSON of the
released units) is encrypted to the recipient with a libsodium sealed box (X25519 +
XSalsa20-Poly1305: anonymous-sender public-key encryption; authenticity comes from the signature
over the manifest, which commits to the ciphertext's digest). Sealed boxes were chosen over HPKE
because PyNaCl is a mature, maintained binding of libsodium with one obvious construction, and over
age because no maintained Python binding of age exists. Format 1 carried the ciphertext in base64
inside a JSON envelope; encoding and decoding it cost more than the encryption itself, so format 2
carries it raw. A format-1 pouch is refused as `old-format`, saying so.

Opening checks, in order, and refuses with a reason (nothing imported, an audit entry written):
size, format, recipient, sender key known and not revoked, signature, ciphertext digest, decryption,
payload digest, sequence (no replay, no gap) and the hash chain.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import operator
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import nacl.bindings
import nacl.exceptions
import orjson
import sqlalchemy as sa
from nacl.public import SealedBox
from nacl.signing import VerifyKey
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import NotFoundError, SecurityError, ValidationError
from liaison.core.markings import TLP_LEVELS, parse_tlp
from liaison.courier import items as courier_items
from liaison.courier.canonical import canonical, canonical_records, digest
from liaison.courier.keys import KeyPair, PublicKeys, fingerprint, read_public
from liaison.courier.policy import Policy, release
from liaison.courier.records import PouchRejected
from liaison.orbat.observe import FACTS as FACT_COLS
from liaison.orbat.observe import unit_ids
from liaison.orbat.partners import get_partner, get_self
from liaison.orbat.picture import changed_since, get_picture
from liaison.store import audit
from liaison.store.schema.courier import partner_key, pouch_log, pouch_outbox, release_policy
from liaison.store.schema.orbat import observation, unit

MAGIC = b"LIAISON-POUCH/2\n"
FORMAT = 2
_ANY_MAGIC = b"LIAISON-POUCH/"
MAX_MANIFEST = 1 << 20  # the manifest line; key records make it grow a little with each rotation
_SIG_HEX = 128
SEALBYTES = nacl.bindings.crypto_box_SEALBYTES
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
    "counts",
    "keys",
}


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
    """Seal what policy releases to `to`: with `since="last"` what changed since the last pouch
    they acknowledged (everything if none was), with `"all"` everything. Kept in the outbox."""
    with gc_paused():
        return _seal(conn, kp, to, since=since, actor=actor, now=now)


def _seal(
    conn: Connection, kp: KeyPair, to: str, *, since: str, actor: str, now: datetime | None
) -> tuple[bytes, dict[str, Any]]:
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
    acked = courier_items.last_acked(conn, recipient.partner) if since == "last" else None
    cut = acked.created_at if acked is not None else None
    changed = None
    if cut is not None:
        changed = changed_since(conn, me.code, cut, now)
    if changed is not None and len(changed) <= INCREMENTAL_LIMIT:
        # only the changed units and their parents (whose releasability decides the parent link)
        pic = get_picture(conn, me.code, recorded_at=now, only=changed)
        parents = {u.parent_id for u in pic.units.values() if u.parent_id} - set(pic.units)
        if parents:
            pic.units.update(get_picture(conn, me.code, recorded_at=now, only=parents).units)
    else:
        pic = get_picture(conn, me.code, recorded_at=now)
    pol = get_policy(conn, recipient.partner)
    units, withheld = release(pic, pol, changed)
    extra, withheld_items = courier_items.collect(conn, kp, recipient.partner, pol, cut, now)
    payload = encode_payload(units, withheld, extra)
    counts = {k: len(v) for k, v in extra.items()}
    fields = {
        "version": FORMAT,
        "from": me.code,
        "to": recipient.partner,
        "seq": (last.seq + 1) if last else 1,
        "prev": last.digest if last else GENESIS,
        "created": iso(now),
        "sender_key": kp.public.fingerprint,
        "recipient_key": recipient.fingerprint,
        "units": len(units),
        "counts": counts,
        "keys": courier_items.own_key_records(conn, me.code, cut),
    }
    data, manifest = seal_payload(kp, recipient, fields, payload)
    data_digest = digest(data)
    conn.execute(
        pouch_log.insert().values(
            direction="out",
            partner_code=recipient.partner,
            seq=manifest["seq"],
            digest=data_digest,
            prev_digest=manifest["prev"],
            created_at=now,
            units=len(units),
        )
    )
    conn.execute(
        pouch_outbox.insert().values(
            partner_code=recipient.partner, seq=manifest["seq"], data=data, created_at=now
        )
    )
    audit.record(
        conn,
        actor,
        "pouch.seal",
        recipient.partner,
        {
            "seq": manifest["seq"],
            "units": len(units),
            "withheld": withheld,
            "items": counts,
            "withheld_items": withheld_items,
            "digest": data_digest,
        },
    )
    return data, manifest


def encode_payload(units: list[dict[str, Any]], withheld: int, extra: dict[str, Any]) -> bytes:
    """canonical({"items": extra, "units": units, "withheld": withheld}), the units written by the
    fast path (`canonical_records`) — keys in RFC 8785 order, so the bytes are the same."""
    return b"".join(
        (
            b'{"items":',
            canonical(extra),
            b',"units":',
            canonical_records(units),
            b',"withheld":',
            canonical(int(withheld)),
            b"}",
        )
    )


try:  # libsodium through PyNaCl's own cffi module, to encrypt and decrypt without extra copies
    from nacl._sodium import ffi as _ffi
    from nacl._sodium import lib as _lib

    _DIRECT = hasattr(_lib, "crypto_box_seal") and hasattr(_lib, "crypto_box_seal_open")
except ImportError:  # pragma: no cover - a PyNaCl without it: the public API, a copy or two more
    _DIRECT = False


def _box_seal(payload: bytes, pk: PublicKeys) -> bytes | bytearray:
    """crypto_box_seal of `payload` to `pk`. PyNaCl's public call zero-fills a buffer, encrypts
    into it and copies it out; with 40 MB payloads the fill and the copy cost as much as the
    encryption, so the same libsodium function writes into a fresh buffer here instead."""
    if not _DIRECT:
        return SealedBox(pk.box_key).encrypt(payload)
    out = bytearray(len(payload) + SEALBYTES)
    key = pk.box_key.encode()
    if _lib.crypto_box_seal(_ffi.from_buffer(out), payload, len(payload), key) != 0:
        raise RuntimeError("crypto_box_seal failed")  # pragma: no cover - libsodium's own error
    return out


def _box_open(ct: bytes | memoryview, own: KeyPair) -> bytes | bytearray:
    """crypto_box_seal_open of `ct` with our key, reading it in place (a view into the pouch) —
    the public call needs its own copy of the ciphertext. CryptoError when it does not open."""
    if not _DIRECT:
        return SealedBox(own.box).decrypt(bytes(ct))
    if len(ct) < SEALBYTES:
        raise nacl.exceptions.CryptoError("ciphertext too short")
    out = bytearray(len(ct) - SEALBYTES)
    pk, sk = own.box.public_key.encode(), own.box.encode()
    if _lib.crypto_box_seal_open(_ffi.from_buffer(out), _ffi.from_buffer(ct), len(ct), pk, sk):
        raise nacl.exceptions.CryptoError("the sealed box does not open")
    return out


def seal_payload(
    kp: KeyPair, recipient: PublicKeys, fields: dict[str, Any], payload: bytes
) -> tuple[bytes, dict[str, Any]]:
    """The pouch construction: encrypt `payload` to `recipient`, complete the manifest with the
    digests and sizes, sign it, write the file. (pouch file, manifest)"""
    ct = _box_seal(payload, recipient)
    manifest = {
        **fields,
        "payload_sha256": digest(payload),
        "payload_size": len(payload),
        "ciphertext_sha256": digest(ct),
    }
    head = canonical(manifest)
    return encode_envelope(head, ct, kp.signing.sign(head).signature.hex()), manifest


def encode_envelope(
    manifest: dict[str, Any] | bytes, ct: bytes | bytearray | memoryview, signature: str
) -> bytes:
    """MAGIC, the canonical manifest (or its bytes, already canonical) and the signature, one line
    each, then the raw ciphertext. Canonical JSON escapes control characters, so the manifest
    never holds a newline of its own."""
    head = manifest if isinstance(manifest, bytes) else canonical(manifest)
    return b"".join((MAGIC, head, b"\n", signature.encode("ascii"), b"\n", ct))


def unseal(env: dict[str, Any], verify_key: VerifyKey, own: KeyPair) -> bytes | bytearray:
    """The payload of an inspected pouch, checked in order: the signature over the manifest's
    bytes, the ciphertext's digest, decryption, the payload's digest and size."""
    m = env["manifest"]
    try:
        verify_key.verify(env["manifest_bytes"], bytes.fromhex(env["signature"]))
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise PouchRejected(
            "bad-signature", "the signature does not match the manifest (tampered)"
        ) from None
    ct = env["ciphertext"]
    if digest(ct) != m["ciphertext_sha256"]:
        raise PouchRejected(
            "tampered-ciphertext", "the ciphertext does not match the signed digest"
        )
    try:
        payload = _box_open(ct, own)
    except nacl.exceptions.CryptoError:
        raise PouchRejected(
            "tampered-ciphertext", "the ciphertext does not decrypt with our key"
        ) from None
    if digest(payload) != m["payload_sha256"] or len(payload) != m["payload_size"]:
        raise PouchRejected("tampered-ciphertext", "the payload does not match the signed digest")
    return payload


# ---- opening -----------------------------------------------------------------------------------
def inspect(data: bytes, *, max_bytes: int | None = None) -> dict[str, Any]:
    """The manifest, checked for form only (no key needed, nothing decrypted)."""
    limit = max_bytes or int(os.environ.get("LIAISON_POUCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(data) > limit:
        raise PouchRejected("oversized", f"{len(data):,} bytes is over the {limit:,}-byte limit")
    if not data.startswith(MAGIC):
        if data.startswith(_ANY_MAGIC):
            first = data[: data.find(b"\n", 0, 40)].decode("ascii", "replace")
            raise PouchRejected(
                "old-format",
                f"{first!r} is not a format this version reads (LIAISON-POUCH/{FORMAT}): "
                "ask the sender to seal it again with a current Liaison",
            )
        raise PouchRejected(
            "malformed", f"not a Liaison pouch (no {MAGIC.decode().strip()} header)"
        )
    start = len(MAGIC)
    end = data.find(b"\n", start, start + MAX_MANIFEST + 1)
    if end < 0:
        rest = data[start : start + MAX_MANIFEST + 1]
        try:
            orjson.loads(rest)
        except orjson.JSONDecodeError:  # cut inside the manifest (or not JSON at all)
            if len(rest) <= MAX_MANIFEST:
                raise PouchRejected("truncated", "the pouch ends inside its manifest") from None
        raise PouchRejected("malformed", "no complete manifest line")
    head = data[start:end]
    sig_end = end + 1 + _SIG_HEX
    if len(data) <= sig_end:
        raise PouchRejected("truncated", "the pouch ends before its ciphertext")
    sig = data[end + 1 : sig_end]
    if data[sig_end] != 0x0A or sig.strip(b"0123456789abcdef"):
        raise PouchRejected("malformed", "the signature line is not 128 hex digits")
    try:
        m = orjson.loads(head)  # strict: no NaN, no lone surrogates, UTF-8 only
    except orjson.JSONDecodeError as exc:
        raise PouchRejected("malformed", f"the manifest is not valid JSON ({exc})") from None
    if not isinstance(m, dict) or set(m) != MANIFEST_FIELDS:
        raise PouchRejected("malformed", "the manifest's fields are not the expected ones")
    try:
        is_canonical = canonical(m) == head
    except Exception:  # rfc8785's domain errors: a number canonical JSON cannot hold
        is_canonical = False
    if not is_canonical:
        raise PouchRejected("malformed", "the manifest is not in RFC 8785 canonical form")
    if m["version"] != FORMAT:
        raise PouchRejected("malformed", f"manifest version {m['version']!r}, expected {FORMAT}")
    if not (
        type(m["seq"]) is int
        and m["seq"] >= 1
        and isinstance(m["from"], str)
        and isinstance(m["to"], str)
    ):
        raise PouchRejected("malformed", "bad sequence number or partner codes in the manifest")
    size = m["payload_size"]
    if type(size) is not int or size < 0:
        raise PouchRejected("malformed", "bad payload size in the manifest")
    ct = memoryview(data)[sig_end + 1 :]  # read in place: a slice would copy 40 MB
    if len(ct) != size + SEALBYTES:
        kind = "truncated" if len(ct) < size + SEALBYTES else "malformed"
        raise PouchRejected(
            kind, f"{len(ct):,} bytes of ciphertext, the manifest says {size + SEALBYTES:,}"
        )
    env = {"manifest": m, "manifest_bytes": head, "signature": sig.decode(), "ciphertext": ct}
    return {**m, "size": len(data), "envelope": env}


def _pick_key(kp: KeyPair | Sequence[KeyPair], fp: str) -> KeyPair | None:
    ring = [kp] if isinstance(kp, KeyPair) else list(kp)
    return next((k for k in ring if k.public.fingerprint == fp), None)


def open_pouch(
    conn: Connection,
    kp: KeyPair | Sequence[KeyPair],
    data: bytes,
    *,
    actor: str = "cli",
    max_bytes: int | None = None,
) -> dict[str, Any]:
    """Verify, decrypt, check sequence and chain, import as the sender's received picture — all or
    nothing. `kp` may be a key ring (our current key and retired ones, for pouches in flight)."""
    with gc_paused():
        return _open_pouch(conn, kp, data, actor=actor, max_bytes=max_bytes)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: parsing or building 100,000 records allocates millions
    of containers, and the collections it triggers cost more than the work (a quarter of opening).
    Nothing here makes cycles; reference counting still frees everything."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _open_pouch(
    conn: Connection,
    kp: KeyPair | Sequence[KeyPair],
    data: bytes,
    *,
    actor: str,
    max_bytes: int | None,
) -> dict[str, Any]:
    info = inspect(data, max_bytes=max_bytes)
    env = info.pop("envelope")
    m = env["manifest"]
    me = get_self(conn)
    own = _pick_key(kp, m["recipient_key"]) if isinstance(m["recipient_key"], str) else None
    if me is None or m["to"] != me.code or (own is not None and own.partner != me.code):
        raise PouchRejected(
            "wrong-recipient", f"addressed to {m['to']}, and we are {me.code if me else '?'}"
        )
    if own is None:
        raise PouchRejected("wrong-recipient", "sealed to another key of ours (rotated?)")
    if not isinstance(m["sender_key"], str) or not isinstance(m["created"], str):
        raise PouchRejected("malformed", "bad sender key or creation time in the manifest")
    try:
        created = parse_time(m["created"])
    except ValueError:
        raise PouchRejected("malformed", "the manifest's creation time is not a time") from None
    if not get_partner_or_none(conn, m["from"]):
        raise PouchRejected("unknown-sender", f"{m['from']!r} is not a partner of ours")
    # Key rotations and revocations first: the pouch may be signed by the key a rotation announces.
    courier_items.apply_key_records(conn, m["from"], m["keys"], actor)
    key = courier_items.key_row(conn, m["from"], m["sender_key"])
    if key is None:
        raise PouchRejected("unknown-sender", f"no key {m['sender_key']} for {m['from']}")
    if key.revoked_at is not None:
        cutoff = courier_items.key_cutoff(conn, m["from"], m["sender_key"])
        if cutoff is None:
            raise PouchRejected(
                "revoked-key",
                f"{m['from']}'s key {m['sender_key']} was revoked by us ({key.revoked_reason})",
            )
        if created >= cutoff:
            raise PouchRejected(
                "revoked-key",
                f"{m['from']}'s key {m['sender_key']} was retired at {iso(cutoff)} "
                f"({key.revoked_reason}); this pouch was signed with it at {iso(created)}",
            )
    sender = PublicKeys(m["from"], key.sign_pk, key.box_pk)
    payload = unseal(env, sender.verify_key, own)
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
        body = orjson.loads(payload)
        units = body["units"]
        # every record an object with a unit id and a designation (dict.get refuses a non-object)
        ok = isinstance(units, list) and all(map(dict.get, units, repeat("unit_id")))
        ok = ok and all(map(dict.get, units, repeat("designation")))
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise PouchRejected("malformed", "the payload is not a list of units")
    got = courier_items.receive(conn, m["from"], body.get("items") or {}, actor=actor)
    n = _receive(conn, m["from"], units, created)
    conn.execute(
        pouch_log.insert().values(
            direction="in",
            partner_code=m["from"],
            seq=m["seq"],
            digest=digest(data),  # the next pouch's `prev`: the chain runs over whole files
            prev_digest=m["prev"],
            created_at=utcnow(),
            units=len(units),
        )
    )
    ack = courier_items.make_ack(conn, own, m["from"])
    audit.record(
        conn,
        actor,
        "pouch.open",
        m["from"],
        {"seq": m["seq"], "units": len(units), "new_observations": n, "items": got},
    )
    return {
        "from": m["from"],
        "seq": m["seq"],
        "units": len(units),
        "new_observations": n,
        "items": got,
        "ack": ack,
    }


def get_partner_or_none(conn: Connection, code: Any) -> bool:
    if not isinstance(code, str):
        return False
    try:
        get_partner(conn, code)
    except NotFoundError:
        return False
    return True


# What each prepared observation row holds, in order; the columns that are the same for every
# row of an import (partner, recording time, ORCON, and what a received fact never has) are set
# once per batch instead (`_Batch.fixed`).
_OBS_COLS = ("id", "unit_id", "valid_at", "tlp", "rel_to", "fingerprint", *FACT_COLS)
_UNIT_COLS = ("id", "local_id")
_enc = json.encoder.encode_basestring  # the C string encoder json.dumps uses (ensure_ascii=False)


def _s(v: Any) -> str:
    """A string-or-null field, JSON-encoded; anything else is a malformed record."""
    if v is None:
        return "null"
    if type(v) is not str:
        raise TypeError
    return _enc(v)


def _new_ids(n: int) -> list[str]:
    """n UUIDv7 strings at once, increasing (RFC 9562's counter method: one clock read, random
    rand_a, rand_b counting up from a random start). Increasing keys append to the indexes instead
    of landing at random places — per-row ids were a tenth of the import time, random ones more."""
    ms = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    base = (ms << 80) | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64 | (0b10 << 62)
    start = rand & ((1 << 61) - 1)  # room to count up without touching the variant bits
    h = f"{base:032x}"
    head = f"{h[:8]}-{h[8:12]}-{h[12:16]}-"  # the counter lives in the low 64 bits only
    x = (base & ((1 << 64) - 1)) | start
    out: list[str] = []
    while len(out) < n:  # one format per id: the top 16 bits of the counter change rarely
        top = x >> 48
        stop = min(x + n - len(out), (top + 1) << 48)
        out += map(f"{head}{top:04x}-%012x".__mod__, range(x - (top << 48), stop - (top << 48)))
        x = stop
    return out


def fast_fingerprint(f: dict[str, Any], observed_at: str, tlp: str, rel_to: list[str]) -> str:
    """`orbat.observe.fingerprint` of a received record (no source, no ORCON), the same bytes
    written out directly instead of through json.dumps — checked against it in the tests."""
    eq = f["equipment"]
    return _fp(
        _s(f["branch"]),
        f["credibility"],
        f["designation"],
        _s(f["echelon"]),
        "null" if eq is None else _eq_text(eq),
        f["lat"],
        f["lon"],
        f["notes"],
        _enc(observed_at),
        f["parent_local_id"],
        f["place"],
        _rel_text(rel_to),
        _s(f["reliability"]),
        _s(f["sidc"]),
        f["strength"],
        _enc(tlp),
    )


def _eq_text(eq: dict[str, int]) -> str:
    """json.dumps(eq, sort_keys=True, ensure_ascii=False) of checked {str: int}: the fingerprint's
    piece, and on SQLite the stored column too."""
    return "{" + ", ".join([f"{_enc(k)}: {int.__repr__(n)}" for k, n in sorted(eq.items())]) + "}"


def _rel_text(rel_to: list[str]) -> str:
    return "[" + ", ".join(map(_enc, rel_to)) + "]"


def _fp(
    br: str,
    cred: int | None,
    des: str,
    ech: str,
    eq: str,
    lat: float | None,
    lon: float | None,
    notes: str | None,
    observed_at: str,
    parent: str,
    place: str | None,
    rel_to: str,
    rel: str,
    sidc: str,
    st: int | None,
    tlp: str,
) -> str:
    """The fingerprint from its pieces, in key order; `br`, `ech`, `eq`, `observed_at`, `rel_to`,
    `rel`, `sidc` and `tlp` come already JSON-encoded (the import encodes each distinct value
    once), the rest raw."""
    text = (
        f'{{"branch": {br}, '
        f'"credibility": {"null" if cred is None else int.__repr__(cred)}, '
        f'"designation": {_enc(des)}, "echelon": {ech}, "equipment": {eq}, '
        f'"lat": {"null" if lat is None else float.__repr__(lat)}, '
        f'"lon": {"null" if lon is None else float.__repr__(lon)}, '
        f'"notes": {"null" if notes is None else _enc(notes)}, '
        f'"observed_at": {observed_at}, "orcon": false, '
        f'"parent_local_id": {_enc(parent)}, '
        f'"place": {"null" if place is None else _enc(place)}, '
        f'"rel_to": {rel_to}, "reliability": {rel}, "sidc": {sidc}, "source": null, '
        f'"strength": {"null" if st is None else int.__repr__(st)}, "tlp": {tlp}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _receive(conn: Connection, partner: str, units: list[dict[str, Any]], created: datetime) -> int:
    """Record the received units as the sender's picture (idempotent, like a unit-file import).

    Built for the import-rate target: the rows are prepared in one pass over the records
    (`_rows`) and written in big batches (`_bulk_insert`). All inside the caller's
    transaction."""
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
    new_units, new_obs = _rows(units, ids, existing, _Stored.of(conn, partner, created))
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MiB: index pages stay in memory
    _bulk_insert(conn, unit, new_units)
    _bulk_insert(conn, observation, new_obs)
    return len(new_obs.rows)


@dataclass(frozen=True)
class _Stored:
    """How values are stored on this connection — on SQLite, times already in the driver's text
    form (the rows go straight to the driver); elsewhere as they are, for SQLAlchemy Core — and
    the values every row of this import shares."""

    sqlite: bool
    to_db: Callable[[datetime], Any]
    created: tuple[Any, str]  # the pouch's creation time: stored form, JSON-encoded ISO text
    unit_fixed: dict[str, Any]
    obs_fixed: dict[str, Any]

    @classmethod
    def of(cls, conn: Connection, partner: str, created: datetime) -> _Stored:
        sqlite = conn.dialect.name == "sqlite"
        proc = observation.c.valid_at.type._cached_bind_processor(conn.dialect) if sqlite else None
        to_db: Callable[[datetime], Any] = proc if proc else _same
        now = to_db(utcnow())
        obs = {"partner_code": partner, "recorded_at": now, "orcon": 0 if sqlite else False}
        obs |= {"source_id": None, "batch": None, "retracts": None}
        return cls(
            sqlite,
            to_db,
            (to_db(created), _enc(iso(created) or "")),
            {"partner_code": partner, "created_at": now},
            obs,
        )


def _same(t: datetime) -> datetime:
    return t


@dataclass(frozen=True)
class _Batch:
    """Rows for one table: `cols` name what each row holds, `fixed` the columns that have the
    same value in every row of the import (on SQLite bound once per statement, not per row)."""

    cols: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    fixed: dict[str, Any]

    def dicts(self) -> list[dict[str, Any]]:
        """Every row as a full column → value mapping."""
        return [{**self.fixed, **dict(zip(self.cols, r, strict=True))} for r in self.rows]


_Rows = tuple[_Batch, _Batch]


def _rows(
    units: list[dict[str, Any]],
    ids: dict[str, str],
    existing: set[tuple[str, str]],
    cv: _Stored,
) -> _Rows:
    """(new units, new observations) as prepared rows, in one pass over the records: every
    field type-checked (a bad one refuses the pouch, naming it, never a crash), each distinct
    time, marking, equipment table and string field converted and JSON-encoded once, the
    fingerprint written directly (`_fp`), ids made in bulk (`_new_ids`), facts already held or
    repeated in the pouch left out. `ids` gains the new units."""
    stored = cv.to_db
    times: dict[Any, tuple[Any, str]] = {}  # observed_at as sent → (stored, JSON-encoded ISO)
    markings: dict[Any, tuple[str, str, str, str]] = {}  # → (tlp, stored rel_to, encoded both)
    equipment: dict[tuple[Any, ...], tuple[dict[str, int], str]] = {}  # → (checked, JSON text)
    # the JSON text of each distinct echelon, branch, SIDC and grading
    enc: dict[Any, str] = {None: "null"}
    created_t = cv.created
    sqlite = cv.sqlite
    fresh = iter(_new_ids(2 * len(units) + 1))
    new_units: list[tuple[Any, ...]] = []
    new_obs: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    str_, int_, float_ = str, int, float
    for u in units:
        try:
            try:
                (
                    obs_at, mk, des, ech, br, sidc, place, rel, notes, parent,
                    lat, lon, eq, st, cred, local,
                ) = _fields(u)  # fmt: skip
            except KeyError:  # a field left out counts as null, as with .get
                g = u.get
                (
                    obs_at, mk, des, ech, br, sidc, place, rel, notes, parent,
                    lat, lon, eq, st, cred, local,
                ) = [g(k) for k in _FIELDS]  # fmt: skip
                des, local = u["designation"], u["unit_id"]
            if obs_at:
                t = times.get(obs_at)
                if t is None:
                    v = parse_time(obs_at)
                    t = times[obs_at] = (stored(v), _enc(iso(v) or ""))
            else:
                t = created_t
            mk = mk or {}
            tlp = mk.get("tlp")
            rt = mk.get("rel_to")
            mkey = (tlp, *rt) if rt else tlp
            m = markings.get(mkey)
            if m is None:
                tlp = tlp if tlp in TLP_LEVELS else "AMBER"
                rel_to = [str_(x) for x in rt or ()]
                m = markings[mkey] = (tlp, ",".join(rel_to), _enc(tlp), _rel_text(rel_to))
            parent = parent or ""
            if type(des) is not str_ or type(parent) is not str_:
                raise TypeError
            if place is not None and type(place) is not str_:
                raise TypeError
            if notes is not None and type(notes) is not str_:
                raise TypeError
            ech_e = enc.get(ech) or _enc_new(enc, ech)
            br_e = enc.get(br) or _enc_new(enc, br)
            sidc_e = enc.get(sidc) or _enc_new(enc, sidc)
            rel_e = enc.get(rel) or _enc_new(enc, rel)
            if lat is not None:
                lat = float_(lat)
                if not -90 <= lat <= 90:  # also refuses NaN
                    raise ValueError
            if lon is not None:
                lon = float_(lon)
                if not -180 <= lon <= 180:
                    raise ValueError
            if eq:
                ekey = tuple(eq.items())  # tables of equipment repeat: check each once
                hit = equipment.get(ekey)
                if hit is None:
                    eq = {str_(k): int_(n) for k, n in ekey}
                    for n in eq.values():
                        if not 0 <= n <= 1_000_000_000:
                            raise ValueError
                    hit = equipment[ekey] = (eq, _eq_text(eq))
                eq, eq_e = hit
            else:
                eq = None
                eq_e = "null"
            if st is not None:
                st = int_(st)
                if not 0 <= st <= 1_000_000_000:
                    raise ValueError
            if cred is not None and (type(cred) is not int_ or not 1 <= cred <= 6):
                raise ValueError
            fp = _fp(
                br_e, cred, des, ech_e, eq_e, lat, lon, notes, t[1], parent, place, m[3],
                rel_e, sidc_e, st, m[2],
            )  # fmt: skip
            local = str_(local)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            raise PouchRejected(
                "malformed",
                f"unit {u.get('unit_id') if isinstance(u, dict) else u!r:.80} in the payload: "
                f"{_bad_field(u)}",
            ) from None
        internal = ids.get(local)
        if internal is None:
            internal = ids[local] = next(fresh)
            new_units.append((internal, local))
        elif (internal, fp) in existing:
            continue
        key = (internal, fp)
        if key in seen:  # the same record twice in one pouch
            continue
        seen.add(key)
        new_obs.append(
            (
                next(fresh), internal, t[0], m[0], m[1], fp, des, ech, br, parent, sidc, lat,
                lon, place, eq_e if sqlite and eq is not None else eq, st, rel, cred, notes,
            )
        )  # fmt: skip
    return (
        _Batch(_UNIT_COLS, new_units, cv.unit_fixed),
        _Batch(_OBS_COLS, new_obs, cv.obs_fixed),
    )


def _enc_new(enc: dict[Any, str], x: Any) -> str:
    """JSON text of a string-or-null field, remembered; anything else is a malformed record."""
    if type(x) is not str:
        raise TypeError
    out = enc[x] = _enc(x)
    return out


_FIELDS = (
    "observed_at",
    "marking",
    "designation",
    "echelon",
    "branch",
    "sidc",
    "place",
    "source_reliability",
    "notes",
    "parent_id",
    "lat",
    "lon",
    "equipment",
    "strength",
    "info_credibility",
    "unit_id",
)
_fields = operator.itemgetter(*_FIELDS)  # one C call for a record with every field present
_STR_FIELDS = ("echelon", "branch", "sidc", "place", "source_reliability", "notes")


def _bad_field(u: Any) -> str:
    """Which field of a refused record is wrong, for the message (only on the error path)."""
    if not isinstance(u, dict):
        return "not an object"
    checks: list[tuple[str, Any]] = [
        ("unit_id", lambda v: isinstance(v, str) and v),
        ("designation", lambda v: isinstance(v, str) and v),
        ("parent_id", lambda v: v is None or isinstance(v, str)),
        *((f, lambda v: v is None or isinstance(v, str)) for f in _STR_FIELDS),
        ("observed_at", lambda v: not v or (isinstance(v, str) and _parses(v))),
        ("marking", lambda v: v is None or (isinstance(v, dict) and _marking_ok(v))),
        ("lat", lambda v: v is None or _in(v, -90, 90)),
        ("lon", lambda v: v is None or _in(v, -180, 180)),
        ("strength", lambda v: v is None or _in(v, 0, 1_000_000_000, whole=True)),
        ("info_credibility", lambda v: v is None or (type(v) is int and 1 <= v <= 6)),
        ("equipment", lambda v: not v or (isinstance(v, dict) and all(
            isinstance(k, str) and _in(n, 0, 1_000_000_000, whole=True) for k, n in v.items()
        ))),
    ]  # fmt: skip
    for name, ok in checks:
        try:
            good = ok(u.get(name))
        except Exception:  # noqa: BLE001 - any failure of the check is a bad field
            good = False
        if not good:
            return f"bad {name}: {u.get(name)!r:.80}"
    return "a bad field"


def _parses(v: str) -> bool:
    try:
        parse_time(v)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _marking_ok(mk: dict[str, Any]) -> bool:
    rt = mk.get("rel_to")
    return rt is None or (
        isinstance(rt, list) and all(isinstance(x, (str, int, float)) for x in rt)
    )


def _in(v: Any, lo: float, hi: float, *, whole: bool = False) -> bool:
    try:
        x = int(v) if whole else float(v)
    except (ValueError, TypeError, OverflowError):
        return False
    return bool(lo <= x <= hi)


def _bulk_insert(conn: Connection, table: sa.Table, batch: _Batch) -> None:
    """Write prepared rows: through SQLAlchemy Core, or on SQLite straight to the driver (the
    values are already in stored form) as multi-row statements of up to `_STATEMENT_ROWS` rows,
    one step per statement instead of one per row. What is the same in every row — the batch's
    fixed values, and any column that happens to hold one value throughout (often null) — is
    bound once per statement instead of once per row: binding is most of the driver's work, and
    binding None costs it several times what a number does (it looks for an adapter each time).
    The statement text never holds a value, only placeholders."""
    if not batch.rows:
        return
    if conn.dialect.name != "sqlite":
        dicts = batch.dicts()
        for i in range(0, len(dicts), 10_000):
            conn.execute(table.insert(), dicts[i : i + 10_000])
        return
    rows, width = batch.rows, len(batch.cols)
    same = [i for i in range(width) if _one_value(rows, i)] if len(rows) > 1 else []
    shared = batch.fixed | {batch.cols[i]: rows[0][i] for i in same}
    vary = [i for i in range(width) if i not in same]  # never empty: ids differ between rows
    # INSERT … SELECT column1, …, ?1, … FROM (VALUES (?, …), …): the shared values are the
    # numbered parameters, bound once; each row's own values follow them
    select = [f"column{k}" for k in range(1, len(vary) + 1)]
    select += [f"?{k}" for k in range(1, len(shared) + 1)]
    names = [batch.cols[i] for i in vary] + list(shared)
    head = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(select)} FROM (VALUES "
    one = "(" + ", ".join("?" * len(vary)) + ")"
    limit = getattr(conn.connection.dbapi_connection, "getlimit", None)
    most = limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if limit else 999
    per = max(1, min(_STATEMENT_ROWS, (most - len(shared)) // len(vary)))
    values = tuple(shared.values())
    pick = operator.itemgetter(*vary)
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        if len(vary) == width:
            flat = tuple(chain.from_iterable(chunk))
        elif len(vary) == 1:  # itemgetter of one index gives the value, not a tuple
            flat = tuple(map(pick, chunk))
        else:
            flat = tuple(chain.from_iterable(map(pick, chunk)))
        conn.exec_driver_sql(head + ", ".join([one] * len(chunk)) + ")", values + flat)


_STATEMENT_ROWS = 500


def _one_value(rows: list[tuple[Any, ...]], i: int) -> bool:
    """Whether column i holds one value in every row: a string, an integer or null (floats are
    left out — 0.0 equals -0.0 — and integers must all be ints: 1 equals True and 1.0). Stops
    at the first row that differs, so a varying column costs next to nothing."""
    v = rows[0][i]
    if v is not None and type(v) is not str and type(v) is not int:
        return False
    at = operator.itemgetter(i)
    if not all(map(operator.eq, map(at, rows), repeat(v))):
        return False
    return type(v) is not int or all(map(operator.is_, map(type, map(at, rows)), repeat(int)))


def open_file(
    store: Any, kp: KeyPair | Sequence[KeyPair], data: bytes, *, actor: str = "cli"
) -> dict[str, Any]:
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
