"""What a pouch carries besides units: intercepts, reports with attachments, retractions, meeting
outcomes, acknowledgements and key events.

Intelligence (intercepts, reports, attachments) passes the same release policy as units — TLP
ceiling, REL TO, ORCON, deny by default — and loses source, analyst notes and anything withheld
without a trace beyond a count. Only what we originated leaves: an item received from a partner is
never passed on (the third-party rule). Retractions, key events, outcomes and acknowledgements are
signed records (`records.py`) kept as evidence on both sides.

Receiving is idempotent (a re-sent item is recognised and skipped) and happens inside the pouch's
transaction, so a refused pouch leaves none of it behind.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.core.markings import TLP_LEVELS, Marking
from liaison.courier import records
from liaison.courier.keys import KeyPair, PublicKeys
from liaison.courier.policy import Policy, releasable
from liaison.courier.records import PouchRejected
from liaison.orbat.partners import get_partner, get_self
from liaison.store import audit
from liaison.store.schema.codebreak import intercept, intercept_solution
from liaison.store.schema.courier import (
    key_event,
    meeting_outcome,
    outcome_signature,
    partner_key,
    pouch_ack,
    pouch_log,
    report,
    report_attachment,
    tombstone,
)
from liaison.store.schema.orbat import observation, source, unit

ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024
REPORT_BODY_MAX_CHARS = 1_000_000
ATTACHMENTS_PER_REPORT = 20


def attachment_limit() -> int:
    return int(os.environ.get("LIAISON_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES))


def _marking(row: Any) -> Marking:
    return Marking(row.tlp, tuple(x for x in (row.rel_to or "").split(",") if x), bool(row.orcon))


def _mk(m: Marking) -> dict[str, Any]:
    return {"tlp": m.tlp, "rel_to": list(m.rel_to)}


def _in(col: Any, since: datetime | None, now: datetime) -> Any:
    cond = col <= now
    return cond if since is None else sa.and_(col > since, cond)


def _self_code(conn: Connection) -> str:
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    return me.code


# ---- reports -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    media_type: str = "application/octet-stream"
    marking: Marking | None = None  # None: the report's own marking


def add_report(
    conn: Connection,
    local_id: str,
    title: str,
    body: str,
    *,
    marking: Marking | None = None,
    written_at: datetime | None = None,
    notes: str | None = None,
    attachments: Sequence[Attachment] = (),
    actor: str = "cli",
) -> str:
    """Record one of our free-text reports with its attachments (size-limited); returns its id."""
    me = _self_code(conn)
    if not local_id.strip() or not title.strip():
        raise ValidationError("a report needs an id and a title")
    if len(body) > REPORT_BODY_MAX_CHARS:
        raise ValidationError(f"the report body is over {REPORT_BODY_MAX_CHARS:,} characters")
    if len(attachments) > ATTACHMENTS_PER_REPORT:
        raise ValidationError(f"at most {ATTACHMENTS_PER_REPORT} attachments per report")
    limit = attachment_limit()
    names = [a.name for a in attachments]
    if len(set(names)) != len(names):
        raise ValidationError("two attachments have the same name")
    for a in attachments:
        if len(a.content) > limit:
            raise ValidationError(
                f"attachment {a.name!r}: {len(a.content):,} bytes is over the {limit:,}-byte limit"
            )
        if not a.name.strip() or "/" in a.name or "\\" in a.name:
            raise ValidationError(f"attachment name {a.name!r} is not a plain file name")
    if conn.execute(
        sa.select(report.c.id).where(report.c.partner_code == me, report.c.local_id == local_id)
    ).first():
        raise ConflictError(f"report {local_id!r} exists; reports are append-only, use a new id")
    mk = marking or Marking()
    now = utcnow()
    rid = new_id()
    conn.execute(
        report.insert().values(
            id=rid,
            partner_code=me,
            local_id=local_id,
            title=title,
            body=body,
            written_at=written_at or now,
            recorded_at=now,
            tlp=mk.tlp,
            rel_to=",".join(mk.rel_to),
            orcon=mk.orcon,
            notes=notes,
        )
    )
    for a in attachments:
        am = a.marking or mk
        conn.execute(
            report_attachment.insert().values(
                id=new_id(),
                report_id=rid,
                name=a.name,
                media_type=a.media_type,
                size=len(a.content),
                sha256=hashlib.sha256(a.content).hexdigest(),
                content=a.content,
                tlp=am.tlp,
                rel_to=",".join(am.rel_to),
                orcon=am.orcon,
            )
        )
    audit.record(
        conn,
        actor,
        "report.add",
        f"{me}/{local_id}",
        {"report": rid, "attachments": len(attachments)},
    )
    return rid


def list_reports(conn: Connection, partner: str | None = None) -> list[dict[str, Any]]:
    q = sa.select(report).order_by(report.c.partner_code, report.c.recorded_at)
    if partner:
        q = q.where(report.c.partner_code == partner.upper())
    out = []
    for r in conn.execute(q):
        atts = conn.execute(
            sa.select(
                report_attachment.c.name,
                report_attachment.c.media_type,
                report_attachment.c.size,
                report_attachment.c.sha256,
            )
            .where(report_attachment.c.report_id == r.id)
            .order_by(report_attachment.c.name)
        )
        out.append(
            {
                "partner": r.partner_code,
                "report_id": r.local_id,
                "received_from": r.received_from,
                "title": r.title,
                "body": r.body,
                "written_at": iso(r.written_at),
                "marking": _marking(r).to_text(),
                "retracted": r.retracted_at is not None,
                "attachments": [dict(a._mapping) for a in atts],
            }
        )
    return out


def attachment_content(conn: Connection, partner: str, report_id: str, name: str) -> bytes:
    row = conn.execute(
        sa.select(report_attachment.c.content)
        .select_from(report_attachment.join(report))
        .where(
            report.c.partner_code == partner.upper(),
            report.c.local_id == report_id,
            report_attachment.c.name == name,
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no attachment {name!r} on {partner.upper()}'s report {report_id!r}")
    return bytes(row.content)


def retract(conn: Connection, kind: str, local_id: str, reason: str, *, actor: str = "cli") -> str:
    """Retract one of our reports or intercepts: the row is marked and a tombstone travels."""
    me = _self_code(conn)
    table = {"report": report, "intercept": intercept}.get(kind)
    if table is None:
        raise ValidationError("only a report or an intercept is retracted this way")
    if not reason.strip():
        raise ValidationError("a retraction needs a reason")
    row = conn.execute(
        sa.select(table.c.id, table.c.retracted_at).where(
            table.c.partner_code == me, table.c.local_id == local_id
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no {kind} {local_id!r} of ours")
    if row.retracted_at is not None:
        raise ConflictError(f"{kind} {local_id!r} is already retracted")
    now = utcnow()
    conn.execute(table.update().where(table.c.id == row.id).values(retracted_at=now))
    body = _tombstone_body(me, kind, local_id, None, now, reason)
    tid = new_id()
    conn.execute(
        tombstone.insert().values(
            id=tid,
            partner_code=me,
            kind=kind,
            ref=local_id,
            reason=reason,
            issued_at=now,
            record=None,
            record_sha256=records.body_digest({"body": body}),
        )
    )
    audit.record(conn, actor, f"{kind}.retract", f"{me}/{local_id}", {"reason": reason})
    return tid


def _tombstone_body(
    issuer: str, kind: str, ref: str, valid_at: datetime | None, at: datetime, reason: str | None
) -> dict[str, Any]:
    return {
        "type": "retraction",
        "issuer": issuer,
        "kind": kind,
        "ref": ref,
        "valid_at": iso(valid_at),
        "issued_at": iso(at),
        "reason": reason,
    }


# ---- keys: rotation and revocation as signed records --------------------------------------------
def rotate_own(
    conn: Connection, old: KeyPair, new: KeyPair, *, reason: str = "scheduled", actor: str = "cli"
) -> dict[str, Any]:
    """Replace our key: the rotation is signed by the old key (and by the new, proving it)."""
    me = _self_code(conn)
    if old.partner != me or new.partner != me:
        raise ValidationError(f"both keys must be {me}'s")
    now = utcnow()
    rec = records.sign(
        old,
        {
            "type": "key-rotation",
            "partner": me,
            "old": old.public.fingerprint,
            "new": {"sign_pk": new.public.sign_pk, "box_pk": new.public.box_pk},
            "new_fingerprint": new.public.fingerprint,
            "at": iso(now),
            "reason": reason,
        },
        new,
    )
    from liaison.courier.pouch import add_partner_key

    add_partner_key(conn, new.public, actor=actor)
    _retire(conn, me, old.public.fingerprint, now, f"rotated to {new.public.fingerprint}")
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
    me = _self_code(conn)
    at = at or utcnow()
    rec = records.sign(
        signer,
        {
            "type": "key-revocation",
            "partner": me,
            "key": fingerprint,
            "at": iso(at),
            "reason": reason,
        },
    )
    _retire(conn, me, fingerprint, at, reason, revoke=True)
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


def _retire(
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


def key_row(conn: Connection, partner: str, fp: str) -> Any:
    return conn.execute(
        sa.select(partner_key).where(
            partner_key.c.partner_code == partner, partner_key.c.fingerprint == fp
        )
    ).first()


def key_cutoff(conn: Connection, partner: str, fp: str) -> datetime | None:
    """When a partner's own signed rotation or revocation of `fp` took effect (None: not announced
    by the partner — then a revoked key was revoked by us and is refused outright)."""
    return conn.execute(
        sa.select(sa.func.min(key_event.c.effective_at)).where(
            key_event.c.partner_code == partner, key_event.c.key_fingerprint == fp
        )
    ).scalar()


def apply_key_records(conn: Connection, sender: str, recs: Any, actor: str) -> int:
    """Apply a partner's key rotations and revocations (from a pouch's manifest); returns how many
    were new. Each must be signed by a key of that partner we already know."""
    if not isinstance(recs, list) or len(recs) > 100:
        raise PouchRejected("malformed", "the manifest's key records are not a list")
    n = 0
    for rec in recs:
        kind = (
            rec.get("body", {}).get("type")
            if isinstance(rec, dict) and isinstance(rec.get("body"), dict)
            else None
        )
        if kind not in ("key-rotation", "key-revocation"):
            raise PouchRejected("malformed", "a key record is neither a rotation nor a revocation")
        b = records.check_shape(rec, kind)
        if b.get("partner") != sender:
            raise PouchRejected(
                "bad-key-record", f"a key record for {b.get('partner')!r} in {sender}'s pouch"
            )
        try:
            at = parse_time(str(b["at"]))
            target = str(b["old"] if kind == "key-rotation" else b["key"])
        except (KeyError, ValueError):
            raise PouchRejected("malformed", "a key record lacks its key or time") from None
        dbkind = "rotation" if kind == "key-rotation" else "revocation"
        if conn.execute(
            sa.select(key_event.c.id).where(
                key_event.c.partner_code == sender,
                key_event.c.kind == dbkind,
                key_event.c.key_fingerprint == target,
            )
        ).first():
            continue
        if kind == "key-rotation":
            old = key_row(conn, sender, target)
            if old is None or not records.verify_by(rec, old.sign_pk, old.fingerprint):
                raise PouchRejected(
                    "bad-key-record",
                    f"{sender}'s key rotation is not signed by its old key {target}",
                )
            try:
                new = PublicKeys(sender, str(b["new"]["sign_pk"]), str(b["new"]["box_pk"]))
                new.verify_key, new.box_key  # noqa: B018 — both must be valid keys
            except (KeyError, TypeError, ValueError, Exception):
                raise PouchRejected(
                    "bad-key-record", "the rotation's new key is not a key"
                ) from None
            if (
                not records.verify_by(rec, new.sign_pk, new.fingerprint)
                or b.get("new_fingerprint") != new.fingerprint
            ):
                raise PouchRejected("bad-key-record", "the rotation is not signed by its new key")
            if key_row(conn, sender, new.fingerprint) is None:
                from liaison.courier.pouch import add_partner_key

                add_partner_key(conn, new, actor=actor)
            _retire(conn, sender, target, at, f"rotated to {new.fingerprint}")
            newfp: str | None = new.fingerprint
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
            _retire(conn, sender, target, at, str(b.get("reason") or "revoked"), revoke=True)
            newfp = None
        conn.execute(
            key_event.insert().values(
                partner_code=sender,
                kind=dbkind,
                key_fingerprint=target,
                new_fingerprint=newfp,
                effective_at=at,
                reason=b.get("reason"),
                record=rec,
                recorded_at=utcnow(),
            )
        )
        audit.record(conn, actor, f"key.{dbkind}.received", sender, {"key": target, "at": iso(at)})
        n += 1
    return n


def own_key_records(conn: Connection, me: str, since: datetime | None) -> list[dict[str, Any]]:
    q = sa.select(key_event.c.record).where(key_event.c.partner_code == me).order_by(key_event.c.id)
    if since is not None:
        q = q.where(key_event.c.recorded_at > since)
    return [r.record for r in conn.execute(q)]


# ---- meeting outcomes --------------------------------------------------------------------------
def sign_outcome(
    conn: Connection,
    kp: KeyPair,
    meeting_id: int,
    *,
    actor: str = "cli",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Sign the outcome of one of our closed meetings: the agreed picture's digest."""
    from liaison.reconcile.meeting import current_meeting

    m = current_meeting(conn, meeting_id)
    if m.status != "closed" or not m.agreed_digest:
        raise ConflictError(f"meeting {m.id} is not closed; only a closed meeting has an outcome")
    if m.ours_partner != kp.partner:
        raise ValidationError(
            f"meeting {m.id} was held by {m.ours_partner}, the key is {kp.partner}'s"
        )
    ref = f"{m.ours_partner}/{m.id}"
    existing = conn.execute(
        sa.select(meeting_outcome.c.id).where(meeting_outcome.c.ref == ref)
    ).first()
    if existing:
        return outcome(conn, ref)
    body = {
        "type": "meeting-outcome",
        "ref": ref,
        "issuer": m.ours_partner,
        "counterpart": m.theirs_partner,
        "as_of": iso(m.as_of),
        "snapshot_at": iso(m.snapshot_at),
        "closed_at": iso(m.closed_at),
        "agreed_digest": m.agreed_digest,
        "discrepancies": int(sum((m.summary or {}).get(k, 0) for k in ("discrepancies",))),
    }
    rec = records.sign(kp, body)
    now = now or utcnow()
    oid = conn.execute(
        meeting_outcome.insert().values(
            ref=ref,
            issuer=m.ours_partner,
            counterpart=m.theirs_partner,
            meeting_id=m.id,
            agreed_digest=m.agreed_digest,
            body=body,
            recorded_at=now,
        )
    ).inserted_primary_key[0]
    _store_signature(conn, oid, rec["signatures"][0], now)
    audit.record(conn, actor, "outcome.sign", ref, {"digest": m.agreed_digest})
    return rec


def _store_signature(conn: Connection, oid: int, s: dict[str, str], now: datetime) -> None:
    conn.execute(
        outcome_signature.insert().values(
            outcome_id=oid,
            partner_code=s["partner"],
            key_fingerprint=s["key"],
            signature=s["sig"],
            recorded_at=now,
        )
    )


def outcome(conn: Connection, ref: str) -> dict[str, Any]:
    """The outcome record `ref` with every signature we hold."""
    row = conn.execute(sa.select(meeting_outcome).where(meeting_outcome.c.ref == ref)).first()
    if row is None:
        raise NotFoundError(f"no meeting outcome {ref!r}")
    sigs = conn.execute(
        sa.select(outcome_signature)
        .where(outcome_signature.c.outcome_id == row.id)
        .order_by(outcome_signature.c.id)
    )
    return {
        "body": row.body,
        "signatures": [
            {"partner": s.partner_code, "key": s.key_fingerprint, "sig": s.signature} for s in sigs
        ],
    }


def list_outcomes(conn: Connection) -> list[dict[str, Any]]:
    refs = [
        r.ref for r in conn.execute(sa.select(meeting_outcome.c.ref).order_by(meeting_outcome.c.id))
    ]
    out = []
    for ref in refs:
        rec = outcome(conn, ref)
        out.append(
            {
                "ref": ref,
                "issuer": rec["body"]["issuer"],
                "counterpart": rec["body"]["counterpart"],
                "agreed_digest": rec["body"]["agreed_digest"],
                "signed_by": sorted(s["partner"] for s in rec["signatures"]),
            }
        )
    return out


def countersign(conn: Connection, kp: KeyPair, ref: str, *, actor: str = "cli") -> dict[str, Any]:
    """Countersign a partner's meeting outcome we received (and verified); it travels back."""
    rec = outcome(conn, ref)
    b = rec["body"]
    if b["counterpart"] != kp.partner:
        raise ValidationError(
            f"outcome {ref} is between {b['issuer']} and {b['counterpart']}, not {kp.partner}"
        )
    if any(s["partner"] == kp.partner for s in rec["signatures"]):
        raise ConflictError(f"outcome {ref} already carries {kp.partner}'s signature")
    new = records.add_signature(rec, kp)
    oid = conn.execute(
        sa.select(meeting_outcome.c.id).where(meeting_outcome.c.ref == ref)
    ).scalar_one()
    _store_signature(conn, oid, new["signatures"][-1], utcnow())
    audit.record(conn, actor, "outcome.countersign", ref, {"digest": b["agreed_digest"]})
    return new


def _receive_outcome(conn: Connection, sender: str, me: str, rec: Any, actor: str) -> int:
    b = records.check_shape(rec, "meeting-outcome")
    parties = {b.get("issuer"), b.get("counterpart")}
    if (
        parties != {sender, me}
        or not isinstance(b.get("ref"), str)
        or not isinstance(b.get("agreed_digest"), str)
    ):
        raise PouchRejected("bad-outcome", "a meeting outcome not between the sender and us")
    for s in rec["signatures"]:
        k = key_row(conn, s["partner"], s["key"]) if s["partner"] in parties else None
        if k is None or not records.verify_by(rec, k.sign_pk, k.fingerprint):
            raise PouchRejected(
                "bad-outcome", f"outcome {b['ref']}: {s['partner']}'s signature does not verify"
            )
    if b["issuer"] not in {s["partner"] for s in rec["signatures"]}:
        raise PouchRejected("bad-outcome", f"outcome {b['ref']} is not signed by its issuer")
    now = utcnow()
    row = conn.execute(sa.select(meeting_outcome).where(meeting_outcome.c.ref == b["ref"])).first()
    if row is None:
        oid = conn.execute(
            meeting_outcome.insert().values(
                ref=b["ref"],
                issuer=b["issuer"],
                counterpart=b["counterpart"],
                meeting_id=None,
                agreed_digest=b["agreed_digest"],
                body=b,
                recorded_at=now,
            )
        ).inserted_primary_key[0]
        have: set[str] = set()
    else:
        if records.body_digest({"body": row.body}) != records.body_digest(rec):
            raise PouchRejected("bad-outcome", f"outcome {b['ref']} differs from the one we hold")
        oid = row.id
        have = {
            r.partner_code
            for r in conn.execute(
                sa.select(outcome_signature.c.partner_code).where(
                    outcome_signature.c.outcome_id == oid
                )
            )
        }
    added = 0
    for s in rec["signatures"]:
        if s["partner"] not in have:
            _store_signature(conn, oid, s, now)
            have.add(s["partner"])
            added += 1
    if added:
        audit.record(conn, actor, "outcome.received", b["ref"], {"signed_by": sorted(have)})
    return added


# ---- acknowledgements --------------------------------------------------------------------------
def make_ack(conn: Connection, kp: KeyPair, partner: str) -> dict[str, Any] | None:
    """A signed, cumulative acknowledgement: 'we opened your pouches up to seq N (digest D)'."""
    last = conn.execute(
        sa.select(pouch_log.c.seq, pouch_log.c.digest)
        .where(pouch_log.c.direction == "in", pouch_log.c.partner_code == partner)
        .order_by(pouch_log.c.seq.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    return records.sign(
        kp,
        {"type": "ack", "from": kp.partner, "to": partner, "seq": last.seq, "digest": last.digest},
    )


def receive_ack(conn: Connection, sender: str, rec: Any, *, actor: str = "cli") -> int | None:
    """Record a partner's signed acknowledgement of our pouches; returns the acknowledged seq."""
    b = records.check_shape(rec, "ack")
    me = _self_code(conn)
    if b.get("from") != sender or b.get("to") != me or not isinstance(b.get("seq"), int):
        raise PouchRejected("bad-ack", "an acknowledgement not from the sender to us")
    if not any(
        (k := key_row(conn, sender, s["key"])) is not None
        and k.revoked_at is None
        and records.verify_by(rec, k.sign_pk, k.fingerprint)
        for s in rec["signatures"]
    ):
        raise PouchRejected(
            "bad-ack", f"the acknowledgement is not signed by a live key of {sender}"
        )
    out = conn.execute(
        sa.select(pouch_log.c.digest).where(
            pouch_log.c.direction == "out",
            pouch_log.c.partner_code == sender,
            pouch_log.c.seq == b["seq"],
        )
    ).first()
    if out is None or out.digest != b.get("digest"):
        raise PouchRejected(
            "bad-ack", f"{sender} acknowledges pouch #{b['seq']}, which we did not send"
        )
    if conn.execute(
        sa.select(pouch_ack.c.id).where(
            pouch_ack.c.partner_code == sender, pouch_ack.c.seq == b["seq"]
        )
    ).first():
        return int(b["seq"])
    conn.execute(
        pouch_ack.insert().values(
            partner_code=sender, seq=b["seq"], digest=b["digest"], acked_at=utcnow(), record=rec
        )
    )
    audit.record(conn, actor, "pouch.ack", sender, {"seq": b["seq"]})
    return int(b["seq"])


def last_acked(conn: Connection, partner: str) -> Any:
    """Our newest pouch to `partner` that it acknowledged (the pouch_log row), or None."""
    seq = conn.execute(
        sa.select(sa.func.max(pouch_ack.c.seq)).where(pouch_ack.c.partner_code == partner)
    ).scalar()
    if seq is None:
        return None
    return conn.execute(
        sa.select(pouch_log).where(
            pouch_log.c.direction == "out",
            pouch_log.c.partner_code == partner,
            pouch_log.c.seq == seq,
        )
    ).first()


# ---- collecting what goes into a pouch ---------------------------------------------------------
def collect(
    conn: Connection,
    kp: KeyPair,
    to: str,
    policy: Policy | None,
    since: datetime | None,
    now: datetime,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Everything besides units for a pouch to `to`, since `since` (None: everything)."""
    me = kp.partner
    withheld = {"intercepts": 0, "reports": 0, "attachments": 0, "retractions": 0}
    pol = policy

    def ok(m: Marking) -> bool:
        return releasable(m, pol)

    # intercepts we originated, new or with a new solution, not retracted
    sol_new = sa.select(intercept_solution.c.intercept_id).where(
        _in(intercept_solution.c.solved_at, since, now)
    )
    q = (
        sa.select(intercept, source.c.codename)
        .select_from(intercept.outerjoin(source, source.c.id == intercept.c.source_id))
        .where(
            intercept.c.partner_code == me,
            intercept.c.received_from.is_(None),
            intercept.c.retracted_at.is_(None),
            intercept.c.recorded_at <= now,
        )
        .order_by(intercept.c.local_id)
    )
    if since is not None:
        q = q.where(sa.or_(intercept.c.recorded_at > since, intercept.c.id.in_(sol_new)))
    intercepts = []
    for r in conn.execute(q):
        if not ok(_marking(r)):
            withheld["intercepts"] += 1
            continue
        sols = conn.execute(
            sa.select(intercept_solution)
            .where(intercept_solution.c.intercept_id == r.id, intercept_solution.c.solved_at <= now)
            .order_by(intercept_solution.c.solved_at)
        )
        intercepts.append(
            {
                "local_id": r.local_id,
                "intercepted_at": iso(r.intercepted_at),
                "station": r.station,
                "callsign": r.callsign,
                "frequency_khz": r.frequency_khz,
                "language": r.language,
                "cipher_hint": r.cipher_hint,
                "ciphertext": r.ciphertext,
                "marking": _mk(_marking(r)),
                "source": r.codename if pol and pol.release_sources else None,
                "notes": r.notes if pol and pol.release_notes else None,
                "solutions": [
                    {
                        "cipher": s.cipher,
                        "language": s.language,
                        "key": s.key,
                        "plaintext": s.plaintext,
                        "score": s.score,
                        "confidence": s.confidence,
                        "solved_at": iso(s.solved_at),
                    }
                    for s in sols
                ],
            }
        )
    # reports we wrote, with the attachments policy releases
    reports = []
    for r in conn.execute(
        sa.select(report)
        .where(
            report.c.partner_code == me,
            report.c.received_from.is_(None),
            report.c.retracted_at.is_(None),
            _in(report.c.recorded_at, since, now),
        )
        .order_by(report.c.local_id)
    ):
        if not ok(_marking(r)):
            withheld["reports"] += 1
            continue
        atts = []
        for a in conn.execute(
            sa.select(report_attachment)
            .where(report_attachment.c.report_id == r.id)
            .order_by(report_attachment.c.name)
        ):
            if not ok(_marking(a)):
                withheld["attachments"] += 1
                continue
            atts.append(
                {
                    "name": a.name,
                    "media_type": a.media_type,
                    "sha256": a.sha256,
                    "content": base64.b64encode(bytes(a.content)).decode(),
                    "marking": _mk(_marking(a)),
                }
            )
        reports.append(
            {
                "local_id": r.local_id,
                "title": r.title,
                "body": r.body,
                "written_at": iso(r.written_at),
                "marking": _mk(_marking(r)),
                "notes": r.notes if pol and pol.release_notes else None,
                "attachments": atts,
            }
        )
    # retractions: of our observations (tombstone observations), reports and intercepts
    retractions = []
    target = observation.alias("target")
    for r in conn.execute(
        sa.select(
            observation.c.recorded_at,
            observation.c.notes,
            target.c.valid_at,
            target.c.tlp,
            target.c.rel_to,
            target.c.orcon,
            unit.c.local_id,
        )
        .select_from(
            observation.join(target, target.c.id == observation.c.retracts).join(
                unit, unit.c.id == target.c.unit_id
            )
        )
        .where(observation.c.partner_code == me, _in(observation.c.recorded_at, since, now))
        .order_by(observation.c.recorded_at)
    ):
        if not ok(_marking(r)):
            withheld["retractions"] += 1
            continue
        reason = r.notes if pol and pol.release_notes else None
        retractions.append(
            records.sign(
                kp,
                _tombstone_body(me, "observation", r.local_id, r.valid_at, r.recorded_at, reason),
            )
        )
    for kind, table in (("report", report), ("intercept", intercept)):
        reasons = {
            t.ref: t
            for t in conn.execute(
                sa.select(tombstone).where(
                    tombstone.c.partner_code == me,
                    tombstone.c.kind == kind,
                    tombstone.c.received_from.is_(None),
                )
            )
        }
        for r in conn.execute(
            sa.select(
                table.c.local_id, table.c.retracted_at, table.c.tlp, table.c.rel_to, table.c.orcon
            ).where(
                table.c.partner_code == me,
                table.c.received_from.is_(None),
                table.c.retracted_at.is_not(None),
                _in(table.c.retracted_at, since, now),
            )
        ):
            if not ok(_marking(r)):
                withheld["retractions"] += 1
                continue
            t = reasons.get(r.local_id)
            reason = t.reason if t is not None and pol and pol.release_notes else None
            retractions.append(
                records.sign(
                    kp, _tombstone_body(me, kind, r.local_id, None, r.retracted_at, reason)
                )
            )
    # meeting outcomes between us and them: ours to sign first, then any with a new signature
    from liaison.store.schema.reconcile import meeting

    signed = {
        r.ref
        for r in conn.execute(
            sa.select(meeting_outcome.c.ref).where(meeting_outcome.c.issuer == me)
        )
    }
    for m in conn.execute(
        sa.select(meeting.c.id).where(
            meeting.c.ours_partner == me,
            meeting.c.theirs_partner == to,
            meeting.c.status == "closed",
        )
    ).all():
        if f"{me}/{m.id}" not in signed:
            sign_outcome(conn, kp, m.id, actor="courier", now=now)
    refs = conn.execute(
        sa.select(meeting_outcome.c.ref)
        .where(
            sa.or_(
                sa.and_(meeting_outcome.c.issuer == me, meeting_outcome.c.counterpart == to),
                sa.and_(meeting_outcome.c.issuer == to, meeting_outcome.c.counterpart == me),
            ),
            meeting_outcome.c.id.in_(
                sa.select(outcome_signature.c.outcome_id).where(
                    _in(outcome_signature.c.recorded_at, since, now)
                )
            ),
        )
        .order_by(meeting_outcome.c.id)
    )
    outcomes = [outcome(conn, r.ref) for r in refs]
    ack = make_ack(conn, kp, to)
    items = {
        "intercepts": intercepts,
        "reports": reports,
        "retractions": retractions,
        "outcomes": outcomes,
        "acks": [ack] if ack else [],
    }
    return items, withheld


# ---- receiving ---------------------------------------------------------------------------------
def _bad(what: str) -> PouchRejected:
    return PouchRejected("malformed", f"{what} in the payload has a bad field")


def _parse_marking(mk: Any) -> Marking:
    if not isinstance(mk, dict):
        return Marking()
    tlp = mk.get("tlp") if mk.get("tlp") in TLP_LEVELS else "AMBER"
    rel = mk.get("rel_to") or []
    if not isinstance(rel, list) or not all(isinstance(x, str) for x in rel):
        raise _bad("a marking")
    return Marking(tlp, tuple(rel))


def _opt_str(v: Any, what: str, n: int = 10_000) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str) or len(v) > n:
        raise _bad(what)
    return v


def receive(conn: Connection, sender: str, items: Any, *, actor: str = "cli") -> dict[str, int]:
    """Apply a pouch's items from `sender`; returns counts of what was new."""
    if not isinstance(items, dict) or not set(items) <= {
        "intercepts",
        "reports",
        "retractions",
        "outcomes",
        "acks",
    }:
        raise PouchRejected("malformed", "the payload's items are not the expected ones")
    for k, v in items.items():
        if not isinstance(v, list):
            raise PouchRejected("malformed", f"the payload's {k} are not a list")
    me = _self_code(conn)
    sk = None
    counts = {
        "intercepts": 0,
        "solutions": 0,
        "reports": 0,
        "attachments": 0,
        "retractions": 0,
        "outcome_signatures": 0,
        "acks": 0,
    }
    now = utcnow()
    for rec in items.get("acks", []):
        if receive_ack(conn, sender, rec, actor=actor) is not None:
            counts["acks"] += 1
    for it in items.get("intercepts", []):
        if not isinstance(it, dict):
            raise _bad("an intercept")
        try:
            lid = str(it["local_id"])
            at = parse_time(str(it["intercepted_at"]))
            ct = it["ciphertext"]
            freq = float(it["frequency_khz"]) if it.get("frequency_khz") is not None else None
            sols = it.get("solutions") or []
            assert isinstance(ct, str) and isinstance(sols, list) and 0 < len(lid) <= 200
        except (KeyError, ValueError, TypeError, AssertionError):
            raise _bad(f"intercept {it.get('local_id')!r}") from None
        mk = _parse_marking(it.get("marking"))
        row = conn.execute(
            sa.select(intercept.c.id).where(
                intercept.c.partner_code == sender, intercept.c.local_id == lid
            )
        ).first()
        if row is None:
            iid = new_id()
            conn.execute(
                intercept.insert().values(
                    id=iid,
                    partner_code=sender,
                    local_id=lid,
                    received_from=sender,
                    intercepted_at=at,
                    recorded_at=now,
                    station=_opt_str(it.get("station"), "an intercept's station", 200),
                    callsign=_opt_str(it.get("callsign"), "an intercept's callsign", 100),
                    frequency_khz=freq,
                    language=_opt_str(it.get("language"), "an intercept's language", 8),
                    cipher_hint=_opt_str(it.get("cipher_hint"), "an intercept's cipher hint", 40),
                    ciphertext=ct,
                    tlp=mk.tlp,
                    rel_to=",".join(mk.rel_to),
                    orcon=False,
                    notes=_opt_str(it.get("notes"), "an intercept's notes"),
                )
            )
            counts["intercepts"] += 1
            have: set[tuple[Any, Any]] = set()
        else:
            iid = row.id
            have = {
                (s.cipher, s.plaintext)
                for s in conn.execute(
                    sa.select(intercept_solution.c.cipher, intercept_solution.c.plaintext).where(
                        intercept_solution.c.intercept_id == iid
                    )
                )
            }
        for s in sols:
            try:
                assert (
                    isinstance(s, dict)
                    and isinstance(s["cipher"], str)
                    and isinstance(s["plaintext"], str)
                )
                key = (s["cipher"], s["plaintext"])
                solved = parse_time(str(s["solved_at"]))
                score = float(s["score"]) if s.get("score") is not None else None
                conf = float(s["confidence"]) if s.get("confidence") is not None else None
            except (KeyError, ValueError, TypeError, AssertionError):
                raise _bad(f"a solution of intercept {lid!r}") from None
            if key in have:
                continue
            have.add(key)
            conn.execute(
                intercept_solution.insert().values(
                    id=new_id(),
                    intercept_id=iid,
                    solved_at=solved,
                    solved_by=sender,
                    cipher=s["cipher"][:40],
                    language=_opt_str(s.get("language"), "a solution's language", 8),
                    key=s.get("key"),
                    plaintext=s["plaintext"],
                    score=score,
                    confidence=conf,
                )
            )
            counts["solutions"] += 1
    limit = attachment_limit()
    for rp in items.get("reports", []):
        if not isinstance(rp, dict):
            raise _bad("a report")
        try:
            lid = str(rp["local_id"])
            title, body = rp["title"], rp["body"]
            written = parse_time(str(rp["written_at"]))
            atts = rp.get("attachments") or []
            assert isinstance(title, str) and isinstance(body, str) and isinstance(atts, list)
            assert (
                0 < len(lid) <= 200 and 0 < len(title) <= 300 and len(body) <= REPORT_BODY_MAX_CHARS
            )
            assert len(atts) <= ATTACHMENTS_PER_REPORT
        except (KeyError, ValueError, TypeError, AssertionError):
            raise _bad(f"report {rp.get('local_id')!r}") from None
        if conn.execute(
            sa.select(report.c.id).where(report.c.partner_code == sender, report.c.local_id == lid)
        ).first():
            continue
        mk = _parse_marking(rp.get("marking"))
        rid = new_id()
        conn.execute(
            report.insert().values(
                id=rid,
                partner_code=sender,
                local_id=lid,
                received_from=sender,
                title=title,
                body=body,
                written_at=written,
                recorded_at=now,
                tlp=mk.tlp,
                rel_to=",".join(mk.rel_to),
                orcon=False,
                notes=_opt_str(rp.get("notes"), "a report's notes"),
            )
        )
        counts["reports"] += 1
        names: set[str] = set()
        for a in atts:
            try:
                assert isinstance(a, dict) and isinstance(a["name"], str) and a["name"] not in names
                assert 0 < len(a["name"]) <= 255 and "/" not in a["name"] and "\\" not in a["name"]
                if len(a["content"]) > limit * 4 // 3 + 4:
                    raise PouchRejected(
                        "oversized",
                        f"attachment {a['name']!r} of report {lid!r} is over the {limit:,}-byte limit",
                    )
                content = base64.b64decode(a["content"], validate=True)
                assert hashlib.sha256(content).hexdigest() == a["sha256"]
                media = str(a.get("media_type") or "application/octet-stream")[:100]
            except (KeyError, ValueError, TypeError, AssertionError, binascii.Error):
                raise _bad(f"an attachment of report {lid!r}") from None
            if len(content) > limit:
                raise PouchRejected(
                    "oversized", f"attachment {a['name']!r} is over the {limit:,}-byte limit"
                )
            names.add(a["name"])
            am = _parse_marking(a.get("marking"))
            conn.execute(
                report_attachment.insert().values(
                    id=new_id(),
                    report_id=rid,
                    name=a["name"],
                    media_type=media,
                    size=len(content),
                    sha256=a["sha256"],
                    content=content,
                    tlp=am.tlp,
                    rel_to=",".join(am.rel_to),
                    orcon=False,
                )
            )
            counts["attachments"] += 1
    for rec in items.get("retractions", []):
        b = records.check_shape(rec, "retraction")
        if sk is None:
            sk = [
                k
                for k in conn.execute(
                    sa.select(partner_key).where(partner_key.c.partner_code == sender)
                )
            ]
        if b.get("issuer") != sender or not any(
            records.verify_by(rec, k.sign_pk, k.fingerprint) for k in sk
        ):
            raise PouchRejected("bad-retraction", "a retraction not signed by the sender")
        counts["retractions"] += _apply_retraction(conn, sender, b, rec, now)
    for rec in items.get("outcomes", []):
        counts["outcome_signatures"] += _receive_outcome(conn, sender, me, rec, actor)
    return counts


def _apply_retraction(
    conn: Connection, sender: str, b: dict[str, Any], rec: dict[str, Any], now: datetime
) -> int:
    try:
        kind, ref = b["kind"], str(b["ref"])
        issued = parse_time(str(b["issued_at"]))
        valid = parse_time(str(b["valid_at"])) if b.get("valid_at") else None
        assert kind in ("observation", "report", "intercept") and 0 < len(ref) <= 200
        assert kind != "observation" or valid is not None
    except (KeyError, ValueError, TypeError, AssertionError):
        raise _bad("a retraction") from None
    sha = records.body_digest(rec)
    if conn.execute(
        sa.select(tombstone.c.id).where(
            tombstone.c.partner_code == sender, tombstone.c.record_sha256 == sha
        )
    ).first():
        return 0
    if kind == "observation":
        uid = conn.execute(
            sa.select(unit.c.id).where(unit.c.partner_code == sender, unit.c.local_id == ref)
        ).scalar()
        gone = sa.select(observation.c.retracts).where(
            observation.c.retracts.is_not(None), observation.c.unit_id == uid
        )
        targets = (
            conn.execute(
                sa.select(observation).where(
                    observation.c.unit_id == uid,
                    observation.c.valid_at == valid,
                    observation.c.retracts.is_(None),
                    observation.c.id.not_in(gone),
                )
            ).all()
            if uid
            else []
        )
        for t in targets:
            conn.execute(
                observation.insert().values(
                    id=new_id(),
                    unit_id=t.unit_id,
                    partner_code=sender,
                    valid_at=t.valid_at,
                    recorded_at=now,
                    retracts=t.id,
                    notes=b.get("reason") if isinstance(b.get("reason"), str) else None,
                    fingerprint="retract:" + t.id,
                    tlp=t.tlp,
                    rel_to=t.rel_to,
                    orcon=t.orcon,
                )
            )
    else:
        table = report if kind == "report" else intercept
        conn.execute(
            table.update()
            .where(
                table.c.partner_code == sender,
                table.c.local_id == ref,
                table.c.retracted_at.is_(None),
            )
            .values(retracted_at=issued)
        )
    conn.execute(
        tombstone.insert().values(
            id=new_id(),
            partner_code=sender,
            kind=kind,
            ref=ref,
            valid_at=valid,
            reason=b.get("reason") if isinstance(b.get("reason"), str) else None,
            issued_at=issued,
            received_from=sender,
            record=rec,
            record_sha256=sha,
        )
    )
    return 1


def get_partner_code(conn: Connection, code: str) -> str:
    return get_partner(conn, code).code
