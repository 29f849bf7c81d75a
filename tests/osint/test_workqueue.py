"""The work queue: each input processed exactly once — by one in-process worker on SQLite, by two
`liaison osint worker` processes on PostgreSQL (FOR UPDATE SKIP LOCKED) — a worker whose lease ran
out cannot write its results, and bad input ends failed with its message and nothing stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.core.errors import ConflictError
from liaison.osint import ingest, workqueue
from liaison.store import Store
from liaison.store.schema.audit import audit
from liaison.store.schema.osint import osint_document, osint_queue

from .folder import build_picture

N = 12
CITIES = ["Белгород", "Курск", "Воронеж", "Псков"]


def _files(root: Path, n: int = N) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        f = root / f"report-{i:02d}.txt"
        f.write_text(
            f"Сводка №{i}. {i + 1} марта 2024 года части {i + 3}-й мотострелковой дивизии "
            f"замечены в городе {CITIES[i % 4]}.\n",
            "utf-8",
        )
        out.append(f)
    return out


def _enqueue(store: Store, files: list[Path]) -> None:
    with store.begin() as conn:
        n = workqueue.enqueue(
            conn, "PL", ingest.expand([str(f) for f in files]), source_id=None, lang="ru",
            actor="test",
        )  # fmt: skip
    assert n == len(files)


def test_one_worker_drains_the_queue(store: Store, tmp_path: Path) -> None:
    build_picture(store)
    files = _files(tmp_path / "in", 3)
    bad = tmp_path / "in" / "result.json"
    bad.write_text('{"messages": [{"id": 1, "type": "message", "text": 5}]}', "utf-8")
    _enqueue(store, [*files, bad])
    rep = workqueue.run_worker(store, name="w1", compile_after=True)
    assert rep.items == 4 and rep.documents == 3 and rep.failed == 1
    with store.connect() as conn:
        rows = {Path(r.origin).name: r for r in conn.execute(sa.select(osint_queue))}
        assert rows["result.json"].status == "failed"
        assert "result.json" in rows["result.json"].error
        assert all(
            r.status == "done" and r.attempts == 1 for n, r in rows.items() if n != "result.json"
        )
        assert conn.execute(sa.select(sa.func.count()).select_from(osint_document)).scalar() == 3


def test_a_worker_whose_lease_ran_out_cannot_write(store: Store, tmp_path: Path) -> None:
    build_picture(store)
    (f,) = _files(tmp_path / "in", 1)
    _enqueue(store, [f])
    with store.begin() as conn:
        slow = workqueue.claim(conn, "slow", lease=timedelta(seconds=-1))  # already expired
    parsed = ingest.process(slow.item, "ru", None)
    with store.begin() as conn:
        fast = workqueue.claim(conn, "fast")
    assert fast is not None and fast.id == slow.id and fast.attempts == 2
    with pytest.raises(ConflictError), store.begin() as conn:
        workqueue.complete(conn, slow, parsed, "slow")
    with store.begin() as conn:
        stored = workqueue.complete(conn, fast, parsed, "fast")
    assert len(stored.documents) == 1
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(osint_document)).scalar() == 1


def test_skip_locked_hands_concurrent_claims_different_items(store: Store, tmp_path: Path) -> None:
    if store.dialect != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite has one writer")
    build_picture(store)
    _enqueue(store, _files(tmp_path / "in", 3))
    with store.engine.connect() as c1, store.engine.connect() as c2:
        t1 = c1.begin()
        a = workqueue.claim(c1, "a")  # row lock held until t1 ends
        t2 = c2.begin()
        b = workqueue.claim(c2, "b")  # must not wait for t1, nor take its row
        assert a is not None and b is not None and a.id != b.id
        t1.commit()
        t2.commit()


@pytest.mark.postgres
def test_two_worker_processes_process_each_input_exactly_once(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    if store.dialect != "postgresql":
        pytest.skip("several workers need PostgreSQL (LIAISON_TEST_DATABASE_URL)")
    build_picture(store)
    _enqueue(store, _files(tmp_path / "in"))
    env = {**os.environ, "LIAISON_DATABASE_URL": store_url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "liaison", "osint", "worker", "--name", f"w{i}", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    with store.connect() as conn:
        rows = list(conn.execute(sa.select(osint_queue)))
        assert len(rows) == N
        assert all(r.status == "done" and r.attempts == 1 for r in rows)
        assert {r.taken_by for r in rows} <= {"w1", "w2"}
        docs = conn.execute(sa.select(osint_document.c.sha256)).scalars().all()
        assert len(docs) == N == len(set(docs))
        ingests = conn.execute(
            sa.select(sa.func.count()).select_from(audit).where(audit.c.action == "osint.ingest")
        ).scalar()
        assert ingests == N
    items = sum(int(json.loads(o[0])["items"]) for o in outs)
    assert items == N
