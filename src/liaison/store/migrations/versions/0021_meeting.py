"""The joint meeting (issue 21): memory, both sides' positions, the agreed picture signed by both.

Revision ID: 0021_meeting
Revises: 0020_reconcile
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0021_meeting"
down_revision = "0020_reconcile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as b:
        b.add_column(sa.Column("ref", sa.String(length=40), nullable=True))
        b.add_column(sa.Column("host", sa.String(length=16), nullable=True))
        b.add_column(sa.Column("shared", sa.String(length=16), nullable=True))
        b.add_column(sa.Column("share_note", sa.Text(), nullable=True))
        b.add_column(sa.Column("inputs", sa.JSON(), nullable=True))
        b.add_column(sa.Column("previous_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("joined_at", UTCDateTime(), nullable=True))
        b.create_unique_constraint(op.f("uq_meeting_ref"), ["ref"])
    with op.batch_alter_table("discrepancy") as b:
        b.add_column(sa.Column("shared_key", sa.String(length=450), nullable=True))
        b.add_column(sa.Column("facts", sa.JSON(), nullable=True))
        b.add_column(sa.Column("memory", sa.JSON(), nullable=True))
        b.add_column(sa.Column("settled", sa.Boolean(), server_default=sa.false(), nullable=False))
        b.add_column(sa.Column("partner_position", sa.String(length=10), nullable=True))
        b.add_column(sa.Column("partner_comment", sa.Text(), nullable=True))
        b.add_column(sa.Column("partner_by", sa.String(length=200), nullable=True))
        b.add_column(sa.Column("partner_at", UTCDateTime(), nullable=True))
    op.create_table(
        "agreed_document",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agreed_document_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_agreed_document")),
    )
    op.create_table(
        "agreed_signature",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('verified','refused')", name=op.f("ck_agreed_signature_status")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agreed_signature_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreed_signature")),
    )
    op.create_index("ix_agreed_signature_meeting", "agreed_signature", ["meeting_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_agreed_signature_meeting", table_name="agreed_signature")
    op.drop_table("agreed_signature")
    op.drop_table("agreed_document")
    with op.batch_alter_table("discrepancy") as b:
        for c in (
            "partner_at",
            "partner_by",
            "partner_comment",
            "partner_position",
            "settled",
            "memory",
            "facts",
            "shared_key",
        ):
            b.drop_column(c)
    with op.batch_alter_table("meeting") as b:
        b.drop_constraint(op.f("uq_meeting_ref"), type_="unique")
        for c in ("joined_at", "previous_id", "inputs", "share_note", "shared", "host", "ref"):
            b.drop_column(c)
