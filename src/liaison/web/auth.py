"""Users, passwords, sign-in sessions, API tokens and the sign-in rate limit.

A library API (the `liaison user` CLI and the web app both call it). Deny by default: an unknown,
disabled, expired or revoked anything is simply "not signed in". Every write goes into the audit
chain. Secrets are stored only as hashes: argon2id for passwords (slow on purpose), SHA-256 for
the long random session and API tokens (fast, so every request stays cheap).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, utcnow
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.orbat.partners import get_partner
from liaison.store.audit import record
from liaison.store.schema.audit import audit
from liaison.store.schema.orbat import partner
from liaison.store.schema.web import api_token, web_session, web_signin, web_user
from liaison.store.types import UTCDateTime

ROLES = ("admin", "analyst", "viewer")
SESSION_HOURS = 12
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class User:
    """A signed-in principal: who, which role, which partner's material they belong to."""

    username: str
    role: str
    partner: str
    via: str = "session"  # "session" (cookie, CSRF-checked) or "token" (Authorization header)
    csrf: str = ""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"password too short: at least {MIN_PASSWORD} characters")


def add_user(
    conn: Connection, username: str, password: str, role: str, partner: str, *, actor: str
) -> User:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError(
            f"username {username!r}: use 2–64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit"
        )
    if role not in ROLES:
        raise ValidationError(f"role {role!r}: must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    p = get_partner(conn, partner)
    if conn.execute(sa.select(web_user.c.username).where(web_user.c.username == username)).first():
        raise ConflictError(f"user {username!r} already exists")
    conn.execute(
        web_user.insert().values(
            username=username,
            partner_code=p.code,
            role=role,
            password_hash=_hasher.hash(password),
            created_at=utcnow(),
        )
    )
    record(conn, actor, "user.add", username, {"role": role, "partner": p.code})
    return User(username, role, p.code)


def list_users(conn: Connection, partner: str | None = None) -> list[dict[str, Any]]:
    """Every user, or only `partner`'s (what a partner's own admin may see)."""
    q = sa.select(web_user).order_by(web_user.c.username)
    if partner is not None:
        q = q.where(web_user.c.partner_code == partner)
    rows = conn.execute(q)
    return [
        {
            "username": r.username,
            "partner": r.partner_code,
            "role": r.role,
            "created_at": iso(r.created_at),
            "disabled": r.disabled_at is not None,
        }
        for r in rows
    ]


def user_partner(conn: Connection, username: str) -> str:
    """The partner an account belongs to (the target of an admin action on it)."""
    return str(_user_row(conn, username).partner_code)


def partner_usernames(conn: Connection, partner: str) -> list[str]:
    """Usernames of one partner's accounts (whose audit entries that partner's admin may read)."""
    q = sa.select(web_user.c.username).where(web_user.c.partner_code == partner)
    return [str(u) for u in conn.execute(q).scalars()]


def _user_row(conn: Connection, username: str) -> Any:
    row = conn.execute(sa.select(web_user).where(web_user.c.username == username)).first()
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row


def set_password(conn: Connection, username: str, password: str, *, actor: str) -> None:
    _user_row(conn, username)
    check_password_strength(password)
    conn.execute(
        web_user.update()
        .where(web_user.c.username == username)
        .values(password_hash=_hasher.hash(password))
    )
    _revoke_sessions(conn, username)
    record(conn, actor, "user.password", username)


def set_role(conn: Connection, username: str, role: str, *, actor: str) -> None:
    _user_row(conn, username)
    if role not in ROLES:
        raise ValidationError(f"role {role!r}: must be one of {', '.join(ROLES)}")
    conn.execute(web_user.update().where(web_user.c.username == username).values(role=role))
    record(conn, actor, "user.role", username, {"role": role})


def disable_user(conn: Connection, username: str, *, actor: str) -> None:
    _user_row(conn, username)
    now = utcnow()
    conn.execute(web_user.update().where(web_user.c.username == username).values(disabled_at=now))
    _revoke_sessions(conn, username)
    conn.execute(
        api_token.update()
        .where(api_token.c.username == username, api_token.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    record(conn, actor, "user.disable", username)


def _revoke_sessions(conn: Connection, username: str) -> None:
    conn.execute(
        web_session.update()
        .where(web_session.c.username == username, web_session.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def verify_password(password_hash: str, password: str) -> bool:
    """The one place a password is checked (argon2id, slow on purpose)."""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    """The user if the password is right and the account enabled; None otherwise (no reason
    given, so a caller cannot probe which usernames exist)."""
    row = conn.execute(
        sa.select(web_user).where(web_user.c.username == username.strip().lower())
    ).first()
    ok = verify_password(row.password_hash if row else _DUMMY, password)
    if not ok or row is None or row.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(
            web_user.update()
            .where(web_user.c.username == row.username)
            .values(password_hash=_hasher.hash(password))
        )
    return User(row.username, row.role, row.partner_code)


def start_session(conn: Connection, user: User) -> tuple[str, str]:
    """(session token for the cookie, CSRF token for forms). Only the token's digest is kept."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = utcnow()
    conn.execute(
        web_session.insert().values(
            token_hash=_digest(token),
            username=user.username,
            csrf=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    record(conn, user.username, "session.start", user.username)
    return token, csrf


def end_session(conn: Connection, token: str, *, actor: str) -> None:
    conn.execute(
        web_session.update()
        .where(web_session.c.token_hash == _digest(token), web_session.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    record(conn, actor, "session.end", actor)


def session_user(conn: Connection, token: str) -> User | None:
    row = conn.execute(
        sa.select(web_user, web_session.c.csrf)
        .select_from(web_session.join(web_user))
        .where(
            web_session.c.token_hash == _digest(token),
            web_session.c.revoked_at.is_(None),
            web_session.c.expires_at > utcnow(),
            web_user.c.disabled_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    return User(row.username, row.role, row.partner_code, "session", row.csrf)


def create_token(conn: Connection, username: str, name: str, *, actor: str) -> str:
    """A new API token for scripts; shown once, stored only as its digest."""
    row = _user_row(conn, username)
    if row.disabled_at is not None:
        raise ConflictError(f"user {username!r} is disabled")
    token = "lia_" + secrets.token_urlsafe(32)
    tid = new_id()
    conn.execute(
        api_token.insert().values(
            id=tid,
            token_hash=_digest(token),
            username=username,
            name=name[:100] or "token",
            created_at=utcnow(),
        )
    )
    record(conn, actor, "token.create", username, {"token_id": tid, "name": name})
    return token


def list_tokens(conn: Connection, username: str | None = None) -> list[dict[str, Any]]:
    q = sa.select(api_token).order_by(api_token.c.created_at)
    if username is not None:
        q = q.where(api_token.c.username == username)
    return [
        {
            "id": r.id,
            "username": r.username,
            "name": r.name,
            "created_at": iso(r.created_at),
            "revoked": r.revoked_at is not None,
        }
        for r in conn.execute(q)
    ]


def revoke_token(conn: Connection, token_id: str, *, actor: str, owner: str | None = None) -> None:
    q = sa.select(api_token).where(api_token.c.id == token_id)
    if owner is not None:
        q = q.where(api_token.c.username == owner)
    if conn.execute(q).first() is None:
        raise NotFoundError(f"no token {token_id!r}")
    conn.execute(api_token.update().where(api_token.c.id == token_id).values(revoked_at=utcnow()))
    record(conn, actor, "token.revoke", token_id)


def token_user(conn: Connection, token: str) -> User | None:
    row = conn.execute(
        sa.select(web_user)
        .select_from(api_token.join(web_user))
        .where(
            api_token.c.token_hash == _digest(token),
            api_token.c.revoked_at.is_(None),
            web_user.c.disabled_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    return User(row.username, row.role, row.partner_code, "token")


@dataclass(frozen=True)
class Caller:
    """Who sent a request, with what every permission check and cache key needs from the store:
    the home (`is_self`) partner and the audit chain's newest entry number (`liaison.web.memo`)."""

    user: User
    home: str | None
    seq: int


_HOME = sa.select(partner.c.code).where(partner.c.is_self).order_by(partner.c.code).limit(1)
_SEQ = sa.select(sa.func.max(audit.c.seq))
_CALLER = (
    web_user.c.username,
    web_user.c.role,
    web_user.c.partner_code,
    _HOME.scalar_subquery().label("home"),
    _SEQ.scalar_subquery().label("seq"),
)
#: Built once: the statement is the same every request, only the digest (and time) change.
_BY_TOKEN = (
    sa.select(*_CALLER)
    .select_from(api_token.join(web_user))
    .where(
        api_token.c.token_hash == sa.bindparam("digest"),
        api_token.c.revoked_at.is_(None),
        web_user.c.disabled_at.is_(None),
    )
)
_BY_SESSION = (
    sa.select(*_CALLER, web_session.c.csrf)
    .select_from(web_session.join(web_user))
    .where(
        web_session.c.token_hash == sa.bindparam("digest"),
        web_session.c.revoked_at.is_(None),
        web_session.c.expires_at > sa.bindparam("now", type_=UTCDateTime()),
        web_user.c.disabled_at.is_(None),
    )
)


def identify(
    conn: Connection, *, token: str | None = None, session: str | None = None
) -> Caller | None:
    """The caller of an API token or a session cookie (the token wins), in one query; None when
    it is unknown, revoked, expired or its account disabled — checked in the store every time."""
    if token is not None:
        row = conn.execute(_BY_TOKEN, {"digest": _digest(token)}).first()
        if row is None:
            return None
        user = User(row.username, row.role, row.partner_code, "token")
    elif session is not None:
        row = conn.execute(_BY_SESSION, {"digest": _digest(session), "now": utcnow()}).first()
        if row is None:
            return None
        user = User(row.username, row.role, row.partner_code, "session", row.csrf)
    else:
        return None
    return Caller(user, row.home, int(row.seq or 0))


class SignInLimiter:
    """At most `max_attempts` password checks per key (account, client address) in a window.

    The attempt is counted in the store with one atomic upsert (INSERT … ON CONFLICT DO UPDATE …
    RETURNING, on SQLite and PostgreSQL alike) *before* the password is checked, and committed
    at once: parallel guesses each get their own number, and only the first `max_attempts` reach
    the (slow) password check — the rest are refused with a wait. The count lives in the store, so
    the limit holds across threads, workers and servers sharing it. A successful sign-in clears
    the account's count and gives its own attempt back to the address."""

    def __init__(self, max_attempts: int = 5, window_s: float = 300.0) -> None:
        self.max_attempts, self.window_s = max_attempts, window_s

    def _insert(self, conn: Connection) -> Any:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(web_signin)

    def attempt(self, conn: Connection, *keys: str) -> int:
        """Count one attempt on every key; 0 if the password may be checked, else the seconds
        to wait. Call in a transaction of its own that commits before the check."""
        now = utcnow()
        cutoff = now - timedelta(seconds=self.window_s)
        c = web_signin.c
        expired = c.window_start < cutoff
        wait = 0
        for key in keys:
            ins = self._insert(conn).values(key=key[:200], window_start=now, attempts=1)
            stmt = ins.on_conflict_do_update(
                index_elements=[c.key],
                set_={
                    "attempts": sa.case((expired, 1), else_=c.attempts + 1),
                    "window_start": sa.case(
                        (expired, sa.literal(now, UTCDateTime())), else_=c.window_start
                    ),
                },
            ).returning(c.attempts, c.window_start)
            attempts, start = conn.execute(stmt).one()
            if attempts > self.max_attempts:
                left = self.window_s - (now - start).total_seconds()
                wait = max(wait, int(left) + 1)
        return wait

    def hold(self, conn: Connection, key: str) -> None:
        """A write on the key's own row, so the transaction holds the write lock before it reads
        anything (SQLite refuses a read transaction's later write when another wrote meanwhile)."""
        c = web_signin.c
        conn.execute(web_signin.update().where(c.key == key[:200]).values(attempts=c.attempts))

    def succeeded(self, conn: Connection, account_key: str, address_key: str) -> None:
        c = web_signin.c
        conn.execute(web_signin.delete().where(c.key == account_key[:200]))
        conn.execute(
            web_signin.update()
            .where(c.key == address_key[:200], c.attempts > 0)
            .values(attempts=c.attempts - 1)
        )
