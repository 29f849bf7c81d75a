"""Opening a meeting on a large picture (issue 21): observations by recorded time, parsed designations.

Opening a meeting asks, for each partner, which units have facts recorded since the last one and
whether the picture kept in the process is still current (count, greatest id, latest recorded
time): without the index each question read every observation of the partner. A new process
parsed every designation of both pictures again: `designation_parse` keeps them, by parser.

Revision ID: 0023_meeting_open
Revises: 0022_coalition_meeting
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_meeting_open"
down_revision = "0022_coalition_meeting"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_observation_partner_recorded", "observation", ["partner_code", "recorded_at", "id"]
    )
    op.create_table(
        "designation_parse",
        sa.Column("parser", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("echelon", sa.String(length=40), nullable=True),
        sa.Column("branch", sa.String(length=40), nullable=True),
        sa.Column("honorifics", sa.String(length=400), server_default="", nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("parser", "text", name=op.f("pk_designation_parse")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("designation_parse")
    op.drop_index("ix_observation_partner_recorded", table_name="observation")
