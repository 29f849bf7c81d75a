"""Sources as people (migration 0002_sources): aliases and cover names, handler and
intermediaries, compartments granted to users, and burned sources with what they re-graded.

None of this ever leaves the store: no pouch, export or partner-facing page reads these tables
(a burn notice names the re-graded items only).
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

source_person = sa.Table(
    "source_person",
    metadata,
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), primary_key=True),
    sa.Column("handler", sa.String(200), nullable=True),
    sa.Column("intermediaries", sa.JSON, nullable=True),  # list of names, in order
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

source_alias = sa.Table(
    "source_alias",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), nullable=False),
    sa.Column("alias", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("source_id", "alias", name="uq_source_alias_source_alias"),
    sa.CheckConstraint("kind IN ('alias','cover')", name="kind"),
)

# Compartments a user is read into (web users by username; the CLI by LIAISON_USER or $USER).
user_compartment = sa.Table(
    "user_compartment",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("compartment", sa.String(100), primary_key=True),
    sa.Column("granted_at", UTCDateTime, nullable=False),
)

# A burn: ours (source_id set, reason kept here only) or a partner's signed notice (record set).
source_burn = sa.Table(
    "source_burn",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("source_id", sa.String(36), sa.ForeignKey("source.id"), nullable=True),
    sa.Column("since", UTCDateTime, nullable=True),
    sa.Column("reliability", sa.String(1), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("burned_at", UTCDateTime, nullable=False),
    sa.Column("record", sa.JSON, nullable=True),
    sa.Column("record_sha256", sa.String(64), nullable=True),
    sa.CheckConstraint("reliability IN ('A','B','C','D','E','F')", name="reliability"),
)

# What a burn re-graded: observation, intercept or report rows of this store.
burned_item = sa.Table(
    "burned_item",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("burn_id", sa.String(36), sa.ForeignKey("source_burn.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("item_id", sa.String(36), nullable=False),
    sa.Column("reliability", sa.String(1), nullable=False),
    sa.Column("burned_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("burn_id", "kind", "item_id", name="uq_burned_item"),
)
sa.Index("ix_burned_item_item", burned_item.c.kind, burned_item.c.item_id)
