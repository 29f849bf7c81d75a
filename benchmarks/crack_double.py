"""Double transposition solver: success (≥95% of letters right) with Wilson 95% intervals.

Same method as benchmarks/crack.py (its `wilson`, `_ok` and CPU-clock initialiser are reused):
plaintext from liaison.codebreak.templates, a fresh message and fresh random keys per trial, both
widths drawn from 2–10 independently, every solve single-threaded and timed alone. The solver
searches widths 2–12 (it is not told the widths). No target was set for double transposition, so
the target column reads "—"; the table also splits success by the wider of the two keys.
CRACK_TRIALS (default 200) trials per cell; CRACK_DOUBLE_BUDGET seconds per solve (default 10, the
CLI's default budget); CRACK_WORKERS processes (default: all cores); CRACK_CLOCK=cpu makes budgets
and timings thread CPU time.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.solve import CONFIDENT, crack
from liaison.codebreak.templates import message

CELLS = [("ru", 100), ("en", 100), ("ru", 200), ("en", 200), ("ru", 400), ("en", 400)]
WIDTHS = (2, 10)
WIDE = 8  # the split: both keys narrower than this, or at least one this wide


def _crack_bench() -> ModuleType:
    """benchmarks/crack.py, loaded by path: benchmarks/ is not a package."""
    name = "_crack_bench"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("crack.py"))
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


def case(lang: str, n: int, seed: int) -> tuple[str, str, int]:
    """(plaintext, ciphertext, wider key's width) for one trial."""
    rng = random.Random(f"double_columnar/{lang}/{n}/{seed}")
    a = alphabet(lang)
    pt = message(lang, n, rng)
    k1 = "".join(rng.choice(a) for _ in range(rng.randint(*WIDTHS)))
    k2 = "".join(rng.choice(a) for _ in range(rng.randint(*WIDTHS)))
    return pt, ciphers.double_columnar(pt, k1, k2, lang), max(len(k1), len(k2))


def trial(args: tuple[str, int, int, float]) -> tuple[bool, float, int, bool]:
    lang, n, seed, budget = args
    pt, ct, wide = case(lang, n, seed)
    t = time.monotonic()
    sol = crack(ct, lang=lang, cipher="double_columnar", budget=budget)
    dt = time.monotonic() - t
    ok = _crack_bench()._ok(sol.plaintext, pt)
    return ok, dt, wide, sol.confidence >= CONFIDENT


def _warm() -> None:
    """Build/load models and compile kernels once, before the pool forks."""
    for lang in ("ru", "en"):
        crack(case(lang, 100, 0)[1], lang=lang, cipher="double_columnar", budget=0.05)


def run() -> str:
    cb = _crack_bench()
    trials = int(os.environ.get("CRACK_TRIALS", "200"))
    budget = float(os.environ.get("CRACK_DOUBLE_BUDGET", "10"))
    workers = int(os.environ.get("CRACK_WORKERS", str(os.cpu_count() or 1)))
    cpu = os.environ.get("CRACK_CLOCK") == "cpu"
    t0 = time.perf_counter()
    _warm()
    tasks = [(lang, n, s, budget) for lang, n in CELLS for s in range(trials)]
    random.Random(0).shuffle(tasks)  # mix slow and fast cells across workers
    with mp.get_context("fork").Pool(workers, initializer=cb._clock) as pool:
        results = pool.map(trial, tasks, chunksize=2)
    by_cell: dict[tuple[str, int], list[tuple[bool, float, int, bool]]] = {}
    for task, res in zip(tasks, results, strict=True):
        by_cell.setdefault(task[:2], []).append(res)
    lines = [
        "## crack_double",
        "",
        f"Double (columnar) transposition, {trials} trials per cell, budget {budget:g} s per solve "
        f"({'thread CPU time' if cpu else 'wall time'}), {workers} worker processes, load "
        f"average at the end {os.getloadavg()[0]:.1f}, every solve single-threaded and timed "
        "alone. Plaintext: the period-style phrases of `liaison.codebreak.templates`; per trial a "
        f"fresh message and two random keys, each {WIDTHS[0]}–{WIDTHS[1]} letters (irregular "
        "rectangles unless a width divides the length); the solver is not told the widths and "
        "searches 2–12. Success = ≥95% of letters right, Wilson 95% interval in brackets; "
        f"'wrong but confident' counts failures returned with confidence ≥ {CONFIDENT}. No "
        "target was set for this cipher (—) and there is no anchor: no other double "
        "transposition solver exists here to compare with.",
        "",
        "| lang | length | trials | success (95% CI) | target | wider key < "
        f"{WIDE} | wider key ≥ {WIDE} | wrong but confident | median | p95 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, n in CELLS:
        rows = by_cell[(lang, n)]
        wins = sum(r[0] for r in rows)
        lo, hi = cb.wilson(wins, len(rows))
        times = sorted(r[1] for r in rows)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        narrow = [r[0] for r in rows if r[2] < WIDE]
        wide = [r[0] for r in rows if r[2] >= WIDE]
        confident_wrong = sum(1 for r in rows if r[3] and not r[0])
        lines.append(
            f"| {lang} | {n} | {len(rows)} | {wins / len(rows):.1%} ({lo:.0%}–{hi:.0%}) | — "
            f"| {sum(narrow)}/{len(narrow)} | {sum(wide)}/{len(wide)} | {confident_wrong} "
            f"| {statistics.median(times):.2f} s | {p95:.2f} s |"
        )
    lines += ["", f"Whole run: {time.perf_counter() - t0:.0f} s wall."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
