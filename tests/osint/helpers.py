"""Shared helpers of the OSINT rule tests: a document from a sentence, its mentions by unit number,
"near" within the benchmark's 25 km, and the dates of a text (one copy for every rule-test file)."""

from __future__ import annotations

from datetime import datetime

from liaison.core.geo import haversine_km
from liaison.osint.dates import find_dates
from liaison.osint.documents import Document
from liaison.osint.extract import Mention, PlaceRef, extract


def doc(text: str, lang: str, published: datetime | None = None) -> Document:
    return Document("e" * 64, "x.txt", "e" * 64, "text", None, published, lang, text)


def by_number(text: str, lang: str, published: datetime | None = None) -> dict[int, Mention]:
    """The mentions of a text by their unit's number (the tests name units by number)."""
    return {
        m.unit.number: m for m in extract(doc(text, lang, published)) if m.unit.number is not None
    }


def near(place: PlaceRef | None, lat: float, lon: float, km: float = 25) -> bool:
    return place is not None and haversine_km(place.lat, place.lon, lat, lon) <= km


def date_of(text: str, lang: str, number: int, published: datetime | None = None) -> str | None:
    """The date the extractor gives unit `number` of the text (which must be found)."""
    ms = by_number(text, lang, published)
    assert number in ms, f"unit {number} not found in {text!r}"
    return ms[number].date


def values(text: str, lang: str, published: datetime | None = None) -> list[str]:
    return [h.value for h in find_dates(text, lang, published)]
