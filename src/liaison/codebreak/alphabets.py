"""Alphabets per language and the traffic alphabets they were sent in.

Each language has its native alphabet (ё folds into е, so Russian has 32 letters, as in period
practice) and the alphabets its traffic actually used on the wire (`TRAFFIC`): Polish and German in
the 26 Latin letters of telegraph and radio (diacritics dropped, umlauts as AE/OE/UE, ß as SS),
Russian in 31 letters (Ъ merged with Ь) or romanised into 26 Latin letters, English in its 26.
An *alphabet id* (`pl26`, `ru31`, …) names one; a bare language code names the native alphabet,
so every function that took a language takes an alphabet id too.
"""

from __future__ import annotations

import unicodedata

from liaison.core.errors import LiaisonError

ALPHABETS: dict[str, str] = {
    "en": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "de": "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜß",
    "pl": "AĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ",
    "ru": "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
}


# Approximate letter frequencies (percent) — general knowledge, used for chi² scoring.
FREQ: dict[str, dict[str, float]] = {
    "en": dict(
        zip(
            "ETAOINSHRDLCUMWFGYPBVKJXQZ",
            [
                12.7,
                9.1,
                8.2,
                7.5,
                7.0,
                6.7,
                6.3,
                6.1,
                6.0,
                4.3,
                4.0,
                2.8,
                2.8,
                2.4,
                2.4,
                2.2,
                2.0,
                2.0,
                1.9,
                1.5,
                1.0,
                0.8,
                0.15,
                0.15,
                0.1,
                0.07,
            ],
            strict=True,
        )
    ),
    "ru": dict(
        zip(
            "ОЕАИНТСРВЛКМДПУЯЫЬГЗБЧЙХЖШЮЦЩЭФЪ",
            [
                11.0,
                8.5,
                8.0,
                7.4,
                6.7,
                6.3,
                5.5,
                4.7,
                4.5,
                4.4,
                3.5,
                3.2,
                3.0,
                2.8,
                2.6,
                2.0,
                1.9,
                1.7,
                1.7,
                1.65,
                1.6,
                1.4,
                1.2,
                1.0,
                0.9,
                0.7,
                0.6,
                0.5,
                0.4,
                0.3,
                0.25,
                0.04,
            ],
            strict=True,
        )
    ),
    "de": dict(
        zip(
            "ENISRATDHULCGMOBWFKZPVÜÄßÖJYXQ",
            [
                17.4,
                9.8,
                7.6,
                7.3,
                7.0,
                6.5,
                6.2,
                5.1,
                4.8,
                4.4,
                3.4,
                3.1,
                3.0,
                2.5,
                2.5,
                1.9,
                1.9,
                1.7,
                1.2,
                1.1,
                0.8,
                0.7,
                0.6,
                0.5,
                0.3,
                0.3,
                0.27,
                0.04,
                0.03,
                0.02,
            ],
            strict=True,
        )
    ),
    "pl": dict(
        zip(
            "AIOEZNRWSTCYKDPMUJLŁBGĘHĄÓŻŚĆFŃŹ",
            [
                8.9,
                8.2,
                7.8,
                7.7,
                5.6,
                5.5,
                4.7,
                4.7,
                4.3,
                4.0,
                4.0,
                3.8,
                3.5,
                3.3,
                3.1,
                2.8,
                2.5,
                2.3,
                2.1,
                1.8,
                1.5,
                1.4,
                1.1,
                1.1,
                1.0,
                0.85,
                0.8,
                0.7,
                0.4,
                0.3,
                0.2,
                0.06,
            ],
            strict=True,
        )
    ),
}


LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Telegraph romanisation of Russian into the 26 Latin letters: one Latin letter where Morse and the
# telegraph codes paired the letters (В→V, Й→J, Ц→C, Ы→Y), digraphs for the rest; the signs Ъ/Ь
# were not sent. Ё has already become Е.
RU_LATIN = dict(
    zip(
        "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
        [
            "A",
            "B",
            "V",
            "G",
            "D",
            "E",
            "ZH",
            "Z",
            "I",
            "J",
            "K",
            "L",
            "M",
            "N",
            "O",
            "P",
            "R",
            "S",
            "T",
            "U",
            "F",
            "KH",
            "C",
            "CH",
            "SH",
            "SHCH",
            "-",
            "Y",
            "-",
            "E",
            "JU",
            "JA",
        ],
        strict=True,
    )
)

# The traffic alphabets beyond the native ones: id → (language, letters).
TRAFFIC: dict[str, tuple[str, str]] = {
    "pl26": ("pl", LATIN),
    "de26": ("de", LATIN),
    "ru31": ("ru", ALPHABETS["ru"].replace("Ъ", "")),
    "ru26": ("ru", LATIN),
}
# Each language's alphabets, the native one first.
FAMILIES: dict[str, list[str]] = {
    "ru": ["ru", "ru31", "ru26"],
    "pl": ["pl", "pl26"],
    "de": ["de", "de26"],
    "en": ["en"],
}
ALL_ALPHABETS: dict[str, str] = {**ALPHABETS, **{k: v[1] for k, v in TRAFFIC.items()}}

_FOLD: dict[str, dict[int, str]] = {
    "pl26": str.maketrans(
        {
            "Ą": "A",
            "Ć": "C",
            "Ę": "E",
            "Ł": "L",
            "Ń": "N",
            "Ó": "O",
            "Ś": "S",
            "Ź": "Z",
            "Ż": "Z",
            "ß": "SS",
        }
    ),
    "de26": str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS"}),
    "ru31": str.maketrans({"Ъ": "Ь"}),
    "ru26": str.maketrans({k: v.strip("-") for k, v in RU_LATIN.items()}),
}


def language_of(aid: str) -> str:
    """The language an alphabet id belongs to (`pl26` → `pl`; a language is its own)."""
    if aid in ALPHABETS:
        return aid
    try:
        return TRAFFIC[aid][0]
    except KeyError:
        raise LiaisonError(
            f"unknown language or alphabet {aid!r}; use one of {', '.join(ALL_ALPHABETS)}"
        ) from None


def resolve(lang: str | None, spec: str | None) -> str | None:
    """The alphabet id meant by `--lang` and `--alphabet` together. `spec` is an id (`pl26`) or,
    with a language, `native`, `26`/`latin` or `31`; None when neither says (detect it)."""
    if spec is None or not spec.strip():
        if lang is not None:
            language_of(lang)
        return lang
    s = spec.strip().lower()
    if s in ALL_ALPHABETS:
        if lang is not None and language_of(s) != language_of(lang):
            raise LiaisonError(f"alphabet {s} is not a {lang} alphabet")
        return s
    if lang is None:
        raise LiaisonError(
            f"alphabet {spec!r} needs --lang (or give an id: {', '.join(ALL_ALPHABETS)})"
        )
    base = language_of(lang)
    if s == "native":
        return base
    want = {"latin": "26"}.get(s, s)
    aid = base if base == "en" and want == "26" else f"{base}{want}"
    if aid not in FAMILIES[base]:
        raise LiaisonError(
            f"no {spec!r} alphabet for {base}; use one of {', '.join(FAMILIES[base])} or native"
        )
    return aid


def alphabet(lang: str) -> str:
    try:
        return ALL_ALPHABETS[lang]
    except KeyError:
        raise LiaisonError(
            f"unknown language or alphabet {lang!r}; use one of {', '.join(ALL_ALPHABETS)}"
        ) from None


def _strip_marks(text: str) -> str:
    """Latin letters with marks the fold table does not name (é, à) lose them, as on the wire."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str, lang: str) -> str:
    """Upper-case and write the text as it would be sent in the alphabet: ё→е, then the traffic
    alphabet's folding (ą→A, ä→AE, ß→SS, Ъ→Ь, Cyrillic romanised). Other characters stay."""
    # str.upper turns ß into SS; keep it one letter (ẞ is its capital)
    t = "".join("ß" if ch in "ßẞ" else ch.upper() for ch in text).replace("Ё", "Е")
    table = _FOLD.get(lang)
    if table is not None:
        t = t.translate(table)
        if ALL_ALPHABETS[lang] == LATIN:
            t = _strip_marks(t)
    return t


def normalise(text: str, lang: str) -> str:
    """Upper-case, fold (see `fold`), keep only the alphabet's letters (spaces, digits and
    punctuation drop)."""
    alpha = alphabet(lang)
    return "".join(ch for ch in fold(text, lang) if ch in alpha)


def detect_alphabets(text: str, lang: str | None = None) -> list[str]:
    """The alphabets the ciphertext can be in, likeliest first, from the letters it uses.

    Cyrillic: Ъ present → the 32 letters; absent → 32 or 31 (a substitution or a short text may
    simply not show Ъ), then the solvers decide. Latin with Polish or German letters → that native
    alphabet; plain A–Z → the 26-letter alphabets (a native Polish text almost always shows a
    diacritic or lacks Q/V/X, a native German one an umlaut; both stay as fall-backs)."""
    up = text.upper()
    letters = [ch for ch in up if ch.isalpha()]
    cyr = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    lat = len(letters) - cyr
    if lang is not None:
        base = language_of(lang)
        if lang != base:
            return [lang]
    else:
        base = None
    if cyr > lat and base in (None, "ru"):
        return ["ru"] if "Ъ" in up else ["ru", "ru31"]
    if base == "ru":
        return ["ru26"] if lat else ["ru"]
    pl_only = set("ĄĆĘŁŃŚŹŻÓ")
    de_only = set("ÄÖÜßẞ")
    has_pl = any(ch in pl_only for ch in up)
    has_de = any(ch in de_only for ch in up)
    qvx = any(ch in "QVX" for ch in up)
    if base == "pl":
        return ["pl"] if has_pl else (["pl26"] if qvx else ["pl26", "pl"])
    if base == "de":
        return ["de"] if has_de else ["de26", "de"]
    if base == "en":
        return ["en"]
    if has_pl:
        return ["pl"]
    if has_de:
        return ["de"]
    return ["en", "de26", "pl26", "ru26"]


def detect_language(text: str) -> str:
    """The alphabet covering most letters of the text (Cyrillic → ru; Polish/German diacritics)."""
    up = text.upper()
    counts = {lang: sum(ch in a for ch in up) for lang, a in ALPHABETS.items()}
    best = max(counts.values())
    if best == 0:
        raise LiaisonError("no letters of any supported alphabet (ru, pl, de, en) in the input")
    if counts["ru"] == best:
        return "ru"
    latin = counts["en"]
    if counts["pl"] > latin:
        return "pl"
    if counts["de"] > latin:
        return "de"
    return "en"


def _folded_freq(aid: str) -> dict[str, float]:
    """Letter frequencies of a traffic alphabet: the native ones carried through the fold
    (a digraph gives each of its letters the native letter's share)."""
    out = {ch: 0.0 for ch in ALL_ALPHABETS[aid]}
    for ch, f in FREQ[language_of(aid)].items():
        for c in fold(ch, aid):
            if c in out:
                out[c] += f
    return {c: (f if f > 0 else 0.01) for c, f in out.items()}


FREQ.update({aid: _folded_freq(aid) for aid in TRAFFIC})
