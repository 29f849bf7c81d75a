"""Codebreaking: intercepts with provenance and markings, and their solutions.

Revision ID: 0040_codebreak
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0040_codebreak"
down_revision = "0001_orbat"
branch_labels = ("codebreak",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intercept",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("local_id", sa.String(length=200), nullable=False),
        sa.Column("received_from", sa.String(length=16), nullable=True),
        sa.Column("intercepted_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("station", sa.String(length=200), nullable=True),
        sa.Column("callsign", sa.String(length=100), nullable=True),
        sa.Column("frequency_khz", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("cipher_hint", sa.String(length=40), nullable=True),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=True),
        sa.Column("tlp", sa.String(length=16), server_default="AMBER", nullable=False),
        sa.Column("rel_to", sa.String(length=200), server_default="", nullable=False),
        sa.Column("orcon", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("retracted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_intercept_partner_code_partner")
        ),
        sa.ForeignKeyConstraint(
            ["received_from"], ["partner.code"], name=op.f("fk_intercept_received_from_partner")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_intercept_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intercept")),
        sa.UniqueConstraint("partner_code", "local_id", name="uq_intercept_partner_local"),
    )
    op.create_table(
        "intercept_solution",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("intercept_id", sa.String(length=36), nullable=False),
        sa.Column("solved_at", UTCDateTime(), nullable=False),
        sa.Column("solved_by", sa.String(length=100), nullable=False),
        sa.Column("cipher", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("key", sa.JSON(), nullable=True),
        sa.Column("plaintext", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intercept_id"],
            ["intercept.id"],
            name=op.f("fk_intercept_solution_intercept_id_intercept"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intercept_solution")),
    )
    op.create_index("ix_intercept_recorded", "intercept", ["recorded_at"], unique=False)
    op.create_index(
        "ix_intercept_solution_intercept", "intercept_solution", ["intercept_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_intercept_solution_intercept", table_name="intercept_solution")
    op.drop_table("intercept_solution")
    op.drop_index("ix_intercept_recorded", table_name="intercept")
    op.drop_table("intercept")
