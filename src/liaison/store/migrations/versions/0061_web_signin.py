"""Sign-in attempts counted in the store, so the limit holds across threads and processes.

Revision ID: 0061_web_signin
Revises: 0060_web
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0061_web_signin"
down_revision = "0060_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_signin",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_web_signin")),
    )


def downgrade() -> None:
    op.drop_table("web_signin")
