"""Keyed-alphabet Vigenère and straddling-checkerboard solvers: success and speed.

Same method as benchmarks/crack.py (whose helpers it uses): plaintext from the hand-written
period-style phrases of liaison.codebreak.templates, a fresh message and fresh random keys per
trial, success = ≥95% of letters right with a Wilson 95% interval, single-thread median and p95.
Keyed Vigenère: key 2–7 random letters, alphabet keyword 4–10 random letters (repeats dropped, as
`ciphers.mixed_alphabet` does). Checkerboard: alphabet keyword 4–10 random letters, blank digits a
random ordered choice of as many as the alphabet needs (2 for en, 3 for ru); the length counts
plaintext letters. No targets were set for these ciphers, so the target column says "—".
CRACK_TRIALS (default 200) trials per cell; CRACK_KEYED_BUDGET seconds per solve (default 3);
CRACK_WORKERS processes; CRACK_CLOCK=cpu for thread-CPU budgets and timings on a shared machine.
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

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.checkerboard import blanks_needed
from liaison.codebreak.solve import crack
from liaison.codebreak.templates import message


def _crack_module():  # type: ignore[no-untyped-def]
    """benchmarks/crack.py, loaded by path: benchmarks is not a package."""
    if "bench_crack" in sys.modules:
        return sys.modules["bench_crack"]
    spec = importlib.util.spec_from_file_location(
        "bench_crack", Path(__file__).with_name("crack.py")
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_crack"] = mod
    spec.loader.exec_module(mod)
    return mod


_bench = _crack_module()
wilson, _ok, _clock = _bench.wilson, _bench._ok, _bench._clock

CELLS = [
    ("keyed_vigenere", "ru", 150, "—"),
    ("keyed_vigenere", "ru", 300, "—"),
    ("keyed_vigenere", "en", 150, "—"),
    ("keyed_vigenere", "en", 300, "—"),
    ("checkerboard", "ru", 150, "—"),
    ("checkerboard", "ru", 300, "—"),
    ("checkerboard", "en", 150, "—"),
    ("checkerboard", "en", 300, "—"),
]


def case(name: str, lang: str, n: int, seed: int) -> tuple[str, str]:
    """(plaintext, ciphertext) for one trial, seeded like crack.case."""
    rng = random.Random(f"{name}/{lang}/{n}/{seed}")
    a = alphabet(lang)
    pt = message(lang, n, rng)
    alpha_key = "".join(rng.choice(a) for _ in range(rng.randint(4, 10)))
    if name == "keyed_vigenere":
        key = "".join(rng.choice(a) for _ in range(rng.randint(2, 7)))
        return pt, ciphers.keyed_vigenere(pt, key, alpha_key, lang)
    blanks = "".join(map(str, rng.sample(range(10), blanks_needed(lang))))
    return pt, ciphers.checkerboard(pt, alpha_key, blanks, lang)


def trial(args: tuple[str, str, int, int, float]) -> tuple[int, bool, float]:
    name, lang, n, seed, budget = args
    pt, ct = case(name, lang, n, seed)
    t = time.monotonic()
    sol = crack(ct, lang=lang, cipher=name, budget=budget)
    dt = time.monotonic() - t
    return seed, _ok(sol.plaintext, pt), dt


def _warm() -> None:
    """Build/load models and compile kernels once, before the pool forks."""
    for lang in ("ru", "en"):
        for name in ("keyed_vigenere", "checkerboard"):
            crack(case(name, lang, 60, 0)[1], lang=lang, cipher=name, budget=0.05)


def run() -> str:
    trials = int(os.environ.get("CRACK_TRIALS", "200"))
    budget = float(os.environ.get("CRACK_KEYED_BUDGET", "3.0"))
    workers = int(os.environ.get("CRACK_WORKERS", str(os.cpu_count() or 1)))
    t0 = time.perf_counter()
    _warm()
    tasks = [(c[0], c[1], c[2], s, budget) for c in CELLS for s in range(trials)]
    random.Random(0).shuffle(tasks)  # mix slow and fast cells across workers
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_clock) as pool:
        results = pool.map(trial, tasks, chunksize=2)
    by_cell: dict[tuple[str, str, int], list[tuple[bool, float]]] = {}
    for task, (_, ok, dt) in zip(tasks, results, strict=True):
        by_cell.setdefault(task[:3], []).append((ok, dt))
    cpu = os.environ.get("CRACK_CLOCK") == "cpu"
    lines = [
        "## crack: keyed Vigenère and straddling checkerboard",
        "",
        f"{trials} trials per cell, budget {budget:g} s per solve "
        f"({'thread CPU time' if cpu else 'wall time'}), {workers} worker processes, load average "
        f"at the end {os.getloadavg()[0]:.1f}, every solve single-threaded and timed alone. "
        "Plaintext and success as in the crack section (templates phrases, ≥95% of letters "
        "right, Wilson 95% interval). Keyed Vigenère: key 2–7 random letters (period unknown to "
        "the solver), alphabet from a keyword of 4–10 random letters. Checkerboard: alphabet "
        "keyword of 4–10 random letters, blank digits unknown (2 for en, 3 for ru); length in "
        "plaintext letters. No target was set for either cipher (—); there is no anchor solver.",
        "",
        "| cipher | lang | length | trials | success (95% CI) | target | median | p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, lang, n, target in CELLS:
        rows = by_cell[(name, lang, n)]
        wins = sum(r[0] for r in rows)
        lo, hi = wilson(wins, len(rows))
        times = sorted(r[1] for r in rows)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        lines.append(
            f"| {name} | {lang} | {n} | {len(rows)} | {wins / len(rows):.1%} ({lo:.0%}–{hi:.0%}) "
            f"| {target} | {statistics.median(times):.2f} s | {p95:.2f} s |"
        )
    lines += ["", f"Whole run: {time.perf_counter() - t0:.0f} s wall."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
