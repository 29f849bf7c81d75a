"""Codebreaking accuracy and speed: success (≥95% of letters right) with Wilson 95% intervals.

Plaintext comes from liaison.codebreak.templates: hand-written period-style phrases (orders,
reports) never used to build the language models, which come from wordfreq word lists only.
Each trial draws a fresh message and a fresh random key. Trials run in a pool of worker processes
(CRACK_WORKERS, default: all cores), but every solve is single-threaded and timed on its own, so the
median and p95 are single-thread times. The anchor is the plain quadgram hill-climber (random
restarts, delta scoring, the same budget) on the very same substitution ciphertexts.
CRACK_TRIALS (default 200) trials per cell; CRACK_BUDGET seconds per solve (default 1);
CRACK_CELLS=substitution,... limits the cells by cipher, CRACK_LANGS=ru,... by language.
CRACK_CLOCK=cpu makes budgets and timings thread CPU time instead of wall time, for a shared
machine where other jobs steal the cores.
The Russian substitution cells run a second time at the CLI's default budget (CRACK_LONG_BUDGET,
default `codebreak.DEFAULT_BUDGET`; 0 skips them): the solver stops once independent restarts
agree, so easy texts still take a fraction of a second while hard ones get the time a user's
`liaison crack` would give them. The anchor is not run there (it always spends its whole budget).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import statistics
import time
from math import sqrt

from liaison.codebreak import DEFAULT_BUDGET, ciphers, substitution
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.solve import crack
from liaison.codebreak.templates import message

# (cipher, language, length, target, unit) — length in letters, or digits for the additive
CELLS = [
    ("substitution", "ru", 60, "≥60%"),
    ("substitution", "ru", 80, "≥90%"),
    ("substitution", "ru", 100, "≥97%"),
    ("substitution", "en", 60, "≥70%"),
    ("substitution", "en", 80, "≥95%"),
    ("substitution", "pl", 100, "—"),
    ("substitution", "de", 100, "—"),
    ("vigenere", "ru", 40, "≥90%"),
    ("vigenere", "en", 40, "≥90%"),
    ("vigenere", "pl", 40, "—"),
    ("vigenere", "de", 40, "—"),
    ("beaufort", "ru", 40, "—"),
    ("caesar", "ru", 8, "≥99%"),
    ("caesar", "en", 8, "≥99%"),
    ("columnar", "ru", 60, "≥80%"),
    ("columnar", "en", 60, "≥80%"),
    ("columnar", "ru", 100, "≥95%"),
    ("columnar", "en", 100, "≥95%"),
    ("two_digit_additive", "ru", 200, "≥95%"),
    ("two_digit_additive", "en", 200, "—"),
]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 0.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def _ok(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x == y for x, y in zip(a, b, strict=True)) >= 0.95 * len(b)


def case(name: str, lang: str, n: int, seed: int) -> tuple[str, str]:
    """(plaintext, ciphertext) for one trial; n counts digits for the additive cipher."""
    rng = random.Random(f"{name}/{lang}/{n}/{seed}")
    a = alphabet(lang)
    pt = message(lang, n // 2 if name == "two_digit_additive" else n, rng)
    if name == "substitution":
        key = list(a)
        rng.shuffle(key)
        return pt, ciphers.substitution(pt, "".join(key), lang)
    if name == "caesar":
        return pt, ciphers.caesar(pt, rng.randrange(1, len(a)), lang)
    if name in ("vigenere", "beaufort"):
        k = "".join(rng.choice(a) for _ in range(rng.randint(2, 7)))
        return pt, ciphers.vigenere(pt, k, lang, beaufort=name == "beaufort")
    if name == "columnar":
        k = "".join(rng.choice(a) for _ in range(rng.randint(2, 10)))
        return pt, ciphers.columnar(pt, k, lang)
    add = "".join(str(rng.randrange(10)) for _ in range(rng.randint(2, 10)))
    return pt, ciphers.two_digit_additive(pt, add, lang)


LONG_CELLS = [c for c in CELLS if c[0] == "substitution" and c[1] == "ru"]
REPEAT = 20  # a phrase of this many letters or more occurring twice halves what the text tells


def repeats(text: str, k: int = REPEAT) -> bool:
    """Whether some stretch of k letters occurs twice (the templates can draw a phrase twice)."""
    return any(text.find(text[i : i + k], i + 1) >= 0 for i in range(len(text) - k))


def _clock() -> None:
    """Worker initialiser: with CRACK_CLOCK=cpu every budget in this process runs on CPU time."""
    if os.environ.get("CRACK_CLOCK") == "cpu":
        time.monotonic = time.thread_time  # type: ignore[assignment]


def trial(args: tuple[str, str, int, int, float, bool]) -> tuple[int, bool, float, bool | None]:
    name, lang, n, seed, budget, anchor = args
    pt, ct = case(name, lang, n, seed)
    t = time.monotonic()
    sol = crack(ct, lang=lang, cipher=name, budget=budget)
    dt = time.monotonic() - t
    base = None
    if name == "substitution" and anchor:
        base = _ok(substitution.baseline(ct, lang, budget=budget, seed=seed), pt)
    return seed, _ok(sol.plaintext, pt), dt, base


def _warm(langs: list[str]) -> None:
    """Build/load the cells' languages' models and compile kernels once, before the pool forks."""
    for lang in langs:
        for name, n in (("substitution", 30), ("columnar", 30), ("vigenere", 30)):
            crack(case(name, lang, n, 0)[1], lang=lang, cipher=name, budget=0.05)
        substitution.baseline(case("substitution", lang, 30, 0)[1], lang, budget=0.01)
        crack(case("two_digit_additive", lang, 60, 0)[1], lang=lang, budget=0.05)


def run() -> str:
    trials = int(os.environ.get("CRACK_TRIALS", "200"))
    budget = float(os.environ.get("CRACK_BUDGET", "1.0"))
    workers = int(os.environ.get("CRACK_WORKERS", str(os.cpu_count() or 1)))
    t0 = time.perf_counter()
    only = {c for c in os.environ.get("CRACK_CELLS", "").split(",") if c}
    langs = {c for c in os.environ.get("CRACK_LANGS", "").split(",") if c}
    cells = [c for c in CELLS if (not only or c[0] in only) and (not langs or c[1] in langs)]
    _warm(list(dict.fromkeys(c[1] for c in cells)))
    long_budget = float(os.environ.get("CRACK_LONG_BUDGET", str(DEFAULT_BUDGET)))
    long_cells = [c for c in LONG_CELLS if c in cells] if long_budget > 0 else []
    tasks = [(c[0], c[1], c[2], s, budget, True) for c in cells for s in range(trials)]
    tasks += [(c[0], c[1], c[2], s, long_budget, False) for c in long_cells for s in range(trials)]
    random.Random(0).shuffle(tasks)  # mix slow and fast cells across workers
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_clock) as pool:
        results = pool.map(trial, tasks, chunksize=4)
    by_cell: dict[tuple[str, str, int, bool], list[tuple[bool, float, bool | None, bool]]] = {}
    for task, (seed, ok, dt, base) in zip(tasks, results, strict=True):
        rep = repeats(case(task[0], task[1], task[2], seed)[0])
        by_cell.setdefault((*task[:3], task[5]), []).append((ok, dt, base, rep))
    lines = [
        "## crack",
        "",
        f"{trials} trials per cell, budget {budget:g} s per solve "
        f"({'thread CPU time' if os.environ.get('CRACK_CLOCK') == 'cpu' else 'wall time'}), "
        f"{workers} worker processes, load average at the end {os.getloadavg()[0]:.1f}, "
        "every solve single-threaded and timed alone. Plaintext: the hand-written period-style "
        "phrases of `liaison.codebreak.templates` (never used to build the models, which come "
        "from wordfreq word lists); a fresh message and random key per trial. Success = ≥95% of "
        "letters right; Wilson 95% interval in brackets. Anchor: the plain quadgram hill-climber "
        "(random restarts, same budget) on the same ciphertexts. Vigenère/Beaufort keys 2–7 "
        "letters, columnar keys 2–10 columns (irregular unless the length divides), additives "
        "2–10 digits; the two-digit cell's length counts digits. The last two columns split the "
        f"trials by whether the plaintext repeats a stretch of {REPEAT} letters or more (the "
        "templates can draw the same phrase twice, which leaves about half the text to go on): "
        "success on texts without and with such a repeat.",
        "",
        "| cipher | lang | length | trials | success (95% CI) | target | median | p95 | anchor "
        "| no repeat | repeat |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(c, by_cell[(*c[:3], True)]) for c in cells]
    if long_cells:
        lines += [
            "",
            f"The Russian substitution cells again at {long_budget:g} s"
            + (" (the default of `liaison crack`)" if long_budget == DEFAULT_BUDGET else "")
            + ": the solver stops as soon as independent restarts agree on a key, "
            "so the median is what a user waits on most texts and the p95 what the hard ones "
            "take. Same texts and keys; no anchor (it always spends its whole budget).",
            "",
            "| cipher | lang | length | trials | success (95% CI) | target | median | p95 | anchor "
            "| no repeat | repeat |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [_row(c, by_cell[(*c[:3], False)]) for c in long_cells]
    lines += ["", f"Whole run: {time.perf_counter() - t0:.0f} s wall."]
    return "\n".join(lines) + "\n"


def _row(cell: tuple[str, str, int, str], rows: list[tuple[bool, float, bool | None, bool]]) -> str:
    """One table row: success with its interval, times, the anchor, and the repeat split."""
    name, lang, n, target = cell
    wins = sum(r[0] for r in rows)
    lo, hi = wilson(wins, len(rows))
    times = sorted(r[1] for r in rows)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    bases = [r[2] for r in rows if r[2] is not None]
    anchor = "—"
    if bases:
        bl, bh = wilson(sum(bases), len(bases))
        anchor = f"{sum(bases) / len(bases):.0%} ({bl:.0%}–{bh:.0%})"
    split = []
    for flag in (False, True):
        part = [r[0] for r in rows if r[3] == flag]
        split.append(f"{sum(part)}/{len(part)}" if part else "—")
    return (
        f"| {name} | {lang} | {n} | {len(rows)} | {wins / len(rows):.1%} ({lo:.0%}–{hi:.0%}) "
        f"| {target} | {statistics.median(times):.2f} s | {p95:.2f} s | {anchor} "
        f"| {split[0]} | {split[1]} |"
    )


if __name__ == "__main__":
    print(run())
