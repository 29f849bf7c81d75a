"""The coalition meeting held by every participant (issue 23), over pouches only.

Each participant contributes its own picture to the meeting, released under its policy for every
other participant (a unit goes in only if each of them may receive it), and sends it directly to
each — nobody forwards another partner's picture, so no release policy is bypassed. Every input
carries the meeting's header, so a participant learns of the meeting from whichever pouch
arrives first, contributes its own picture at once, and computes the queue when it holds all N.

The host closes the meeting once every participant stated a position on every item; its close
names the queue's and the positions' digests, and each participant computes the agreed picture
itself when its own digests match (waiting while positions are still on their way). Each signs its
own computation when it next seals a pouch; a signature is accepted only over the bytes this side
computed itself, from a participant, with that participant's key (`courier.meetings.verify_over`,
shared with the two-party meeting). The agreed picture is complete when all N signatures verify.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, parse_time, utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.courier import meetings as cm
from liaison.courier.keyring import self_code
from liaison.courier.keys import KeyPair
from liaison.courier.policy import get_policy, releasable, released_unit
from liaison.orbat.model import Picture
from liaison.orbat.partners import get_partner
from liaison.orbat.picture import get_picture
from liaison.reconcile import coalition_meeting as co
from liaison.reconcile import joint
from liaison.store import audit
from liaison.store.schema.coalition import coalition_meeting, coalition_signature

#: The fields of a contributed unit: what reconciliation and the agreed picture read, no more.
FIELDS = (
    "unit_id",
    "designation",
    "echelon",
    "branch",
    "parent_id",
    "sidc",
    "lat",
    "lon",
    "place",
    "observed_at",
    "equipment",
    "strength",
    "source_reliability",
    "info_credibility",
)


# ---- inputs --------------------------------------------------------------------------------------
def contribution(
    conn: Connection, me: str, others: list[str], as_of: datetime | None
) -> tuple[list[dict[str, Any]], int]:
    """(our units as contributed to a meeting with `others`, how many were withheld): a unit
    goes in only if our policy for every other participant releases it (deny by default)."""
    pic = get_picture(conn, me, as_of)
    ok = set(pic.units)
    policies = []
    for p in others:
        pol = get_policy(conn, p)
        if pol is None:
            raise ValidationError(
                f"no release policy for {p}: nothing of ours may go to them "
                f"(liaison policy set {p} …), so we cannot meet with them"
            )
        policies.append(pol)
        ok &= {uid for uid, u in pic.units.items() if releasable(u.marking, pol)}
    units = []
    for uid in sorted(ok):
        r = released_unit(pic.units[uid], policies[0], pic.units[uid].parent_id in ok)
        units.append({f: r[f] for f in FIELDS})
    return units, len(pic.units) - len(ok)


def input_digest(units: list[dict[str, Any]]) -> str:
    return joint.fast_digest(units)


def picture_of(partner: str, units: list[dict[str, Any]]) -> Picture:
    return Picture(partner, {r["unit_id"]: cm.released_view(partner, r) for r in units})


def pictures(conn: Connection, m: Any) -> dict[str, Picture]:
    return {p: picture_of(p, r.units) for p, r in co.inputs(conn, m.id).items()}


def _contribute(conn: Connection, m: Any, me: str, *, actor: str, now: datetime) -> None:
    others = [p for p in m.participants if p != me]
    units, withheld = contribution(conn, me, others, m.as_of)
    co.add_input(conn, m, me, units, input_digest(units), now)
    audit.record(
        conn, actor, "coalition.contribute", m.ref, {"units": len(units), "withheld": withheld}
    )


def open_coalition(
    conn: Connection,
    with_partners: list[str],
    *,
    as_of: datetime | None = None,
    actor: str = "cli",
) -> Any:
    """Open a coalition meeting we host with two or more partners; our next pouch to each carries
    it with our picture. Returns the meeting row."""
    me = self_code(conn)
    others = [get_partner(conn, p).code for p in with_partners]
    if me in others or len(set(others)) != len(others) or len(others) < 2:
        raise ValidationError("a coalition meeting: two or more partners, each once, not ourselves")
    now = utcnow()
    contribution(conn, me, others, as_of)  # refuses before anything is stored
    m = co.create(
        conn, host=me, participants=[me, *others], as_of=as_of, opened_by=actor, opened_at=now
    )
    _contribute(conn, m, me, actor=actor, now=now)
    audit.record(conn, actor, "coalition.open", m.ref, {"participants": list(m.participants)})
    return co.get(conn, m.id)


def join(
    conn: Connection, hdr: dict[str, Any], sender: str, me: str, *, actor: str, now: datetime
) -> tuple[Any, str | None]:
    """The meeting a received record names: ours already, or joined now (our picture
    contributed). (row or None, why not)."""
    ref = hdr["ref"]
    row = conn.execute(sa.select(coalition_meeting).where(coalition_meeting.c.ref == ref)).first()
    as_of = parse_time(hdr["as_of"]) if hdr.get("as_of") else None
    if row is not None:
        same = (row.host, list(row.participants), iso(row.as_of)) == (
            hdr["host"],
            hdr["participants"],
            iso(as_of),
        )
        return (row, None) if same else (None, f"{sender} names {ref} with other participants")
    m = co.create(
        conn,
        host=hdr["host"],
        participants=hdr["participants"],
        as_of=as_of,
        opened_by=str(hdr.get("opened_by") or hdr["host"])[:200],
        opened_at=parse_time(hdr["opened_at"]),
        ref=ref,
    )
    try:
        _contribute(conn, m, me, actor=actor, now=now)
    except ValidationError as exc:
        why = f"we cannot contribute: {exc}"
        conn.execute(
            coalition_meeting.update().where(coalition_meeting.c.id == m.id).values(note=why)
        )
    audit.record(conn, actor, "coalition.join", ref, {"from": sender})
    return co.get(conn, m.id), None


def advance(conn: Connection, m: Any, *, actor: str, now: datetime) -> Any:
    """Whatever can follow from what this side now holds: the queue once every input is here;
    the agreed picture once the host closed and our positions match its."""
    if m.queue_digest is None and not co.missing_inputs(conn, m):
        co.build_queue(conn, m, [pictures(conn, m)[p] for p in m.participants], actor=actor)
        m = co.get(conn, m.id)
    if m.status == "open" and m.closed_by is not None and m.host != self_code(conn):
        mine = co.positions_digest(conn, m.id)
        if m.queue_digest is None:
            why = "the host closed it; we do not hold every participant's picture yet"
        elif mine != m.positions_digest:
            why = "the host closed it over positions we do not all hold yet"
        else:
            conn.execute(
                coalition_meeting.update()
                .where(coalition_meeting.c.id == m.id)
                .values(status="closed", note=None)
            )
            m = co.get(conn, m.id)
            co.store_agreed(conn, m, pictures(conn, m), actor=actor, now=now)
            recheck_held(conn, m)
            return co.get(conn, m.id)
        conn.execute(
            coalition_meeting.update().where(coalition_meeting.c.id == m.id).values(note=why)
        )
    return co.get(conn, m.id)


def close(conn: Connection, ref: str, *, actor: str = "cli") -> dict[str, Any]:
    """Close a coalition meeting we host, once every participant stated a position on every
    item; the agreed picture is computed here and the close travels to every participant."""
    m = co.by_ref(conn, ref)
    me = self_code(conn)
    if m.host != me:
        raise ValidationError(f"coalition meeting {ref} is {m.host}'s: {m.host} closes it")
    if m.status != "open":
        raise ValidationError(f"coalition meeting {ref} is already closed")
    if m.queue_digest is None:
        raise ValidationError(
            f"coalition meeting {ref} has no queue yet: waiting for the picture of "
            + ", ".join(co.missing_inputs(conn, m))
        )
    its = co.items(conn, m)
    silent: dict[str, int] = {}
    for it in its:
        for p in m.participants:
            if p not in it["positions"]:
                silent[p] = silent.get(p, 0) + 1
    if silent:
        raise ValidationError(
            "not every participant has stated a position on every item: "
            + ", ".join(f"{p} on {n}" for p, n in silent.items())
            + " still to come"
        )
    now = utcnow()
    conn.execute(
        coalition_meeting.update()
        .where(coalition_meeting.c.id == m.id)
        .values(
            status="closed",
            closed_at=now,
            closed_by=actor,
            positions_digest=co.positions_digest(conn, m.id),
        )
    )
    m = co.get(conn, m.id)
    digest = co.store_agreed(conn, m, pictures(conn, m), actor=actor, now=now)
    recheck_held(conn, m)
    audit.record(conn, actor, "coalition.close", ref, {"agreed_digest": digest})
    counts: dict[str, int] = {}
    for it in its:
        counts[it["status"]] = counts.get(it["status"], 0) + 1
    return {"meeting": ref, "agreed_digest": digest, "items": counts}


# ---- signatures ----------------------------------------------------------------------------------
def sign_own(conn: Connection, kp: KeyPair, m: Any, now: datetime) -> bool:
    """Sign our own computation of the agreed picture (once)."""
    if conn.execute(
        sa.select(coalition_signature.c.id).where(
            coalition_signature.c.meeting_id == m.id,
            coalition_signature.c.partner_code == kp.partner,
        )
    ).first():
        return False
    data = co.agreed_bytes(conn, m.id)
    conn.execute(
        coalition_signature.insert().values(
            meeting_id=m.id,
            partner_code=kp.partner,
            key_fingerprint=kp.public.fingerprint,
            signature=kp.signing.sign(data).signature.hex(),
            status="verified",
            recorded_at=now,
        )
    )
    audit.record(conn, "courier", "coalition.sign", m.ref, {"digest": joint.sha256(data)})
    return True


def check_signature(conn: Connection, m: Any, partner: str, fp: str, sig: str) -> str | None:
    """None if `sig` is participant `partner`'s signature over the agreed picture WE computed;
    else why not."""
    if partner not in m.participants:
        return f"{partner} is not a participant of coalition meeting {m.ref}"
    try:
        data = co.agreed_bytes(conn, m.id)
    except NotFoundError:
        return f"we have not computed the agreed picture of coalition meeting {m.ref}"
    return cm.verify_over(conn, partner, fp, sig, data)


def record_signature(
    conn: Connection, m: Any, partner: str, fp: str, sig: str, *, actor: str
) -> str | None:
    """Keep a signature: verified, refused with the reason (returned), or held until we have
    computed the agreed picture ourselves (then checked by `recheck_held`)."""
    why = check_signature(conn, m, partner, fp, sig)
    held = why is not None and partner in m.participants and m.status == "open"
    conn.execute(
        coalition_signature.insert().values(
            meeting_id=m.id,
            partner_code=partner[:16],
            key_fingerprint=fp[:64],
            signature=sig[:128],
            status="held" if held else "verified" if why is None else "refused",
            reason=why,
            recorded_at=utcnow(),
        )
    )
    action = "coalition.hold" if held else "coalition.verify" if why is None else "coalition.refuse"
    audit.record(conn, actor, action, m.ref, {"partner": partner, "reason": why})
    return why


def recheck_held(conn: Connection, m: Any) -> None:
    """Check the signatures that arrived before our own computation, now that we have one."""
    for r in conn.execute(
        sa.select(coalition_signature).where(
            coalition_signature.c.meeting_id == m.id, coalition_signature.c.status == "held"
        )
    ).all():
        why = check_signature(conn, m, r.partner_code, r.key_fingerprint, r.signature)
        conn.execute(
            coalition_signature.update()
            .where(coalition_signature.c.id == r.id)
            .values(status="verified" if why is None else "refused", reason=why)
        )
        audit.record(
            conn,
            "courier",
            "coalition.verify" if why is None else "coalition.refuse",
            m.ref,
            {"partner": r.partner_code, "reason": why},
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
            sa.select(coalition_signature)
            .where(coalition_signature.c.meeting_id == meeting_id)
            .order_by(coalition_signature.c.id)
        )
    ]


def state(conn: Connection, ref: str) -> dict[str, Any]:
    """The meeting as this side holds it: inputs, queue, items by status, agreed picture and who
    signed it; `complete` when every participant's signature verified over our computation."""
    m = co.by_ref(conn, ref)
    its = co.items(conn, m) if m.queue_digest else []
    by_status = {s: sum(1 for it in its if it["status"] == s) for s in co.STATUSES}
    sigs = signatures(conn, m.id)
    signed = sorted({s["partner"] for s in sigs if s["status"] == "verified"})
    try:
        digest: str | None = joint.sha256(co.agreed_bytes(conn, m.id))
    except NotFoundError:
        digest = None
    return {
        "meeting": m.ref,
        "host": m.host,
        "participants": list(m.participants),
        "status": m.status,
        "note": m.note,
        "inputs": {p: r.digest for p, r in co.inputs(conn, m.id).items()},
        "waiting_for": co.missing_inputs(conn, m),
        "queue_digest": m.queue_digest,
        "items": by_status,
        "agreed_digest": digest,
        "signed_by": signed,
        "refused": [s for s in sigs if s["status"] == "refused"],
        "held": [s["partner"] for s in sigs if s["status"] == "held"],
        "complete": digest is not None and signed == sorted(m.participants),
    }


def list_meetings(conn: Connection) -> list[dict[str, Any]]:
    """Every coalition meeting this side holds, newest first, as `state` gives it."""
    refs = conn.execute(sa.select(coalition_meeting.c.ref).order_by(coalition_meeting.c.id.desc()))
    return [state(conn, r.ref) for r in refs]


def verify_document(
    conn: Connection, ref: str, document: bytes, signature: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Check an agreed picture someone presents: the two-party rule (`cm.verify_presented`)
    against the one this side computed, with the signer required to be a participant."""
    m = co.by_ref(conn, ref)
    return cm.verify_presented(
        ref,
        co.agreed_bytes(conn, m.id),
        document,
        signature,
        lambda partner, fp, sig: check_signature(conn, m, partner, fp, sig),
    )
