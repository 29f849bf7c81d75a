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
