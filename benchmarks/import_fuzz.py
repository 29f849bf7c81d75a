"""A longer fuzz of the unit importers (CSV, XLSX, JSON) than `make test` runs.

Each example is a hostile or damaged unit file (tests/orbat/fuzz.py); the import must either
succeed and write exactly what it reports, within the stated ranges, or raise a LiaisonError
and write nothing. Reported: examples tried per format, failures found, examples per second.
Anchor, same run: parsing the same CSV examples with bare `csv.reader` (no checks, no store),
so the cost of a checked, transactional import per file is visible as a ratio.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLES = int(os.environ.get("IMPORT_FUZZ_EXAMPLES", "600"))  # per format


def _fuzz(store, strategy, n: int) -> tuple[int, list[str], list[bytes], float]:  # type: ignore[no-untyped-def]
    from hypothesis import HealthCheck, given, settings
    from tests.orbat.fuzz import check_import

    tried = 0
    failures: list[str] = []
    samples: list[bytes] = []

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=True,
    )
    @given(f=strategy)
    def one(f: tuple[str, bytes]) -> None:
        nonlocal tried
        tried += 1
        if len(samples) < 300:
            samples.append(f[1])
        bad = check_import(store, *f)
        if bad is not None:
            failures.append(f"{f[0]} ({len(f[1])} bytes): {bad.strip().splitlines()[-1]}")

    t0 = time.perf_counter()
    one()
    return tried, failures, samples, time.perf_counter() - t0


def run() -> str:
    from tests.orbat.fuzz import csv_files, json_files, xlsx_files

    from liaison.orbat import partners
    from liaison.store import Store

    rows = []
    all_failures: list[str] = []
    anchor_ratio = ""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'fuzz.db'}")
        with store.begin() as conn:
            partners.add_partner(conn, "PL", "Poland", is_self=True)
        for name, strat in (("CSV", csv_files()), ("JSON", json_files()), ("XLSX", xlsx_files())):
            tried, failures, samples, secs = _fuzz(store, strat, EXAMPLES)
            all_failures += failures
            rows.append(
                f"| {name} | {tried:,} | {len(failures)} | {tried / secs:,.0f} | {secs:.1f} s |"
            )
            if name == "CSV" and samples:
                # anchor: bare csv.reader over the same bytes, median of 5 passes
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    for data in samples:
                        text = data.decode("utf-8", "replace")
                        with contextlib.suppress(csv.Error):
                            list(csv.reader(io.StringIO(text)))
                    times.append(time.perf_counter() - t0)
                bare = statistics.median(times) / len(samples)
                per = secs / tried
                anchor_ratio = (
                    f"Anchor: bare `csv.reader` over the same CSV examples takes "
                    f"{bare * 1e6:,.0f} µs per file; a checked, transactional import "
                    f"{per * 1e3:,.1f} ms (×{per / bare:,.0f})."
                )
        store.dispose()
    lines = [
        "## Import fuzz (CSV, XLSX, JSON)",
        "",
        f"Hypothesis, {EXAMPLES:,} examples per format (`make test` runs 40). Target: "
        "no traceback, no partial write, nothing stored outside the ranges (0 failures).",
        "",
        "| format | examples tried | failures | examples/s | time |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        anchor_ratio,
    ]
    if all_failures:
        lines += ["", "Failures:", "", *(f"- {f}" for f in all_failures[:20])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
