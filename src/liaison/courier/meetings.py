"""The meeting both sides hold (issue 21): its inputs are what each side released to the other.

The host reconciles its own picture as released in its last pouch to the partner with the
partner's picture as received from the partner's last pouch it opened; the guest recomputes the
same from its side (the host's picture as received from that pouch, its own as released in the
pouch the host opened). The pouch numbers travel with the meeting, so each side finds its inputs
by recording time and neither takes the other's queue on trust (`reconcile.meeting.join_meeting`
compares digests). The agreed picture each side computes is signed by each; a partner's signature
is accepted only over the bytes this side computed itself (`verify_signature`).

This module sits in `courier` because the inputs depend on the release policy and the pouch log;
`reconcile.meeting` stays free of both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import nacl.exceptions
import orjson
import sqlalchemy as sa
from nacl.signing import VerifyKey
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import NotFoundError, SecurityError, ValidationError
from liaison.courier.keyring import key_row, self_code
from liaison.courier.keys import KeyPair
from liaison.courier.policy import get_policy, release
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner
from liaison.orbat.picture import get_picture
from liaison.reconcile import joint
from liaison.reconcile import meeting as mt
from liaison.store import audit
from liaison.store.schema.courier import pouch_log
from liaison.store.schema.reconcile import agreed_document, agreed_signature, meeting


def _log_time(conn: Connection, direction: str, partner: str, seq: int) -> datetime | None:
    if seq <= 0:
        return None
    row = conn.execute(
        sa.select(pouch_log.c.created_at).where(
            pouch_log.c.direction == direction,
            pouch_log.c.partner_code == partner,
            pouch_log.c.seq == seq,
        )
    ).first()
    if row is None:
        raise NotFoundError(
            f"no pouch {seq} {'to' if direction == 'out' else 'from'} {partner} in this store"
        )
    return row.created_at


def _last_seq(conn: Connection, direction: str, partner: str) -> int:
    n = conn.execute(
        sa.select(sa.func.max(pouch_log.c.seq)).where(
            pouch_log.c.direction == direction, pouch_log.c.partner_code == partner
        )
    ).scalar()
    return int(n or 0)


def released_view(partner: str, r: dict[str, Any]) -> UnitView:
    """A released record as the unit the partner reads from it."""
    return UnitView(
        partner=partner,
        unit_id=r["unit_id"],
        designation=r["designation"],
        echelon=r["echelon"],
        branch=r["branch"],
        parent_id=r["parent_id"] or None,
        sidc=r["sidc"],
        lat=r["lat"],
        lon=r["lon"],
        place=r["place"],
        observed_at=parse_time(r["observed_at"]) if r["observed_at"] else None,
        equipment=dict(r["equipment"] or {}),
        strength=r["strength"],
        reliability=r["source_reliability"],
        credibility=r["info_credibility"],
    )


def released_picture(
    conn: Connection, me: str, to: str, seq: int, as_of: datetime | None
) -> Picture:
    """Our picture as our pouch `seq` to `to` released it (empty before the first pouch)."""
    at = _log_time(conn, "out", to, seq)
    if at is None:
        return Picture(me, {})
    units, _ = release(get_picture(conn, me, as_of, at), get_policy(conn, to))
    return Picture(me, {r["unit_id"]: released_view(me, r) for r in units})


def received_picture(conn: Connection, partner: str, seq: int, as_of: datetime | None) -> Picture:
    """The partner's picture as received up to their pouch `seq` (what reconciliation reads)."""
    at = _log_time(conn, "in", partner, seq)
    if at is None:
        return Picture(partner, {})
    pic = get_picture(conn, partner, as_of, at)
    units = {
        uid: UnitView(
            partner=partner,
            unit_id=uid,
            designation=u.designation,
            echelon=u.echelon,
            branch=u.branch,
            parent_id=u.parent_id,
            sidc=u.sidc,
            lat=u.lat,
            lon=u.lon,
            place=u.place,
            observed_at=u.observed_at,
            equipment=dict(u.equipment),
            strength=u.strength,
            reliability=u.reliability,
            credibility=u.credibility,
        )
        for uid, u in pic.units.items()
    }
    return Picture(partner, units)


def open_shared(
    conn: Connection, with_partner: str, *, as_of: datetime | None = None, actor: str = "cli"
) -> tuple[int, Any]:
    """Open a meeting the partner takes part in; the next pouch to them carries it."""
    me = self_code(conn)
    to = get_partner(conn, with_partner).code
    if get_policy(conn, to) is None:
        raise ValidationError(
            f"no release policy for {to}: nothing of ours was released to them "
            f"(liaison policy set {to} …), so there is no shared picture to meet over"
        )
    host_seq, guest_seq = _last_seq(conn, "out", to), _last_seq(conn, "in", to)
    hp = released_picture(conn, me, to, host_seq, as_of)
    gp = received_picture(conn, to, guest_seq, as_of)
    shared = {
        "host_seq": host_seq,
        "guest_seq": guest_seq,
        "as_of": iso(as_of),
        "digests": {me: joint.picture_digest(hp), to: joint.picture_digest(gp)},
    }
    return mt.open_meeting(conn, to, as_of=as_of, actor=actor, pictures=(hp, gp), shared=shared)


def pictures_of(conn: Connection, m: Any) -> tuple[Picture, Picture]:
    """The meeting's two input pictures (host's, guest's), recomputed on this side."""
    inputs = m.inputs or {}
    hs, gs = int(inputs.get("host_seq") or 0), int(inputs.get("guest_seq") or 0)
    me, partner = m.ours_partner, m.theirs_partner
    if m.host == me:
        return (
            released_picture(conn, me, partner, hs, m.as_of),
            received_picture(conn, partner, gs, m.as_of),
        )
    return (
        received_picture(conn, partner, hs, m.as_of),
        released_picture(conn, me, partner, gs, m.as_of),
    )


def close(conn: Connection, meeting_id: int | None = None, *, actor: str = "cli") -> dict[str, Any]:
    """Close a meeting: one both sides hold with both released pictures recomputed here."""
    m = mt.current_meeting(conn, meeting_id)
    if m.shared == "joined" and m.status == "open":
        if m.host != m.ours_partner:
            raise ValidationError(f"meeting {m.ref} is {m.host}'s: {m.host} closes it")
        return mt.close_meeting(conn, actor=actor, meeting_id=m.id, pictures=pictures_of(conn, m))
    return mt.close_meeting(conn, actor=actor, meeting_id=m.id)


def by_ref(conn: Connection, ref: str) -> Any:
    row = conn.execute(sa.select(meeting).where(meeting.c.ref == ref)).first()
    if row is None:
        raise NotFoundError(f"no meeting {ref!r}")
    return row


# ---- the agreed picture: our computation, our signature, the partner's -------------------------
def agreed_bytes(conn: Connection, meeting_id: int) -> bytes:
    row = conn.execute(
        sa.select(agreed_document.c.content).where(agreed_document.c.meeting_id == meeting_id)
    ).first()
    if row is None:
        raise NotFoundError(f"meeting {meeting_id} has no agreed picture computed here yet")
    return str(row.content).encode()


def sign_own(conn: Connection, kp: KeyPair, m: Any, now: datetime) -> bool:
    """Sign our own computation of the agreed picture (once)."""
    if conn.execute(
        sa.select(agreed_signature.c.id).where(
            agreed_signature.c.meeting_id == m.id, agreed_signature.c.partner_code == kp.partner
        )
    ).first():
        return False
    sig = kp.signing.sign(agreed_bytes(conn, m.id)).signature.hex()
    conn.execute(
        agreed_signature.insert().values(
            meeting_id=m.id,
            partner_code=kp.partner,
            key_fingerprint=kp.public.fingerprint,
            signature=sig,
            status="verified",
            recorded_at=now,
        )
    )
    audit.record(conn, "courier", "agreed.sign", m.ref, {"digest": m.agreed_digest})
    return True


def check_signature(conn: Connection, m: Any, partner: str, fp: str, sig: str) -> str | None:
    """None if `sig` is `partner`'s valid signature (key `fp`) over the agreed picture WE
    computed; else why not. Never a digest or a document taken from the partner."""
    try:
        data = agreed_bytes(conn, m.id)
    except NotFoundError:
        return f"we have not computed the agreed picture of meeting {m.ref}"
    return verify_over(conn, partner, fp, sig, data)


def verify_over(conn: Connection, partner: str, fp: str, sig: str, data: bytes) -> str | None:
    """None if `sig` is `partner`'s signature (key `fp`) over `data` — the agreed picture this
    side computed itself, for a meeting of two or of a coalition; else why not."""
    k = key_row(conn, partner, fp)
    if k is None:
        return f"no key {fp} for {partner}"
    try:
        VerifyKey(bytes.fromhex(k.sign_pk)).verify(data, bytes.fromhex(sig))
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return (
            f"{partner}'s signature does not verify over the agreed picture we computed "
            f"(SHA-256 {joint.sha256(data)}): it was made over other content"
        )
    return None


def record_signature(
    conn: Connection, m: Any, partner: str, fp: str, sig: str, *, actor: str
) -> str | None:
    """Keep the partner's signature: verified, or refused with the reason (returned)."""
    why = check_signature(conn, m, partner, fp, sig)
    conn.execute(
        agreed_signature.insert().values(
            meeting_id=m.id,
            partner_code=partner,
            key_fingerprint=fp[:64],
            signature=sig[:128],
            status="verified" if why is None else "refused",
            reason=why,
            recorded_at=utcnow(),
        )
    )
    audit.record(
        conn,
        actor,
        "agreed.verify" if why is None else "agreed.refuse",
        m.ref,
        {"partner": partner, "reason": why},
    )
    return why


def verify_presented(
    ref: str,
    ours: bytes,
    document: bytes,
    signature: dict[str, Any] | None,
    check: Callable[[str, str, str], str | None],
) -> dict[str, Any]:
    """The one rule for an agreed picture someone presents (two-party or coalition): accepted
    only if it is byte for byte `ours`, the one we computed, and its signature (if given) passes
    `check(partner, key, sig)` over OUR bytes. SecurityError naming the first difference."""
    if document != ours:
        try:
            theirs = orjson.loads(document)
        except orjson.JSONDecodeError:
            theirs = None
        raise SecurityError(
            f"refused: this agreed picture is not the one we computed for {ref}: "
            + joint.first_difference(orjson.loads(ours), theirs)
        )
    if signature is not None:
        why = check(
            str(signature.get("partner")), str(signature.get("key")), str(signature.get("sig"))
        )
        if why:
            raise SecurityError(f"refused: {why}")
    return {"ref": ref, "digest": joint.sha256(ours), "verified": True}


def verify_document(
    conn: Connection, ref: str, document: bytes, signature: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Check an agreed picture a partner presents (a file, an export): `verify_presented`
    against the one this side computed for the two-party meeting `ref`."""
    m = by_ref(conn, ref)
    return verify_presented(
        ref,
        agreed_bytes(conn, m.id),
        document,
        signature,
        lambda partner, fp, sig: check_signature(conn, m, partner, fp, sig),
    )


def signatures(conn: Connection, meeting_id: int) -> list[dict[str, Any]]:
    return [
        {
            "partner": r.partner_code,
            "key": r.key_fingerprint,
            "sig": r.signature,
            "status": r.status,
            "reason": r.reason,
            "recorded_at": iso(r.recorded_at),
        }
        for r in conn.execute(
            sa.select(agreed_signature)
            .where(agreed_signature.c.meeting_id == meeting_id)
            .order_by(agreed_signature.c.id)
        )
    ]


def open_meeting(
    conn: Connection,
    with_partner: str,
    *,
    as_of: datetime | None = None,
    actor: str = "cli",
    share: bool | None = None,
) -> tuple[int, Any]:
    """Open a meeting: held with the partner (`share`) or by us alone. By default it is held
    with the partner when they exchange pouches with us and a release policy lets ours go."""
    to = get_partner(conn, with_partner).code
    if share is None:
        share = get_policy(conn, to) is not None and _last_seq(conn, "in", to) > 0
    if share:
        return open_shared(conn, to, as_of=as_of, actor=actor)
    return mt.open_meeting(conn, to, as_of=as_of, actor=actor)


def export_agreed(conn: Connection, meeting_id: int, fmt: str, *, actor: str = "cli") -> bytes:
    """The agreed picture: `json` the document itself (for a meeting both sides held, the
    canonical bytes both computed and signed); csv, xlsx, geojson, kml or stix an export."""
    from liaison.courier.policy import Policy, released_unit
    from liaison.courier.stix import export_bundle
    from liaison.orbat.export import export
    from liaison.reconcile.agreed import agreed_picture

    m = mt.current_meeting(conn, meeting_id)
    pic = agreed_picture(conn, m.id)
    if fmt == "json":
        try:
            data = agreed_bytes(conn, m.id)
        except NotFoundError:
            data = joint.canonical(mt.agreed_picture(conn, m.id))
    elif fmt == "stix":
        pol = Policy("AGREED", "AMBER", release_notes=True)
        units = [released_unit(u, pol, u.parent_id in pic.units) for u in pic.units.values()]
        data = orjson.dumps(export_bundle("AGREED", units, m.closed_at or utcnow()))
    elif fmt in ("csv", "xlsx", "geojson", "kml"):
        data = export(pic, fmt)
    else:
        raise ValidationError("format is one of json, csv, xlsx, geojson, kml, stix")
    audit.record(conn, actor, "agreed.export", f"meeting/{m.id}", {"format": fmt})
    return data
