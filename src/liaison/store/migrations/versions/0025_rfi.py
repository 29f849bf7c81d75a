"""Collection requirements (RFIs) and their answers; the cadence of meetings.

Revision ID: 0025_rfi
Revises: 0020_reconcile
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0025_rfi"
down_revision = "0020_reconcile"
branch_labels = ("rfi",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requirement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("issuer", sa.String(length=16), nullable=False),
        sa.Column("counterpart", sa.String(length=16), nullable=False),
        sa.Column("meeting_ref", sa.String(length=100), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("discrepancy_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("collector", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open','answered','closed')", name=op.f("ck_requirement_status")
        ),
        sa.ForeignKeyConstraint(
            ["issuer"], ["partner.code"], name=op.f("fk_requirement_issuer_partner")
        ),
        sa.ForeignKeyConstraint(
            ["counterpart"], ["partner.code"], name=op.f("fk_requirement_counterpart_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement")),
        sa.UniqueConstraint("ref", name="uq_requirement_ref"),
    )
    op.create_table(
        "requirement_answer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.String(length=200), nullable=False),
        sa.Column("observation_id", sa.String(length=36), nullable=True),
        sa.Column("valid_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.Column("answered_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["requirement.id"],
            name=op.f("fk_requirement_answer_requirement_id_requirement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_answer")),
        sa.UniqueConstraint(
            "requirement_id", "partner", "unit_id", "observation_id", name="uq_answer"
        ),
    )
    op.create_index(
        "ix_requirement_answer_requirement",
        "requirement_answer",
        ["requirement_id"],
        unique=False,
    )
    op.create_table(
        "meeting_schedule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner", sa.String(length=16), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner"], ["partner.code"], name=op.f("fk_meeting_schedule_partner_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_schedule")),
    )


def downgrade() -> None:
    op.drop_table("meeting_schedule")
    op.drop_index("ix_requirement_answer_requirement", table_name="requirement_answer")
    op.drop_table("requirement_answer")
    op.drop_table("requirement")
