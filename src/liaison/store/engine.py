"""Engine, default location and schema upgrade on first use.

`LIAISON_DATABASE_URL` picks the database; without it an SQLite file under the user's data
directory is used. Every Store upgrades the schema to the newest Alembic heads when opened.

Writers queue instead of colliding. A write transaction (`Store.begin()`, the default) on SQLite
first takes an in-process gate for its database file (threads wait in line, not in SQLite's
polling busy handler), then `BEGIN IMMEDIATE`, which takes SQLite's write lock up front and waits
for it up to the busy timeout (a deferred BEGIN that reads and then writes fails at once when
another writer got in between). On PostgreSQL `lock_timeout` bounds every lock wait. A write
that still cannot proceed raises `StoreBusy` (web 503 + Retry-After, CLI exit 75); nothing of it
is written, and its audit entry, written in the same transaction, is never lost on its own.
`LIAISON_BUSY_TIMEOUT` (seconds, default 30) sets the wait.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from liaison.core.errors import LiaisonError, StoreBusy

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "liaison_write"  # execution option: this connection's transactions write


def busy_timeout() -> float:
    """Seconds a writer waits for the store before `StoreBusy` (LIAISON_BUSY_TIMEOUT)."""
    try:
        return max(0.0, float(os.environ.get("LIAISON_BUSY_TIMEOUT", "30")))
    except ValueError:
        return 30.0


# SQLite: "database is locked"/"busy"; PostgreSQL: lock_not_available, serialization_failure,
# deadlock_detected, query_canceled (a lock wait ended by the server)
_PG_BUSY = {"55P03", "40001", "40P01"}


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "another writer holds the store" (worth a retry)."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in _PG_BUSY:
        return True
    text = str(orig).lower()
    return (
        "database is locked" in text
        or "database table is locked" in text
        or ("database is busy" in text)
    )


def _busy(url: str) -> StoreBusy:
    return StoreBusy(
        f"the store is busy (other writers held it for more than {busy_timeout():g} s); "
        "nothing was written — try again"
    )


_GATES: dict[str, threading.RLock] = {}
_GATES_LOCK = threading.Lock()


def _gate_for(url: str) -> threading.RLock | None:
    """One re-entrant lock per SQLite database file in this process (None for other stores)."""
    u = sa.engine.make_url(url)
    if not u.drivername.startswith("sqlite") or not u.database or u.database == ":memory:":
        return None
    key = str(Path(u.database).resolve())
    with _GATES_LOCK:
        return _GATES.setdefault(key, threading.RLock())


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
    cur.execute(f"PRAGMA busy_timeout={int(busy_timeout() * 1000)}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _pg_timeouts(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute(f"SET lock_timeout = {int(busy_timeout() * 1000)}")
    cur.close()
    dbapi_conn.commit()


def _json_dumps(obj: object) -> str:
    """JSON columns written by orjson: several times faster than the standard library, which
    matters when a meeting writes tens of thousands of rows (keys that are not text become
    text, as json.dumps does)."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_loads(value: str | bytes | float) -> object:
    """JSON columns read by orjson. SQLite's JSON columns have numeric affinity, so a bare number
    (a Caesar key, say) comes back as a number: SQLAlchemy passes it on only when the reader
    raises TypeError, which orjson does not, so numbers are returned as they are here."""
    if isinstance(value, (int, float)):
        return value
    return orjson.loads(value)


#: orjson reads JSON columns to the same Python values as json.loads, faster.
JSON = {"json_serializer": _json_dumps, "json_deserializer": _json_loads}


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        # Pool sized for the web server's thread pool (40 threads, one connection each).
        engine = sa.create_engine(
            url,
            **JSON,
            connect_args={"timeout": busy_timeout()},
            pool_size=10,
            max_overflow=40,
            pool_timeout=60,
        )
        event.listen(engine, "connect", _sqlite_pragmas)

        # Let SQLAlchemy own transactions (pysqlite's implicit BEGIN is unreliable).
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # a writer takes the write lock up front (and waits for it); readers stay deferred
            write = conn.get_execution_options().get(WRITE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    engine = sa.create_engine(
        url, **JSON, pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=60
    )
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _pg_timeouts)
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to every capability's newest revision (Alembic 'heads').

    Checked first in a read; migrated in a write transaction, so two processes opening a new
    store one after the other queue, and the second finds the work done."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        if set(MigrationContext.configure(conn).get_current_heads()) == heads:
            return
    gate = _gate_for(engine.url.render_as_string(hide_password=False))
    with _held(gate, engine.url.render_as_string()), engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            _migrate(conn, heads)


def _migrate(conn: Connection, heads: set[str]) -> None:
    if set(MigrationContext.configure(conn).get_current_heads()) != heads:
        command.upgrade(alembic_config(conn), "heads")


@contextmanager
def _held(gate: threading.RLock | None, url: str) -> Iterator[None]:
    """Hold the in-process writer gate (waiting at most the busy timeout)."""
    if gate is None:
        yield
        return
    if not gate.acquire(timeout=busy_timeout()):
        raise _busy(url)
    try:
        yield
    finally:
        gate.release()


class Store:
    """A database with Liaison's schema. Cheap to pass around; holds one Engine."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = database_url(url)
        self._gate = _gate_for(self.url)
        try:
            self.engine = make_engine(self.url)
            if migrate:
                upgrade(self.engine)
        except sa.exc.OperationalError as exc:
            if is_busy(exc):
                raise _busy(self.url) from None
            raise LiaisonError(f"cannot open the store at {self.display_url}: {exc.orig}") from None

    @property
    def display_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self, *, write: bool = True) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any error.

        A write transaction (the default) queues behind other writers (see the module text);
        `write=False` is for a transaction that only reads. `StoreBusy` when the wait runs out."""
        with self.connect(write=write) as conn, conn.begin():
            yield conn

    @contextmanager
    def connect(self, *, write: bool = False) -> Iterator[Connection]:
        """A connection; with `write=True` its transactions are write transactions (they hold
        the writer gate and begin IMMEDIATE on SQLite) — for callers that commit by hand."""
        try:
            with _held(self._gate if write else None, self.url), self.engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE: True})
                yield conn
        except sa.exc.DBAPIError as exc:
            if is_busy(exc):
                raise _busy(self.url) from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None) -> Store:
    return Store(url)
