"""The coalition meeting (issue 23): N participants, their inputs, positions and signatures.

Revision ID: 0022_coalition_meeting
Revises: 0021_meeting
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0022_coalition_meeting"
down_revision = "0021_meeting"
branch_labels = None
depends_on = None


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["meeting_id"],
        ["coalition_meeting.id"],
        name=op.f(f"fk_{table}_meeting_id_coalition_meeting"),
    )


def upgrade() -> None:
    op.create_table(
        "coalition_meeting",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("host", sa.String(length=16), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("as_of", UTCDateTime(), nullable=True),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("queue_digest", sa.String(length=64), nullable=True),
        sa.Column("clusters", sa.JSON(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("positions_digest", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open','closed')", name=op.f("ck_coalition_meeting_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_meeting")),
        sa.UniqueConstraint("ref", name=op.f("uq_coalition_meeting_ref")),
    )
    op.create_table(
        "coalition_input",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        _fk("coalition_input"),
        sa.PrimaryKeyConstraint("meeting_id", "partner_code", name=op.f("pk_coalition_input")),
    )
    op.create_table(
        "coalition_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=450), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("disagreeing", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        _fk("coalition_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_item")),
        sa.UniqueConstraint("meeting_id", "key", name="uq_coalition_item_meeting_key"),
    )
    op.create_table(
        "coalition_position",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=450), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        _fk("coalition_position"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_position")),
        sa.UniqueConstraint(
            "meeting_id", "key", "partner_code", name="uq_coalition_position_meeting_key_partner"
        ),
    )
    op.create_table(
        "coalition_agreed",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        _fk("coalition_agreed"),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_coalition_agreed")),
    )
    op.create_table(
        "coalition_signature",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('verified','refused','held')",
            name=op.f("ck_coalition_signature_status"),
        ),
        _fk("coalition_signature"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_signature")),
    )
    op.create_index(
        "ix_coalition_signature_meeting", "coalition_signature", ["meeting_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_coalition_signature_meeting", table_name="coalition_signature")
    for t in (
        "coalition_signature",
        "coalition_agreed",
        "coalition_position",
        "coalition_item",
        "coalition_input",
        "coalition_meeting",
    ):
        op.drop_table(t)
