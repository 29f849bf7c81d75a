"""N-partner meetings: every planted discrepancy found, and the partners that disagree named.

Generated coalitions (`liaison.reconcile.cases`): one truth of 3,000 units reported by three partners
(Polish, Japanese, English with Russian) and by five (adding German and Russian writers), 1–5 km
position noise, a quarter of designations abbreviated, 12 % / 20 % of units given one planted
discrepancy in one partner and as many regiments missing from some partners. A finding counts when
its kind, its true unit and the set of partners it names are all right. Anchor in the same run: the
same pictures matched only through one pivot partner (chained two-party meetings).
Also timed: the meeting held in the store at 3 partners × 3,000 units, on the library path each
participant runs (contributions digested, the queue computed, the agreed picture built as RFC 8785
canonical JSON, hashed and signed, and another participant's signature verified over it).
Env: COALITION_SIZE (default 3000).
"""

from __future__ import annotations

import os
import time
from collections import Counter

from liaison.reconcile.cases import coalition, true_unit
from liaison.reconcile.coalition import reconcile_many

SIZE = int(os.environ.get("COALITION_SIZE", "3000"))
SETS = {
    "3 partners": {"PL": ["pl"], "JP": ["ja"], "EE": ["en", "ru"]},
    "5 partners": {"PL": ["pl"], "JP": ["ja"], "EE": ["en"], "SE": ["de"], "FI": ["ru"]},
}


def _found(co):  # type: ignore[no-untyped-def]
    out = set()
    for f in co.findings:
        tid = Counter(true_unit(u) for u in f.units.values()).most_common(1)[0][0]
        out.add((f.kind, tid, frozenset(f.disagreeing)))
    return out


def _pr(got: set, want: set) -> tuple[float, float]:  # type: ignore[type-arg]
    tp = len(got & want)
    return (tp / len(got) if got else 1.0), (tp / len(want) if want else 1.0)


def _held_meeting() -> list[str]:
    """Open (queue from the contributed pictures) and agreed-picture times for 3 partners."""
    from types import SimpleNamespace

    from liaison.courier import keys
    from liaison.courier.coalition_meetings import FIELDS, input_digest, picture_of
    from liaison.courier.policy import Policy, released_unit
    from liaison.reconcile import coalition_meeting as co
    from liaison.reconcile import joint

    pics, _ = coalition(SIZE, SETS["3 partners"], seed=11, rate=0.12)
    pol = Policy("X", "AMBER")
    t = time.perf_counter()
    inputs = {}
    for p in pics:
        units = [
            {f: r[f] for f in FIELDS}
            for r in (released_unit(u, pol, True) for _, u in sorted(p.units.items()))
        ]
        inputs[p.partner] = (units, input_digest(units))
    pictures = {c: picture_of(c, u) for c, (u, _) in inputs.items()}
    clusters, items = co.compute_queue([pictures[p.partner] for p in pics])
    digest = co.queue_digest(clusters, items)
    t_open = time.perf_counter() - t
    parts = [p.partner for p in pics]
    m = SimpleNamespace(ref="PL/C1", host="PL", participants=parts, as_of=None, queue_digest=digest)
    queue = []
    for it in items:  # every participant takes the majority's side
        pick = next(p for p in parts if p in it["units"] and p not in it["disagreeing"])
        queue.append({**it, "positions": dict.fromkeys(parts, pick), "status": "agreed",
                      "decision": pick})  # fmt: skip
    t = time.perf_counter()
    doc = co.agreed_document(m, pictures, {c: d for c, (_, d) in inputs.items()}, clusters, queue)
    data = joint.canonical(doc)
    joint.sha256(data)
    t_agreed = time.perf_counter() - t
    kp = keys.generate("JP")
    sig = kp.signing.sign(data).signature
    t = time.perf_counter()
    kp.signing.verify_key.verify(data, sig)
    t_verify = time.perf_counter() - t
    return [
        "",
        f"Coalition meeting (`liaison meet coalition`), 3 partners × {SIZE:,} units "
        f"({len(clusters):,} clusters, "
        f"{len(items):,} items): **open {t_open:.1f} s** (digest the three contributions, compute "
        f"the queue), **agreed picture {t_agreed:.1f} s** (build, RFC 8785, SHA-256: "
        f"{len(data) / 1e6:.1f} MB, {len(doc['units']):,} units), signature check "
        f"{t_verify * 1000:.0f} ms — each participant does each once (computation only; the "
        "store's writes and the pouches are not in these figures).",
    ]


def run() -> str:
    lines = [
        "## N-partner meetings (`benchmarks/coalition.py`)",
        "",
        f"Generated coalitions of {SIZE:,} true units; a finding is right when kind, unit and the "
        "partners it names are all right. Targets: precision and recall ≥ 0.95.",
        "",
        "| coalition | planted rate | findings planted | **precision** | **recall** | "
        "pivot anchor precision / recall | time all pairs | time pivot |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    per_kind: dict[str, list[int]] = {}
    for name, langs in SETS.items():
        for rate in (0.12, 0.20):
            pics, labels = coalition(SIZE, langs, seed=11, rate=rate)
            t = time.perf_counter()
            got = _found(reconcile_many(pics))
            t_all = time.perf_counter() - t
            t = time.perf_counter()
            piv = _found(reconcile_many(pics, pivot=pics[0].partner))
            t_piv = time.perf_counter() - t
            p, r = _pr(got, labels)
            pp, pr = _pr(piv, labels)
            for kind, _tid, _who in labels:
                row = per_kind.setdefault(kind, [0, 0])
                row[1] += 1
            for kind, _tid, _who in got & labels:
                per_kind[kind][0] += 1
            lines.append(
                f"| {name} | {rate:.0%} | {len(labels)} | **{p:.3f}** | **{r:.3f}** | "
                f"{pp:.3f} / {pr:.3f} | {t_all:.1f} s | {t_piv:.1f} s |"
            )
    lines += [
        "",
        "Recall by kind, all runs: "
        + ", ".join(f"{k} {a / b:.3f} ({a}/{b})" for k, (a, b) in sorted(per_kind.items()))
        + ".",
        "",
        "All pairs are matched (N(N−1)/2 two-party matches) and joined strongest first without "
        "ever putting two units of one partner in a cluster; the pivot anchor never compares two "
        "partners on a unit the pivot lacks, which is where its recall goes.",
    ]
    lines += [*_held_meeting(), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
