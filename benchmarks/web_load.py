"""Web load on loopback: map-data and discrepancy endpoints under 100 concurrent users.

Set-up: the demo (PL and JP, 195 units each, the PL–JP meeting open) plus a 3,000-unit picture
(partner GB, generated as in the reconcile benchmark) with a PL–GB meeting open. The server is
`liaison serve` in its own process (one uvicorn worker); the load generator is another process
(asyncio + httpx) that stops by itself after WEB_LOAD_SECONDS.

Two loads, on SQLite and on PostgreSQL (when LIAISON_BENCH_DATABASE_URL or the CI URL is given):
- *100 users*: 100 virtual analysts, each sending a request then thinking for an exponentially
  distributed pause (mean WEB_LOAD_THINK s) — the way people use a map and a queue. Target:
  p99 ≤ 150 ms on the 2-core machine.
- *saturation* (the anchor): 20 clients with no pause — the most requests/s the server gives.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("WEB_LOAD_SECONDS", "20"))
THINK = float(os.environ.get("WEB_LOAD_THINK", "1.0"))
USERS = int(os.environ.get("WEB_LOAD_USERS", "100"))
PG = os.environ.get("LIAISON_BENCH_DATABASE_URL") or os.environ.get("LIAISON_TEST_DATABASE_URL")


def endpoints(meetings: dict[str, int]) -> dict[str, str]:
    return {
        "map-data PL (195 units)": "/api/v1/pictures/PL/units",
        "map-data GB (3,000 units)": "/api/v1/pictures/GB/units",
        "discrepancies PL–JP": f"/api/v1/meetings/{meetings['JP']}/discrepancies",
        "discrepancies PL–GB": f"/api/v1/meetings/{meetings['GB']}/discrepancies",
        "search across scripts (3,600 units)": "/api/v1/search?q=%D0%A1%D0%BF%D0%B0%D1%81%D1%81%D0%BA",
        "unit page (API)": f"/api/v1/units/PL/{meetings['unit']}",
    }


def setup(url: str) -> tuple[str, dict[str, int]]:
    """Load demo + 3,000-unit picture, open meetings, make a token; (token, meeting ids)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import reconcile as gen
    from liaison.orbat import importer, scenario
    from liaison.orbat.export import to_csv
    from liaison.orbat.partners import add_partner
    from liaison.reconcile import meeting
    from liaison.store import Store
    from liaison.web import auth

    store = Store(url)
    pic = gen.report(gen.ground_truth(3600, 7), "A", 7)
    pic.partner = "GB"
    for u in pic.units.values():
        u.partner = "GB"
    units = dict(list(pic.units.items())[:3000])
    for u in units.values():
        if u.parent_id not in units:
            u.parent_id = None
    pic.units = units
    with store.begin() as conn:
        scenario.load_demo(conn, actor="bench")
        add_partner(conn, "GB", "Great Britain", language="en", actor="bench")
        importer.import_file(
            conn, "gb.csv", "GB", data=to_csv(pic), allow_unplaced=True, actor="bench"
        )
        auth.add_user(conn, "bench", "bench-password-1", "analyst", "PL", actor="bench")
        token = auth.create_token(conn, "bench", "load", actor="bench")
        ids = {}
        for code in ("JP", "GB"):
            ids[code], _ = meeting.open_meeting(conn, code, actor="bench")
        from liaison.orbat.picture import get_picture

        ids["unit"] = sorted(get_picture(conn, "PL").units)[0]  # type: ignore[assignment]
    store.dispose()
    return token, ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(
    base: str, token: str, paths: dict[str, str], users: int, think: float, seconds: float
) -> dict[str, list[float]]:
    """Run `users` virtual users until `seconds` pass; latencies per endpoint (body fully read).

    aiohttp (C parser) rather than httpx: on a 2-core machine the generator shares the CPU with
    the server, and the cheaper client leaves more of it to what is being measured."""
    import aiohttp

    lat: dict[str, list[float]] = {k: [] for k in paths}
    errors: list[str] = []
    names = list(paths)
    stop_at = time.perf_counter() + seconds
    conn = aiohttp.TCPConnector(limit=users)
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        base, connector=conn, headers=headers, timeout=timeout, auto_decompress=False
    ) as c:

        async def user(i: int) -> None:
            rng = random.Random(i)
            if think:
                await asyncio.sleep(rng.uniform(0, think))
            while time.perf_counter() < stop_at:
                name = rng.choice(names)
                t = time.perf_counter()
                async with c.get(paths[name]) as r:
                    await r.read()
                    status = r.status
                dt = time.perf_counter() - t
                if status != 200:
                    errors.append(f"{name}: {status}")
                else:
                    lat[name].append(dt)
                if think:
                    await asyncio.sleep(rng.expovariate(1 / think))

        await asyncio.gather(*(user(i) for i in range(users)))
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return lat


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] * 1000


def one_backend(url: str) -> dict[str, object]:
    token, ids = setup(url)
    port = free_port()
    env = dict(os.environ, LIAISON_DATABASE_URL=url, LIAISON_HOME=tempfile.mkdtemp())
    server = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError("server did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        paths = endpoints(ids)
        sizes = {
            # generous timeout: the first search builds its index, slow on a loaded machine
            k: len(
                httpx.get(
                    base + p, headers={"Authorization": f"Bearer {token}"}, timeout=120
                ).content
            )
            for k, p in paths.items()
        }
        asyncio.run(load(base, token, paths, 10, 0.0, 3.0))  # warm-up
        s0, g0 = cpu_seconds(server.pid), time.process_time()
        users = asyncio.run(load(base, token, paths, USERS, THINK, SECONDS))
        s1, g1 = cpu_seconds(server.pid), time.process_time()
        sat = asyncio.run(load(base, token, paths, 20, 0.0, SECONDS / 2))
    finally:
        server.terminate()
        server.wait(timeout=20)
    n = sum(len(v) for v in users.values())
    cpu = {"server_ms": (s1 - s0) / n * 1000, "generator_ms": (g1 - g0) / n * 1000}
    return {"users": users, "sat": sat, "sizes": sizes, "cpu": cpu}


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc): the server's cost per request, which
    other jobs on a shared machine inflate far less than they inflate latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _main_child() -> None:
    url = sys.argv[2]
    out = one_backend(url)
    print(json.dumps(out))


def _pg_url() -> str | None:
    if not PG:
        return None
    import sqlalchemy as sa

    schema = "bench_" + uuid.uuid4().hex[:8]
    u = sa.engine.make_url(PG)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    eng = sa.create_engine(u)
    with eng.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    eng.dispose()
    return u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def run() -> str:
    backends = []
    with tempfile.TemporaryDirectory() as tmp:
        backends.append(("SQLite", f"sqlite:///{tmp}/load.db"))
        pg = _pg_url()
        if pg:
            backends.append(("PostgreSQL", pg))
        rows: list[str] = []
        cpu: list[str] = []
        verdicts = []
        load0 = os.getloadavg()[0]
        for name, url in backends:
            done = subprocess.run(
                [sys.executable, __file__, "--child", url],
                capture_output=True,
                text=True,
                check=False,
                cwd=ROOT,
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-3000:])
            res = json.loads(done.stdout.strip().splitlines()[-1])
            for ep, xs in res["users"].items():
                sat = res["sat"][ep]
                p99 = pct(xs, 0.99)
                verdicts.append(p99 <= 150)
                rows.append(
                    f"| {name} | {ep} | {res['sizes'][ep] / 1024:.0f} KiB | {len(xs)} | "
                    f"{len(xs) / SECONDS:.1f} | {statistics.median(xs) * 1000:.1f} | {p99:.1f} | "
                    f"{len(sat) / (SECONDS / 2):.0f} | {pct(sat, 0.5):.1f} |"
                )
            cpu.append(
                f"{name}: server {res['cpu']['server_ms']:.2f} ms CPU per request, "
                f"load generator {res['cpu']['generator_ms']:.2f} ms"
            )
        if not PG:
            rows.append("| PostgreSQL | (not run: set LIAISON_BENCH_DATABASE_URL) | | | | | | | |")
    head = (
        "## Web load on loopback (`benchmarks/web_load.py`)\n\n"
        f"Demo + a 3,000-unit picture; server one uvicorn worker; {USERS} users each pausing "
        f"{THINK:g} s on average (exponential) between requests, for {SECONDS:g} s; anchor: "
        "saturation with 20 clients and no pause (most requests/s the server gives, and its "
        "median). Target: p99 ≤ 150 ms with 100 users.\n\n"
        "| Store | Endpoint | Response | Requests | Req/s | p50 ms | p99 ms | "
        "Saturation req/s | Saturation p50 ms |\n|---|---|---|---|---|---|---|---|---|\n"
    )
    verdict = "all met" if all(verdicts) else "NOT all met"
    tail = (
        f"\n\nCPU per request during the 100-user load (from /proc): {'; '.join(cpu)}. "
        f"Load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"({os.cpu_count()} cores). Target p99 ≤ 150 ms: {verdict}.\n"
    )
    return head + "\n".join(rows) + tail


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _main_child()
    else:
        print(run())
