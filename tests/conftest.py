"""Shared fixtures. `store` runs each test on SQLite and, when LIAISON_TEST_DATABASE_URL is set,
on PostgreSQL too — each run in its own PostgreSQL schema so parallel runs do not collide."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from liaison.store import Store

PG_URL = os.environ.get("LIAISON_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        return "liaison: store tests run on SQLite and PostgreSQL"
    return "liaison: store tests run on SQLite only (set LIAISON_TEST_DATABASE_URL for PostgreSQL)"


def _pg_url_with_schema(schema: str) -> str:
    url = sa.engine.make_url(PG_URL)  # type: ignore[arg-type]
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(_pg_url_with_schema("public"))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield _pg_url_with_schema(schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def cli_env(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI at the test store."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    return store_url
