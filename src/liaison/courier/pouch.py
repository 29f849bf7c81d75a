"""The pouch: one file between two partners — signed, encrypted, numbered, hash-chained.

`envelope.py` lays out the bytes (format 2: magic line, canonical manifest, signature, raw
ciphertext of a sealed box); this module decides what goes in and what comes out. Sealing asks
every record kind in `registry.KINDS` for what it releases to the partner since the last pouch the
partner acknowledged (the watermark), writes the payload, numbers the pouch, chains it to the
previous one and keeps it in the outbox. Opening checks, in order, and refuses with a reason
(nothing imported, an audit entry written): size, format, recipient, sender key known and not
revoked (after applying the key events the manifest carries), signature, ciphertext digest,
decryption, payload digest, sequence (no replay, no gap) and the hash chain; then every kind
applies its records, in registry order, in one transaction.

The pouch knows kinds only through the registry; it never imports a kind's module.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import NotFoundError, SecurityError, ValidationError
from liaison.core.markings import Marking
from liaison.courier import registry
from liaison.courier.canonical import canonical, digest
from liaison.courier.envelope import (
    DEFAULT_MAX_BYTES,
    FORMAT,
    MAGIC,
    MANIFEST_FIELDS,
    MAX_MANIFEST,
    SEALBYTES,
    encode_envelope,
    inspect,
    seal_payload,
    unseal,
)
from liaison.courier.keyring import (
    add_partner_key,
    current_key,
    import_partner_key,
    key_cutoff,
    key_row,
    revoke_partner_key,
)
from liaison.courier.keys import KeyPair, PublicKeys, fingerprint
from liaison.courier.policy import get_policy, set_policy
from liaison.courier.records import PouchRejected
from liaison.orbat.partners import get_partner, get_self, list_partners
from liaison.store import audit
from liaison.store.schema.courier import pouch_log, pouch_outbox

GENESIS = "0" * 64


def _last(conn: Connection, direction: str, partner: str) -> Any:
    return conn.execute(
        sa.select(pouch_log)
        .where(pouch_log.c.direction == direction, pouch_log.c.partner_code == partner)
        .order_by(pouch_log.c.seq.desc())
        .limit(1)
    ).first()


def ledger(conn: Connection) -> list[dict[str, Any]]:
    """Per partner other than ourselves: the last pouch sent and received, and the ceiling our
    release policy puts on what a pouch to them may carry (the TLP and REL TO that partner), or
    None when no policy lets anything go."""
    last: dict[tuple[str, str], Any] = {}
    for r in conn.execute(sa.select(pouch_log).order_by(pouch_log.c.seq)):
        last[(r.partner_code, r.direction)] = r
    rows = []
    for p in list_partners(conn):
        if p.is_self:
            continue
        pol = get_policy(conn, p.code)
        out, inn = last.get((p.code, "out")), last.get((p.code, "in"))
        rows.append(
            {
                "partner": p.code,
                "sent": {"seq": out.seq, "at": out.created_at, "units": out.units} if out else None,
                "received": {"seq": inn.seq, "at": inn.created_at, "units": inn.units}
                if inn
                else None,
                "ceiling": Marking(tlp=pol.max_tlp, rel_to=(p.code,)) if pol else None,
            }
        )
    return rows


# ---- sealing -----------------------------------------------------------------------------------
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
    acked = registry.last_acked(conn, recipient.partner) if since == "last" else None
    cut = acked.created_at if acked is not None else None
    pol = get_policy(conn, recipient.partner)
    got = registry.collect(registry.Outgoing(conn, kp, recipient.partner, pol, cut, now))
    units = got[registry.UNITS.name].records
    withheld = got[registry.UNITS.name].withheld.get(registry.UNITS.name, 0)
    extra = {k.name: got[k.name].records for k in registry.ITEMS}
    withheld_items = {w: n for k in registry.ITEMS for w, n in got[k.name].withheld.items()}
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
        **{k.name: got[k.name].records for k in registry.MANIFEST},
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
    """canonical({"items": extra, "units": units, "withheld": withheld}), each kind's records
    written by its own encoder (the units by the fast `canonical_records`) — keys in RFC 8785
    order, so the bytes are the same as the reference's."""
    enc = {k.name: k.encode for k in registry.KINDS}
    items = {name: enc.get(name, canonical)(recs) for name, recs in extra.items()}
    return _object(
        {
            "items": _object(items),
            registry.UNITS.name: registry.UNITS.encode(units),
            "withheld": canonical(int(withheld)),
        }
    )


def _object(members: dict[str, bytes]) -> bytes:
    """A JSON object of already canonical members, keys in RFC 8785 order (ASCII names: code
    point order is UTF-16 order)."""
    return b"{" + b",".join(canonical(k) + b":" + v for k, v in sorted(members.items())) + b"}"


# ---- opening -----------------------------------------------------------------------------------
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
    inc = registry.Incoming(conn, m["from"], me.code, created, utcnow(), actor)
    # Key rotations and revocations first: the pouch may be signed by the key a rotation announces.
    registry.receive_manifest(inc, m)
    key = key_row(conn, m["from"], m["sender_key"])
    if key is None:
        raise PouchRejected("unknown-sender", f"no key {m['sender_key']} for {m['from']}")
    if key.revoked_at is not None:
        cutoff = key_cutoff(conn, m["from"], m["sender_key"])
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
    except orjson.JSONDecodeError:
        raise PouchRejected("malformed", "the payload is not JSON") from None
    got, units = registry.receive_payload(inc, body)
    conn.execute(
        pouch_log.insert().values(
            direction="in",
            partner_code=m["from"],
            seq=m["seq"],
            digest=digest(data),  # the next pouch's `prev`: the chain runs over whole files
            prev_digest=m["prev"],
            created_at=utcnow(),
            units=units["units"],
        )
    )
    ack = registry.make_ack(conn, own, m["from"])
    n = units["new_observations"]
    audit.record(
        conn,
        actor,
        "pouch.open",
        m["from"],
        {"seq": m["seq"], "units": units["units"], "new_observations": n, "items": got},
    )
    return {
        "from": m["from"],
        "seq": m["seq"],
        "units": units["units"],
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


def open_file(
    store: Any, kp: KeyPair | Sequence[KeyPair], data: bytes, *, actor: str = "cli"
) -> dict[str, Any]:
    """Open in one transaction; on refusal the transaction is rolled back and the refusal audited."""
    try:
        with store.begin() as conn:
            out = open_pouch(conn, kp, data, actor=actor)
            fault = os.environ.get("LIAISON_FAULT_BEFORE_COMMIT")
            if fault:  # fault-injection point for the crash test: everything written, not committed
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


# The pouch's public names, including those kept here for callers from before the split (keys
# and policies in the store, the envelope's constants and functions).
__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMAT",
    "GENESIS",
    "MAGIC",
    "MANIFEST_FIELDS",
    "MAX_MANIFEST",
    "SEALBYTES",
    "PouchRejected",
    "add_partner_key",
    "current_key",
    "encode_envelope",
    "encode_payload",
    "fingerprint",
    "gc_paused",
    "get_policy",
    "import_partner_key",
    "inspect",
    "open_file",
    "open_pouch",
    "revoke_partner_key",
    "seal",
    "seal_payload",
    "set_policy",
    "unseal",
]
