"""Engine, default location and schema upgrade on first use.

`LIAISON_DATABASE_URL` picks the database; without it an SQLite file under the user's data
directory is used. Every Store upgrades the schema to the newest Alembic heads when opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from liaison.core.errors import LiaisonError

MIGRATIONS = Path(__file__).parent / "migrations"


def default_sqlite_path() -> Path:
    base = os.environ.get("LIAISON_HOME")
    if base:
        return Path(base) / "liaison.db"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "liaison" / "liaison.db"


def database_url(url: str | None = None) -> str:
    if url:
        return url
    env = os.environ.get("LIAISON_DATABASE_URL")
    if env:
        return env
    path = default_sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        # Pool sized for the web server's thread pool (40 threads, one connection each).
        engine = sa.create_engine(
            url, connect_args={"timeout": 10}, pool_size=10, max_overflow=40, pool_timeout=60
        )
        event.listen(engine, "connect", _sqlite_pragmas)

        # Let SQLAlchemy own transactions (pysqlite's implicit BEGIN is unreliable).
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=60)


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to every capability's newest revision (Alembic 'heads')."""
    with engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        current = set(ctx.get_current_heads())
        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        if current == heads:
            return
        command.upgrade(alembic_config(conn), "heads")


class Store:
    """A database with Liaison's schema. Cheap to pass around; holds one Engine."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = database_url(url)
        try:
            self.engine = make_engine(self.url)
            if migrate:
                upgrade(self.engine)
        except sa.exc.OperationalError as exc:
            raise LiaisonError(f"cannot open the store at {self.display_url}: {exc.orig}") from None

    @property
    def display_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None) -> Store:
    return Store(url)
