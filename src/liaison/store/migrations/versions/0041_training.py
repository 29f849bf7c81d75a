"""The codebreaking school: classes, trainees, exercises and sets, attempts, hints and answers.

Revision ID: 0041_training
Revises: 0040_codebreak
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0041_training"
down_revision = "0040_codebreak"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("cipher", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("plaintext", sa.Text(), nullable=False),
        sa.Column("key", sa.JSON(), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("max_answers", sa.Integer(), nullable=False),
        sa.CheckConstraint("difficulty BETWEEN 1 AND 5", name=op.f("ck_exercise_difficulty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise")),
        sa.UniqueConstraint("number", name="uq_exercise_number"),
    )
    op.create_table(
        "training_class",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("instructor", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_class")),
        sa.UniqueConstraint("name", name="uq_training_class_name"),
    )
    op.create_table(
        "exercise_set",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_exercise_set_class_id_training_class"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_set")),
        sa.UniqueConstraint("class_id", "name", name="uq_exercise_set_class_name"),
    )
    op.create_table(
        "trainee",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["training_class.id"], name=op.f("fk_trainee_class_id_training_class")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainee")),
        sa.UniqueConstraint("username", name="uq_trainee_username"),
    )
    op.create_table(
        "exercise_attempt",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exercise_id", sa.String(length=36), nullable=False),
        sa.Column("trainee_id", sa.String(length=36), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercise.id"], name=op.f("fk_exercise_attempt_exercise_id_exercise")
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainee.id"], name=op.f("fk_exercise_attempt_trainee_id_trainee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_attempt")),
        sa.UniqueConstraint(
            "exercise_id", "trainee_id", name="uq_exercise_attempt_exercise_trainee"
        ),
    )
    op.create_table(
        "exercise_set_item",
        sa.Column("set_id", sa.String(length=36), nullable=False),
        sa.Column("exercise_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercise.id"], name=op.f("fk_exercise_set_item_exercise_id_exercise")
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["exercise_set.id"], name=op.f("fk_exercise_set_item_set_id_exercise_set")
        ),
        sa.PrimaryKeyConstraint("set_id", "exercise_id", name=op.f("pk_exercise_set_item")),
    )
    op.create_table(
        "exercise_answer",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("hint_cost", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["exercise_attempt.id"],
            name=op.f("fk_exercise_answer_attempt_id_exercise_attempt"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_answer")),
    )
    op.create_index("ix_exercise_answer_attempt", "exercise_answer", ["attempt_id"], unique=False)
    op.create_table(
        "exercise_hint",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=False),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["exercise_attempt.id"],
            name=op.f("fk_exercise_hint_attempt_id_exercise_attempt"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_hint")),
    )
    op.create_index("ix_exercise_hint_attempt", "exercise_hint", ["attempt_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_exercise_hint_attempt", table_name="exercise_hint")
    op.drop_table("exercise_hint")
    op.drop_index("ix_exercise_answer_attempt", table_name="exercise_answer")
    op.drop_table("exercise_answer")
    op.drop_table("exercise_set_item")
    op.drop_table("exercise_attempt")
    op.drop_table("trainee")
    op.drop_table("exercise_set")
    op.drop_table("training_class")
    op.drop_table("exercise")
