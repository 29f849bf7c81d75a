"""Concurrent writers (issue 19, item 3): writers queue; a write that cannot proceed is a clear
`StoreBusy` (web 503 + Retry-After, CLI exit 75), and no audit entry is ever lost or forked.
Runs on SQLite and, with LIAISON_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liaison.core.errors import StoreBusy
from liaison.orbat import partners
from liaison.store import Store, audit
from liaison.store.schema.orbat import observation, unit
from liaison.web.app import create_app
from tests.web.conftest import Web, build_world

ROOT = Path(__file__).resolve().parents[1]
HEADER = "unit_id,designation,echelon,branch,lat,lon\n"


def unit_file(prefix: str, n: int = 40) -> str:
    return HEADER + "".join(
        f"{prefix}-{i},{i + 1} Dywizja Strzelców,division,infantry,{50 + i / 100},{30 + i / 100}\n"
        for i in range(n)
    )


@contextmanager
def writer_lock(url: str) -> Iterator[None]:
    """Another process's writer holding the store: SQLite's write lock, or PostgreSQL's lock
    on the audit table (every audited write needs it)."""
    if url.startswith("sqlite"):
        raw = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            raw.execute("ROLLBACK")
            raw.close()
        return
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        conn.exec_driver_sql("BEGIN")
        conn.exec_driver_sql("LOCK TABLE audit IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.exec_driver_sql("ROLLBACK")
    eng.dispose()


def cli(url: str, *args: str, timeout: str = "120") -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": url,
        "LIAISON_BUSY_TIMEOUT": timeout,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "liaison", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def counts(store: Store) -> tuple[int, int, int]:
    with store.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0)
            for t in (unit, observation, audit.audit)
        )


def test_busy_store_raises_store_busy_and_writes_nothing(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIAISON_BUSY_TIMEOUT", "0.5")
    s = Store(store_url)
    with s.begin() as conn:
        partners.add_partner(conn, "PL", "Poland", is_self=True)
    before = counts(s)
    with writer_lock(store_url), pytest.raises(StoreBusy) as ei, s.begin() as conn:
        partners.add_partner(conn, "JP", "Japan")
        audit.record(conn, "t", "test.write")
    assert ei.value.exit_code == 75 and "busy" in str(ei.value)
    assert counts(s) == before
    with s.begin() as conn:  # the lock gone, the same write goes through
        partners.add_partner(conn, "JP", "Japan")
        audit.record(conn, "t", "test.write")
        assert audit.verify(conn).ok
    s.dispose()


def test_cli_exit_code_75_when_the_store_stays_busy(store_url: str, tmp_path: Path) -> None:
    s = Store(store_url)
    with s.begin() as conn:
        partners.add_partner(conn, "PL", "Poland", is_self=True)
    f = tmp_path / "units.csv"
    f.write_text(unit_file("b", 5), encoding="utf-8")
    before = counts(s)
    with writer_lock(store_url):
        proc = cli(store_url, "orbat", "import", str(f), "--partner", "PL", timeout="1")
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 75, err
    assert "the store is busy" in err and "Traceback" not in err
    assert counts(s) == before
    s.dispose()


def test_web_answers_503_with_retry_after(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_BUSY_TIMEOUT", "0.5")
    s = Store(store_url)
    build_world(s)
    web = Web(s, create_app(store=s))
    c = web.login("analyst.pl")
    before = counts(s)
    files = {"file": ("units.csv", io.BytesIO(unit_file("w").encode()), "text/csv")}
    with writer_lock(store_url):
        r = c.post("/api/v1/imports", data={"partner": "PL"}, files=files)
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "5" and "busy" in r.json()["detail"]
    assert counts(s) == before
    files = {"file": ("units.csv", io.BytesIO(unit_file("w").encode()), "text/csv")}
    assert c.post("/api/v1/imports", data={"partner": "PL"}, files=files).status_code == 200
    s.dispose()


def test_writers_queue_web_threads_and_two_cli_imports(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """8 web clients × 3 imports and picture exports, and two CLI imports at once: every write
    lands (none 5xx), each with exactly its audit entry, and the chain still verifies."""
    monkeypatch.setenv("LIAISON_BUSY_TIMEOUT", "120")
    s = Store(store_url)
    build_world(s)
    web = Web(s, create_app(store=s))
    clients = [web.login("analyst.pl") for _ in range(8)]
    for c in clients:
        c.headers["Connection"] = "close"
    before = counts(s)
    files = []
    for k in range(2):
        f = tmp_path / f"cli{k}.csv"
        f.write_text(unit_file(f"cli{k}", 400), encoding="utf-8")
        files.append(f)
    statuses: list[int] = []
    exports: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def work(i: int, c: TestClient) -> None:
        try:
            for j in range(3):
                body = unit_file(f"t{i}-{j}").encode()
                up = {"file": ("units.csv", io.BytesIO(body), "text/csv")}
                r = c.post("/api/v1/imports", data={"partner": "PL"}, files=up)
                e = c.get("/api/v1/pictures/PL/export", params={"format": "csv"})
                with lock:
                    statuses.append(r.status_code)
                    exports.append(e.status_code)
        except Exception as exc:  # a 500 raises inside the test client
            with lock:
                failures.append(f"{type(exc).__name__}: {exc}")

    procs = [cli(store_url, "orbat", "import", str(f), "--partner", "PL") for f in files]
    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    outs = [p.communicate(timeout=600) for p in procs]
    assert not failures, failures
    assert statuses == [200] * 24, statuses
    assert set(exports) <= {200, 503}, exports  # a read that audits may be told to retry
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0 and "Traceback" not in err, err
    with s.connect() as conn:
        assert audit.verify(conn).ok
        imports = audit.entries(conn, action="orbat.import", limit=1000)
        n_exports = len(audit.entries(conn, action="picture.export", limit=1000))
    assert len(imports) == 24 + 2
    assert n_exports == exports.count(200)
    after = counts(s)
    assert after[0] - before[0] == 24 * 40 + 2 * 400
    assert after[1] - before[1] == 24 * 40 + 2 * 400
    s.dispose()
