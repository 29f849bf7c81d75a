"""Open-source compilation at scale: ingest a backlog of generated reports (Russian, English and
German; some reposted, some translated) into SQLite, compile it into candidate observations, and
check dedupe and compile against what the generator knows.

Figures: ingest documents/s on every core, with the anchor — the same ingest on one process — in
the same run; re-ingest time (adds nothing); compile time; repost/translation detection
(pairs found among the true copies, and false joins of independent reports); candidates per true
(unit, place, day) fact and corroboration counted right.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from liaison.orbat import observe
from liaison.orbat.partners import add_partner, add_source
from liaison.osint import ingest, review
from liaison.store import Store
from liaison.store.schema.osint import osint_document

N = int(os.environ.get("OSINT_BENCH_DOCS", "300"))
SOURCES = ["NEWS", "WIRE", "KANAL", "BLOG"]
PLACES = {  # name as written in ru / en / de, and the gazetteer's name
    "Belgorod": ("Белгороде", "Belgorod", "Belgorod"),
    "Kursk": ("Курске", "Kursk", "Kursk"),
    "Voronezh": ("Воронеже", "Voronezh", "Woronesch"),
    "Pskov": ("Пскове", "Pskov", "Pskow"),
    "Valuyki": ("Валуйках", "Valuyki", "Walujki"),
    "Bryansk": ("Брянске", "Bryansk", "Brjansk"),
}
MONTH = {"ru": "марта", "en": "March", "de": "März"}
FILLER = {
    "ru": [
        "Местные жители рассказывают о колоннах техники на дорогах.",
        "Власти региона ситуацию не комментируют.",
        "Школы и магазины работают в обычном режиме.",
        "На станции весь день был слышен шум.",
        "Очевидцы сняли видео с моста через реку.",
        "Движение на трассе было ограничено до вечера.",
        "В соцсетях появились фотографии грузовиков с тентами.",
        "Один из водителей сказал, что едут на учения.",
        "Полиция перекрыла несколько улиц в центре.",
        "Погода в тот день была пасмурной и холодной.",
    ],
    "en": [
        "Local residents describe columns of vehicles on the roads.",
        "The regional authorities do not comment.",
        "Schools and shops are working as usual.",
        "Noise was heard at the station all day.",
        "Eyewitnesses filmed the convoy from a bridge over the river.",
        "Traffic on the highway was restricted until the evening.",
        "Photos of covered lorries appeared on social media.",
        "One of the drivers said they were going to an exercise.",
        "Police closed several streets in the centre.",
        "The weather that day was overcast and cold.",
    ],
    "de": [
        "Anwohner berichten von Fahrzeugkolonnen auf den Straßen.",
        "Die Behörden der Region äußern sich nicht.",
        "Schulen und Geschäfte arbeiten wie gewohnt.",
        "Am Bahnhof war den ganzen Tag Lärm zu hören.",
        "Augenzeugen filmten die Kolonne von einer Brücke über den Fluss.",
        "Der Verkehr auf der Fernstraße war bis zum Abend eingeschränkt.",
        "In sozialen Netzwerken erschienen Fotos von Lastwagen mit Planen.",
        "Einer der Fahrer sagte, sie führen zu einer Übung.",
        "Die Polizei sperrte mehrere Straßen im Zentrum.",
        "Das Wetter war an diesem Tag trüb und kalt.",
    ],
}


def filler(rng: random.Random, lang: str) -> str:
    return " ".join(rng.sample(FILLER[lang], 4)) + " "


def sentence(lang: str, number: int, place: str, day: int) -> str:
    ru, en, de = PLACES[place]
    if lang == "ru":
        return f"{day} {MONTH['ru']} 2024 года части {number}-й мотострелковой дивизии замечены в {ru}. "
    if lang == "en":
        return f"On {day} {MONTH['en']} 2024 elements of the {number}th Motor Rifle Division were seen in {en}. "
    return f"Am {day}. {MONTH['de']} 2024 wurden Teile der {number}. Motorisierten Schützendivision in {de} gesehen. "


def generate(
    root: Path, n: int
) -> tuple[dict[str, list[Path]], set[tuple[int, str, int]], int, dict[str, int]]:
    """Files per source; the true facts; how many documents copy another; file → its report."""
    rng = random.Random(1939)
    files: dict[str, list[Path]] = {s: [] for s in SOURCES}
    facts: set[tuple[int, str, int]] = set()
    originals: list[tuple[str, list[tuple[int, str, int]], list[str]]] = []
    texts: set[str] = set()
    report_of: dict[str, int] = {}
    copies = 0
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        if originals and rng.random() < 0.25:  # a repost or a translation of an earlier report
            k = rng.randrange(len(originals))
            lang, fs, parts = originals[k]
            if rng.random() < 0.5:
                body = (
                    "РЕПОСТ. "
                    if lang == "ru"
                    else "Repost: "
                    if lang == "en"
                    else "Weitergeleitet: "
                )
                body += "".join(parts)
            else:  # the translator keeps the facts and the numbers, the words are all new
                lang = rng.choice([x for x in ("ru", "en", "de") if x != lang])
                body = "".join(sentence(lang, *f) + filler(rng, lang) for f in fs)
            copies += body not in texts  # a byte-identical copy is one document already
        else:
            lang = rng.choice(["ru", "en", "de"])
            fs = [
                (rng.randrange(1, 60), rng.choice(list(PLACES)), rng.randrange(1, 28))
                for _ in range(rng.randrange(1, 4))
            ]
            facts.update(fs)
            parts = [sentence(lang, *f) + filler(rng, lang) for f in fs]
            k = len(originals)
            originals.append((lang, fs, parts))
            body = "".join(parts)
        texts.add(body)
        p = root / src / f"doc-{i:05d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body, "utf-8")
        files[src].append(p)
        report_of[str(p)] = k
    return files, facts, copies, report_of


def fresh_store(path: Path) -> Store:
    s = Store(f"sqlite:///{path}")
    with s.begin() as conn:
        add_partner(conn, "PL", "Poland", is_self=True, language="en")
        for i, src in enumerate(SOURCES):
            add_source(conn, "PL", src, "OSINT", "BCDE"[i])
        from datetime import UTC, datetime

        for n in range(1, 30):  # half the divisions are already in the picture
            observe.record(
                conn, "PL", f"pl-{n}", valid_at=datetime(2024, 1, 1, tzinfo=UTC),
                designation=f"{n}th Motor Rifle Division", echelon="division", branch="motorised",
            )  # fmt: skip
    return s


def run_ingest(store: Store, files: dict[str, list[Path]], workers: int) -> float:
    t0 = time.perf_counter()
    for src, fs in files.items():
        items = [ingest.Item(str(f), str(f)) for f in fs]
        ingest.ingest(
            store, "PL", items, source=src, actor="bench", workers=workers, compile_after=False
        )
    return time.perf_counter() - t0


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files, facts, copies, report_of = generate(root / "docs", N)
        # warm the models once, so neither side pays the cold start (extraction's own benchmark does)
        ingest.warm_up("auto", None)
        one = fresh_store(root / "one.db")
        t_one = run_ingest(one, files, 1)
        many = fresh_store(root / "many.db")
        cores = os.cpu_count() or 1
        t_many = run_ingest(many, files, cores)
        t0 = time.perf_counter()
        run_ingest(many, files, cores)
        t_again = time.perf_counter() - t0
        from liaison.osint.compile import compile_partner

        t0 = time.perf_counter()
        with many.begin() as conn:
            summary = compile_partner(conn, "PL", actor="bench")
        t_compile = time.perf_counter() - t0
        t0 = time.perf_counter()
        with many.begin() as conn:
            compile_partner(conn, "PL", actor="bench")
        t_recompile = time.perf_counter() - t0
        with many.connect() as conn:
            docs = conn.execute(sa.select(sa.func.count()).select_from(osint_document)).scalar()
            rows = conn.execute(
                sa.select(
                    osint_document.c.id, osint_document.c.origin, osint_document.c.duplicate_of
                )
            ).all()
            cands = review.list_candidates(conn, ["PL"], limit=5000)
        origin = {r.id: r.origin for r in rows}
        joins = [(r.origin, origin[r.duplicate_of]) for r in rows if r.duplicate_of]
    false_joins = sum(1 for a, b in joins if report_of[a] != report_of[b])
    # a fact is found when a candidate of that unit at that place spans its day (mentions of one
    # unit at one place within a week are one candidate observation by design)
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for c in cands:
        if c["number"] and c["first_seen"] and c["last_seen"]:
            spans.setdefault((c["number"], c["place"]), []).append(
                (int(c["first_seen"][8:10]), int(c["last_seen"][8:10]))
            )
    got = sum(
        1 for n, place, day in facts if any(a <= day <= b for a, b in spans.get((n, place), []))
    )
    dup_rate = (summary.duplicates - false_joins) / copies if copies else 1.0
    return f"""## osint_compile

Open-source compilation on {N} generated reports of ~1 KB (Russian, English, German; {copies}
of them reposts or translations of earlier ones), four sources, SQLite.

| figure | value |
|---|---|
| ingest (read, extract, MinHash, store), {cores} processes | {N / t_many:.1f} documents/s ({t_many:.1f} s) |
| anchor: the same ingest in one process | {N / t_one:.1f} documents/s ({t_one:.1f} s) |
| speed-up on {cores} cores | {t_one / t_many:.2f}× |
| re-ingest of the same {N} files (adds nothing) | {t_again:.1f} s, documents held: {docs} |
| compile (dedupe, match to the picture, group, grade) | {t_compile:.2f} s → {summary.new} candidates |
| compile again (nothing changed) | {t_recompile:.2f} s |
| copies recognised as one report | {summary.duplicates - false_joins} of {copies} ({100 * dup_rate:.0f} %) |
| independent reports wrongly joined as copies | {false_joins} |
| true (unit, place, day) facts covered by a candidate | {got} of {len(facts)} ({100 * got / max(1, len(facts)):.0f} %) |
| candidates per true fact (one unit at one place within a week is one) | {len(cands) / max(1, len(facts)):.2f} |

Copies missed are short translations of a one-fact report: with fewer than four numbers a
translation cannot be told from an independent report of the same fact, and dedupe leaves them
apart rather than deflate corroboration on a guess.

Targets: the pool beats one process on a multi-core machine; re-ingest adds nothing; a copy is
one report (corroboration is counted on reports, never on copies).
"""


if __name__ == "__main__":
    print(run())
