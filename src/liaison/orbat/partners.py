"""Partners (services taking part in the liaison) and their sources."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.grading import parse_reliability
from liaison.core.ids import new_id
from liaison.store import audit
from liaison.store.schema.orbat import partner, source

SOURCE_KINDS = ("HUMINT", "SIGINT", "OSINT", "IMINT", "LIAISON")


@dataclass(frozen=True)
class Partner:
    code: str
    name: str
    is_self: bool
    language: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "is_self": self.is_self,
            "language": self.language,
        }


def _check_code(code: str) -> str:
    c = code.strip().upper()
    if not (1 <= len(c) <= 16 and c.replace("-", "").replace("_", "").isalnum() and c.isascii()):
        raise ValidationError(f"partner code {code!r} must be 1–16 ASCII letters or digits")
    return c


def add_partner(
    conn: Connection,
    code: str,
    name: str,
    is_self: bool = False,
    language: str | None = None,
    actor: str = "cli",
) -> Partner:
    c = _check_code(code)
    if conn.execute(sa.select(partner.c.code).where(partner.c.code == c)).first():
        raise ConflictError(f"partner {c} already exists")
    if is_self and conn.execute(sa.select(partner.c.code).where(partner.c.is_self)).first():
        raise ConflictError("a partner marked as ourselves already exists")
    conn.execute(
        partner.insert().values(
            code=c, name=name, is_self=is_self, language=language, created_at=utcnow()
        )
    )
    audit.record(conn, actor, "partner.add", c, {"name": name, "is_self": is_self})
    return Partner(c, name, is_self, language)


def get_partner(conn: Connection, code: str) -> Partner:
    row = conn.execute(sa.select(partner).where(partner.c.code == code.strip().upper())).first()
    if row is None:
        raise NotFoundError(f"no partner {code!r} (see `liaison partner list`)")
    return Partner(row.code, row.name, row.is_self, row.language)


def list_partners(conn: Connection) -> list[Partner]:
    rows = conn.execute(sa.select(partner).order_by(partner.c.is_self.desc(), partner.c.code))
    return [Partner(r.code, r.name, r.is_self, r.language) for r in rows]


def get_self(conn: Connection) -> Partner | None:
    row = conn.execute(sa.select(partner).where(partner.c.is_self)).first()
    return Partner(row.code, row.name, row.is_self, row.language) if row else None


def add_source(
    conn: Connection,
    partner_code: str,
    codename: str,
    kind: str,
    reliability: str,
    compartment: str | None = None,
    actor: str = "cli",
) -> str:
    p = get_partner(conn, partner_code)
    k = kind.strip().upper()
    if k not in SOURCE_KINDS:
        raise ValidationError(f"source kind must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}")
    try:
        r = parse_reliability(reliability)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if conn.execute(
        sa.select(source.c.id).where(source.c.partner_code == p.code, source.c.codename == codename)
    ).first():
        raise ConflictError(f"source {codename!r} already exists for {p.code}")
    sid = new_id()
    conn.execute(
        source.insert().values(
            id=sid,
            partner_code=p.code,
            codename=codename,
            kind=k,
            reliability=r,
            compartment=compartment,
            created_at=utcnow(),
        )
    )
    audit.record(conn, actor, "source.add", f"{p.code}/{codename}", {"kind": k, "reliability": r})
    return sid


def find_source(conn: Connection, partner_code: str, codename: str) -> tuple[str, str]:
    """(source id, reliability) for a codename, or NotFoundError."""
    row = conn.execute(
        sa.select(source.c.id, source.c.reliability).where(
            source.c.partner_code == partner_code, source.c.codename == codename
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no source {codename!r} for partner {partner_code}")
    return row.id, row.reliability


def list_sources(conn: Connection, partner_code: str) -> list[dict[str, object]]:
    rows = conn.execute(
        sa.select(source).where(source.c.partner_code == partner_code).order_by(source.c.codename)
    )
    return [
        {
            "codename": r.codename,
            "kind": r.kind,
            "reliability": r.reliability,
            "compartment": r.compartment,
        }
        for r in rows
    ]
