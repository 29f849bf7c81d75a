"""The liaison meeting: crosswalk decisions, meetings, their discrepancies and the agreed picture."""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

# Append-only: the latest decision for a pair is the one in force ("withdrawn" undoes a link).
crosswalk = sa.Table(
    "crosswalk",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ours_partner", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("ours_unit", sa.String(200), nullable=False),
    sa.Column("theirs_partner", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("theirs_unit", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.CheckConstraint("status IN ('confirmed','rejected','withdrawn')", name="status"),
)

meeting = sa.Table(
    "meeting",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ours_partner", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("theirs_partner", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("as_of", UTCDateTime, nullable=True),
    sa.Column("snapshot_at", UTCDateTime, nullable=False),
    sa.Column("opened_by", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("closed_at", UTCDateTime, nullable=True),
    sa.Column("closed_by", sa.String(200), nullable=True),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("agreed_digest", sa.String(64), nullable=True),
    sa.Column("minutes", sa.Text, nullable=True),
    # Issue 21: a meeting held by both sides. `ref` names it on both stores ("PL/3": the host's
    # code and meeting id); `host` opened it; `shared` is None for a meeting held by one side,
    # else sent / joined / mismatch; `inputs` what the queue was computed from (pouch numbers,
    # picture digests, crosswalk, the previous meeting) so the partner can recompute it.
    sa.Column("ref", sa.String(40), nullable=True, unique=True),
    sa.Column("host", sa.String(16), nullable=True),
    sa.Column("shared", sa.String(16), nullable=True),
    sa.Column("share_note", sa.Text, nullable=True),
    sa.Column("inputs", sa.JSON, nullable=True),
    sa.Column("previous_id", sa.Integer, nullable=True),
    sa.Column("joined_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("status IN ('open','closed')", name="status"),
)

meeting_match = sa.Table(
    "meeting_match",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), primary_key=True),
    sa.Column("ours_unit", sa.String(200), primary_key=True),
    sa.Column("theirs_unit", sa.String(200), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("confirmed", sa.Boolean, nullable=False, server_default=sa.false()),
)

discrepancy = sa.Table(
    "discrepancy",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("ours_unit", sa.String(200), nullable=True),
    sa.Column("theirs_unit", sa.String(200), nullable=True),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("ours_source", sa.JSON, nullable=True),
    sa.Column("theirs_source", sa.JSON, nullable=True),
    sa.Column("resolution", sa.String(10), nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("resolved_by", sa.String(200), nullable=True),
    sa.Column("resolved_at", UTCDateTime, nullable=True),
    # Issue 21: memory and the partner's position. `shared_key` names the discrepancy on both
    # sides and across meetings ("location:JP=x|PL=u"); `facts` the two units' facts it is about
    # (by partner code); `memory` what the previous meeting decided about it; `settled` an item
    # carried as settled (not raised again); `partner_*` the partner's position, in our terms.
    sa.Column("shared_key", sa.String(450), nullable=True),
    sa.Column("facts", sa.JSON, nullable=True),
    sa.Column("memory", sa.JSON, nullable=True),
    sa.Column("settled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("partner_position", sa.String(10), nullable=True),
    sa.Column("partner_comment", sa.Text, nullable=True),
    sa.Column("partner_by", sa.String(200), nullable=True),
    sa.Column("partner_at", UTCDateTime, nullable=True),
    sa.CheckConstraint(
        "resolution IS NULL OR resolution IN ('ours','theirs','neither','defer')", name="resolution"
    ),
)
sa.Index("ix_discrepancy_meeting", discrepancy.c.meeting_id)

collection_requirement = sa.Table(
    "collection_requirement",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), nullable=False),
    sa.Column("discrepancy_id", sa.Integer, sa.ForeignKey("discrepancy.id"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

agreed_unit = sa.Table(
    "agreed_unit",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), primary_key=True),
    sa.Column("key", sa.String(450), primary_key=True),
    sa.Column("ours_unit", sa.String(200), nullable=True),
    sa.Column("theirs_unit", sa.String(200), nullable=True),
    sa.Column("facts", sa.JSON, nullable=False),
)

# Issue 21: the agreed picture of a meeting held by both sides, as this side computed it (RFC 8785
# canonical JSON), and the signatures over it: ours, and the partner's once verified over our own
# computation (a refused one is kept with its reason).
agreed_document = sa.Table(
    "agreed_document",
    metadata,
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), primary_key=True),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("computed_at", UTCDateTime, nullable=False),
)

agreed_signature = sa.Table(
    "agreed_signature",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), nullable=False),
    sa.Column("partner_code", sa.String(16), nullable=False),
    sa.Column("key_fingerprint", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("status IN ('verified','refused')", name="status"),
)
sa.Index("ix_agreed_signature_meeting", agreed_signature.c.meeting_id)

# Designations as parsed (issue 21): a derived cache, so that a new process opening a meeting
# does not parse every designation of both pictures again. Rows are valid only for the parser
# that wrote them (`parser`: a digest of liaison.names); nothing refers to them.
designation_parse = sa.Table(
    "designation_parse",
    metadata,
    sa.Column("parser", sa.String(16), primary_key=True),
    sa.Column("text", sa.String(1000), primary_key=True),
    sa.Column("number", sa.Integer, nullable=True),
    sa.Column("echelon", sa.String(40), nullable=True),
    sa.Column("branch", sa.String(40), nullable=True),
    sa.Column("honorifics", sa.String(400), nullable=False, server_default=""),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("language", sa.String(8), nullable=True),
    sqlite_with_rowid=False,  # stored in key order: one parser's rows are read in one sweep
)
