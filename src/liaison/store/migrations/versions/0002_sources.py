"""Sources as people: handler and intermediaries, aliases and cover names, users' compartments,
burned sources and what they re-graded.

Revision ID: 0002_sources
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0002_sources"
down_revision = "0001_orbat"
branch_labels = ("sources",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_person",
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("handler", sa.String(length=200), nullable=True),
        sa.Column("intermediaries", sa.JSON(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_source_person_source_id_source")
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_person")),
    )
    op.create_table(
        "source_alias",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('alias','cover')", name=op.f("ck_source_alias_kind")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_source_alias_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_alias")),
        sa.UniqueConstraint("source_id", "alias", name="uq_source_alias_source_alias"),
    )
    op.create_table(
        "user_compartment",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("compartment", sa.String(length=100), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", "compartment", name=op.f("pk_user_compartment")),
    )
    op.create_table(
        "source_burn",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=True),
        sa.Column("since", UTCDateTime(), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("burned_at", UTCDateTime(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.Column("record_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_source_burn_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_burn")),
        sa.CheckConstraint(
            "reliability IN ('A','B','C','D','E','F')", name=op.f("ck_source_burn_reliability")
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_source_burn_partner_code_partner")
        ),
    )
    op.create_table(
        "burned_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("burn_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("reliability", sa.String(length=1), nullable=False),
        sa.Column("burned_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["burn_id"], ["source_burn.id"], name=op.f("fk_burned_item_burn_id_source_burn")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_burned_item")),
        sa.UniqueConstraint("burn_id", "kind", "item_id", name="uq_burned_item"),
    )
    op.create_index("ix_burned_item_item", "burned_item", ["kind", "item_id"], unique=False)


def downgrade() -> None:
    for name in ("burned_item", "source_burn", "user_compartment", "source_alias", "source_person"):
        op.drop_table(name)
