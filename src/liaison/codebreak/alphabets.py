"""Alphabets per language; ё folds into е so Russian has 32 letters, as in period practice."""

from __future__ import annotations

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


def alphabet(lang: str) -> str:
    try:
        return ALPHABETS[lang]
    except KeyError:
        raise LiaisonError(
            f"unknown language {lang!r}; use one of {', '.join(ALPHABETS)}"
        ) from None


def normalise(text: str, lang: str) -> str:
    """Upper-case, fold ё→е, keep only the alphabet's letters (spaces, digits and punctuation drop)."""
    alpha = alphabet(lang)
    # str.upper turns ß into SS; keep it one letter (ẞ is its capital)
    t = "".join("ß" if ch in "ßẞ" else ch.upper() for ch in text).replace("Ё", "Е")
    return "".join(ch for ch in t if ch in alpha)


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
