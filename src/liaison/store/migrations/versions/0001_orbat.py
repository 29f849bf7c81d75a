"""Order of battle and audit: the base every capability branches from.

Revision ID: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0001_orbat"
down_revision = None
branch_labels = ("orbat",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(500), nullable=False, server_default=""),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit"),
        sa.UniqueConstraint("hash", name="uq_audit_hash"),
    )
    op.create_table(
        "partner",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("is_self", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_partner"),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("partner_code", sa.String(16), nullable=False),
        sa.Column("codename", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reliability", sa.String(1), nullable=False),
        sa.Column("compartment", sa.String(100), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source"),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name="fk_source_partner_code_partner"
        ),
        sa.UniqueConstraint("partner_code", "codename", name="uq_source_partner_codename"),
        sa.CheckConstraint(
            "kind IN ('HUMINT','SIGINT','OSINT','IMINT','LIAISON')", name="ck_source_kind"
        ),
        sa.CheckConstraint(
            "reliability IN ('A','B','C','D','E','F')", name="ck_source_reliability"
        ),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("partner_code", sa.String(16), nullable=False),
        sa.Column("local_id", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_unit"),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name="fk_unit_partner_code_partner"
        ),
        sa.UniqueConstraint("partner_code", "local_id", name="uq_unit_partner_local"),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("partner_code", sa.String(16), nullable=False),
        sa.Column("valid_at", UTCDateTime, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("designation", sa.String(300), nullable=True),
        sa.Column("echelon", sa.String(40), nullable=True),
        sa.Column("branch", sa.String(40), nullable=True),
        sa.Column("parent_local_id", sa.String(200), nullable=True),
        sa.Column("sidc", sa.String(20), nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("place", sa.String(300), nullable=True),
        sa.Column("equipment", sa.JSON, nullable=True),
        sa.Column("strength", sa.Integer, nullable=True),
        sa.Column("source_id", sa.String(36), nullable=True),
        sa.Column("reliability", sa.String(1), nullable=True),
        sa.Column("credibility", sa.Integer, nullable=True),
        sa.Column("tlp", sa.String(16), nullable=False, server_default="AMBER"),
        sa.Column("rel_to", sa.String(200), nullable=False, server_default=""),
        sa.Column("orcon", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("retracts", sa.String(36), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("batch", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_observation"),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name="fk_observation_unit_id_unit"),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name="fk_observation_partner_code_partner"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name="fk_observation_source_id_source"
        ),
        sa.ForeignKeyConstraint(
            ["retracts"], ["observation.id"], name="fk_observation_retracts_observation"
        ),
        sa.UniqueConstraint("unit_id", "fingerprint", name="uq_observation_unit_fingerprint"),
        sa.CheckConstraint(
            "credibility IS NULL OR (credibility BETWEEN 1 AND 6)",
            name="ck_observation_credibility",
        ),
    )
    op.create_index("ix_observation_partner_valid", "observation", ["partner_code", "valid_at"])
    op.create_index("ix_observation_unit_valid", "observation", ["unit_id", "valid_at"])


def downgrade() -> None:
    for name in ("observation", "unit", "source", "partner", "audit"):
        op.drop_table(name)
