"""The liaison meeting: crosswalk decisions, meetings, discrepancies, collection requirements, agreed picture.

Revision ID: 0020_reconcile
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0020_reconcile"
down_revision = "0001_orbat"
branch_labels = ("reconcile",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crosswalk",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ours_partner", sa.String(length=16), nullable=False),
        sa.Column("ours_unit", sa.String(length=200), nullable=False),
        sa.Column("theirs_partner", sa.String(length=16), nullable=False),
        sa.Column("theirs_unit", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed','rejected','withdrawn')", name=op.f("ck_crosswalk_status")
        ),
        sa.ForeignKeyConstraint(
            ["ours_partner"], ["partner.code"], name=op.f("fk_crosswalk_ours_partner_partner")
        ),
        sa.ForeignKeyConstraint(
            ["theirs_partner"], ["partner.code"], name=op.f("fk_crosswalk_theirs_partner_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crosswalk")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ours_partner", sa.String(length=16), nullable=False),
        sa.Column("theirs_partner", sa.String(length=16), nullable=False),
        sa.Column("as_of", UTCDateTime(), nullable=True),
        sa.Column("snapshot_at", UTCDateTime(), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("agreed_digest", sa.String(length=64), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open','closed')", name=op.f("ck_meeting_status")),
        sa.ForeignKeyConstraint(
            ["ours_partner"], ["partner.code"], name=op.f("fk_meeting_ours_partner_partner")
        ),
        sa.ForeignKeyConstraint(
            ["theirs_partner"], ["partner.code"], name=op.f("fk_meeting_theirs_partner_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_table(
        "agreed_unit",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=450), nullable=False),
        sa.Column("ours_unit", sa.String(length=200), nullable=True),
        sa.Column("theirs_unit", sa.String(length=200), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agreed_unit_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "key", name=op.f("pk_agreed_unit")),
    )
    op.create_table(
        "discrepancy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ours_unit", sa.String(length=200), nullable=True),
        sa.Column("theirs_unit", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("ours_source", sa.JSON(), nullable=True),
        sa.Column("theirs_source", sa.JSON(), nullable=True),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('ours','theirs','neither','defer')",
            name=op.f("ck_discrepancy_resolution"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_discrepancy_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discrepancy")),
    )
    op.create_index("ix_discrepancy_meeting", "discrepancy", ["meeting_id"], unique=False)
    op.create_table(
        "meeting_match",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("ours_unit", sa.String(length=200), nullable=False),
        sa.Column("theirs_unit", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_match_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "ours_unit", name=op.f("pk_meeting_match")),
    )
    op.create_table(
        "collection_requirement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("discrepancy_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["discrepancy_id"],
            ["discrepancy.id"],
            name=op.f("fk_collection_requirement_discrepancy_id_discrepancy"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_collection_requirement_meeting_id_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_requirement")),
    )


def downgrade() -> None:
    for name in (
        "agreed_unit",
        "collection_requirement",
        "discrepancy",
        "meeting_match",
        "meeting",
        "crosswalk",
    ):
        op.drop_table(name)
