"""Codebreaking: intercepts (ciphertext with provenance and markings) and their solutions.

An intercept is a fact like an observation: append-only, marked for release (TLP, REL TO, ORCON),
owned by the partner that intercepted it (``partner_code``) — a received intercept keeps its
originator and names who passed it (``received_from``). Solutions are separate rows so several
analysts (or the solver and a person) can propose keys without overwriting each other.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

intercept = sa.Table(
    "intercept",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("local_id", sa.String(200), nullable=False),
    sa.Column("received_from", sa.String(16), sa.ForeignKey("partner.code"), nullable=True),
    sa.Column("intercepted_at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("station", sa.String(200), nullable=True),
    sa.Column("callsign", sa.String(100), nullable=True),
    sa.Column("frequency_khz", sa.Float, nullable=True),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("cipher_hint", sa.String(40), nullable=True),
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), nullable=True),
    sa.Column("tlp", sa.String(16), nullable=False, server_default="AMBER"),
    sa.Column("rel_to", sa.String(200), nullable=False, server_default=""),
    sa.Column("orcon", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("retracted_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("partner_code", "local_id", name="uq_intercept_partner_local"),
)
sa.Index("ix_intercept_recorded", intercept.c.recorded_at)

intercept_solution = sa.Table(
    "intercept_solution",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("intercept_id", sa.String(36), sa.ForeignKey("intercept.id"), nullable=False),
    sa.Column("solved_at", UTCDateTime, nullable=False),
    sa.Column("solved_by", sa.String(100), nullable=False),
    sa.Column("cipher", sa.String(40), nullable=False),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("key", sa.JSON, nullable=True),
    sa.Column("plaintext", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("confidence", sa.Float, nullable=True),
)
sa.Index("ix_intercept_solution_intercept", intercept_solution.c.intercept_id)
