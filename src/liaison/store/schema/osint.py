"""Open-source compilation: documents (stored once by SHA-256), the unit mentions found in them,
candidate observations compiled from the mentions, the analyst's review decisions, the provenance
that ties an accepted observation back to document, quote and offsets, and a work queue that
several workers drain (PostgreSQL `FOR UPDATE SKIP LOCKED`).

Documents and mentions are facts about what was read and never change; candidates are working
material that each compile refreshes until an analyst decides on them; decisions are appended.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

osint_document = sa.Table(
    "osint_document",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), nullable=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("published", UTCDateTime, nullable=True),
    sa.Column("retrieved", UTCDateTime, nullable=False),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("minhash", sa.JSON, nullable=False),
    sa.Column("duplicate_of", sa.String(36), nullable=True),
    sa.Column("ingested_at", UTCDateTime, nullable=False),
    sa.Column("ingested_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("sha256", name="uq_osint_document_sha256"),
)
sa.Index("ix_osint_document_partner", osint_document.c.partner_code, osint_document.c.ingested_at)

osint_mention = sa.Table(
    "osint_mention",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("osint_document.id"), nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("quote", sa.Text, nullable=False),
    sa.Column("designation", sa.String(300), nullable=True),
    sa.Column("number", sa.Integer, nullable=True),
    sa.Column("echelon", sa.String(40), nullable=True),
    sa.Column("branch", sa.String(40), nullable=True),
    sa.Column("guards", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("unit_number", sa.String(40), nullable=True),
    sa.Column("unit_ids", sa.JSON, nullable=True),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("place_text", sa.String(300), nullable=True),
    sa.Column("place_name", sa.String(300), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("place_precision", sa.Integer, nullable=True),
    sa.Column("date", sa.String(10), nullable=True),
    sa.Column("date_precision", sa.Integer, nullable=True),
    sa.UniqueConstraint(
        "document_id", "start_char", "end_char", name="uq_osint_mention_document_span"
    ),
)

osint_candidate = sa.Table(
    "osint_candidate",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("key", sa.String(500), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("edited", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("unit_local_id", sa.String(200), nullable=True),
    sa.Column("match_score", sa.Float, nullable=True),
    sa.Column("designation", sa.String(300), nullable=False),
    sa.Column("number", sa.Integer, nullable=True),
    sa.Column("echelon", sa.String(40), nullable=True),
    sa.Column("branch", sa.String(40), nullable=True),
    sa.Column("guards", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("unit_number", sa.String(40), nullable=True),
    sa.Column("place", sa.String(300), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("place_precision", sa.Integer, nullable=True),
    sa.Column("valid_at", UTCDateTime, nullable=False),
    sa.Column("date_precision", sa.Integer, nullable=True),
    sa.Column("first_seen", sa.String(10), nullable=True),
    sa.Column("last_seen", sa.String(10), nullable=True),
    sa.Column("reliability", sa.String(1), nullable=True),
    sa.Column("credibility", sa.Integer, nullable=False),
    sa.Column("corroboration", sa.Integer, nullable=False),
    sa.Column("grading", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("observation_id", sa.String(36), sa.ForeignKey("observation.id"), nullable=True),
    sa.CheckConstraint("status IN ('pending','accepted','rejected')", name="status"),
    sa.CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility"),
)
sa.Index(
    "ix_osint_candidate_partner_status", osint_candidate.c.partner_code, osint_candidate.c.status
)

osint_candidate_mention = sa.Table(
    "osint_candidate_mention",
    metadata,
    sa.Column("candidate_id", sa.String(36), sa.ForeignKey("osint_candidate.id"), primary_key=True),
    sa.Column("mention_id", sa.String(36), sa.ForeignKey("osint_mention.id"), primary_key=True),
)
sa.Index("ix_osint_candidate_mention_mention", osint_candidate_mention.c.mention_id)

osint_decision = sa.Table(
    "osint_decision",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("candidate_id", sa.String(36), sa.ForeignKey("osint_candidate.id"), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("observation_id", sa.String(36), sa.ForeignKey("observation.id"), nullable=True),
    sa.CheckConstraint("action IN ('accept','edit','reject')", name="action"),
)
sa.Index("ix_osint_decision_candidate", osint_decision.c.candidate_id)

osint_provenance = sa.Table(
    "osint_provenance",
    metadata,
    sa.Column("observation_id", sa.String(36), sa.ForeignKey("observation.id"), primary_key=True),
    sa.Column("mention_id", sa.String(36), sa.ForeignKey("osint_mention.id"), primary_key=True),
    sa.Column("candidate_id", sa.String(36), sa.ForeignKey("osint_candidate.id"), nullable=False),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("osint_document.id"), nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("quote", sa.Text, nullable=False),
)

osint_queue = sa.Table(
    "osint_queue",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), nullable=True),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("token", sa.String(36), nullable=True),
    sa.Column("taken_by", sa.String(200), nullable=True),
    sa.Column("taken_at", UTCDateTime, nullable=True),
    sa.Column("lease_until", UTCDateTime, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("documents", sa.Integer, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("enqueued_at", UTCDateTime, nullable=False),
    sa.Column("enqueued_by", sa.String(200), nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("status IN ('queued','taken','done','failed')", name="status"),
)
sa.Index("ix_osint_queue_status", osint_queue.c.status, osint_queue.c.enqueued_at)

# ---- the school: open-source exercises (documents, the key, the trainees' answers) ----------

osint_exercise = sa.Table(
    "osint_exercise",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("class_id", sa.String(36), sa.ForeignKey("training_class.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("brief", sa.Text, nullable=False),
    sa.Column("key", sa.JSON, nullable=False),
    sa.Column("max_answers", sa.Integer, nullable=False),
    sa.UniqueConstraint("number", name="uq_osint_exercise_number"),
)

osint_exercise_document = sa.Table(
    "osint_exercise_document",
    metadata,
    sa.Column("exercise_id", sa.String(36), sa.ForeignKey("osint_exercise.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("published", UTCDateTime, nullable=True),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
)

osint_exercise_answer = sa.Table(
    "osint_exercise_answer",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("exercise_id", sa.String(36), sa.ForeignKey("osint_exercise.id"), nullable=False),
    sa.Column("trainee_id", sa.String(36), sa.ForeignKey("trainee.id"), nullable=False),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("answer", sa.JSON, nullable=False),
    sa.Column("precision", sa.Float, nullable=False),
    sa.Column("recall", sa.Float, nullable=False),
    sa.Column("f1", sa.Float, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
)
sa.Index(
    "ix_osint_exercise_answer_exercise_trainee",
    osint_exercise_answer.c.exercise_id,
    osint_exercise_answer.c.trainee_id,
)
