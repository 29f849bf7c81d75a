"""Collection requirements (RFIs) raised when a meeting resolves "neither", their answers, and
the cadence of meetings with each partner.

A requirement has a reference that is the same in both partners' stores (`PL/RFI-3`), so it can
travel in pouches both ways: the issuer raises and may close it, either side may answer it.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

requirement = sa.Table(
    "requirement",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(100), nullable=False),
    sa.Column("issuer", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("counterpart", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    # the issuer's meeting and discrepancy (ours only when we are the issuer: no foreign key)
    sa.Column("meeting_ref", sa.String(100), nullable=True),
    sa.Column("meeting_id", sa.Integer, nullable=True),
    sa.Column("discrepancy_id", sa.Integer, nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("units", sa.JSON, nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("collector", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.Column("closed_by", sa.String(200), nullable=True),
    sa.Column("close_note", sa.Text, nullable=True),
    sa.UniqueConstraint("ref", name="uq_requirement_ref"),
    sa.CheckConstraint("status IN ('open','answered','closed')", name="status"),
)

requirement_answer = sa.Table(
    "requirement_answer",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("requirement_id", sa.Integer, sa.ForeignKey("requirement.id"), nullable=False),
    sa.Column("partner", sa.String(16), nullable=False),
    sa.Column("unit_id", sa.String(200), nullable=False),
    sa.Column("observation_id", sa.String(36), nullable=True),
    sa.Column("valid_at", UTCDateTime, nullable=True),
    sa.Column("answered_at", UTCDateTime, nullable=False),
    sa.Column("answered_by", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("requirement_id", "partner", "unit_id", "observation_id", name="uq_answer"),
)
sa.Index("ix_requirement_answer_requirement", requirement_answer.c.requirement_id)

meeting_schedule = sa.Table(
    "meeting_schedule",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("every_seconds", sa.Integer, nullable=False),
    sa.Column("first_at", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
)
