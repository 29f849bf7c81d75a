"""Offline language identification among the languages Liaison reads (lingua, models in the wheel).

Only the six candidate languages are loaded, which keeps the first call under a second; a text
too short or too mixed to decide is "und" rather than a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache

CODES = ("ru", "uk", "pl", "de", "en", "ja")
SAMPLE = 1500  # characters looked at: enough for any language, bounded for a long PDF
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъЫЭЪё]")


_PL_ONLY = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")
_DE_ONLY = re.compile(r"[äöüßÄÖÜ]")
_EN_WORDS = re.compile(r"\b(?:the|and|of|was|were|with|from|that|which|near)\b", re.I)
_CYR = re.compile(r"[а-яёіїєґА-ЯЁІЇЄҐ]")


def _by_letters(sample: str) -> str | None:
    """Letters only one language writes settle most texts without loading a model (a
    quarter of a second saved at start); anything less clear goes to lingua."""
    cyr = len(_CYR.findall(sample))
    letters = sum(c.isalpha() for c in sample)
    if cyr > 0.8 * letters:
        uk, ru = len(_UK_ONLY.findall(sample)), len(_RU_ONLY.findall(sample))
        if uk >= 3 and ru == 0:
            return "uk"
        if ru >= 3 and uk == 0:
            return "ru"
        return None
    if cyr:
        return None
    pl, de = len(_PL_ONLY.findall(sample)), len(_DE_ONLY.findall(sample))
    if len(_EN_WORDS.findall(sample)) >= 5:
        # English prose naming Polish or German places ("Żagań", "Poznań") has their letters:
        # the words decide, or lingua
        return "en" if pl + de <= len(_EN_WORDS.findall(sample)) else None
    if pl >= 5 and de == 0:
        return "pl"
    if de >= 5 and pl == 0:
        return "de"
    if pl == 0 and de == 0 and len(_EN_WORDS.findall(sample)) >= 5:
        return "en"
    return None


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    langs = [
        Language.RUSSIAN,
        Language.UKRAINIAN,
        Language.POLISH,
        Language.GERMAN,
        Language.ENGLISH,
        Language.JAPANESE,
    ]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def detect(text: str) -> str:
    """ru | uk | pl | de | en | ja, or "und" when the text has too few letters to tell."""
    sample = text[:SAMPLE]
    letters = sum(c.isalpha() for c in sample)
    if letters < 12:
        return "und"
    if re.search(r"[\u3040-\u30ff]", sample):
        return "ja"
    quick = _by_letters(sample)
    if quick:
        return quick
    from lingua import IsoCode639_1

    lang = _detector().detect_language_of(sample)
    if lang is None:
        return "und"
    code = lang.iso_code_639_1
    out = {
        IsoCode639_1.RU: "ru",
        IsoCode639_1.UK: "uk",
        IsoCode639_1.PL: "pl",
        IsoCode639_1.DE: "de",
        IsoCode639_1.EN: "en",
        IsoCode639_1.JA: "ja",
    }.get(code, "und")
    # Letters only one of the two alphabets has settle a short ru/uk text lingua is unsure of.
    if out in ("ru", "uk"):
        uk, ru = len(_UK_ONLY.findall(sample)), len(_RU_ONLY.findall(sample))
        if uk and not ru:
            out = "uk"
        elif ru and not uk:
            out = "ru"
    return out
