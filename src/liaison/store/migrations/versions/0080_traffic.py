"""Radio traffic: intercept stations, operators' logs, identifications, DF fixes, inferred
subordination, and the school's traffic and DF exercises.

Revision ID: 0080_traffic
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0080_traffic"
down_revision = "0001_orbat"
branch_labels = ("traffic",)
# Log lines may name an intercept (0040); traffic exercises belong to the school's classes (0041).
depends_on = ("0040_codebreak", "0041_training")


def upgrade() -> None:
    op.create_table(
        "traffic_exercise",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("material", sa.JSON(), nullable=False),
        sa.Column("key", sa.JSON(), nullable=False),
        sa.Column("max_answers", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('nets','df')", name=op.f("ck_traffic_exercise_kind")),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_traffic_exercise_class_id_training_class"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_exercise")),
        sa.UniqueConstraint("number", name="uq_traffic_exercise_number"),
    )
    op.create_table(
        "traffic_identity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("call_sign", sa.String(length=20), nullable=False),
        sa.Column("unit_local_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"],
            ["partner.code"],
            name=op.f("fk_traffic_identity_partner_code_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_identity")),
        sa.UniqueConstraint("partner_code", "day", "call_sign", name="uq_traffic_identity_call"),
    )
    op.create_table(
        "traffic_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_traffic_log_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_log")),
        sa.UniqueConstraint("partner_code", "sha256", name="uq_traffic_log_partner_sha256"),
    )
    op.create_table(
        "traffic_station",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("bearing_error", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_traffic_station_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_station")),
        sa.UniqueConstraint("partner_code", "name", name="uq_traffic_station_partner_name"),
    )
    op.create_table(
        "traffic_exercise_answer",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exercise_id", sa.String(length=36), nullable=False),
        sa.Column("trainee_id", sa.String(length=36), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["traffic_exercise.id"],
            name=op.f("fk_traffic_exercise_answer_exercise_id_traffic_exercise"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["trainee.id"],
            name=op.f("fk_traffic_exercise_answer_trainee_id_trainee"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_exercise_answer")),
    )
    op.create_index(
        "ix_traffic_exercise_answer_exercise_trainee",
        "traffic_exercise_answer",
        ["exercise_id", "trainee_id"],
        unique=False,
    )
    op.create_table(
        "traffic_fix",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("call_sign", sa.String(length=20), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("computed_by", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("semi_major_km", sa.Float(), nullable=False),
        sa.Column("semi_minor_km", sa.Float(), nullable=False),
        sa.Column("orientation_deg", sa.Float(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("unit_local_id", sa.String(length=200), nullable=True),
        sa.Column("observation_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_traffic_fix_observation_id_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["partner.code"], name=op.f("fk_traffic_fix_partner_code_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_fix")),
    )
    op.create_index(
        "ix_traffic_fix_call", "traffic_fix", ["partner_code", "day", "call_sign"], unique=False
    )
    op.create_table(
        "traffic_inference",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=420), nullable=False),
        sa.Column("unit_local_id", sa.String(length=200), nullable=False),
        sa.Column("parent_local_id", sa.String(length=200), nullable=False),
        sa.Column("picture_parent", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("credibility", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("observation_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "kind IN ('confirms','new','contradicts')", name=op.f("ck_traffic_inference_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending','accepted','rejected')", name=op.f("ck_traffic_inference_status")
        ),
        sa.CheckConstraint(
            "credibility BETWEEN 1 AND 6", name=op.f("ck_traffic_inference_credibility")
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_traffic_inference_observation_id_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"],
            ["partner.code"],
            name=op.f("fk_traffic_inference_partner_code_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_inference")),
    )
    op.create_index(
        "ix_traffic_inference_partner_key",
        "traffic_inference",
        ["partner_code", "key"],
        unique=False,
    )
    op.create_table(
        "traffic_message",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("log_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("heard_at", UTCDateTime(), nullable=False),
        sa.Column("frequency_khz", sa.Float(), nullable=False),
        sa.Column("call_from", sa.String(length=20), nullable=False),
        sa.Column("call_to", sa.String(length=20), nullable=True),
        sa.Column("msg_number", sa.Integer(), nullable=True),
        sa.Column("groups", sa.Integer(), nullable=True),
        sa.Column("precedence", sa.String(length=10), nullable=True),
        sa.Column("bearing", sa.Float(), nullable=True),
        sa.Column("bearing_error", sa.Float(), nullable=True),
        sa.Column("intercept_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intercept_id"],
            ["intercept.id"],
            name=op.f("fk_traffic_message_intercept_id_intercept"),
        ),
        sa.ForeignKeyConstraint(
            ["log_id"], ["traffic_log.id"], name=op.f("fk_traffic_message_log_id_traffic_log")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["traffic_station.id"],
            name=op.f("fk_traffic_message_station_id_traffic_station"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_message")),
    )
    op.create_index(
        "ix_traffic_message_call_from", "traffic_message", ["call_from", "heard_at"], unique=False
    )
    op.create_index("ix_traffic_message_heard", "traffic_message", ["heard_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_traffic_message_heard", table_name="traffic_message")
    op.drop_index("ix_traffic_message_call_from", table_name="traffic_message")
    op.drop_table("traffic_message")
    op.drop_index("ix_traffic_inference_partner_key", table_name="traffic_inference")
    op.drop_table("traffic_inference")
    op.drop_index("ix_traffic_fix_call", table_name="traffic_fix")
    op.drop_table("traffic_fix")
    op.drop_index(
        "ix_traffic_exercise_answer_exercise_trainee", table_name="traffic_exercise_answer"
    )
    op.drop_table("traffic_exercise_answer")
    op.drop_table("traffic_station")
    op.drop_table("traffic_log")
    op.drop_table("traffic_identity")
    op.drop_table("traffic_exercise")
