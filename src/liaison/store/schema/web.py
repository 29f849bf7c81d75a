"""The team server: users (one partner each, one role), sign-in sessions and API tokens.

Secrets are never stored: passwords as argon2id hashes, session and API tokens as SHA-256 digests
(they are long random values, so a fast digest is enough and keeps every request cheap).
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

web_user = sa.Table(
    "web_user",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("partner_code", sa.String(16), sa.ForeignKey("partner.code"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("disabled_at", UTCDateTime, nullable=True),
    sa.CheckConstraint("role IN ('admin','analyst','viewer')", name="role"),
)

web_session = sa.Table(
    "web_session",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), sa.ForeignKey("web_user.username"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
)

api_token = sa.Table(
    "api_token",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("username", sa.String(64), sa.ForeignKey("web_user.username"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
)

# Sign-in attempts per key ("user:NAME", "addr:IP") in a fixed window: counted with one atomic
# upsert BEFORE the password is checked, so parallel guesses cannot all slip under the limit.
web_signin = sa.Table(
    "web_signin",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("window_start", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
)
