from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from liaison.store import Store, audit
from liaison.store.schema import metadata


def test_upgrade_from_empty_matches_the_declared_schema(store: Store) -> None:
    with store.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"partner", "unit", "observation", "source", "audit"} <= names


def test_opening_twice_is_idempotent(store_url: str) -> None:
    Store(store_url).dispose()
    s = Store(store_url)
    with s.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    assert len(heads) >= 1
    s.dispose()


def test_sqlite_has_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with s.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    s.dispose()


def test_audit_chain_detects_edit_and_deletion(store: Store) -> None:
    with store.begin() as conn:
        for i in range(5):
            audit.record(conn, "tester", "write", f"t{i}", {"i": i})
    with store.connect() as conn:
        rep = audit.verify(conn)
    assert rep.ok and rep.entries == 5
    with store.begin() as conn:
        conn.execute(sa.update(audit.audit).where(audit.audit.c.seq == 3).values(target="forged"))
    with store.connect() as conn:
        rep = audit.verify(conn)
    assert not rep.ok and rep.broken_at == 3
    with store.begin() as conn:
        conn.execute(sa.update(audit.audit).where(audit.audit.c.seq == 3).values(target="t2"))
        conn.execute(sa.delete(audit.audit).where(audit.audit.c.seq == 2))
    with store.connect() as conn:
        rep = audit.verify(conn)
    assert not rep.ok and rep.broken_at == 3 and "link" in rep.reason


def test_rollback_leaves_no_audit_entry(store: Store) -> None:
    try:
        with store.begin() as conn:
            audit.record(conn, "tester", "write")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with store.connect() as conn:
        assert audit.verify(conn).entries == 0


def test_json_columns_round_trip_bare_numbers_and_text(store: Store) -> None:
    """SQLite gives JSON columns numeric affinity, so a bare number comes back as a number; the
    store's JSON reader must hand it on (a Caesar key of 3 once broke the intercept page)."""
    scratch = sa.Table(
        "scratch_json",
        sa.MetaData(),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("v", sa.JSON, nullable=True),
    )
    values = [3, 2.5, "KEY", "3", ["a", 1], {"shift": 3, "é": "ü"}, None]
    with store.begin() as conn:
        scratch.create(conn)
        conn.execute(scratch.insert(), [{"n": i, "v": v} for i, v in enumerate(values)])
        got = [r.v for r in conn.execute(sa.select(scratch).order_by(scratch.c.n))]
        scratch.drop(conn)
    assert got == values
