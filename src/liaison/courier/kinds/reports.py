"""Reports: free text with attachments, each attachment with its own marking.

Written here (`add_report`, size-limited), listed, read back. Collected: ours only, not
retracted, recorded since the watermark, each attachment under the release policy on its own (a
releasable report travels without a withheld file). Received: checked against the limits and each
attachment against its SHA-256; a re-sent report is recognised and skipped.
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
from liaison.core.markings import Marking
from liaison.courier import origin
from liaison.courier.keyring import self_code
from liaison.courier.kinds.base import (
    Collected,
    Incoming,
    Kind,
    Outgoing,
    bad,
    checked_id,
    marking_of,
    opt_str,
    require,
)
from liaison.courier.records import PouchRejected
from liaison.store import audit
from liaison.store.schema.courier import report, report_attachment

ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024
REPORT_BODY_MAX_CHARS = 1_000_000
ATTACHMENTS_PER_REPORT = 20


def attachment_limit() -> int:
    return int(os.environ.get("LIAISON_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES))


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
    me = self_code(conn)
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
                "marking": marking_of(r).to_text(),
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


def collect(out: Outgoing) -> Collected:
    conn = out.conn
    records, withheld = [], {"reports": 0, "attachments": 0}
    for r in conn.execute(
        sa.select(report)
        .where(
            report.c.partner_code == out.me,
            report.c.received_from.is_(None),
            report.c.retracted_at.is_(None),
            out.window(report.c.recorded_at),
        )
        .order_by(report.c.local_id)
    ):
        m = marking_of(r)
        if m.orcon:  # ORCON: only where we, the originator, consented to this partner
            ok = out.releasable(Marking(m.tlp, m.rel_to)) and origin.own_orcon_ok(
                conn, "report", out.me, r.local_id, out.to
            )
        else:
            ok = out.releasable(m)
        if not ok:
            withheld["reports"] += 1
            continue
        atts = []
        for a in conn.execute(
            sa.select(report_attachment)
            .where(report_attachment.c.report_id == r.id)
            .order_by(report_attachment.c.name)
        ):
            am = marking_of(a)  # an ORCON file goes with the report's consent, as the report
            if not out.releasable(Marking(am.tlp, am.rel_to)) or (am.orcon and not m.orcon):
                withheld["attachments"] += 1
                continue
            atts.append(
                {
                    "name": a.name,
                    "media_type": a.media_type,
                    "sha256": a.sha256,
                    "content": base64.b64encode(bytes(a.content)).decode(),
                    "marking": origin.marking_wire(marking_of(a)),
                }
            )
        body = {
            "local_id": r.local_id,
            "title": r.title,
            "body": r.body,
            "written_at": iso(r.written_at),
            "marking": origin.marking_wire(m),
            "notes": r.notes if out.release_notes else None,
            "attachments": atts,
        }
        records.append(origin.own_item(conn, out.kp, out.to, "report", body, out.now))
    relayed, why = origin.relayed_items(
        conn, out.kp, out.policy, "report", report, out.since, out.now
    )
    records += relayed
    withheld["reports"] += sum(why.values())
    return Collected(records, withheld)


def receive(inc: Incoming, records: list[Any]) -> dict[str, int]:
    conn = inc.conn
    counts = {"reports": 0, "attachments": 0}
    limit = attachment_limit()
    for rec in records:
        checked = origin.check_item(inc, "report", rec)
        rp, sender, mk = checked.body, checked.originator, checked.marking
        what = f"report {rp.get('local_id')!r:.80}"
        lid = checked_id(rp.get("local_id"), what)
        title, body, atts = rp.get("title"), rp.get("body"), rp.get("attachments") or []
        require(isinstance(title, str) and 0 < len(title) <= 300, what)
        require(isinstance(body, str) and len(body) <= REPORT_BODY_MAX_CHARS, what)
        require(isinstance(atts, list) and len(atts) <= ATTACHMENTS_PER_REPORT, what)
        try:
            written = parse_time(str(rp["written_at"]))
        except (KeyError, ValueError, TypeError, OverflowError):
            raise bad(what) from None
        if conn.execute(
            sa.select(report.c.id).where(report.c.partner_code == sender, report.c.local_id == lid)
        ).first():
            continue
        rid = new_id()
        conn.execute(
            report.insert().values(
                id=rid,
                partner_code=sender,
                local_id=lid,
                received_from=inc.sender,
                title=title,
                body=body,
                written_at=written,
                recorded_at=inc.now,
                tlp=mk.tlp,
                rel_to=",".join(mk.rel_to),
                orcon=mk.orcon,
                notes=opt_str(rp.get("notes"), "a report's notes"),
            )
        )
        counts["reports"] += 1
        names: set[str] = set()
        for a in atts:
            content, name = _attachment(a, lid, names, limit)
            names.add(name)
            am = origin.marking_from_wire(a.get("marking"))
            conn.execute(
                report_attachment.insert().values(
                    id=new_id(),
                    report_id=rid,
                    name=name,
                    media_type=str(a.get("media_type") or "application/octet-stream")[:100],
                    size=len(content),
                    sha256=a["sha256"],
                    content=content,
                    tlp=am.tlp,
                    rel_to=",".join(am.rel_to),
                    orcon=am.orcon,
                )
            )
            counts["attachments"] += 1
        origin.keep(inc, "report", checked, rec)
    return counts


def _attachment(a: Any, report_id: str, names: set[str], limit: int) -> tuple[bytes, str]:
    """A received attachment's content and name, checked: a plain file name not used twice in
    the report, base64 content within the size limit, matching its SHA-256."""
    what = f"an attachment of report {report_id!r}"
    require(isinstance(a, dict), what)
    name, text, sha = a.get("name"), a.get("content"), a.get("sha256")
    require(isinstance(name, str) and 0 < len(name) <= 255 and name not in names, what)
    require("/" not in name and "\\" not in name, what)
    require(isinstance(text, str) and isinstance(sha, str), what)
    require(a.get("media_type") is None or isinstance(a.get("media_type"), str), what)
    if len(text) > limit * 4 // 3 + 4:
        raise PouchRejected(
            "oversized",
            f"attachment {name!r} of report {report_id!r} is over the {limit:,}-byte limit",
        )
    try:
        content = base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        raise bad(what) from None
    if len(content) > limit:
        raise PouchRejected("oversized", f"attachment {name!r} is over the {limit:,}-byte limit")
    require(hashlib.sha256(content).hexdigest() == sha, what)
    return content, name


KIND = Kind("reports", "items", collect, receive)
