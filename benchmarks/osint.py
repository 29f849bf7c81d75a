"""Open-source extraction on the labelled evaluation set (benchmarks/osint_eval/, README there).

Reports, for the dev part (tuned on) and the held-out part (not tuned on), per language:
unit-mention F1 (strict: number and echelon — or the military unit number — right, and the span
overlapping the labelled one), place within 25 km of the labelled place (of all labelled
mentions that have one), date right at the text's precision (of all that have one); then
throughput (documents of 5 KB per second, one core) and cold start (a fresh process reading and
extracting one document). Anchors in the same run: a plain regex (number + up to three words +
a formation noun stem, no inflection rules, no lists, no abbreviations) and Natasha (its NER's
ORG spans parsed as designations and its LOC spans resolved by the gazetteer; Russian and
Ukrainian only — Natasha reads nothing else). HTML pages are built around the labelled text
with the boilerplate real pages carry (menus, "read also" links naming other units, comments,
footer), and boilerplate removal is measured: trafilatura against all visible text.

Env: OSINT_BENCH_THROUGHPUT_DOCS (default 200), OSINT_BENCH_SPLITS (default
dev,dev2,dev3,dev4,dev5,dev6,heldout,heldout2; dev2 to dev6 are further development sets for tuning,
written blind (dev3 and dev4 for places, dev5 and dev6 first as further blind measures); heldout2 is
the second held-out set, written blind after the first had been looked at). OSINT_BENCH_MISSES=1 prints, instead of the
report, every miss of the named splits document by document (for tuning; refused for the held-out
splits, which must never be tuned on).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "osint_eval"
LANGS = ("ru", "uk", "pl", "de", "en")
TARGETS = {"f1": 0.90, "place": 0.80, "date": 0.80, "docs_per_s": 20.0, "cold_s": 5.0}


@dataclass
class Gold:
    text: str
    number: int | None
    echelon: str | None
    unit_number: str | None
    place: str | None
    date: str | None
    start: int = -1
    end: int = -1


@dataclass
class EvalDoc:
    id: str
    lang: str
    kind: str
    era: str
    split: str
    published: str | None
    text: str  # the labelled text with markup removed
    gold: list[Gold] = field(default_factory=list)


_MARK = re.compile(r"\[\[([^\]|]+)\|([^\]]*)\]\]")


SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "heldout", "heldout2")


def load(splits: tuple[str, ...] = SPLITS) -> list[EvalDoc]:
    """Parse the labelled files: documents separated by '=== key: value | …' lines, mentions
    written inline as [[span|NUMBER ECHELON or - ECHELON or #UNITNUMBER|place key|date]]."""
    docs: list[EvalDoc] = []
    for lang in LANGS:
        for split in splits:
            path = DATA / f"{lang}.{split}.txt"
            if not path.exists():
                continue
            raw = path.read_text(encoding="utf-8")
            for block in re.split(r"^=== ", raw, flags=re.M)[1:]:
                head, _, body = block.partition("\n")
                meta = dict(
                    (k.strip(), v.strip())
                    for k, v in (p.split(":", 1) for p in head.split("|") if ":" in p)
                )
                default_date = meta.get("date")
                out: list[str] = []
                gold: list[Gold] = []
                pos = 0
                length = 0
                for m in _MARK.finditer(body.strip("\n")):
                    seg = body.strip("\n")[pos : m.start()]
                    out.append(seg)
                    length += len(seg)
                    fields = m.group(2).split("|")
                    key = fields[0].strip()
                    place = fields[1].strip() if len(fields) > 1 else "-"
                    date = fields[2].strip() if len(fields) > 2 else (default_date or "-")
                    number = echelon = unit_number = None
                    if key.startswith("#"):
                        unit_number = key[1:]
                    else:
                        n, e = key.split()
                        number = None if n == "-" else int(n)
                        echelon = e
                    g = Gold(
                        m.group(1),
                        number,
                        echelon,
                        unit_number,
                        None if place in ("-", "") else place,
                        None if date in ("-", "") else date,
                        length,
                        length + len(m.group(1)),
                    )
                    gold.append(g)
                    out.append(m.group(1))
                    length += len(m.group(1))
                    pos = m.end()
                out.append(body.strip("\n")[pos:])
                docs.append(
                    EvalDoc(
                        meta["id"],
                        lang,
                        meta.get("kind", "text"),
                        meta.get("era", ""),
                        split,
                        meta.get("published"),
                        "".join(out),
                        gold,
                    )
                )
    return docs


def places() -> dict[str, tuple[float, float]]:
    out = {}
    for line in (DATA / "places.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        k, lat, lon, _src = line.split("\t")
        out[k] = (float(lat), float(lon))
    return out


# ---- turning labelled text into the files a user would have -------------------------------------------

_BOILER = {
    "ru": (
        "Главная Новости Политика Армия Общество Спорт Контакты",
        "Читайте также: 3-я гвардейская танковая армия получила новые Т-90; 11-й армейский корпус "
        "проводит учения под Калининградом.",
        "Комментарии (12): Иван: а где же 35-я армия? Всё это пропаганда.",
        "© 2024 Редакция. Все права защищены. Подписывайтесь на наш Telegram-канал.",
    ),
    "uk": (
        "Головна Новини Війна Економіка Суспільство Контакти",
        "Читайте також: 10-та окрема гірсько-штурмова бригада отримала нові БМП; "
        "128-ма бригада відзначила річницю.",
        "Коментарі (7): Петро: слава 53-й бригаді! Тримайтеся.",
        "© 2024 Редакція. Усі права захищені. Підписуйтесь на наш канал.",
    ),
    "pl": (
        "Strona główna Wiadomości Kraj Świat Wojsko Sport Kontakt",
        "Czytaj także: 17 Wielkopolska Brygada Zmechanizowana na ćwiczeniach; "
        "34 Brygada Kawalerii Pancernej w nowych koszarach.",
        "Komentarze (5): Marek: a gdzie 2 Korpus Polski? Skandal.",
        "© 2024 Redakcja. Wszelkie prawa zastrzeżone. Polityka prywatności.",
    ),
    "de": (
        "Startseite Politik Ausland Bundeswehr Sport Kontakt",
        "Lesen Sie auch: Die 7. Panzerdivision übt in Munster; das Jägerbataillon 292 verlegt "
        "nach Litauen.",
        "Kommentare (9): Hans: Und was ist mit der 2. Armee? Unglaublich.",
        "© 2024 Redaktion. Alle Rechte vorbehalten. Datenschutz Impressum.",
    ),
    "en": (
        "Home News World Defense Analysis Subscribe Contact",
        "Read more: 2nd Guards Tank Army reconstitutes near Samara; the 1st Cavalry Division "
        "returns to Texas.",
        "Comments (14): John: what about the 10th Tank Division? Fake news.",
        "© 2024 Example Media. All rights reserved. Privacy policy. Cookie settings.",
    ),
}


def html_page(doc: EvalDoc) -> str:
    """A page as a browser saves it: the article inside menus, a sidebar, comments, a footer."""
    import html

    nav, related, comments, footer = _BOILER[doc.lang]
    lines = [ln for ln in doc.text.split("\n") if ln.strip()]
    title, paras = lines[0], lines[1:]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    date = (
        f'<meta property="article:published_time" content="{doc.published}">'
        if doc.published
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{doc.lang}"><head><meta charset="utf-8"><title>{html.escape(title)} | Example</title>{date}
<script>window.dataLayer=[];function gtag(){{}}</script><style>body{{font:14px sans-serif}}</style></head>
<body><header><nav><ul>{"".join(f"<li><a href='#'>{w}</a></li>" for w in nav.split())}</ul></nav></header>
<div class="cookie-banner">We use cookies. <button>OK</button></div>
<main><article><h1>{html.escape(title)}</h1>
<div class="byline">{html.escape(doc.published or "")}</div>
{body}
</article>
<aside class="related"><h3>{related.split(":")[0]}</h3><ul><li><a href="#">{html.escape(related.split(":", 1)[1])}</a></li></ul></aside>
<section class="comments" id="comments"><h3>{comments.split(":")[0]}</h3><div class="comment"><p>{html.escape(comments.split(":", 1)[1])}</p></div></section>
</main><footer><p>{footer}</p></footer></body></html>"""


_MONTHS = {
    "ru": ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
    "uk": ["січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"],
    "pl": ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"],
    "de": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def _pubdate(day: str, lang: str) -> str:
    """A feed's pubDate as sites in that language write it (feedparser cannot read these)."""
    y, m, d = (int(x) for x in day.split("-"))
    if lang == "en":
        return f"{d:02d} {_MONTHS['en'][m - 1]} {y} 09:30:00 +0000"
    return f"{d} {_MONTHS[lang][m - 1]} {y} 12:30:00 +0300"


def _feed(doc: EvalDoc) -> bytes:
    from xml.sax.saxutils import escape

    lines = [ln for ln in doc.text.split("\n") if ln.strip()]
    title, body = lines[0], "".join(f"<p>{escape(p)}</p>" for p in lines[1:])
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example {doc.lang}</title><link>https://example.org/{doc.lang}</link>
<description>News</description><language>{doc.lang}</language>
<item><title>{escape(title)}</title><link>https://example.org/{doc.id}</link><guid>{doc.id}</guid>
<pubDate>{_pubdate(doc.published or "2024-01-01", doc.lang)}</pubDate>
<description>{escape(body)}</description></item>
</channel></rss>""".encode()


def _telegram(doc: EvalDoc) -> bytes:
    """A channel export: the first line in bold, every labelled span a separate segment (as
    Telegram's entities cut the text), the rest plain strings."""
    import calendar
    import json

    text = doc.text
    segs: list[object] = []
    pos = 0
    first = text.split("\n", 1)[0]
    segs.append({"type": "bold", "text": first})
    pos = len(first)
    for g in doc.gold:
        if g.start < pos:
            continue
        segs.append(text[pos : g.start])
        segs.append({"type": "hashtag" if g.unit_number else "bold", "text": text[g.start : g.end]})
        pos = g.end
    segs.append(text[pos:])
    y, m, d = (int(x) for x in (doc.published or "2024-01-01").split("-"))
    ts = calendar.timegm((y, m, d, 9, 0, 0))
    export = {
        "name": f"Example {doc.lang}",
        "type": "public_channel",
        "id": 1000 + len(doc.id),
        "messages": [
            {
                "id": 1,
                "type": "service",
                "date": f"{y:04d}-{m:02d}-{d:02d}T08:00:00",
                "actor": "x",
                "action": "pin_message",
            },
            {
                "id": 2,
                "type": "message",
                "date": f"{y:04d}-{m:02d}-{d:02d}T12:00:00",
                "date_unixtime": str(ts),
                "text": [s for s in segs if s],
            },
        ],
    }
    return json.dumps(export, ensure_ascii=False, indent=1).encode()


def materialise(docs: list[EvalDoc], folder: Path) -> dict[str, Path]:
    """Write each labelled document as the file a user would have: dated news as an RSS item
    (pubDate in the site's language) or a Telegram channel export, alternately; pages as saved
    HTML; undated texts as plain text — every second Russian or Ukrainian one in Windows-1251."""
    paths = {}
    for i, d in enumerate(docs):
        if d.kind == "html":
            p = folder / f"{d.id}.html"
            p.write_text(html_page(d), encoding="utf-8")
        elif d.published and i % 2 == 0:
            p = folder / f"{d.id}.rss"
            p.write_bytes(_feed(d))
        elif d.published:
            p = folder / f"{d.id}.json"
            p.write_bytes(_telegram(d))
        else:
            p = folder / f"{d.id}.txt"
            enc = "cp1251" if d.lang in ("ru", "uk") and i % 2 else "utf-8"
            try:
                p.write_bytes(d.text.encode(enc))
            except UnicodeEncodeError:
                p.write_bytes(d.text.encode("utf-8"))
        paths[d.id] = p
    return paths


# ---- scoring ------------------------------------------------------------------------------------------


@dataclass
class Pred:
    start: int
    end: int
    number: int | None
    echelon: str | None
    unit_number: str | None
    lat: float | None = None
    lon: float | None = None
    date: str | None = None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    place_ok: int = 0
    place_n: int = 0
    date_ok: int = 0
    date_n: int = 0

    def add(self, o: Score) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(o, k))

    @property
    def f1(self) -> float:
        return 2 * self.tp / max(1, 2 * self.tp + self.fp + self.fn)

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)

    @property
    def place(self) -> float:
        return self.place_ok / max(1, self.place_n)

    @property
    def date(self) -> float:
        return self.date_ok / max(1, self.date_n)


def align(gold: list[Gold], text: str, source: str | None = None) -> list[tuple[Gold, int, int]]:
    """Where each labelled span stands in the text the reader produced (in order). With the
    labelled `source`, a span written twice (an unlabelled headline, then the labelled
    sentence) is the same occurrence in the reader's text as in the source when both have the
    same number of them; otherwise the next one after the previous span."""
    out = []
    pos = 0
    for g in gold:
        # whole words only: the span "5." must not be found inside "15. September"
        rx = re.compile(rf"(?<![\w]){re.escape(g.text)}(?![\w])")
        m = None
        if source is not None:
            in_source = [x.start() for x in rx.finditer(source)]
            in_text = list(rx.finditer(text))
            if len(in_source) > 1 and len(in_source) == len(in_text) and g.start in in_source:
                m = in_text[in_source.index(g.start)]
        m = m or rx.search(text, pos) or rx.search(text)
        if m is None:
            out.append((g, -1, -1))
            continue
        out.append((g, m.start(), m.end()))
        pos = m.start() + 1
    return out


def score(
    gold: list[Gold],
    text: str,
    preds: list[Pred],
    where: dict[str, tuple[float, float]],
    misses: list | None = None,
    source: str | None = None,
) -> Score:
    from liaison.core.geo import haversine_km

    s = Score()
    used: set[int] = set()
    for g, gs, ge in align(gold, text, source):
        match = None
        for j, p in enumerate(preds):
            if j in used or gs < 0 or not (p.start < ge and gs < p.end):
                continue
            if g.unit_number is not None:
                ok = p.unit_number == g.unit_number
            else:
                ok = p.number == g.number and p.echelon == g.echelon
            if ok:
                match = j
                break
        if g.place:
            s.place_n += 1
        if g.date:
            s.date_n += 1
        if match is None:
            s.fn += 1
            if misses is not None:
                misses.append(("miss", g.text, g.number, g.echelon, g.unit_number))
            continue
        used.add(match)
        s.tp += 1
        p = preds[match]
        if g.place and p.lat is not None:
            lat, lon = where[g.place]
            if haversine_km(lat, lon, p.lat, p.lon) <= 25:
                s.place_ok += 1
            elif misses is not None:
                misses.append(("place", g.text, g.place, p.lat, p.lon))
        elif g.place and misses is not None:
            misses.append(("place", g.text, g.place, None, None))
        if g.date and p.date == g.date:
            s.date_ok += 1
        elif g.date and misses is not None:
            misses.append(("date", g.text, g.date, p.date))
    for j, p in enumerate(preds):
        if j not in used:
            s.fp += 1
            if misses is not None:
                misses.append(("extra", text[p.start : p.end], p.number, p.echelon, p.unit_number))
    return s


# ---- systems ---------------------------------------------------------------------------------------------


def liaison_preds(doc) -> list[Pred]:  # type: ignore[no-untyped-def]
    from liaison.osint.extract import extract

    return [
        Pred(
            m.start,
            m.end,
            m.unit.number,
            m.unit.echelon,
            m.unit.unit_number,
            m.place.lat if m.place else None,
            m.place.lon if m.place else None,
            m.date,
        )
        for m in extract(doc)
    ]


_ANCHOR_NOUNS = [
    ("front", r"фронт|front|округ|district|okręg|bezirk"),
    ("corps", r"корпус|corps|korpus|korps"),
    ("army", r"арми|армі|army|armi|armee"),
    ("division", r"дивизи|дивізі|division|dywizj"),
    ("brigade", r"бригад|brigade|brygad"),
    ("regiment", r"полк|regiment|pułk"),
    ("battalion", r"батальон|батальйон|battalion|batalion|bataillon"),
]
_ANCHOR = re.compile(
    r"(?<![\w.])(\d{1,4})(?:-?[а-яіїєa-z]{1,3}|\.)?\s+((?:[\w-]+\s+){0,3}?[\w-]*?(?:"
    + "|".join(p for _e, p in _ANCHOR_NOUNS)
    + r"))",
    re.I,
)


def regex_preds(doc) -> list[Pred]:  # type: ignore[no-untyped-def]
    """The plain regex a first attempt would write: a number, up to three words, a noun stem."""
    out = []
    for m in _ANCHOR.finditer(doc.text):
        words = m.group(2).lower()
        ech = next((e for e, p in _ANCHOR_NOUNS if re.search(p, words.split()[-1])), None)
        date = doc.published.date().isoformat() if doc.published else None
        out.append(Pred(m.start(), m.end(), int(m.group(1)), ech, None, None, None, date))
    return out


def natasha_preds(doc) -> list[Pred]:  # type: ignore[no-untyped-def]
    """Natasha as a unit tagger: ORG spans parsed as designations; LOC spans as places."""
    from natasha import Doc, MorphVocab, NewsEmbedding, NewsNERTagger, Segmenter

    from liaison.names.designation import parse_designation
    from liaison.names.gazetteer import resolve

    global _NAT
    if "_NAT" not in globals():
        emb = NewsEmbedding()
        try:
            vocab0 = MorphVocab()
        except ImportError:
            # natasha's MorphVocab runs on pymorphy2, which needs setuptools' pkg_resources
            # (gone from setuptools 81 on): its LOC spans are then resolved as written
            vocab0 = None
        _NAT = (Segmenter(), NewsNERTagger(emb), vocab0, NewsMorphTagger_(emb))
    seg, ner, vocab, morph = _NAT
    d = Doc(doc.text)
    d.segment(seg)
    d.tag_morph(morph)
    d.tag_ner(ner)
    locs = []
    for sp in d.spans:
        if sp.type == "LOC":
            if vocab is not None:
                sp.normalize(vocab)
            r = resolve(sp.normal or sp.text)
            if r.place is not None:
                locs.append((sp.start, r.place))
    out = []
    date = doc.published.date().isoformat() if doc.published else None
    for sp in d.spans:
        if sp.type != "ORG":
            continue
        des = parse_designation(sp.text, doc.language if doc.language in ("ru", "uk") else None)
        if des.number is None and des.echelon is None:
            continue
        near = min(locs, key=lambda x: abs(x[0] - sp.stop), default=None)
        out.append(
            Pred(
                sp.start,
                sp.stop,
                des.number,
                des.echelon,
                None,
                near[1].lat if near else None,
                near[1].lon if near else None,
                date,
            )
        )
    return out


def NewsMorphTagger_(emb):  # type: ignore[no-untyped-def]  # noqa: N802
    from natasha import NewsMorphTagger

    return NewsMorphTagger(emb)


# ---- boilerplate ------------------------------------------------------------------------------------------


def boilerplate(docs: list[EvalDoc], paths: dict[str, Path]) -> tuple[float, float, float, float]:
    """(kept, leaked) for trafilatura and for all visible text: kept = share of the article's
    sentences in the output, leaked = share of the boilerplate lines in the output."""
    from liaison.osint.documents import read
    from liaison.osint.readers import decode, html_to_text

    res = {"traf": [0, 0, 0, 0], "all": [0, 0, 0, 0]}
    for d in docs:
        if d.kind != "html":
            continue
        text_t = read(paths[d.id])[0].text
        text_a = html_to_text(decode(paths[d.id].read_bytes(), "x"))
        sents = [s for s in re.split(r"(?<=[.!?])\s+", d.text) if len(s) > 20]
        boiler = [b.split(":", 1)[-1].strip()[:40] for b in _BOILER[d.lang]]
        for key, t in (("traf", text_t), ("all", text_a)):
            flat = " ".join(t.split())
            res[key][0] += sum(" ".join(s.split()) in flat for s in sents)
            res[key][1] += len(sents)
            res[key][2] += sum(" ".join(b.split()) in flat for b in boiler)
            res[key][3] += len(boiler)
    t, a = res["traf"], res["all"]
    return t[0] / max(1, t[1]), t[2] / max(1, t[3]), a[0] / max(1, a[1]), a[2] / max(1, a[3])


# ---- speed ------------------------------------------------------------------------------------------------


def throughput(docs: list[EvalDoc], folder: Path, n: int) -> tuple[float, int, float]:
    """Documents of ~5 KB (labelled texts strung together) read and extracted per second, one
    process, one thread."""
    from liaison.osint.documents import read
    from liaison.osint.extract import extract

    by_lang: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_lang[d.lang].append(d.text)
    files = []
    for i in range(n):
        lang = LANGS[i % len(LANGS)]
        texts = by_lang[lang]
        buf = ""
        k = i
        while len(buf.encode("utf-8")) < 5000:
            buf += texts[k % len(texts)] + "\n\n"
            k += 1
        p = folder / f"tp-{i}.txt"
        p.write_bytes(buf.encode("utf-8")[:5120].decode("utf-8", "ignore").encode("utf-8"))
        files.append(p)
    for p in files[:5]:  # warm: models loaded once per process, as in a worker
        for d in read(p):
            extract(d)
    # CPU time of this process: the machine is shared, and "one core" is what a worker gets
    best = float("inf")
    mentions = 0
    wall = 0.0
    for _ in range(3):
        c0, t0 = time.process_time(), time.perf_counter()
        mentions = 0
        for p in files:
            for d in read(p):
                mentions += len(extract(d))
        cpu = time.process_time() - c0
        if cpu < best:
            best, wall = cpu, time.perf_counter() - t0
    return n / best, mentions, n / wall


def cold_start(path: Path) -> tuple[float, float, float]:
    """A fresh interpreter: import, read one file, extract. Returns the child's CPU seconds,
    its wall seconds, and the CLI's (`liaison osint extract FILE --json`) CPU seconds."""
    import resource

    code = (
        "import sys; from liaison.osint.documents import read; from liaison.osint.extract import extract;"
        "n=sum(len(extract(d)) for d in read(sys.argv[1]))"
    )

    def child_cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    c0, t0 = child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True)
    cpu, wall = child_cpu() - c0, time.perf_counter() - t0
    cli = Path(sys.executable).parent / "liaison"
    argv = [str(cli)] if cli.exists() else [sys.executable, "-m", "liaison.cli.app"]
    c0 = child_cpu()
    subprocess.run(
        [*argv, "osint", "extract", str(path), "--json"], check=True, capture_output=True
    )
    return cpu, wall, child_cpu() - c0


# ---- the report --------------------------------------------------------------------------------------------


def evaluate(docs: list[EvalDoc], system, paths: dict[str, Path], langs=LANGS, misses=None):  # type: ignore[no-untyped-def]
    from liaison.osint.documents import read

    where = places()
    per: dict[tuple[str, str], Score] = defaultdict(Score)
    for d in docs:
        if d.lang not in langs:
            continue
        read_docs = read(paths[d.id])
        rd = read_docs[0]
        s = score(d.gold, rd.text, system(rd), where, misses, source=d.text)
        per[(d.split, d.lang)].add(s)
        per[(d.split, "all")].add(s)
        per[("all", "all")].add(s)
    return per


def run() -> str:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    splits = tuple(
        s.strip() for s in os.environ.get("OSINT_BENCH_SPLITS", ",".join(SPLITS)).split(",")
    )
    unknown = [s for s in splits if s not in SPLITS]
    if unknown:
        raise SystemExit(
            f"OSINT_BENCH_SPLITS: unknown split(s) {unknown}; known: {', '.join(SPLITS)}"
        )
    n_tp = int(os.environ.get("OSINT_BENCH_THROUGHPUT_DOCS", "200"))
    docs = load(splits)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = materialise(docs, folder)
        ours = evaluate(docs, liaison_preds, paths)
        rx = evaluate(docs, regex_preds, paths)
        nat = evaluate(docs, natasha_preds, paths, langs=("ru", "uk"))
        ours_ru = evaluate(docs, liaison_preds, paths, langs=("ru", "uk"))
        kept_t, leak_t, kept_a, leak_a = boilerplate(docs, paths)
        dps, n_mentions, dps_wall = throughput(docs, folder, n_tp)
        first = next(p for d, p in paths.items() if d.startswith("ru-"))
        cold_cpu, cold_wall, cold_cli = cold_start(first)
    n_gold = sum(len(d.gold) for d in docs)
    lines = [
        "## OSINT extraction (`benchmarks/osint.py`)",
        "",
        f"Labelled set: {len(docs)} documents, {n_gold} mentions "
        f"({sum(len(d.gold) for d in docs if d.split == 'dev')} dev, "
        f"{sum(len(d.gold) for d in docs if d.split == 'dev2')} in the second dev set, "
        f"{sum(len(d.gold) for d in docs if d.split == 'dev3')} in the third (places), "
        f"{sum(len(d.gold) for d in docs if d.split == 'dev4')} in the fourth, "
        f"{sum(len(d.gold) for d in docs if d.split == 'dev5')} in the fifth, "
        f"{sum(len(d.gold) for d in docs if d.split == 'dev6')} in the sixth, "
        f"{sum(len(d.gold) for d in docs if d.split == 'heldout')} held out, not tuned on; "
        f"{sum(len(d.gold) for d in docs if d.split == 'heldout2')} in the second held-out set, "
        "written blind); "
        f"read from {sum(d.kind == 'html' for d in docs)} saved HTML pages, "
        f"{sum(str(p).endswith('.rss') for p in paths.values())} RSS feeds (pubDate in the site's language), "
        f"{sum(str(p).endswith('.json') for p in paths.values())} Telegram exports and "
        f"{sum(str(p).endswith('.txt') for p in paths.values())} text files (half the Cyrillic ones in "
        "Windows-1251). Strict: number and echelon (or the military unit number) right.",
        "",
        "| split | language | mentions | precision | recall | **F1** (≥ 0.90) | place ≤ 25 km (≥ 0.80) | date (≥ 0.80) | regex anchor F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    # the tuned and the held-out parts summed apart: one total over both would mix what the
    # rules were fitted to with what they never saw
    for part, members in (("dev*", "dev"), ("heldout*", "heldout")):
        chosen = [sp for sp in splits if sp.startswith(members)]
        if len(chosen) < 2:
            continue
        for table in (ours, rx):
            for lang in (*LANGS, "all"):
                tot = Score()
                for sp in chosen:
                    tot.add(table.get((sp, lang), Score()))
                table[(part, lang)] = tot
    groups = [g for g in ("dev*", "heldout*") if (g, "all") in ours]
    for split in (*splits, *groups, "all"):
        for lang in (*LANGS, "all"):
            if split == "all" and lang != "all":
                continue
            s = ours.get((split, lang))
            if s is None:
                continue
            r = rx.get((split, lang), Score())
            lines.append(
                f"| {split} | {lang} | {s.tp + s.fn} | {s.precision:.3f} | {s.recall:.3f} | "
                f"**{s.f1:.3f}** | {s.place:.3f} ({s.place_ok}/{s.place_n}) | "
                f"{s.date:.3f} ({s.date_ok}/{s.date_n}) | {r.f1:.3f} |"
            )
    n_all = nat.get(("all", "all"), Score())
    o_all = ours_ru.get(("all", "all"), Score())
    r_all = rx.get(("all", "all"), Score())
    lines += [
        "",
        "Anchors, same run:",
        f"- plain regex (all languages): F1 {r_all.f1:.3f} (precision {r_all.precision:.3f}, "
        f"recall {r_all.recall:.3f}); date = publication date: {r_all.date:.3f}.",
        f"- Natasha (Russian and Ukrainian only; ORG spans as units, nearest LOC as place): "
        f"F1 {n_all.f1:.3f}, place {n_all.place:.3f} — Liaison on the same documents: "
        f"F1 {o_all.f1:.3f}, place {o_all.place:.3f}.",
        f"- Boilerplate (HTML pages): trafilatura keeps {kept_t:.0%} of the article's sentences "
        f"and lets through {leak_t:.0%} of the boilerplate lines; all visible text keeps "
        f"{kept_a:.0%} and lets through {leak_a:.0%}.",
        "",
        f"Speed: **{dps:.1f} documents/s** of 5 KB read and extracted per CPU second on one core "
        f"(target ≥ 20; {n_tp} documents strung from the labelled texts, {n_mentions} mentions — "
        f"far denser than news; wall clock on this shared machine: {dps_wall:.1f}/s). Cold start, "
        f"a fresh process importing, reading one document and extracting: **{cold_cpu:.2f} s** of "
        f"CPU (target ≤ 5; wall {cold_wall:.2f} s here), the CLI `liaison osint extract FILE "
        f"--json` {cold_cli:.2f} s — with the gazetteer's index cached, as after the first run "
        "on a machine.",
        "",
    ]
    return "\n".join(lines)


def misses_report(splits: tuple[str, ...]) -> str:
    """Every miss of our system, per document: a missed or extra mention, a wrong place, a wrong
    date — what a tuner reads. Held-out splits are refused."""
    held = [s for s in splits if s.startswith("heldout")]
    if held:
        raise SystemExit(f"OSINT_BENCH_MISSES: refused for held-out split(s) {held}")
    from liaison.osint.documents import read

    docs = load(splits)
    where = places()
    out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = materialise(docs, Path(tmp))
        for d in docs:
            rd = read(paths[d.id])[0]
            found: list = []
            score(d.gold, rd.text, liaison_preds(rd), where, found, source=d.text)
            out += [f"{d.id}\t" + "\t".join(str(x) for x in m) for m in found]
    return "\n".join(out)


if __name__ == "__main__":
    if os.environ.get("OSINT_BENCH_MISSES"):
        print(misses_report(tuple(os.environ.get("OSINT_BENCH_SPLITS", "dev4").split(","))))
    else:
        print(run())
