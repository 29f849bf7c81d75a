"""Codebook traffic in depth: alignment and additive stripping accuracy vs messages in depth.

Each trial enciphers N period-style messages (liaison.codebreak.messages, 15–40 code groups of
the generated book) with one random 500-group additive, every message starting within 20 groups
of the first (so all of them are in one depth, at unknown relative offsets). Measured per trial:
- alignment: share of messages placed at their true offset relative to the others (a message
  left out or placed wrong counts as a miss; wrong placements are also counted on their own);
- stripping without the book: share of the depth's columns covered by two or more messages whose
  relative additive is right (the one group constant chosen as the truth's commonest difference;
  an undetermined column counts as wrong); also the share determined but wrong;
- the known-book solve (what `crack --cipher codebook` does): share of all groups read as the true
  code group.
Success per trial (Wilson 95% intervals): every message placed right; ≥ 95% of the additive
right; ≥ 95% of the groups read right. There is no official target for this benchmark ("—").
CRACK_TRIALS (default 200) trials per cell; CRACK_WORKERS worker processes (default: all cores);
CRACK_CLOCK=cpu times each solve in thread CPU time (for a shared machine), as benchmarks/crack.py.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
import random
import statistics
import time
from collections import Counter
from pathlib import Path

from liaison.codebreak import depth
from liaison.core.errors import LiaisonError

_spec = importlib.util.spec_from_file_location("bench_crack", Path(__file__).with_name("crack.py"))
assert _spec and _spec.loader
_crack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_crack)
wilson = _crack.wilson

CELLS = [(lang, n) for lang in ("ru", "en") for n in (6, 10, 20)]
WINDOW = 20
LENGTHS = (15, 40)


def _now() -> float:
    return time.thread_time() if os.environ.get("CRACK_CLOCK") == "cpu" else time.perf_counter()


def trial(args: tuple[str, int, int]) -> dict:
    lang, count, seed = args
    rng = random.Random(f"depth/{lang}/{count}/{seed}")
    tr = depth.traffic(lang, count, rng, lengths=LENGTHS, additive_length=500, window=WINDOW)
    out = {"placed": 0, "misplaced": 0, "count": count, "add_ok": 0, "add_bad": 0, "cols": 0}
    t = _now()
    try:
        al = depth.align(tr.ciphertexts)
        st = depth.strip_unknown(al)
    except LiaisonError:
        al = st = None
    out["t_unknown"] = _now() - t
    if al is not None and st is not None:
        members = al.depths[0]
        found = Counter(tr.offsets[i] - al.offset[i] for i in members)  # type: ignore[operator]
        base, right = found.most_common(1)[0]
        out["placed"], out["misplaced"] = right, len(members) - right
        true = [
            int(tr.additive[base + t]) if 0 <= base + t < len(tr.additive) else -1
            for t in range(len(st.additive))
        ]
        diffs = Counter(
            int(depth.dsub(true[t], a)) for t, a in enumerate(st.additive) if a is not None
        )
        c = diffs.most_common(1)[0][0] if diffs else 0
        for t, a in enumerate(st.additive):
            if st.depth[t] < 2:
                continue
            out["cols"] += 1
            if a is not None:
                if int(depth.dadd(a, c)) == true[t]:
                    out["add_ok"] += 1
                else:
                    out["add_bad"] += 1
    else:  # nothing aligned: every column of the true depth counts as missed
        cover = Counter(
            o + p for o, g in zip(tr.offsets, tr.codes, strict=True) for p in range(len(g))
        )
        out["cols"] = sum(1 for k in cover if cover[k] >= 2)
    t = _now()
    ks = depth.solve_known(tr.ciphertexts, lang)
    out["t_known"] = _now() - t
    read = 0
    for s in ks.strippings:
        for i in s.members:
            o = s.start[i]
            read += sum(
                v is not None and s.posterior[o + p] >= depth.SURE and depth.fmt(v) == g
                for p, (v, g) in enumerate(zip(s.stripped[i], tr.codes[i], strict=True))
            )
    out["read"], out["groups"] = read, sum(len(g) for g in tr.codes)
    return out


def _warm() -> None:
    """Build the books and traffic models once, before the pool forks."""
    for lang in ("ru", "en"):
        depth.solve_known(depth.traffic(lang, 6, random.Random(0), window=WINDOW).ciphertexts, lang)


def _ci(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k / n:.0%} ({lo:.0%}–{hi:.0%})"


def run() -> str:
    trials = int(os.environ.get("CRACK_TRIALS", "200"))
    workers = int(os.environ.get("CRACK_WORKERS", str(os.cpu_count() or 1)))
    t0 = time.perf_counter()
    _warm()
    tasks = [(lang, n, s) for lang, n in CELLS for s in range(trials)]
    random.Random(0).shuffle(tasks)
    with mp.get_context("fork").Pool(workers) as pool:
        results = pool.map(trial, tasks, chunksize=2)
    by: dict[tuple[str, int], list[dict]] = {}
    for task, r in zip(tasks, results, strict=True):
        by.setdefault(task[:2], []).append(r)
    lines = [
        "## crack_depth",
        "",
        f"{trials} trials per cell, {workers} worker processes, times in "
        f"{'thread CPU' if os.environ.get('CRACK_CLOCK') == 'cpu' else 'wall'} time, "
        f"load average at the end "
        f"{os.getloadavg()[0]:.1f}. Each trial: N messages of {LENGTHS[0]}–{LENGTHS[1]} groups "
        f"(period-style text, generated book), one random 500-group additive, starts within "
        f"{WINDOW} groups of each other at unknown offsets. *Aligned*: messages placed at their "
        "true relative offset (misplaced in brackets). *Additive*: columns under two or more "
        "messages whose additive is right relative to the others, without the book "
        "(undetermined counts as wrong; determined but wrong in brackets). *Read*: groups read "
        "as the true code group with the book known (`crack --cipher codebook`). Success rows: "
        "trials with every message placed right, ≥ 95 % of the additive right, ≥ 95 % of the "
        "groups read right; Wilson 95 % intervals. No official target: —.",
        "",
        "| lang | messages | trials | aligned | all aligned | additive right | ≥95 % additive "
        "| read (book) | ≥95 % read | target | median no-book | median book |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, n in CELLS:
        rows = by[(lang, n)]
        k = len(rows)
        placed = sum(r["placed"] for r in rows) / sum(r["count"] for r in rows)
        mis = sum(r["misplaced"] for r in rows) / sum(r["count"] for r in rows)
        cols = sum(r["cols"] for r in rows) or 1
        add_ok = sum(r["add_ok"] for r in rows) / cols
        add_bad = sum(r["add_bad"] for r in rows) / cols
        read = sum(r["read"] for r in rows) / sum(r["groups"] for r in rows)
        all_al = sum(r["placed"] == r["count"] for r in rows)
        add95 = sum(r["add_ok"] >= 0.95 * max(1, r["cols"]) for r in rows)
        read95 = sum(r["read"] >= 0.95 * r["groups"] for r in rows)
        t_u = statistics.median(r["t_unknown"] for r in rows)
        t_k = statistics.median(r["t_known"] for r in rows)
        lines.append(
            f"| {lang} | {n} | {k} | {placed:.1%} ({mis:.1%}) | {_ci(all_al, k)} "
            f"| {add_ok:.1%} ({add_bad:.1%}) | {_ci(add95, k)} | {read:.1%} | {_ci(read95, k)} "
            f"| — | {t_u:.2f} s | {t_k:.2f} s |"
        )
    lines += ["", f"Whole run: {time.perf_counter() - t0:.0f} s wall."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
