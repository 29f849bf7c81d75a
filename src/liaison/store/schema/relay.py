"""Coalition relay (migration 0032_relay): originator-signed items kept end to end, their hop
chains, the originators' consents, who we passed each item to, and the originators' signed batch
seals over the observations they sent us.

A received item's signed form is kept verbatim (`item_envelope`) so it can be passed on unchanged
— the originator's signature covers the body, so nobody on the way can alter it — and so a third
party can check it long after the pouch that carried it is gone.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

# One row per received originator-signed item (the newest version: a re-sent intercept with a new
# solution replaces the body); `record` holds body, origin signature, hops and consents as received.
item_envelope = sa.Table(
    "item_envelope",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("originator", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("ref", sa.String(200), nullable=False),
    sa.Column("item_sha256", sa.String(64), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("received_from", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("kind", "originator", "ref", name="uq_item_envelope_kind_orig_ref"),
)
sa.Index("ix_item_envelope_received", item_envelope.c.received_at)

# An originator's signed consent that one recipient may receive one ORCON item (ours, or received
# with the item so the holder may relay it to that recipient).
item_consent = sa.Table(
    "item_consent",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("originator", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("ref", sa.String(200), nullable=False),
    sa.Column("recipient", sa.String(16), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("originator", "record_sha256", name="uq_item_consent_orig_record"),
)
sa.Index("ix_item_consent_item", item_consent.c.kind, item_consent.c.originator, item_consent.c.ref)

# Who we passed each item to (ours or relayed): where retractions and burn notices must follow.
item_sent = sa.Table(
    "item_sent",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("originator", sa.String(16), nullable=False),
    sa.Column("ref", sa.String(200), nullable=False),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("kind", "originator", "ref", "partner_code", name="uq_item_sent"),
)

# Signed records of others we forwarded along an item's hops (retractions, burn notices).
record_forward = sa.Table(
    "record_forward",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("record_sha256", sa.String(64), nullable=False),
    sa.Column("sent_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("partner_code", "record_sha256", name="uq_record_forward"),
)

# The originator's seal over the observations of one pouch: a signature over the SHA-256 of the
# concatenated per-record digests (`leaves`, 32 bytes each, in payload order), so any one stored
# observation can be checked later against the originator's key.
origin_batch = sa.Table(
    "origin_batch",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("originator", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("received_from", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("leaves", sa.LargeBinary, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
)
