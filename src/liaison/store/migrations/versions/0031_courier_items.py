"""The courier's items: reports and attachments, tombstones, key events, meeting outcomes and
their signatures, acknowledgements and the outbox of sealed pouches.

Revision ID: 0031_courier_items
Revises: 0030_courier
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0031_courier_items"
down_revision = "0030_courier"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("new_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("effective_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('rotation','revocation')", name=op.f("ck_key_event_kind")),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_key_event_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_event")),
        sa.UniqueConstraint(
            "partner_code", "kind", "key_fingerprint", name="uq_key_event_partner_kind_key"
        ),
    )
    op.create_table(
        "meeting_outcome",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("issuer", sa.String(length=16), nullable=False),
        sa.Column("counterpart", sa.String(length=16), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agreed_digest", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counterpart"], ["partner.code"], name=op.f("fk_meeting_outcome_counterpart_partner")
        ),
        sa.ForeignKeyConstraint(
            ["issuer"], ["partner.code"], name=op.f("fk_meeting_outcome_issuer_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_outcome")),
        sa.UniqueConstraint("ref", name="uq_meeting_outcome_ref"),
    )
    op.create_table(
        "pouch_ack",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("acked_at", UTCDateTime(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_pouch_ack_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pouch_ack")),
        sa.UniqueConstraint("partner_code", "seq", name="uq_pouch_ack_partner_seq"),
    )
    op.create_table(
        "pouch_outbox",
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_pouch_outbox_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("partner_code", "seq", name=op.f("pk_pouch_outbox")),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("local_id", sa.String(length=200), nullable=False),
        sa.Column("received_from", sa.String(length=16), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("tlp", sa.String(length=16), server_default="AMBER", nullable=False),
        sa.Column("rel_to", sa.String(length=200), server_default="", nullable=False),
        sa.Column("orcon", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("retracted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_report_partner_code_partner")
        ),
        sa.ForeignKeyConstraint(
            ["received_from"], ["partner.code"], name=op.f("fk_report_received_from_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("partner_code", "local_id", name="uq_report_partner_local"),
    )
    op.create_index("ix_report_recorded", "report", ["recorded_at"], unique=False)
    op.create_table(
        "tombstone",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("valid_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("received_from", sa.String(length=16), nullable=True),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind IN ('observation','report','intercept')", name=op.f("ck_tombstone_kind")
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_tombstone_partner_code_partner")
        ),
        sa.ForeignKeyConstraint(
            ["received_from"], ["partner.code"], name=op.f("fk_tombstone_received_from_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstone")),
        sa.UniqueConstraint("partner_code", "record_sha256", name="uq_tombstone_partner_record"),
    )
    op.create_index("ix_tombstone_issued", "tombstone", ["issued_at"], unique=False)
    op.create_table(
        "outcome_signature",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["meeting_outcome.id"],
            name=op.f("fk_outcome_signature_outcome_id_meeting_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"],
            ["partner.code"],
            name=op.f("fk_outcome_signature_partner_code_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_signature")),
        sa.UniqueConstraint(
            "outcome_id", "partner_code", name="uq_outcome_signature_outcome_partner"
        ),
    )
    op.create_table(
        "report_attachment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("tlp", sa.String(length=16), server_default="AMBER", nullable=False),
        sa.Column("rel_to", sa.String(length=200), server_default="", nullable=False),
        sa.Column("orcon", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_attachment_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_attachment")),
        sa.UniqueConstraint("report_id", "name", name="uq_report_attachment_report_name"),
    )


def downgrade() -> None:
    op.drop_index("ix_tombstone_issued", table_name="tombstone")
    op.drop_index("ix_report_recorded", table_name="report")
    for name in (
        "report_attachment",
        "outcome_signature",
        "tombstone",
        "report",
        "pouch_outbox",
        "pouch_ack",
        "meeting_outcome",
        "key_event",
    ):
        op.drop_table(name)
