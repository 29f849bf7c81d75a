"""Place names in a sentence → gazetteer candidates, with an ACLED-style precision.

Where a name is looked for: after a locative word ("в", "под", "біля", "pod", "bei", "near",
"north of" …; a word meaning *near* gives precision 2), and — in Russian — wherever Natasha's
NER tags a location. Region names ("в Белгородской области", "Kharkiv oblast", "w obwodzie
charkowskim") give the region's centre at precision 3. Inflected names are brought to the form
the gazetteer knows: pymorphy3 for Russian, ending rules for Ukrainian, Polish and German.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from liaison.names.gazetteer import Place, resolve

_CAP = r"[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻŹĆ][\w'ʼ’-]*"
_NAME = rf"{_CAP}(?:[\s-]+(?:{_CAP}|на-[А-Я][\w-]*|am|an\s+der|nad|upon|on))?(?:\s+{_CAP})?"

# (words, precision): 1 the town itself, 2 near it
_TRIGGERS: dict[str, list[tuple[str, int]]] = {
    "ru": [
        (
            r"под|близ|около|возле|у|недалеко\s+от|неподалеку\s+от|в\s+районе|в\s+окрестностях|на\s+окраине|на\s+окраинах|"
            r"в\s+направлении|на\s+подступах\s+к|(?:северо-|юго-)?(?:север|юг|запад|восток)[а-я]*нее|к\s+(?:северу|югу|западу|востоку|северо-западу|северо-востоку|юго-западу|юго-востоку)\s+от|"
            r"в\s+\d+\s+км\s+(?:к\s+\w+\s+)?от|за",
            2,
        ),
        (
            r"в|во|из|до|через|к|ко|от|на|с|со|под\s+городом|в\s+городе|в\s+пос[её]лке|в\s+селе|в\s+г\.|г\.|пгт|с\.|пос\.",
            1,
        ),
    ],
    "uk": [
        (
            r"під|біля|поблизу|неподалік\s+від|неподалік|у\s+районі|в\s+районі|на\s+околиці|на\s+околицях|у\s+напрямку|в\s+напрямку|на\s+напрямку|"
            r"(?:північ|південь|захід|схід)[а-яі]*ніше|на\s+(?:північ|південь|захід|схід)\s+від|за",
            2,
        ),
        (r"в|у|до|з|із|зі|через|від|на|м\.|с\.|смт|в\s+місті|у\s+місті|в\s+селі|у\s+селі", 1),
    ],
    "pl": [
        (
            r"pod|koło|kolo|obok|w\s+rejonie|w\s+okolicach|w\s+okolicy|na\s+przedmieściach|nieopodal|niedaleko|w\s+pobliżu|"
            r"na\s+(?:północ|południe|wschód|zachód|północny\s+\w+|południowy\s+\w+)\s+od|w\s+kierunku|za",
            2,
        ),
        (r"w|we|z|ze|do|przez|od|na|garnizon|m\.", 1),
    ],
    "de": [
        (
            r"bei|um|nahe|nahe\s+bei|vor|in\s+der\s+nähe\s+von|im\s+raum(?:\s+um)?|(?:nord|süd|ost|west|nordwest|nordost|südwest|südost)lich\s+(?:von)?|in\s+richtung",
            2,
        ),
        (r"in|aus|nach|von|bis|über|zu|garnison", 1),
    ],
    "en": [
        (
            r"near|outside|around|close\s+to|in\s+the\s+(?:area|vicinity)\s+of|on\s+the\s+outskirts\s+of|towards|toward|"
            r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of|in\s+the\s+direction\s+of|beyond",
            2,
        ),
        (
            r"in|at|from|to|into|through|via|garrisoned\s+in|based\s+in|stationed\s+in|headquartered\s+in",
            1,
        ),
    ],
}
_TRIGGER_RE = {
    lang: [
        (
            re.compile(rf"(?<![\w])(?:{words})\s+(?P<name>{_NAME})", re.I if lang != "de" else 0),
            prec,
        )
        for words, prec in trig
    ]
    for lang, trig in _TRIGGERS.items()
}
_REGION_RE = {
    "ru": re.compile(
        r"(?P<name>[А-ЯЁ][а-яё-]+(?:ской|цкой|ская|цкая|скую|цкую|ск[ао]й|ской))\s+(?:области|область|обл\.)"
    ),
    "uk": re.compile(
        r"(?P<name>[А-ЯІЇЄҐ][а-яіїєґ'ʼ-]+(?:ській|ська|ської|ську|цькій|цька|цької|цьку|зькій|зька|зької))\s+(?:області|область|обл\.)"
    ),
    "pl": re.compile(
        r"(?:obwod(?:zie|u|em)|obwód)\s+(?P<name>[a-ząćęłńóśźż]+(?:skim|ckim|skiego|ckiego|ski|cki))"
    ),
    "de": re.compile(r"(?:Oblast|Gebiet(?:s)?)\s+(?P<name>[A-ZÄÖÜ][\w-]+)"),
    "en": re.compile(r"(?P<name>[A-Z][\w'-]+)\s+(?:[Oo]blast|[Rr]egion|[Pp]rovince)"),
}
_NOT_PLACE = re.compile(
    r"^(?:Россия|России|Украина|Украины|Україна|України|Polska|Polski|Polsce|Deutschland|Russland|Ukraine|Russia|Poland|"
    r"Germany|USSR|СССР|ВСУ|ЗСУ|ВС|РФ|НАТО|NATO|Bundeswehr|Wehrmacht|Red|Army|Armee|Armia|Division|Korps|Corps|"
    r"Генштаб|Минобороны|Министерство|Пентагон|Kreml|Kremlin|Кремль|Ministry|Staff|Januar|Februar|März|April|Mai|Juni|Juli|"
    r"August|September|Oktober|November|Dezember|January|February|March|May|June|July|October|December|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|The|This|That|In|On|At|Der|Die|Das|Den|Dem|Des|Im|Am|W|We|Na|Z|Do|"
    r"В|На|Из|По|С|К|От|До|За|Под|У|І|З|Як|Для)$"
)


@dataclass(frozen=True)
class PlaceHit:
    start: int
    end: int
    text: str
    place: Place | None
    candidates: tuple[Place, ...]
    unambiguous: bool
    precision: int


# ---- dictionary forms -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _morph():  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _ru_forms(name: str) -> list[str]:
    words = name.split()
    morph = _morph()
    parses = [morph.parse(w) for w in words]
    noun = next((p for p in parses[-1] if "Geox" in p.tag), parses[-1][0]) if parses else None
    if noun is None:
        return [name]
    out = []
    gender = noun.tag.gender or "masc"
    lem: list[str] = []
    for w, ps in zip(words, parses, strict=True):
        if ps is parses[-1]:
            lem.append(_cap_like(noun.normal_form, w))
            continue
        adj = next((p for p in ps if "ADJF" in p.tag), None)
        if adj is not None:
            inf = adj.inflect({"nomn", "sing", gender})
            lem.append(_cap_like(inf.word if inf else adj.normal_form, w))
        else:
            lem.append(w)
    out.append(" ".join(lem))
    geox = [p.normal_form for p in parses[-1] if "Geox" in p.tag]
    out += [_cap_like(g, words[-1]) for g in geox if len(words) == 1]
    return list(dict.fromkeys(out))


def _cap_like(word: str, like: str) -> str:
    if like[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
    return word


_UK_ENDINGS = [
    ("ові", ""),
    ("еві", ""),
    ("ом", ""),
    ("ем", ""),
    ("ою", "а"),
    ("ею", "я"),
    ("ої", "а"),
    ("ій", "а"),
    ("і", "а"),
    ("і", ""),
    ("і", "ь"),
    ("у", ""),
    ("у", "а"),
    ("ю", ""),
    ("ю", "я"),
    ("ю", "ь"),
    ("а", ""),
    ("я", "ь"),
    ("я", ""),
    ("и", "а"),
    ("ї", "я"),
    ("ах", "и"),
    ("ях", "і"),
]
_PL_ENDINGS = [
    ("owie", "ów"),
    ("owa", "ów"),
    ("owem", "ów"),
    ("owi", "ów"),
    ("niu", "ń"),
    ("niem", "ń"),
    ("nia", "ń"),
    ("ii", "ia"),
    ("ią", "ia"),
    ("ię", "ia"),
    ("i", "ia"),
    ("wie", "wa"),
    ("ie", "a"),
    ("ą", "a"),
    ("ę", "a"),
    ("y", "a"),
    ("u", ""),
    ("a", ""),
    ("ie", ""),
    ("em", ""),
    ("cach", "ce"),
    ("icach", "ice"),
    ("kach", "ki"),
    ("ach", "y"),
    ("ach", "e"),
    ("dzi", "dź"),
    ("rze", "ra"),
    ("ce", "ka"),
    ("dze", "ga"),
    ("zy", ""),
]


def _uk_forms(name: str) -> list[str]:
    out = [name]
    words = name.split()
    last = words[-1]
    for end, rep in _UK_ENDINGS:
        if last.endswith(end) and len(last) - len(end) >= 3:
            stem = last[: -len(end)] + rep
            out.append(" ".join([*words[:-1], stem]))
            # о/е → і in the closed last syllable (Харкова → Харків, Львова → Львів, Києва → Київ)
            m = re.search(r"([оеє])([^аеєиіїоуюяь]+)$", stem)
            if m:
                alt = stem[: m.start(1)] + ("ї" if m.group(1) == "є" else "і") + m.group(2)
                out.append(" ".join([*words[:-1], alt]))
    if len(words) == 2:
        # adjective + noun ("Новій Каховці" → "Нова Каховка") is rarer; try the noun alone
        out.append(words[-1])
    return list(dict.fromkeys(out))


def _pl_forms(name: str) -> list[str]:
    out = [name]
    words = name.split()
    for end, rep in _PL_ENDINGS:
        w = words[-1]
        if w.endswith(end) and len(w) - len(end) >= 3:
            out.append(" ".join([*words[:-1], w[: -len(end)] + rep]))
    if len(words) == 2:
        # adjective first: "Białymstoku" is one word; "Nowym Targu" → "Nowy Targ"
        a, n = words
        for ae, ar in (
            ("ym", "y"),
            ("ej", "a"),
            ("ą", "a"),
            ("ego", "y"),
            ("iej", "a"),
            ("im", "i"),
        ):
            if a.endswith(ae):
                for end, rep in _PL_ENDINGS:
                    if n.endswith(end):
                        out.append(f"{a[: -len(ae)] + ar} {n[: -len(end)] + rep}")
    return list(dict.fromkeys(out))


def _de_forms(name: str) -> list[str]:
    out = [name]
    if name.endswith("s") and len(name) > 4:
        out.append(name[:-1])
    return out


def forms(name: str, lang: str) -> list[str]:
    """Candidate dictionary forms of a written place name, the written form first."""
    name = " ".join(name.split()).strip("«»\"„“”'’ʼ.,;:")
    if lang == "ru":
        return list(dict.fromkeys([name, *_ru_forms(name)]))
    if lang == "uk":
        return _uk_forms(name)
    if lang == "pl":
        return _pl_forms(name)
    if lang == "de":
        return _de_forms(name)
    return [name, name.removesuffix("'s")]


def _region_forms(adj: str, lang: str) -> list[str]:
    """The region's centre from its adjective: Белгородской → Белгород, Курской → Курск,
    Донецької → Донецьк, charkowskim → Charków, Kharkiv → Kharkiv."""
    if lang in ("de", "en"):
        return [adj]
    stems: list[str] = []
    if lang == "ru":
        base = re.sub(r"(?:ской|ская|скую|цкой|цкая|цкую)$", "", adj)
        stems = [base, base + "ск", base + "к", base + "ье", base + "ь", base + "а"]
    elif lang == "uk":
        base = re.sub(r"(?:ській|ська|ської|ську|цькій|цька|цької|цьку|зькій|зька|зької)$", "", adj)
        alt = re.sub(
            r"([оеє])([^аеєиіїоуюяь]+)$",
            lambda m: ("ї" if m.group(1) == "є" else "і") + m.group(2),
            base,
        )
        stems = [
            base,
            alt,
            base + "ськ",
            base + "ьк",
            base + "ськ",
            base + "жжя",
            base[:-1] + "жжя" if base else base,
        ]
    elif lang == "pl":
        base = re.sub(r"(?:skim|ckim|skiego|ckiego|ski|cki)$", "", adj)
        base = base[:1].upper() + base[1:]
        alt = re.sub(r"ow$", "ów", base)
        stems = [base, alt, base + "sk", base + "k"]
    return [s for s in dict.fromkeys(stems) if len(s) >= 3]


@lru_cache(maxsize=20000)
def lookup(name: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool]:
    """(place, candidates, unambiguous) for a written name: the first form the gazetteer knows
    as written wins; a form known only by sound or by a close spelling counts if nothing better."""
    fallback: tuple[Place | None, tuple[Place, ...], bool] | None = None
    for f in forms(name, lang):
        if len(f) < 3 or _NOT_PLACE.match(f):
            continue
        r = resolve(f)
        if r.status == "unknown":
            continue
        got = (r.place, r.candidates, r.status == "ok")
        if r.how.startswith("as written"):
            return got
        if fallback is None and not r.how.startswith("fuzzy"):
            fallback = got
    return fallback or (None, (), False)


def _region_lookup(adj: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool]:
    for f in _region_forms(adj, lang):
        r = resolve(f)
        if r.status != "unknown" and r.how.startswith("as written"):
            return r.place, r.candidates, r.status == "ok"
    return None, (), False


@lru_cache(maxsize=1)
def _natasha():  # type: ignore[no-untyped-def]
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    emb = NewsEmbedding()
    return Segmenter(), NewsNERTagger(emb)


def natasha_locations(text: str) -> list[tuple[int, int]]:
    """LOC spans Natasha's NER finds in a Russian text (offsets into text)."""
    from natasha import Doc

    seg, ner = _natasha()
    doc = Doc(text)
    doc.segment(seg)
    doc.tag_ner(ner)
    return [(s.start, s.stop) for s in doc.spans if s.type == "LOC"]


def find_places(text: str, s: int, e: int, lang: str) -> list[PlaceHit]:
    """Places named in text[s:e], in order, each resolved or with its candidates."""
    sent = text[s:e]
    spans: dict[tuple[int, int], int] = {}
    lg = lang if lang in _TRIGGER_RE else "en"
    for rx, prec in _TRIGGER_RE[lg]:
        for m in rx.finditer(sent):
            a, b = m.span("name")
            # trailing words that are not part of a name ("Kursk Division" → "Kursk")
            spans.setdefault((a, b), prec)
    if lg == "ru" and re.search(r"[А-ЯЁ]", sent):
        for a, b in natasha_locations(sent):
            spans.setdefault((a, b), 1)
    hits: list[PlaceHit] = []
    taken: list[tuple[int, int]] = []
    for m in _REGION_RE[lg].finditer(sent):
        place, cands, ok = _region_lookup(m.group("name"), lg)
        if place is not None or cands:
            hits.append(PlaceHit(s + m.start(), s + m.end(), m.group(0), place, cands, ok, 3))
            taken.append(m.span())
    for (a, b), prec in sorted(spans.items()):
        if any(a < tb and ta < b for ta, tb in taken):
            continue
        name = sent[a:b]
        place, cands, ok = _lookup_trim(name, lg)
        if place is None and not cands:
            continue
        hits.append(PlaceHit(s + a, s + a + len(name), name, place, cands, ok, prec))
        taken.append((a, b))
    return sorted(hits, key=lambda h: h.start)


def _lookup_trim(name: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool]:
    """Try the whole capitalised run, then its first words ("Kursk Division" → "Kursk")."""
    words = name.split()
    for k in range(len(words), 0, -1):
        got = lookup(" ".join(words[:k]), lang)
        if got[0] is not None or got[1]:
            return got
    return None, (), False
