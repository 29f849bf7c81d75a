"""Tie a mention to the place and the date its text gives, and keep the quote.

Date: the date written in the mention's sentence if there is one (the nearest), else the last
date written before it in its paragraph, else the document's published date; precision 1 when
the sentence says the day, 2 when the day comes from context, 3 when only month or year is known.

Place: candidate place names in the sentence (after a locative preposition, capitalised, or — in
Russian — tagged LOC by Natasha), brought to their dictionary form (pymorphy3 for Russian, ending
rules for Ukrainian and Polish), resolved by the gazetteer; ambiguity is settled by the places
the document names elsewhere, then by the unit's known garrison, then by population.
"""

from __future__ import annotations

from bisect import bisect_right

from liaison.osint.dates import DateHit, find_dates
from liaison.osint.documents import Document
from liaison.osint.extract import Dictionary, PlaceRef, sentences
from liaison.osint.places import PlaceHit, find_places

QUOTE_MAX = 400


class Tier:
    """Per-document state for tying: sentences, dates and places found once, reused per mention."""

    def __init__(self, doc: Document, lang: str, dictionary: Dictionary | None) -> None:
        self.doc = doc
        self.lang = lang
        self.dictionary = dictionary
        self.text = doc.text
        self.sents = sentences(doc.text)
        self._starts = [s for s, _e in self.sents]
        self.dates: list[DateHit] = find_dates(doc.text, lang, doc.published)
        self._places: dict[int, list[PlaceHit]] = {}
        self._doc_places: list[PlaceHit] | None = None

    def _sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return (0, min(len(self.text), QUOTE_MAX))
        return self.sents[i]

    def _paragraph_start(self, pos: int) -> int:
        cut = self.text.rfind("\n\n", 0, pos)
        return 0 if cut < 0 else cut + 2

    def quote(self, start: int, end: int) -> str:
        s, e = self._sentence(start)
        e = max(e, end)
        if e - s > QUOTE_MAX:
            s = max(s, start - QUOTE_MAX // 2)
            e = min(e, s + QUOTE_MAX)
        return " ".join(self.text[s:e].split())

    def date(self, start: int, end: int) -> tuple[str | None, int | None]:
        s, e = self._sentence(start)
        inside = [d for d in self.dates if s <= d.start and d.end <= e]
        if inside:
            # the nearest date before the mention, else the nearest after it
            before = [d for d in inside if d.end <= start]
            best = before[-1] if before else min(inside, key=lambda d: abs(d.start - end))
            return best.value, best.precision
        para = self._paragraph_start(start)
        earlier = [d for d in self.dates if para <= d.start and d.end <= s]
        if earlier:
            d = earlier[-1]
            return d.value, 2 if d.precision == 1 else d.precision
        if self.doc.published is not None:
            return self.doc.published.date().isoformat(), 2
        earlier = [d for d in self.dates if d.end <= s]
        if earlier:
            d = earlier[-1]
            return d.value, 2 if d.precision == 1 else d.precision
        return None, None

    def places_in(self, s: int, e: int) -> list[PlaceHit]:
        if s not in self._places:
            self._places[s] = find_places(self.text, s, e, self.lang)
        return self._places[s]

    def doc_places(self) -> list[PlaceHit]:
        """Every place resolved without doubt anywhere in the document (the context for others)."""
        if self._doc_places is None:
            hits: list[PlaceHit] = []
            for s, e in self.sents[:200]:
                hits += [h for h in self.places_in(s, e) if h.unambiguous]
            self._doc_places = hits
        return self._doc_places

    def place(self, start: int, end: int, unit_ids: tuple[str, ...]) -> PlaceRef | None:
        s, e = self._sentence(start)
        hits = self.places_in(s, e)
        if not hits:
            return None
        # the place the sentence ties to this mention: the first after it, else the last before it
        after = [h for h in hits if h.start >= end]
        before = [h for h in hits if h.end <= start]
        ordered = after + before[::-1]
        for h in ordered:
            ref = self._resolve(h, unit_ids)
            if ref is not None:
                return ref
        return None

    def _resolve(self, h: PlaceHit, unit_ids: tuple[str, ...]) -> PlaceRef | None:
        from liaison.core.geo import haversine_km

        if h.place is not None and h.unambiguous:
            return PlaceRef(h.text, h.place.name, h.place.lat, h.place.lon, h.precision)
        if not h.candidates:
            return None
        context: list[tuple[float, float]] = []
        if self.dictionary is not None and unit_ids:
            context += self.dictionary.garrisons(unit_ids)
        context += [(p.place.lat, p.place.lon) for p in self.doc_places() if p.place is not None]
        if context:
            best = min(
                h.candidates,
                key=lambda c: min(haversine_km(c.lat, c.lon, a, b) for a, b in context),
            )
        else:
            best = max(h.candidates, key=lambda c: c.population)
        return PlaceRef(h.text, best.name, best.lat, best.lon, h.precision)

    def tie(
        self, start: int, end: int, unit_ids: tuple[str, ...]
    ) -> tuple[PlaceRef | None, str | None, int | None, str]:
        date, precision = self.date(start, end)
        return self.place(start, end, unit_ids), date, precision, self.quote(start, end)
