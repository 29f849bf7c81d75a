"""The document archive: documents stored once by the SHA-256 of their bytes, with where they came
from, when they were published and retrieved, their language and text, and the unit mentions
extracted from them (offsets, quote, unit, place, date).

`store_parsed` is the one write path for ingest, the in-process pool and the queue workers, and it
runs inside the caller's transaction: a file's documents, their mentions and the audit entry
commit together or not at all. A document already held is skipped with its mentions, so
re-ingesting a folder (or a feed that repeats yesterday's items) adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, to_utc, utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.store import audit
from liaison.store.schema.orbat import source
from liaison.store.schema.osint import osint_document, osint_mention

MAX_QUOTE = 2000
MAX_FIELD = 300


@dataclass
class Parsed:
    """One input (a file or URL) read and extracted, ready to store; built in a worker process."""

    origin: str
    documents: list[Any]  # liaison.osint.documents.Document
    mentions: list[Any]  # liaison.osint.extract.Mention
    fingerprints: dict[str, dict[str, Any]]  # document id → dedupe.fingerprint(text)
    retrieved: datetime
    seconds: float = 0.0


@dataclass
class Stored:
    """What one input added: new documents and mentions, and documents already held."""

    origin: str
    documents: list[str] = field(default_factory=list)
    skipped: int = 0
    mentions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "documents": len(self.documents),
            "skipped": self.skipped,
            "mentions": self.mentions,
        }


def _cut(value: Any, limit: int = MAX_FIELD) -> str | None:
    if value is None:
        return None
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _no_nul(text: str, where: str) -> str:
    # PostgreSQL text cannot hold NUL; a reader should have removed it, but never store half a row
    if "\x00" in text:
        raise ValidationError(f"{where}: text holds NUL characters")
    return text


def mention_row(m: Any, document_id: str, text_len: int, where: str) -> dict[str, Any]:
    """A mention as a row, checked: offsets inside the text, a non-empty span."""
    start, end = _int(getattr(m, "start", None)), _int(getattr(m, "end", None))
    if start is None or end is None or not (0 <= start < end <= text_len):
        raise ValidationError(f"{where}: mention offsets {start}–{end} outside the text")
    u, p = m.unit, m.place
    return {
        "id": new_id(),
        "document_id": document_id,
        "start_char": start,
        "end_char": end,
        "text": _cut(m.text, MAX_QUOTE) or "",
        "quote": _cut(m.quote, MAX_QUOTE) or "",
        "designation": _cut(getattr(u, "designation", None)),
        "number": _int(getattr(u, "number", None)),
        "echelon": _cut(getattr(u, "echelon", None), 40),
        "branch": _cut(getattr(u, "branch", None), 40),
        "guards": bool(getattr(u, "guards", False)),
        "unit_number": _cut(getattr(u, "unit_number", None), 40),
        "unit_ids": [str(x)[:200] for x in (getattr(m, "unit_ids", None) or ())][:20] or None,
        "language": _cut(getattr(m, "language", None), 8),
        "place_text": _cut(getattr(p, "text", None)) if p else None,
        "place_name": _cut(getattr(p, "name", None)) if p else None,
        "lat": getattr(p, "lat", None) if p else None,
        "lon": getattr(p, "lon", None) if p else None,
        "place_precision": _int(getattr(p, "precision", None)) if p else None,
        "date": _cut(getattr(m, "date", None), 10),
        "date_precision": _int(getattr(m, "date_precision", None)),
    }


def source_for(conn: Connection, partner: str, codename: str | None) -> str | None:
    """The id of the partner's source `codename` (its reliability grades every document from it)."""
    if not codename:
        return None
    row = conn.execute(
        sa.select(source.c.id).where(
            source.c.partner_code == partner, source.c.codename == codename
        )
    ).first()
    if row is None:
        raise NotFoundError(
            f"no source {codename!r} for partner {partner} "
            f"(add it: liaison source add {codename} --partner {partner} --kind OSINT --reliability C)"
        )
    return str(row.id)


def store_parsed(
    conn: Connection,
    partner: str,
    parsed: Parsed,
    *,
    source_id: str | None,
    actor: str,
) -> Stored:
    """Store one input's documents and mentions (skipping documents already held), audited."""
    out = Stored(parsed.origin)
    if not parsed.documents:
        return out
    shas = [d.sha256 for d in parsed.documents]
    held = {
        r.sha256
        for r in conn.execute(
            sa.select(osint_document.c.sha256).where(osint_document.c.sha256.in_(shas))
        )
    }
    now = utcnow()
    by_doc: dict[str, list[Any]] = {}
    for m in parsed.mentions:
        by_doc.setdefault(m.document, []).append(m)
    new_docs: list[dict[str, Any]] = []
    new_mentions: list[dict[str, Any]] = []
    for d in parsed.documents:
        if d.sha256 in held:
            out.skipped += 1
            continue
        held.add(d.sha256)  # a file holding the same item twice stores it once
        where = d.path or parsed.origin
        did = new_id()
        text = _no_nul(d.text or "", where)
        published = d.published
        if isinstance(published, str):
            from liaison.core.clock import parse_time

            published = parse_time(published)
        new_docs.append(
            {
                "id": did,
                "sha256": d.sha256,
                "partner_code": partner,
                "source_id": source_id,
                "kind": d.kind,
                "origin": where,
                "title": _no_nul(d.title, where) if d.title else None,
                "published": to_utc(published) if published else None,
                "retrieved": parsed.retrieved,
                "language": (d.language or None) if d.language != "und" else None,
                "text": text,
                "minhash": parsed.fingerprints.get(d.id) or {},
                "duplicate_of": None,
                "ingested_at": now,
                "ingested_by": actor,
            }
        )
        rows = [mention_row(m, did, len(text), where) for m in by_doc.get(d.id, [])]
        seen: set[tuple[int, int]] = set()
        for r in rows:  # one span, one mention
            if (r["start_char"], r["end_char"]) not in seen:
                seen.add((r["start_char"], r["end_char"]))
                new_mentions.append(r)
        out.documents.append(did)
    if new_docs:
        conn.execute(osint_document.insert(), new_docs)
    if new_mentions:
        conn.execute(osint_mention.insert(), new_mentions)
    out.mentions = len(new_mentions)
    if new_docs:
        audit.record(
            conn,
            actor,
            "osint.ingest",
            parsed.origin[:500],
            {
                "partner": partner,
                "documents": len(new_docs),
                "mentions": len(new_mentions),
                "skipped": out.skipped,
                "sha256": [d["sha256"] for d in new_docs][:50],
            },
        )
    return out


def document(conn: Connection, document_id: str) -> dict[str, Any]:
    """One document with its mentions (offsets into its text), for review pages."""
    row = conn.execute(sa.select(osint_document).where(osint_document.c.id == document_id)).first()
    if row is None:
        raise NotFoundError(f"no document {document_id!r}")
    src = None
    if row.source_id:
        s = conn.execute(sa.select(source).where(source.c.id == row.source_id)).first()
        src = {"codename": s.codename, "reliability": s.reliability} if s else None
    mentions = [
        mention_dict(m)
        for m in conn.execute(
            sa.select(osint_mention)
            .where(osint_mention.c.document_id == document_id)
            .order_by(osint_mention.c.start_char)
        )
    ]
    return {
        "id": row.id,
        "partner": row.partner_code,
        "sha256": row.sha256,
        "kind": row.kind,
        "origin": row.origin,
        "title": row.title,
        "published": iso(row.published),
        "retrieved": iso(row.retrieved),
        "language": row.language,
        "source": src,
        "duplicate_of": row.duplicate_of,
        "text": row.text,
        "mentions": mentions,
    }


def mention_dict(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "document": m.document_id,
        "start": m.start_char,
        "end": m.end_char,
        "text": m.text,
        "quote": m.quote,
        "unit": {
            "designation": m.designation,
            "number": m.number,
            "echelon": m.echelon,
            "branch": m.branch,
            "guards": bool(m.guards),
            "unit_number": m.unit_number,
        },
        "unit_ids": list(m.unit_ids or []),
        "place": (
            {
                "text": m.place_text,
                "name": m.place_name,
                "lat": m.lat,
                "lon": m.lon,
                "precision": m.place_precision,
            }
            if (m.place_text or m.place_name)
            else None
        ),
        "date": m.date,
        "date_precision": m.date_precision,
    }


def list_documents(
    conn: Connection, partners: Sequence[str] | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Newest first: id, title, origin, language, published, and how many mentions."""
    n = (
        sa.select(sa.func.count())
        .where(osint_mention.c.document_id == osint_document.c.id)
        .scalar_subquery()
    )
    q = sa.select(
        osint_document.c.id,
        osint_document.c.partner_code,
        osint_document.c.kind,
        osint_document.c.origin,
        osint_document.c.title,
        osint_document.c.language,
        osint_document.c.published,
        osint_document.c.duplicate_of,
        n.label("mentions"),
    ).order_by(osint_document.c.ingested_at.desc(), osint_document.c.id.desc())
    if partners is not None:
        q = q.where(osint_document.c.partner_code.in_(list(partners)))
    return [
        {
            "id": r.id,
            "partner": r.partner_code,
            "kind": r.kind,
            "origin": r.origin,
            "title": r.title,
            "language": r.language,
            "published": iso(r.published),
            "duplicate_of": r.duplicate_of,
            "mentions": r.mentions,
        }
        for r in conn.execute(q.limit(max(1, min(limit, 10_000))))
    ]
