"""Observations by partner and recorded time (issue 21): what changed since the last meeting.

Opening a meeting asks, for each partner, which units have facts recorded since the last one and
whether the picture kept in the process is still current (count, greatest id, latest recorded
time). Without this index each question read every observation of the partner.

Revision ID: 0023_observation_recorded
Revises: 0022_coalition_meeting
"""

from alembic import op

revision = "0023_observation_recorded"
down_revision = "0022_coalition_meeting"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_observation_partner_recorded", "observation", ["partner_code", "recorded_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_observation_partner_recorded", table_name="observation")
