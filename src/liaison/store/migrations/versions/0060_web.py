"""The team server: users, sign-in sessions and API tokens.

Revision ID: 0060_web
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0060_web"
down_revision = "0001_orbat"
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("role IN ('admin','analyst','viewer')", name=op.f("ck_web_user_role")),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_web_user_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_web_user")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["username"], ["web_user.username"], name=op.f("fk_api_token_username_web_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["username"], ["web_user.username"], name=op.f("fk_web_session_username_web_user")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_session")),
    )


def downgrade() -> None:
    for name in ("web_session", "api_token", "web_user"):
        op.drop_table(name)
