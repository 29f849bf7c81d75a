"""Secret two-digit tables under an additive: success with Wilson 95% intervals, single-thread times.

Each trial draws a fresh message from liaison.codebreak.templates (period-style phrases never used
to build the language models), a fresh additive of 2–6 digits (odd periods included) and a fresh
table: random codes over all of 00–99, or a keyword table (`ciphers.keyword_table`, a mixed
alphabet in rows of ten with keyed digits — the harder case: a units shift of a class maps its
codes onto other letters' codes). The solver is `crack(..., cipher="two_digit_table")`. Success
means ≥ 95% of letters right, as in benchmarks/crack.py (whose `wilson`, `_ok` and CPU-clock
initialiser this reuses). CRACK_TRIALS (default 200) trials per cell, CRACK_BUDGET seconds per
solve (default 2), CRACK_WORKERS processes (default all cores), CRACK_CLOCK=cpu for thread-CPU
budgets and timings on a shared machine.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from crack import _clock, _ok, wilson  # noqa: E402
from liaison.codebreak import ciphers  # noqa: E402
from liaison.codebreak.named import KEYWORDS  # noqa: E402
from liaison.codebreak.solve import CONFIDENT, crack  # noqa: E402
from liaison.codebreak.templates import message  # noqa: E402

# (language, digits, table kind)
CELLS = [
    ("ru", 200, "random"),
    ("ru", 400, "random"),
    ("ru", 600, "random"),
    ("en", 200, "random"),
    ("en", 400, "random"),
    ("en", 600, "random"),
    ("ru", 400, "keyword"),
    ("en", 400, "keyword"),
]


def case(lang: str, digits: int, kind: str, seed: int) -> tuple[str, str]:
    """(plaintext, ciphertext) for one trial."""
    rng = random.Random(f"table/{lang}/{digits}/{kind}/{seed}")
    pt = message(lang, digits // 2, rng)
    additive = "".join(str(rng.randrange(10)) for _ in range(rng.randint(2, 6)))
    if kind == "keyword":
        table = rng.choice(KEYWORDS[lang]) + rng.choice(KEYWORDS[lang])
    else:
        table = ciphers.random_table(lang, rng.randrange(10**9))
    return pt, ciphers.two_digit_table(pt, table, additive, lang)


def trial(args: tuple[str, int, str, int, float]) -> tuple[bool, float, float]:
    lang, digits, kind, seed, budget = args
    pt, ct = case(lang, digits, kind, seed)
    t = time.monotonic()
    sol = crack(ct, lang=lang, cipher="two_digit_table", budget=budget)
    return _ok(sol.plaintext, pt), time.monotonic() - t, sol.confidence


def _warm() -> None:
    """Build/load models and compile kernels once, before the pool forks."""
    for lang in ("ru", "en"):
        crack(case(lang, 200, "random", 0)[1], lang=lang, cipher="two_digit_table", budget=0.1)


def run() -> str:
    trials = int(os.environ.get("CRACK_TRIALS", "200"))
    budget = float(os.environ.get("CRACK_BUDGET", "2.0"))
    workers = int(os.environ.get("CRACK_WORKERS", str(os.cpu_count() or 1)))
    cpu = os.environ.get("CRACK_CLOCK") == "cpu"
    t0 = time.perf_counter()
    _warm()
    tasks = [(lang, n, kind, s, budget) for lang, n, kind in CELLS for s in range(trials)]
    random.Random(0).shuffle(tasks)  # mix slow and fast cells across workers
    with mp.get_context("fork").Pool(workers, initializer=_clock) as pool:
        results = pool.map(trial, tasks, chunksize=4)
    by_cell: dict[tuple[str, int, str], list[tuple[bool, float, float]]] = {}
    for task, res in zip(tasks, results, strict=True):
        by_cell.setdefault(task[:3], []).append(res)
    lines = [
        "## crack_table — secret two-digit tables",
        "",
        f"{trials} trials per cell, budget {budget:g} s per solve "
        f"({'thread CPU time' if cpu else 'wall time'}), {workers} worker processes, load "
        f"average at the end {os.getloadavg()[0]:.1f}, every solve single-threaded and timed "
        "alone. Per trial a fresh template message, additive of 2–6 digits and table: `random` "
        "draws the letters' codes from all of 00–99, `keyword` is `ciphers.keyword_table` of two "
        "period keywords (full rows of ten, so a class shifted in its units digit still lands "
        "on letters' codes). Success = ≥95% of letters right; Wilson 95% interval in brackets. "
        f"*Confident and wrong* counts failures reported with confidence ≥ {CONFIDENT}. "
        "No target was set for this solver (issue #6 asked for measurements first), so the "
        "target column is —; nor is there an anchor: the known-table solver reads none of these "
        "ciphertexts, and no simpler secret-table solver exists to compare with.",
        "",
        "| lang | table | digits | trials | success (95% CI) | target | median | p95 | confident and wrong |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, n, kind in CELLS:
        rows = by_cell[(lang, n, kind)]
        wins = sum(r[0] for r in rows)
        lo, hi = wilson(wins, len(rows))
        times = sorted(r[1] for r in rows)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        bold = sum(1 for ok, _, conf in rows if not ok and conf >= CONFIDENT)
        lines.append(
            f"| {lang} | {kind} | {n} | {len(rows)} | {wins / len(rows):.1%} ({lo:.0%}–{hi:.0%}) "
            f"| — | {statistics.median(times):.2f} s | {p95:.2f} s | {bold} of {len(rows) - wins} |"
        )
    lines += ["", f"Whole run: {time.perf_counter() - t0:.0f} s wall."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
