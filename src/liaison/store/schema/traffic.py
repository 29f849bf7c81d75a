"""Radio traffic: our intercept stations, imported operators' logs and their lines, analysts'
identifications of call signs, DF fixes and inferred subordination; the school's traffic exercises.

Log lines are facts as logged (append-only); a correction is a new log. Inferences and fixes are
proposals until an analyst accepts one, which records an ordinary observation in the picture.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

traffic_station = sa.Table(
    "traffic_station",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("place", sa.String(300), nullable=True),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("equipment", sa.JSON, nullable=False),
    sa.Column("bearing_error", sa.Float, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("partner_code", "name", name="uq_traffic_station_partner_name"),
)

traffic_log = sa.Table(
    "traffic_log",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("lines", sa.Integer, nullable=False),
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Column("imported_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("partner_code", "sha256", name="uq_traffic_log_partner_sha256"),
)

traffic_message = sa.Table(
    "traffic_message",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("log_id", sa.String(36), sa.ForeignKey("traffic_log.id"), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("station_id", sa.String(36), sa.ForeignKey("traffic_station.id"), nullable=False),
    sa.Column("heard_at", UTCDateTime, nullable=False),
    sa.Column("frequency_khz", sa.Float, nullable=False),
    sa.Column("call_from", sa.String(20), nullable=False),
    sa.Column("call_to", sa.String(20), nullable=True),
    sa.Column("msg_number", sa.Integer, nullable=True),
    sa.Column("groups", sa.Integer, nullable=True),
    sa.Column("precedence", sa.String(10), nullable=True),
    sa.Column("bearing", sa.Float, nullable=True),
    sa.Column("bearing_error", sa.Float, nullable=True),
    sa.Column("intercept_id", sa.String(36), sa.ForeignKey("intercept.id"), nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
)
sa.Index("ix_traffic_message_heard", traffic_message.c.heard_at)
sa.Index("ix_traffic_message_call_from", traffic_message.c.call_from, traffic_message.c.heard_at)

traffic_identity = sa.Table(
    "traffic_identity",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("call_sign", sa.String(20), nullable=False),
    sa.Column("unit_local_id", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("partner_code", "day", "call_sign", name="uq_traffic_identity_call"),
)

traffic_fix = sa.Table(
    "traffic_fix",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("call_sign", sa.String(20), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("computed_at", UTCDateTime, nullable=False),
    sa.Column("computed_by", sa.String(200), nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("semi_major_km", sa.Float, nullable=False),
    sa.Column("semi_minor_km", sa.Float, nullable=False),
    sa.Column("orientation_deg", sa.Float, nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("unit_local_id", sa.String(200), nullable=True),
    sa.Column("observation_id", sa.String(36), sa.ForeignKey("observation.id"), nullable=True),
)
sa.Index(
    "ix_traffic_fix_call", traffic_fix.c.partner_code, traffic_fix.c.day, traffic_fix.c.call_sign
)

traffic_inference = sa.Table(
    "traffic_inference",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("key", sa.String(420), nullable=False),
    sa.Column("unit_local_id", sa.String(200), nullable=False),
    sa.Column("parent_local_id", sa.String(200), nullable=False),
    sa.Column("picture_parent", sa.String(200), nullable=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("credibility", sa.Integer, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("observation_id", sa.String(36), sa.ForeignKey("observation.id"), nullable=True),
    sa.CheckConstraint("status IN ('pending','accepted','rejected')", name="status"),
    sa.CheckConstraint("kind IN ('confirms','new','contradicts')", name="kind"),
    sa.CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility"),
)
sa.Index(
    "ix_traffic_inference_partner_key", traffic_inference.c.partner_code, traffic_inference.c.key
)

traffic_exercise = sa.Table(
    "traffic_exercise",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("class_id", sa.String(36), sa.ForeignKey("training_class.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("brief", sa.Text, nullable=False),
    sa.Column("material", sa.JSON, nullable=False),
    sa.Column("key", sa.JSON, nullable=False),
    sa.Column("max_answers", sa.Integer, nullable=False),
    sa.UniqueConstraint("number", name="uq_traffic_exercise_number"),
    sa.CheckConstraint("kind IN ('nets','df')", name="kind"),
)

traffic_exercise_answer = sa.Table(
    "traffic_exercise_answer",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("exercise_id", sa.String(36), sa.ForeignKey("traffic_exercise.id"), nullable=False),
    sa.Column("trainee_id", sa.String(36), sa.ForeignKey("trainee.id"), nullable=False),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("answer", sa.JSON, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
)
sa.Index(
    "ix_traffic_exercise_answer_exercise_trainee",
    traffic_exercise_answer.c.exercise_id,
    traffic_exercise_answer.c.trainee_id,
)
