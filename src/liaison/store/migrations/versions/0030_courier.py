"""The courier: partners' public keys and revocations, release policies, the pouch log.

Revision ID: 0030_courier
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0030_courier"
down_revision = "0001_orbat"
branch_labels = ("courier",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("sign_pk", sa.String(length=64), nullable=False),
        sa.Column("box_pk", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_partner_key_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_key")),
        sa.UniqueConstraint("partner_code", "sign_pk", name="uq_partner_key_partner_sign"),
    )
    op.create_table(
        "pouch_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prev_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.CheckConstraint("direction IN ('out','in')", name=op.f("ck_pouch_log_direction")),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_pouch_log_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pouch_log")),
        sa.UniqueConstraint(
            "direction", "partner_code", "seq", name="uq_pouch_log_direction_partner_seq"
        ),
    )
    op.create_table(
        "release_policy",
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("max_tlp", sa.String(length=16), nullable=False),
        sa.Column("release_sources", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("release_notes", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_release_policy_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("partner_code", name=op.f("pk_release_policy")),
    )


def downgrade() -> None:
    for name in ("pouch_log", "release_policy", "partner_key"):
        op.drop_table(name)
