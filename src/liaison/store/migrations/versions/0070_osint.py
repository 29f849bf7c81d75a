"""Open-source compilation: documents, mentions, candidates, decisions, provenance, work queue.

Revision ID: 0070_osint
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0070_osint"
down_revision = "0001_orbat"
branch_labels = ("osint",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "osint_document",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", UTCDateTime(), nullable=True),
        sa.Column("retrieved", UTCDateTime(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("minhash", sa.JSON(), nullable=False),
        sa.Column("duplicate_of", sa.String(length=36), nullable=True),
        sa.Column("ingested_at", UTCDateTime(), nullable=False),
        sa.Column("ingested_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_osint_document_partner_code_partner")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_osint_document_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_document")),
        sa.UniqueConstraint("sha256", name="uq_osint_document_sha256"),
    )
    op.create_index(
        "ix_osint_document_partner", "osint_document", ["partner_code", "ingested_at"], unique=False
    )
    op.create_table(
        "osint_queue",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=36), nullable=True),
        sa.Column("taken_by", sa.String(length=200), nullable=True),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("documents", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("enqueued_at", UTCDateTime(), nullable=False),
        sa.Column("enqueued_by", sa.String(length=200), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued','taken','done','failed')", name=op.f("ck_osint_queue_status")
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_osint_queue_partner_code_partner")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_osint_queue_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_queue")),
    )
    op.create_index("ix_osint_queue_status", "osint_queue", ["status", "enqueued_at"], unique=False)
    op.create_table(
        "osint_candidate",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("edited", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unit_local_id", sa.String(length=200), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("designation", sa.String(length=300), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("echelon", sa.String(length=40), nullable=True),
        sa.Column("branch", sa.String(length=40), nullable=True),
        sa.Column("guards", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unit_number", sa.String(length=40), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("place_precision", sa.Integer(), nullable=True),
        sa.Column("valid_at", UTCDateTime(), nullable=False),
        sa.Column("date_precision", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.String(length=10), nullable=True),
        sa.Column("last_seen", sa.String(length=10), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=True),
        sa.Column("credibility", sa.Integer(), nullable=False),
        sa.Column("corroboration", sa.Integer(), nullable=False),
        sa.Column("grading", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("observation_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending','accepted','rejected')", name=op.f("ck_osint_candidate_status")
        ),
        sa.CheckConstraint(
            "credibility BETWEEN 1 AND 6", name=op.f("ck_osint_candidate_credibility")
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_osint_candidate_observation_id_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_osint_candidate_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_candidate")),
    )
    op.create_index(
        "ix_osint_candidate_partner_status",
        "osint_candidate",
        ["partner_code", "status"],
        unique=False,
    )
    op.create_table(
        "osint_mention",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("designation", sa.String(length=300), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("echelon", sa.String(length=40), nullable=True),
        sa.Column("branch", sa.String(length=40), nullable=True),
        sa.Column("guards", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unit_number", sa.String(length=40), nullable=True),
        sa.Column("unit_ids", sa.JSON(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("place_text", sa.String(length=300), nullable=True),
        sa.Column("place_name", sa.String(length=300), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("place_precision", sa.Integer(), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("date_precision", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["osint_document.id"],
            name=op.f("fk_osint_mention_document_id_osint_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_mention")),
        sa.UniqueConstraint(
            "document_id", "start_char", "end_char", name="uq_osint_mention_document_span"
        ),
    )
    op.create_table(
        "osint_candidate_mention",
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("mention_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["osint_candidate.id"],
            name=op.f("fk_osint_candidate_mention_candidate_id_osint_candidate"),
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["osint_mention.id"],
            name=op.f("fk_osint_candidate_mention_mention_id_osint_mention"),
        ),
        sa.PrimaryKeyConstraint(
            "candidate_id", "mention_id", name=op.f("pk_osint_candidate_mention")
        ),
    )
    op.create_index(
        "ix_osint_candidate_mention_mention",
        "osint_candidate_mention",
        ["mention_id"],
        unique=False,
    )
    op.create_table(
        "osint_decision",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("observation_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "action IN ('accept','edit','reject')", name=op.f("ck_osint_decision_action")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["osint_candidate.id"],
            name=op.f("fk_osint_decision_candidate_id_osint_candidate"),
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_osint_decision_observation_id_observation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_decision")),
    )
    op.create_index("ix_osint_decision_candidate", "osint_decision", ["candidate_id"], unique=False)
    op.create_table(
        "osint_provenance",
        sa.Column("observation_id", sa.String(length=36), nullable=False),
        sa.Column("mention_id", sa.String(length=36), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["osint_candidate.id"],
            name=op.f("fk_osint_provenance_candidate_id_osint_candidate"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["osint_document.id"],
            name=op.f("fk_osint_provenance_document_id_osint_document"),
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["osint_mention.id"],
            name=op.f("fk_osint_provenance_mention_id_osint_mention"),
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_osint_provenance_observation_id_observation"),
        ),
        sa.PrimaryKeyConstraint("observation_id", "mention_id", name=op.f("pk_osint_provenance")),
    )


def downgrade() -> None:
    op.drop_table("osint_provenance")
    op.drop_index("ix_osint_decision_candidate", table_name="osint_decision")
    op.drop_table("osint_decision")
    op.drop_index("ix_osint_candidate_mention_mention", table_name="osint_candidate_mention")
    op.drop_table("osint_candidate_mention")
    op.drop_table("osint_mention")
    op.drop_index("ix_osint_candidate_partner_status", table_name="osint_candidate")
    op.drop_table("osint_candidate")
    op.drop_index("ix_osint_queue_status", table_name="osint_queue")
    op.drop_table("osint_queue")
    op.drop_index("ix_osint_document_partner", table_name="osint_document")
    op.drop_table("osint_document")
