"""Evac benchmark: issue sealed documents with PDFs, verify seals (text and image), plan, dedupe.

Sizes: EVAC_DOCS (2139), EVAC_PEOPLE (2000), EVAC_DEPARTURES (600+), EVAC_DUP_NAMES (400).
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from nacl.signing import SigningKey  # noqa: E402

from liaison.evac import documents, duplicates, planner, registry, seal, trust  # noqa: E402

SURNAMES = [
    "Szapiro",
    "Wasserman",
    "Grynberg",
    "Lewin",
    "Rozenblum",
    "Kowalski",
    "Zylberman",
    "Goldsztajn",
    "Frydman",
    "Lipszyc",
    "Moskowicz",
    "Rabinowicz",
    "Kac",
    "Horowic",
    "Sztern",
    "Wajnberg",
    "Finkelsztajn",
    "Berkowicz",
    "Cukierman",
    "Epsztejn",
]
GIVEN = [
    "Rachela",
    "Mojżesz",
    "Chana",
    "Dawid",
    "Icchok",
    "Ruchla",
    "Abraham",
    "Zofia",
    "Hersz",
    "Łucja",
    "Sara",
    "Józef",
]

# Documented variant rules between Polish, German/English and Yiddish spellings, and scripts.
LATIN_RULES = [
    ("sz", "sh"),
    ("cz", "ch"),
    ("w", "v"),
    ("j", "y"),
    ("c", "ts"),
    ("ajn", "ein"),
    ("y", "i"),
    ("ł", "l"),
    ("ż", "zh"),
]
CYR = {
    "a": "а",
    "b": "б",
    "w": "в",
    "v": "в",
    "g": "г",
    "d": "д",
    "e": "е",
    "z": "з",
    "i": "и",
    "j": "й",
    "k": "к",
    "l": "л",
    "ł": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "f": "ф",
    "h": "х",
    "c": "ц",
    "y": "ы",
    "ż": "ж",
    "ó": "у",
    "ę": "е",
    "ą": "а",
    "ś": "с",
    "ć": "ч",
    "ń": "н",
}


def _latin_variant(name: str, rnd: random.Random) -> str:
    low = name.lower()
    for a, b in rnd.sample(LATIN_RULES, len(LATIN_RULES)):
        if a in low:
            return (low.replace(a, b, 1)).capitalize()
    return name  # no rule applies: the same spelling


def _cyrillic(name: str) -> str:
    low = name.lower().replace("sz", "ш").replace("cz", "ч").replace("ch", "х")
    return "".join(CYR.get(ch, ch) for ch in low).capitalize()


def _time(fn, n: int = 1) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def bench_issue(n: int) -> list[str]:
    """Import a registry into a fresh SQLite store, then issue from a station block in the store
    (numbers, seals, document rows, audit) and print one PDF; anchor: a per-document PDF loop."""
    import tempfile

    from liaison.evac import issuing, people
    from liaison.store import Store

    iss = seal.Issuer.generate("JP-KAUNAS", "Consulate of Japan, Kaunas")
    root = SigningKey.generate()
    v = trust.Verifier(trust.make_trust_list(root, [iss]), bytes(root.verify_key))
    rnd = random.Random(1)
    persons = [
        registry.Person(
            f"P{i}",
            rnd.choice(SURNAMES),
            rnd.choice(GIVEN),
            date(1880, 1, 1) + timedelta(days=rnd.randrange(20000)),
        )
        for i in range(n)
    ]
    route = ["Kaunas", "Moscow", "Vladivostok", "Tsuruga", "Kobe"]
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "persons.csv"
        buf = io.StringIO()
        registry.write_rows(persons, buf)
        csv_path.write_text(buf.getvalue(), encoding="utf-8")
        store = Store(f"sqlite:///{tmp}/bench.db")
        t0 = time.perf_counter()
        with store.begin() as conn:
            people.import_persons(conn, csv_path, "bench")
        imported = time.perf_counter() - t0
        with store.begin() as conn:
            issuing.allocate_block(conn, "KAU", 1, 100000, "bench")
        t0 = time.perf_counter()
        with store.begin() as conn:
            docs = issuing.issue(
                conn, iss, "KAU", route, date(1940, 8, 1), date(1940, 9, 30), "bench"
            )
        documents.render_batch(docs, "Consulate of Japan, Kaunas")
        batch = time.perf_counter() - t0
        store.dispose()
    m = min(n, 100)
    anchor = _time(lambda: [documents.render_pdf(d, "x") for d in docs[:m]]) / m * n
    qr = docs[0].qr
    ver = statistics.median(_time(lambda: v.verify(qr, date(1940, 8, 5)), 200) for _ in range(5))
    png = documents.qr_png(qr, scale=4)
    img = statistics.median(
        _time(lambda: v.verify(documents.decode_image(png), date(1940, 8, 5))) for _ in range(20)
    )
    return [
        f"| import {n} persons into the store (CSV, all-or-nothing) | {imported:.2f} s | — |",
        f"| issue {n} signed documents in the store + PDF (batch) | {batch:.1f} s | ≤ 20 s |",
        f"| anchor: per-document PDF loop (from {m}, scaled) | {anchor:.1f} s | — |",
        f"| verify one seal (median) | {ver * 1e3:.3f} ms | ≤ 1 ms |",
        f"| decode QR from PNG + verify (median) | {img * 1e3:.1f} ms | ≤ 50 ms |",
    ]


def bench_sync(n: int) -> list[str]:
    """Two devices' checkpoint logs of n events each: export one, import into the other."""
    import tempfile

    from liaison.evac import tracking
    from liaison.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        a, b = Store(f"sqlite:///{tmp}/a.db"), Store(f"sqlite:///{tmp}/b.db")
        at = datetime(1940, 8, 1, tzinfo=UTC)
        for st, dev in ((a, "moscow"), (b, "vladivostok")):
            with st.begin() as conn:
                for i in range(n):
                    tracking.record(conn, dev, f"G{i}", "departed", "Moscow", at, "", "bench")
        log = Path(tmp) / "a.jsonl"
        with a.begin() as conn:
            tracking.export_log(conn, log)
        t0 = time.perf_counter()
        with b.begin() as conn:
            rep = tracking.import_log(conn, log)
        took = time.perf_counter() - t0
        a.dispose()
        b.dispose()
    return [f"| tracking sync: import {rep.new} events from another device | {took:.2f} s | — |"]


def bench_plan(people: int, deps_per_leg: int) -> list[str]:
    rnd = random.Random(2)
    d0 = date(1940, 8, 1)
    deps = []
    durations = [1, 10, 2, 1]
    for leg in range(4):
        for k in range(deps_per_leg):
            day = d0 + timedelta(days=k * 270 // deps_per_leg + leg * 3)
            deps.append(
                planner.Departure(
                    f"L{leg}-{k}",
                    leg,
                    day,
                    day + timedelta(days=durations[leg]),
                    rnd.randint(4, 12),
                )
            )
    groups, left = [], people
    while left > 0:
        size = min(left, rnd.choice([1, 1, 2, 3, 4, 5]))
        ready = d0 + timedelta(days=rnd.randrange(200))
        groups.append(
            planner.Group(
                f"G{len(groups)}", size, ready, ready + timedelta(days=rnd.randint(20, 60))
            )
        )
        left -= size
    g = planner.greedy(groups, deps)
    o = planner.optimal(groups, deps)
    return [
        f"| plan {people} people ({len(groups)} groups) over {len(deps)} departures, greedy | "
        f"{g.seconds * 1e3:.0f} ms, {g.placed_people} placed | ≤ 0.1 s |",
        f"| same, optimal (HiGHS) | {o.seconds:.1f} s, {o.placed_people} placed, gap "
        f"{(o.gap or 0) * 100:.2f} % | ≤ 10 s |",
    ]


def bench_dups(n: int) -> list[str]:
    rnd = random.Random(3)
    base = []
    for i in range(n):
        base.append(
            registry.Person(
                f"B{i}",
                rnd.choice(SURNAMES) + rnd.choice(["", "er", "ski"]),
                rnd.choice(GIVEN),
                date(1880, 1, 1) + timedelta(days=rnd.randrange(20000)),
            )
        )
    rows = []
    for kind in ("latin", "script"):
        people = list(base)
        truth = set()
        for p in base[: n // 2]:
            if kind == "latin":
                sn, gn = _latin_variant(p.surname, rnd), _latin_variant(p.given_names, rnd)
            else:
                sn, gn = _cyrillic(p.surname), _cyrillic(p.given_names)
            q = registry.Person("V" + p.person_id, sn, gn, p.birth_date)
            people.append(q)
            truth.add(frozenset((p.person_id, q.person_id)))
        found = {frozenset((c.a, c.b)) for c in duplicates.candidates(people)}
        tp = len(found & truth)
        rec = tp / len(truth)
        prec = tp / len(found) if found else 1.0
        target = "≥ 0.9" if kind == "latin" else "≥ 0.75"
        rows.append(
            f"| duplicates, {kind} variants ({len(truth)} pairs) | recall {rec:.2f}, "
            f"precision {prec:.2f} | recall {target} at precision ≥ 0.95 |"
        )
    return rows


def run() -> str:
    n_docs = int(os.environ.get("EVAC_DOCS", "2139"))
    people = int(os.environ.get("EVAC_PEOPLE", "2000"))
    deps = int(os.environ.get("EVAC_DEPARTURES", "640"))
    dup = int(os.environ.get("EVAC_DUP_NAMES", "400"))
    rows = bench_issue(n_docs) + bench_plan(people, max(1, deps // 4)) + bench_dups(dup)
    rows += bench_sync(int(os.environ.get("EVAC_EVENTS", "2000")))
    return "\n".join(["## evac", "", "| what | measured | target |", "|---|---|---|", *rows, ""])


if __name__ == "__main__":
    print(run())
