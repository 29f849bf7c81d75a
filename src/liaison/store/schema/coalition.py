"""The coalition meeting (issue 23): three or more partners, one queue, one agreed picture.

Apart from `meeting` (which is oriented ours/theirs and remembers previous meetings with one
partner): here every participant is named by partner code, each participant's input picture is
kept as it contributed it, and positions and signatures are one row per participant."""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

coalition_meeting = sa.Table(
    "coalition_meeting",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, unique=True),
    sa.Column("host", sa.String(16), nullable=False),
    sa.Column("participants", sa.JSON, nullable=False),  # partner codes, host first
    sa.Column("as_of", UTCDateTime, nullable=True),
    sa.Column("opened_by", sa.String(200), nullable=False),
    sa.Column("opened_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("queue_digest", sa.String(64), nullable=True),  # once every input is held
    sa.Column("clusters", sa.JSON, nullable=True),
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.Column("closed_by", sa.String(200), nullable=True),
    sa.Column("positions_digest", sa.String(64), nullable=True),
    sa.Column("note", sa.Text, nullable=True),  # why this side could not agree (a mismatch)
    sa.CheckConstraint("status IN ('open','closed')", name="status"),
)

coalition_input = sa.Table(
    "coalition_input",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("coalition_meeting.id"), primary_key=True),
    sa.Column("partner_code", sa.String(16), primary_key=True),
    sa.Column("units", sa.JSON, nullable=False),  # the picture as its partner contributed it
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
)

coalition_item = sa.Table(
    "coalition_item",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("coalition_meeting.id"), nullable=False),
    sa.Column("key", sa.String(450), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("cluster", sa.Integer, nullable=False),
    sa.Column("units", sa.JSON, nullable=False),
    sa.Column("values", sa.JSON, nullable=False),
    sa.Column("disagreeing", sa.JSON, nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.UniqueConstraint("meeting_id", "key", name="uq_coalition_item_meeting_key"),
)

coalition_position = sa.Table(
    "coalition_position",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("coalition_meeting.id"), nullable=False),
    sa.Column("key", sa.String(450), nullable=False),
    sa.Column("partner_code", sa.String(16), nullable=False),
    sa.Column("position", sa.String(16), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint(
        "meeting_id", "key", "partner_code", name="uq_coalition_position_meeting_key_partner"
    ),
)

coalition_agreed = sa.Table(
    "coalition_agreed",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("coalition_meeting.id"), primary_key=True),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("computed_at", UTCDateTime, nullable=False),
)

coalition_signature = sa.Table(
    "coalition_signature",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("coalition_meeting.id"), nullable=False),
    sa.Column("partner_code", sa.String(16), nullable=False),
    sa.Column("key_fingerprint", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("status IN ('verified','refused','held')", name="status"),
)
sa.Index("ix_coalition_signature_meeting", coalition_signature.c.meeting_id)
