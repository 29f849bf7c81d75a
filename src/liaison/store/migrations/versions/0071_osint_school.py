"""Open-source exercises for the school: documents, the key, trainees' graded answers.

Revision ID: 0071_osint_school
Revises: 0070_osint
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0071_osint_school"
down_revision = "0070_osint"
branch_labels = None
depends_on = ("0041_training",)


def upgrade() -> None:
    op.create_table(
        "osint_exercise",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("key", sa.JSON(), nullable=False),
        sa.Column("max_answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_osint_exercise_class_id_training_class"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_exercise")),
        sa.UniqueConstraint("number", name="uq_osint_exercise_number"),
    )
    op.create_table(
        "osint_exercise_answer",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exercise_id", sa.String(length=36), nullable=False),
        sa.Column("trainee_id", sa.String(length=36), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("precision", sa.Float(), nullable=False),
        sa.Column("recall", sa.Float(), nullable=False),
        sa.Column("f1", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["osint_exercise.id"],
            name=op.f("fk_osint_exercise_answer_exercise_id_osint_exercise"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"], ["trainee.id"], name=op.f("fk_osint_exercise_answer_trainee_id_trainee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_osint_exercise_answer")),
    )
    op.create_index(
        "ix_osint_exercise_answer_exercise_trainee",
        "osint_exercise_answer",
        ["exercise_id", "trainee_id"],
        unique=False,
    )
    op.create_table(
        "osint_exercise_document",
        sa.Column("exercise_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", UTCDateTime(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["osint_exercise.id"],
            name=op.f("fk_osint_exercise_document_exercise_id_osint_exercise"),
        ),
        sa.PrimaryKeyConstraint("exercise_id", "position", name=op.f("pk_osint_exercise_document")),
    )


def downgrade() -> None:
    op.drop_table("osint_exercise_document")
    op.drop_index("ix_osint_exercise_answer_exercise_trainee", table_name="osint_exercise_answer")
    op.drop_table("osint_exercise_answer")
    op.drop_table("osint_exercise")
