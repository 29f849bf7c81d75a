"""Order of battle: partners, sources, units (identity) and observations (bitemporal facts).

A unit row is only an identity (partner + the partner's own id). Everything that can change —
designation, echelon, branch, parent, position, holdings — lives in append-only observations, so
re-subordination and reorganisation are history, not overwrites.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

partner = sa.Table(
    "partner",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("is_self", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

source = sa.Table(
    "source",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("codename", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("reliability", sa.String(1), nullable=False),
    sa.Column("compartment", sa.String(100), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("partner_code", "codename", name="uq_source_partner_codename"),
    sa.CheckConstraint("kind IN ('HUMINT','SIGINT','OSINT','IMINT','LIAISON')", name="kind"),
    sa.CheckConstraint("reliability IN ('A','B','C','D','E','F')", name="reliability"),
)

unit = sa.Table(
    "unit",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("local_id", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("partner_code", "local_id", name="uq_unit_partner_local"),
)

observation = sa.Table(
    "observation",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("unit_id", sa.String(36), sa.ForeignKey("unit.id"), nullable=False),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("valid_at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("designation", sa.String(300), nullable=True),
    sa.Column("echelon", sa.String(40), nullable=True),
    sa.Column("branch", sa.String(40), nullable=True),
    sa.Column("parent_local_id", sa.String(200), nullable=True),
    sa.Column("sidc", sa.String(20), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("place", sa.String(300), nullable=True),
    sa.Column("equipment", sa.JSON, nullable=True),
    sa.Column("strength", sa.Integer, nullable=True),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), nullable=True),
    sa.Column("reliability", sa.String(1), nullable=True),
    sa.Column("credibility", sa.Integer, nullable=True),
    sa.Column("tlp", sa.String(16), nullable=False, server_default="AMBER"),
    sa.Column("rel_to", sa.String(200), nullable=False, server_default=""),
    sa.Column("orcon", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("retracts", sa.String(36), sa.ForeignKey("observation.id"), nullable=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("batch", sa.String(36), nullable=True),
    sa.UniqueConstraint("unit_id", "fingerprint", name="uq_observation_unit_fingerprint"),
    sa.CheckConstraint("credibility IS NULL OR (credibility BETWEEN 1 AND 6)", name="credibility"),
)
sa.Index("ix_observation_partner_valid", observation.c.partner_code, observation.c.valid_at)
sa.Index("ix_observation_unit_valid", observation.c.unit_id, observation.c.valid_at)
# what a partner recorded since a time (a meeting's changed units, a kept picture's version)
sa.Index(
    "ix_observation_partner_recorded",
    observation.c.partner_code,
    observation.c.recorded_at,
    observation.c.id,
)

# Issue 21: a partner's picture as last read in full, so that a new process (the CLI opening a
# meeting) starts from it and reads only the units changed since, as a serving process does from
# the picture it keeps (`orbat.picture_cache`). One row per partner, "as known now"; the version
# columns say which observations and burns it folds; `format` the form of `units` (JSON).
picture_snapshot = sa.Table(
    "picture_snapshot",
    metadata,
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), primary_key=True),
    sa.Column("format", sa.Integer, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("last_id", sa.String(36), nullable=True),
    sa.Column("last_recorded", UTCDateTime, nullable=True),
    sa.Column("burns", sa.Integer, nullable=False),
    sa.Column("last_burned", UTCDateTime, nullable=True),
    sa.Column("units", sa.Text, nullable=False),
    sa.Column("written_at", UTCDateTime, nullable=False),
)
