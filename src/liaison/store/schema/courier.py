"""The courier: partners' public keys (and revocations), release policies, the pouch log."""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

partner_key = sa.Table(
    "partner_key",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("sign_pk", sa.String(64), nullable=False),
    sa.Column("box_pk", sa.String(64), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
    sa.Column("revoked_reason", sa.Text, nullable=True),
    sa.UniqueConstraint("partner_code", "sign_pk", name="uq_partner_key_partner_sign"),
)

release_policy = sa.Table(
    "release_policy",
    metadata,
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), primary_key=True),
    sa.Column("max_tlp", sa.String(16), nullable=False),
    sa.Column("release_sources", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("release_notes", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

pouch_log = sa.Table(
    "pouch_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("direction", sa.String(3), nullable=False),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("prev_digest", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("units", sa.Integer, nullable=False),
    sa.UniqueConstraint(
        "direction", "partner_code", "seq", name="uq_pouch_log_direction_partner_seq"
    ),
    sa.CheckConstraint("direction IN ('out','in')", name="direction"),
)

# ---- items a pouch carries besides units (migration 0031_courier_items) ---------------------------
# Free-text reports: append-only like observations, marked for release, owned by the originator
# (`partner_code`); a received report names who passed it (`received_from`).
report = sa.Table(
    "report",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("local_id", sa.String(200), nullable=False),
    sa.Column("received_from", sa.String(16), sa.ForeignKey("partner.code"), nullable=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("written_at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("tlp", sa.String(16), nullable=False, server_default="AMBER"),
    sa.Column("rel_to", sa.String(200), nullable=False, server_default=""),
    sa.Column("orcon", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("retracted_at", UTCDateTime, nullable=True),
    sa.UniqueConstraint("partner_code", "local_id", name="uq_report_partner_local"),
)
sa.Index("ix_report_recorded", report.c.recorded_at)

# Attachments carry their own marking: a releasable report may travel without a withheld file.
report_attachment = sa.Table(
    "report_attachment",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("report_id", sa.String(36), sa.ForeignKey("report.id"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("tlp", sa.String(16), nullable=False, server_default="AMBER"),
    sa.Column("rel_to", sa.String(200), nullable=False, server_default=""),
    sa.Column("orcon", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("report_id", "name", name="uq_report_attachment_report_name"),
)

# Retractions of reports and intercepts (ours, and received ones with their signed record).
tombstone = sa.Table(
    "tombstone",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(200), nullable=False),
    sa.Column("valid_at", UTCDateTime, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("received_from", sa.String(16), sa.ForeignKey("partner.code"), nullable=True),
    sa.Column("record", sa.JSON, nullable=True),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.UniqueConstraint("partner_code", "record_sha256", name="uq_tombstone_partner_record"),
    sa.CheckConstraint("kind IN ('observation','report','intercept')", name="kind"),
)
sa.Index("ix_tombstone_issued", tombstone.c.issued_at)

# Key rotations and revocations as signed records; ours are sent, partners' are applied.
key_event = sa.Table(
    "key_event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("key_fingerprint", sa.String(64), nullable=False),
    sa.Column("new_fingerprint", sa.String(64), nullable=True),
    sa.Column("effective_at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint(
        "partner_code", "kind", "key_fingerprint", name="uq_key_event_partner_kind_key"
    ),
    sa.CheckConstraint("kind IN ('rotation','revocation')", name="kind"),
)

# A closed meeting's outcome (the agreed picture's digest) and the parties' signatures over it.
meeting_outcome = sa.Table(
    "meeting_outcome",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(100), nullable=False),
    sa.Column("issuer", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("counterpart", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("meeting_id", sa.Integer, nullable=True),
    sa.Column("agreed_digest", sa.String(64), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("ref", name="uq_meeting_outcome_ref"),
)

outcome_signature = sa.Table(
    "outcome_signature",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("outcome_id", sa.Integer, sa.ForeignKey("meeting_outcome.id"), nullable=False),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("key_fingerprint", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("outcome_id", "partner_code", name="uq_outcome_signature_outcome_partner"),
)

# Signed, cumulative acknowledgements a partner sent us for our pouches ("opened up to seq N").
pouch_ack = sa.Table(
    "pouch_ack",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("acked_at", UTCDateTime, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.UniqueConstraint("partner_code", "seq", name="uq_pouch_ack_partner_seq"),
)

# Sealed pouches kept for the network endpoint (and to send again a pouch that got lost).
pouch_outbox = sa.Table(
    "pouch_outbox",
    metadata,
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
