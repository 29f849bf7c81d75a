"""The codebreaking school: classes, trainees, exercises, sets assigned to classes, and what
trainees did with them (taken, hints asked, answers graded).

Everything a trainee does is an appended row: a new answer never overwrites an old one, and every
hint stays on record with the points it cost, so the progress table can be recomputed at any time.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

training_class = sa.Table(
    "training_class",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("instructor", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("name", name="uq_training_class_name"),
)

trainee = sa.Table(
    "trainee",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("class_id", sa.String(36), sa.ForeignKey("training_class.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("username", name="uq_trainee_username"),
)

exercise = sa.Table(
    "exercise",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("cipher", sa.String(40), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("difficulty", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("plaintext", sa.Text, nullable=False),
    sa.Column("key", sa.JSON, nullable=False),
    sa.Column("ciphertext", sa.Text, nullable=False),
    sa.Column("max_answers", sa.Integer, nullable=False),
    sa.UniqueConstraint("number", name="uq_exercise_number"),
    sa.CheckConstraint("difficulty BETWEEN 1 AND 5", name="difficulty"),
)

exercise_set = sa.Table(
    "exercise_set",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("class_id", sa.String(36), sa.ForeignKey("training_class.id"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.UniqueConstraint("class_id", "name", name="uq_exercise_set_class_name"),
)

exercise_set_item = sa.Table(
    "exercise_set_item",
    metadata,
    sa.Column("set_id", sa.String(36), sa.ForeignKey("exercise_set.id"), primary_key=True),
    sa.Column("exercise_id", sa.String(36), sa.ForeignKey("exercise.id"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)

exercise_attempt = sa.Table(
    "exercise_attempt",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("exercise_id", sa.String(36), sa.ForeignKey("exercise.id"), nullable=False),
    sa.Column("trainee_id", sa.String(36), sa.ForeignKey("trainee.id"), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("exercise_id", "trainee_id", name="uq_exercise_attempt_exercise_trainee"),
)

exercise_hint = sa.Table(
    "exercise_hint",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("attempt_id", sa.String(36), sa.ForeignKey("exercise_attempt.id"), nullable=False),
    sa.Column("given_at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("cost", sa.Integer, nullable=False),
    sa.Column("content", sa.JSON, nullable=False),
)
sa.Index("ix_exercise_hint_attempt", exercise_hint.c.attempt_id)

exercise_answer = sa.Table(
    "exercise_answer",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("attempt_id", sa.String(36), sa.ForeignKey("exercise_attempt.id"), nullable=False),
    sa.Column("submitted_at", UTCDateTime, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("accuracy", sa.Float, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("hint_cost", sa.Integer, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("solved", sa.Boolean, nullable=False),
)
sa.Index("ix_exercise_answer_attempt", exercise_answer.c.attempt_id)
