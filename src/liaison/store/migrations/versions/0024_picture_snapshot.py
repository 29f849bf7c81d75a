"""A partner's picture kept in the store (issue 21): a new process opening a meeting starts from it.

Reading a partner's whole picture (every observation, folded) was a third of a new process's time
to open meeting 2; the picture as last read in full is kept, with the version of the facts it
folds, and only the units changed since are read (as a serving process does from memory).

Revision ID: 0024_picture_snapshot
Revises: 0023_meeting_open
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0024_picture_snapshot"
down_revision = "0023_meeting_open"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "picture_snapshot",
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.String(length=36), nullable=True),
        sa.Column("last_recorded", UTCDateTime(), nullable=True),
        sa.Column("burns", sa.Integer(), nullable=False),
        sa.Column("last_burned", UTCDateTime(), nullable=True),
        sa.Column("units", sa.Text(), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"],
            ["partner.code"],
            name=op.f("fk_picture_snapshot_partner_code_partner"),
        ),
        sa.PrimaryKeyConstraint("partner_code", name=op.f("pk_picture_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("picture_snapshot")
