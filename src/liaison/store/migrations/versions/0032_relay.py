"""Coalition relay: originator-signed items kept end to end, consents, who got what, batch seals.

Revision ID: 0032_relay
Revises: 0031_courier_items
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0032_relay"
down_revision = "0031_courier_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_envelope",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("originator", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("item_sha256", sa.String(length=64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("received_from", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_envelope")),
        sa.UniqueConstraint("kind", "originator", "ref", name="uq_item_envelope_kind_orig_ref"),
        sa.ForeignKeyConstraint(
            ["originator"], ["partner.code"], name=op.f("fk_item_envelope_originator_partner")
        ),
        sa.ForeignKeyConstraint(
            ["received_from"], ["partner.code"], name=op.f("fk_item_envelope_received_from_partner")
        ),
    )
    op.create_index("ix_item_envelope_received", "item_envelope", ["received_at"], unique=False)
    op.create_table(
        "item_consent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("originator", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=16), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_consent")),
        sa.UniqueConstraint("originator", "record_sha256", name="uq_item_consent_orig_record"),
        sa.ForeignKeyConstraint(
            ["originator"], ["partner.code"], name=op.f("fk_item_consent_originator_partner")
        ),
    )
    op.create_index(
        "ix_item_consent_item", "item_consent", ["kind", "originator", "ref"], unique=False
    )
    op.create_table(
        "item_sent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("originator", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_item_sent_partner_code_partner")
        ),
        sa.UniqueConstraint("kind", "originator", "ref", "partner_code", name="uq_item_sent"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_sent")),
    )
    op.create_table(
        "record_forward",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_forward")),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_record_forward_partner_code_partner")
        ),
        sa.UniqueConstraint("partner_code", "record_sha256", name="uq_record_forward"),
    )
    op.create_table(
        "origin_batch",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("originator", sa.String(length=16), nullable=False),
        sa.Column("received_from", sa.String(length=16), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("leaves", sa.LargeBinary(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["originator"], ["partner.code"], name=op.f("fk_origin_batch_originator_partner")
        ),
        sa.ForeignKeyConstraint(
            ["received_from"], ["partner.code"], name=op.f("fk_origin_batch_received_from_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_origin_batch")),
    )


def downgrade() -> None:
    for name in ("origin_batch", "record_forward", "item_sent", "item_consent", "item_envelope"):
        op.drop_table(name)
