"""Unit mentions in open-source text, each tied to a place and a date, with quote and offsets.

How a mention is found: a *head* — a formation noun in any inflected case ("дивизии",
"бригадою", "Dywizji", "Panzerarmee", "Divisions") or an abbreviation ("мсд", "ОМБр", "Pz.Div.",
"DP", "MRD") — is located first; the parser then walks left over its modifiers (adjectives:
"гвардейской танковой", "Motor Rifle", "Garde-") to the number ("1-й", "1-я", "1.", "I.",
"1st", "XIV"), and on over a list ("5., 37. und 38.", "54-й и 18-й") so each number is its own
mention. Branch and honorifics come from the designation parser (names/designation.py) run on
the whole span, so a mention and a typed-in designation mean the same thing. Military unit
numbers (в/ч 12345, А0989) and the names a picture already holds (a Dictionary) are found too.

Bare numbers are counts more often than names: "5 дивизий" (five divisions) and "2 бригады" are
not mentions, while "5 армии" (5th Army's) and "27 сд" are; "5 Divisionen" is a count and
"5. Division" a name; English needs "5th" or a Roman numeral.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from liaison.names.designation import ABBREV, parse_designation
from liaison.osint.documents import Document

# ---- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    """What the text says the unit is, in the store's vocabularies (names/vocab.py)."""

    designation: str
    number: int | None
    echelon: str | None
    branch: str | None
    guards: bool
    unit_number: str | None  # military unit number: "12345" (в/ч), "А0989"

    def to_dict(self) -> dict[str, object]:
        return {
            "designation": self.designation,
            "number": self.number,
            "echelon": self.echelon,
            "branch": self.branch,
            "guards": self.guards,
            "unit_number": self.unit_number,
        }


@dataclass(frozen=True)
class PlaceRef:
    """Where the text puts the unit: the words as written, the gazetteer's place, and an
    ACLED-style precision: 1 the town itself, 2 near it or in its area, 3 only the region."""

    text: str
    name: str
    lat: float
    lon: float
    precision: int

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "name": self.name,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "precision": self.precision,
        }


@dataclass(frozen=True)
class Mention:
    document: str  # Document.id
    start: int  # character offsets into Document.text
    end: int
    text: str
    unit: UnitRef
    place: PlaceRef | None
    date: str | None  # YYYY[-MM[-DD]], at the precision the text gives
    date_precision: int | None  # 1 day stated, 2 day from context (publication), 3 month or year
    quote: str  # the sentence the mention stands in
    unit_ids: tuple[str, ...] = ()  # the picture's units the Dictionary says this may be
    language: str = "und"

    def to_dict(self) -> dict[str, object]:
        """The mention as the stable JSON contract shows it (docs/osint.md, Extraction)."""
        return {
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "unit": self.unit.to_dict(),
            "place": self.place.to_dict() if self.place else None,
            "date": self.date,
            "quote": self.quote,
        }


# ---- the Dictionary: names a picture already holds ----------------------------------------------------


@dataclass(frozen=True)
class DictionaryEntry:
    unit_id: str
    name: str  # a designation or an alias, any language
    garrison: tuple[float, float] | None = None


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower().replace("ё", "е")
    return " ".join(re.sub(r"[«»\"„“”'`]", " ", s).split())


_WORD_STEM = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def _name_pattern(name: str) -> str:
    """A regex for a name in any inflected case: words of 5+ letters lose their last two or
    three letters to a short wildcard ("Кантемировская дивизия" ~ "Кантемировской дивизии")."""
    out: list[str] = []
    pos = 0
    folded = _fold(name)
    for m in _WORD_STEM.finditer(folded):
        out.append(re.escape(folded[pos : m.start()]).replace(r"\ ", r"\s+"))
        w = m.group(0)
        keep = len(w) - (3 if len(w) >= 8 else 2 if len(w) >= 5 else 0)
        out.append(re.escape(w[:keep]) + (r"\w{0,4}" if keep < len(w) else ""))
        pos = m.end()
    out.append(re.escape(folded[pos:]).replace(r"\ ", r"\s+"))
    return "".join(out)


class Dictionary:
    """The names a picture already holds (designations and aliases, any language) → unit ids.

    Built from rows so the store can feed it: `Dictionary([("u1", "27-я стрелковая дивизия"),
    ("u1", "27th Rifle Division", (53.9, 27.56))])` or rows as mappings with keys unit_id, name
    and optional lat/lon (the unit's known garrison, used to rank place candidates).
    Numbered names match mentions by number, echelon and branch; unnumbered ones ("Кантемировская
    дивизия", "Heeresgruppe Mitte") are looked for in the text itself.
    """

    def __init__(
        self,
        rows: Iterable[
            DictionaryEntry
            | tuple[str, str]
            | tuple[str, str, tuple[float, float] | None]
            | Mapping[str, object]
        ] = (),
    ) -> None:
        self.entries: list[DictionaryEntry] = []
        self._by_key: dict[tuple[int, str], list[tuple[DictionaryEntry, str | None]]] = {}
        self._named: list[tuple[str, DictionaryEntry]] = []
        self._regex: re.Pattern[str] | None = None
        for r in rows:
            self.add(r)

    def add(self, row: object) -> None:
        if isinstance(row, DictionaryEntry):
            e = row
        elif isinstance(row, Mapping):
            lat, lon = row.get("lat"), row.get("lon")
            garrison = (float(lat), float(lon)) if lat is not None and lon is not None else None  # type: ignore[arg-type]
            e = DictionaryEntry(str(row["unit_id"]), str(row["name"]), garrison)
        elif isinstance(row, tuple) and len(row) in (2, 3):
            g = row[2] if len(row) == 3 else None
            e = DictionaryEntry(str(row[0]), str(row[1]), tuple(g) if g else None)  # type: ignore[arg-type]
        else:
            raise TypeError(f"dictionary row: expected (unit_id, name[, (lat, lon)]), got {row!r}")
        if not e.name.strip():
            return
        self.entries.append(e)
        d = parse_designation(e.name)
        if d.number is not None and d.echelon is not None:
            self._by_key.setdefault((d.number, d.echelon), []).append((e, d.branch))
        elif len(_fold(e.name)) >= 4:
            self._named.append((_name_pattern(e.name), e))
            self._regex = None

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, unit: UnitRef) -> list[DictionaryEntry]:
        """Entries a numbered mention may be: number and echelon equal, branch not contradicting."""
        if unit.number is None or unit.echelon is None:
            return []
        hits = self._by_key.get((unit.number, unit.echelon), [])
        same = [e for e, b in hits if unit.branch is None or b is None or b == unit.branch]
        return same

    def find_named(self, text: str) -> list[tuple[int, int, DictionaryEntry]]:
        """Unnumbered names in `text` (offsets into text), longest first where they overlap."""
        if not self._named:
            return []
        if self._regex is None:
            alts = "|".join(f"(?P<n{i}>{p})" for i, (p, _e) in enumerate(self._named))
            self._regex = re.compile(rf"(?<![\w])(?:{alts})(?![\w])", re.I)
        folded = _fold_keep_offsets(text)
        out = []
        for m in self._regex.finditer(folded):
            i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
            out.append((m.start(), m.end(), self._named[i][1]))
        return out

    def garrisons(self, unit_ids: Iterable[str]) -> list[tuple[float, float]]:
        ids = set(unit_ids)
        return [e.garrison for e in self.entries if e.unit_id in ids and e.garrison]


def _fold_keep_offsets(text: str) -> str:
    """Lower case and quote marks as spaces, one character for one, so offsets hold."""
    table = {ord(c): " " for c in "«»\"„“”'`"}
    low = text.translate(table).lower().replace("ё", "е")
    return low if len(low) == len(text) else text.lower()


# ---- grammar ---------------------------------------------------------------------------------------

_CYR = "а-яёіїєґʼ'"
# Heads: a formation noun in every case, per language (echelon per noun).
_NOUNS: dict[str, list[tuple[str, str]]] = {
    "ru": [
        (r"групп[аыеуо]й?\s+армий", "front"),
        (r"групп(?:а|ы|е|у|ой|ою)\s+(?:[а-яё]+\s+)?войск", "front"),
        (r"группировк(?:а|и|е|у|ой|ою)\s+войск|группировк(?:а|и|е|у|ой|ою)(?=\s+[«\"„])", "front"),
        (
            r"(?:(?:особ(?:ый|ого|ому|ым|ом)|краснознам[её]нн(?:ый|ого|ому|ым|ом))\s+)?"
            r"военн(?:ый|ого|ому|ым|ом|ых|ые|ыми)\s+округ(?:а|у|ом|е|и|ов|ами|ах)?",
            "front",
        ),
        (r"фронт(?:а|у|ом|е|ы|ов|ам|ами|ах)?", "front"),
        (r"танков(?:ая|ой|ую|ые|ых|ыми)\s+групп(?:а|ы|е|у|ой|ою|ами|ах)?", "army"),
        (r"арми(?:я|и|ю|ей|ею|й|ям|ями|ях)", "army"),
        # "мехкорпус", "кавкорпус", "кавдивизия": the branch written into the noun
        (r"(?:мех|кав|танко|авиа)?корпус(?:а|у|ом|е|ы|ов|ам|ами|ах)?", "corps"),
        (r"(?:кав|мото|авиа)?дивизи(?:я|и|ю|ей|ею|й|ям|ями|ях)", "division"),
        (r"бригад(?:а|ы|е|у|ой|ою|ам|ами|ах)?", "brigade"),
        (r"полк(?:а|у|ом|е|и|ов|ам|ами|ах)?", "regiment"),
        (r"батальон(?:а|у|ом|е|ы|ов|ам|ами|ах)?", "battalion"),
        (r"дивизион(?:а|у|ом|е|ы|ов|ам|ами|ах)?", "battalion"),
    ],
    "uk": [
        (r"груп(?:а|и|і|у|ою)\s+армій", "front"),
        (
            r"груп(?:а|и|і|у|ою)\s+(?:[а-яіїєґ'ʼ]+\s+)?військ",
            "front",
        ),
        (r"угрупованн(?:я|ю|ям|і)\s+військ", "front"),
        (
            r"(?:особлив(?:ий|ого|ому|им|ім)\s+)?"
            r"військов(?:ий|ого|ому|им|ім|их|і)\s+округ(?:а|у|ом|і|и|ів|ами|ах)?",
            "front",
        ),
        (r"оперативн(?:е|ого|ому|им)\s+командуванн(?:я|і|ям)", "front"),
        (r"фронт(?:а|у|ом|і|и|ів|ам|ами|ах)?", "front"),
        (r"танков(?:а|ої|у|ою|і|их)\s+груп(?:а|и|і|у|ою|ами|ах)?", "army"),
        (r"армі(?:я|ї|ю|єю|й|ям|ями|ях)", "army"),
        (r"(?:мех|кав|танко|авіа)?корпус(?:а|у|ом|і|и|ів|ам|ами|ах)?", "corps"),
        (r"(?:кав|мото|авіа)?дивізі(?:я|ї|ю|єю|й|ям|ями|ях)", "division"),
        (r"бригад(?:а|и|і|у|ою|ам|ами|ах)?", "brigade"),
        (r"полк(?:а|у|ом|і|и|ів|ам|ами|ах)?", "regiment"),
        (r"батальйон(?:а|у|ом|і|и|ів|ам|ами|ах)?", "battalion"),
        (r"дивізіон(?:а|у|ом|і|и|ів|ам|ами|ах)?", "battalion"),
    ],
    "pl": [
        (r"grup(?:a|y|ie|ę|ą)\s+armii", "front"),
        (r"grup(?:a|y|ie|ę|ą)\s+wojsk", "front"),
        (r"okręg(?:u|iem|owi)?\s+wojskow(?:y|ego|emu|ym)", "front"),
        # Belarus's "Zachodnie Dowództwo Operacyjne" (a named operational command)
        (r"dowództw(?:o|a|u|em|ie)\s+operacyjn(?:e|ego|emu|ym)", "front"),
        (r"okreg(?:u|iem|owi)?\s+wojskow(?:y|ego|emu|ym)", "front"),
        (r"front(?:u|em|owi|ie|y|ów)?", "front"),
        (r"grup(?:a|y|ie|ę|ą)\s+pancern(?:a|ej|ą|ych)", "army"),
        (r"armi(?:a|i|ę|ą|e|ach|ami|om)", "army"),
        (r"korpus(?:u|em|owi|ie|y|ów|ami|ach)?", "corps"),
        (r"dywizj(?:a|i|ę|ą|e|ach|ami|om)", "division"),
        (r"brygad(?:a|y|zie|ę|ą|om|ami|ach)?", "brigade"),
        (r"puł?k(?:u|iem|owi|i|ów|ami|ach)?", "regiment"),
        (r"pulk(?:u|iem|owi|i|ow|ami|ach)?", "regiment"),
        (r"batalion(?:u|em|owi|ie|y|ów|ami|ach)?", "battalion"),
        (r"dywizjon(?:u|em|owi|ie|y|ów|ami|ach)?", "battalion"),
    ],
    "de": [
        (r"(?:heeres|armee)gruppe(?:n)?", "front"),
        (r"militärbezirk(?:s|es|e|en)?|wehrkreis(?:es|e)?", "front"),
        (r"gruppe\s+der\s+(?:[\wäöü]+\s+){0,2}streitkräfte", "front"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?(?:front)(?:en)?", "front"),
        (r"(?:[\wäöüß]+-)*panzergruppe", "army"),
        (r"armeeabteilung", "army"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?armeekorps", "corps"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?armee(?:n)?", "army"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?korps", "corps"),
        (r"(?:[\wäöüß]+\.?-)*[\wäöüß]*-?division(?:en)?", "division"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?brigade(?:n)?", "brigade"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?regiment(?:s|es|er|e|ern)?", "regiment"),
        (r"(?:[\wäöüß]+-)*[\wäöüß]*-?bataillon(?:s|e|en)?", "battalion"),
    ],
    "en": [
        (r"army\s+groups?", "front"),
        (r"(?:military\s+)?districts?", "front"),
        (r"groups?\s+of\s+(?:[\w]+\s+){0,2}forces", "front"),
        (r"fronts?", "front"),
        (r"(?:army\s+)?corps", "corps"),
        (r"(?:panzer|tank)\s+groups?", "army"),
        (r"armies|army", "army"),
        (r"divisions?", "division"),
        (r"brigades?", "brigade"),
        (r"regiments?", "regiment"),
        (r"battalions?", "battalion"),
        # a US cavalry squadron is a battalion: "3rd Squadron, 2nd Cavalry Regiment" (a British
        # or air force squadron, without a cavalry parent after the comma, is none)
        (r"squadron(?=,\s+(?:the\s+)?\d+(?:st|nd|rd|th)\s+(?:Armou?red\s+)?Cavalry)", "battalion"),
        (
            r"(?:Marines|(?:Mounted\s+)?Rifles|Hussars|Lancers|Dragoons|Fusiliers|Light\s+Horse)"
            r"(?!\s+(?:Brigade|Division|Regiment|Battalion|Corps))",
            "regiment",
        ),
    ],
}
# Abbreviations, whole token, dots ignored: lowercased key → (echelon, branch); guards if "g" is
# part of the abbreviation (GTA, гв. is a separate token).
_ABBR_EXTRA: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "ru": {
        "оа": ("army", "combined_arms"),
        "ога": ("army", "combined_arms"),
        "та": ("army", "armour"),
        "гта": ("army", "armour"),
        "ак": ("corps", "combined_arms"),
        "тд": ("division", "armour"),
        "мсд": ("division", "motorised"),
        "гмсд": ("division", "motorised"),
        "вдд": ("division", "airborne"),
        "дшд": ("division", "airborne"),
        "мсбр": ("brigade", "motorised"),
        "омсбр": ("brigade", "motorised"),
        "отбр": ("brigade", "armour"),
        "одшбр": ("brigade", "airborne"),
        "дшбр": ("brigade", "airborne"),
        "обрмп": ("brigade", "naval_infantry"),
        "оабр": ("brigade", "artillery"),
        "рбр": ("brigade", "artillery"),
        "зрбр": ("brigade", "air_defence"),
        "обрсн": ("brigade", None),
        "пдп": ("regiment", "airborne"),
        "дшп": ("regiment", "airborne"),
        "пдд": ("division", "airborne"),
        "одшбр_": ("brigade", "airborne"),
        "сап": ("regiment", "artillery"),
        "зрп": ("regiment", "air_defence"),
        "мсб": ("battalion", "motorised"),
        "омсб": ("battalion", "motorised"),
        "тб": ("battalion", "armour"),
        "адн": ("battalion", "artillery"),
        "бтгр": ("battalion", None),
        "ошб": ("battalion", "infantry"),
        "пдб": ("battalion", "airborne"),
        "сд": ("division", "infantry"),
        "гсд": ("division", "infantry"),
        # Ukrainian units as Russian sources write them ("72-я ОМБр", "3-й ОШБр")
        "омбр": ("brigade", "mechanised"),
        "ошбр": ("brigade", "infantry"),
        "огшбр": ("brigade", "mountain"),
        "омпбр": ("brigade", "motorised"),
        "обртро": ("brigade", "infantry"),
        "обрспн": ("brigade", None),
        "одон": ("division", "internal_troops"),
        "бтг": ("battalion", None),
        "омсп": ("regiment", "motorised"),
        "гвоа": ("army", "combined_arms"),
        "гвта": ("army", "armour"),
        "оибр": ("brigade", "engineers"),
        "опдп": ("regiment", "airborne"),
        "одшп": ("regiment", "airborne"),
        "одшб": ("battalion", "airborne"),
        "дшб": ("battalion", "airborne"),
        "ошп": ("regiment", "infantry"),
        "обмп": ("battalion", "naval_infantry"),
        "омсб_": ("battalion", "motorised"),
        # staff notation: "13 А", "65 А" (upper case only: "а" is "and")
        "а": ("army", None),
    },
    "uk": {
        "оа": ("army", "combined_arms"),
        "та": ("army", "armour"),
        "ак": ("corps", None),
        "пдд": ("division", "airborne"),
        "вдд": ("division", "airborne"),
        "дшд": ("division", "airborne"),
        "одшбр": ("brigade", "airborne"),
        "омсбр": ("brigade", "motorised"),
        "обрмп": ("brigade", "naval_infantry"),
        "опдбр": ("brigade", "airborne"),
        "ошбр": ("brigade", "infantry"),
        "мсд": ("division", "motorised"),
        "тд": ("division", "armour"),
        "мсбр": ("brigade", "motorised"),
        "пдп": ("regiment", "airborne"),
        "бтгр": ("battalion", None),
        "омпбр": ("brigade", "motorised"),
        "обртро": ("brigade", "infantry"),
        "отро": ("brigade", "infantry"),
        "оєбр": ("brigade", "infantry"),
        "оштбр": ("brigade", "infantry"),
        "обрспп": ("brigade", None),
        # separate battalions and regiments of the 2023– army ("501-й ОБМП", "425-й ОШП")
        "обмп": ("battalion", "naval_infantry"),
        "ошп": ("regiment", "infantry"),
        "ошб": ("battalion", "infantry"),
        "омпб": ("battalion", "motorised"),
    },
    "pl": {
        "dp": ("division", "infantry"),
        "dpanc": ("division", "armour"),
        "dz": ("division", "mechanised"),
        "dzmech": ("division", "mechanised"),
        "dk": ("division", "cavalry"),
        "bk": ("brigade", "cavalry"),
        "bkzmot": ("brigade", "motorised"),
        "bzmot": ("brigade", "motorised"),
        "bz": ("brigade", "mechanised"),
        "bzmech": ("brigade", "mechanised"),
        "bpanc": ("brigade", "armour"),
        "bsspadh": ("brigade", "airborne"),
        "bspad": ("brigade", "airborne"),
        "bot": ("brigade", "infantry"),
        "bobrter": ("brigade", "infantry"),
        "bkpanc": ("brigade", "armour"),
        "pp": ("regiment", "infantry"),
        "psp": ("regiment", "infantry"),
        "puł": ("regiment", "cavalry"),
        "pul": ("regiment", "cavalry"),
        "psk": ("regiment", "cavalry"),
        "pal": ("regiment", "artillery"),
        "pac": ("regiment", "artillery"),
        "pa": ("regiment", "artillery"),
        "pcz": ("regiment", "armour"),
        "bcz": ("battalion", "armour"),
        "bsp": ("brigade", "mountain"),
        "bkpow": ("brigade", "airborne"),
        "dkpanc": ("division", "armour"),
        "wbz": ("brigade", "mechanised"),
        "gbz": ("brigade", "mechanised"),
        "wdpanc": ("division", "armour"),
        "bpow": ("brigade", "airborne"),
        "bzmot_": ("brigade", "motorised"),
    },
    "de": {
        "pzdiv": ("division", "armour"),
        "pzgrendiv": ("division", "mechanised"),
        "pzgrdiv": ("division", "mechanised"),
        "infdiv": ("division", "infantry"),
        "id": ("division", "infantry"),
        "gebdiv": ("division", "mountain"),
        "kavdiv": ("division", "cavalry"),
        "schtzdiv": ("division", "infantry"),
        "mschtzdiv": ("division", "motorised"),
        "msd": ("division", "motorised"),
        "pzk": ("corps", "armour"),
        "pzkorps": ("corps", "armour"),
        "ak": ("corps", None),
        "pzrgt": ("regiment", "armour"),
        "infrgt": ("regiment", "infantry"),
        "ir": ("regiment", "infantry"),
        "pzbrig": ("brigade", "armour"),
        "pzgrenbrig": ("brigade", "mechanised"),
        "btl": ("battalion", None),
        "pzbtl": ("battalion", "armour"),
        "pzgrenbtl": ("battalion", "mechanised"),
        "jgbtl": ("battalion", "infantry"),
        "llbrig": ("brigade", "airborne"),
        "gebjgbrig": ("brigade", "mountain"),
        "pzarmee": ("army", "armour"),
        "pzaok": ("army", "armour"),
        "aok": ("army", None),
        "armeeoberkommando": ("army", None),
        "vgd": ("division", "infantry"),
        "pd": ("division", "armour"),
    },
    "en": {
        "mrd": ("division", "motorised"),
        "gmrd": ("division", "motorised"),
        "td": ("division", "armour"),
        "gtd": ("division", "armour"),
        "rd": ("division", "infantry"),
        "grd": ("division", "infantry"),
        "vdd": ("division", "airborne"),
        "abd": ("division", "airborne"),
        "caa": ("army", "combined_arms"),
        "gcaa": ("army", "combined_arms"),
        "ta": ("army", "armour"),
        "gta": ("army", "armour"),
        "ac": ("corps", None),
        "mrb": ("brigade", "motorised"),
        "mrbde": ("brigade", "motorised"),
        "omrb": ("brigade", "motorised"),
        "mb": ("brigade", "mechanised"),
        "omb": ("brigade", "mechanised"),
        "aab": ("brigade", "airborne"),
        "aslt": ("brigade", "airborne"),
        "nib": ("brigade", "naval_infantry"),
        "mrr": ("regiment", "motorised"),
        "tr": ("regiment", "armour"),
        "btg": ("battalion", None),
        "bde": ("brigade", None),
        "bn": ("battalion", None),
        "regt": ("regiment", None),
        "div": ("division", None),
        "para": ("battalion", "airborne"),
    },
}
# Abbreviations that are ordinary words in lower case ("та" is "and" in Ukrainian, "id" "pa" …):
# only their upper-case form (or with dots) is a head.
_UPPER_ONLY = {
    "а",
    "para",
    "pd",
    "vgd",
    "та",
    "оа",
    "ак",
    "ок",
    "ta",
    "ac",
    "id",
    "ir",
    "ak",
    "pa",
    "pp",
    "bk",
    "bz",
    "dz",
    "dp",
    "dk",
    "tr",
    "mb",
}


@lru_cache(maxsize=16)
def _abbrevs(lang: str) -> dict[str, tuple[str | None, str | None]]:
    base = {
        k: v
        for k, v in ABBREV.get(lang, {}).items()
        if v[0] is not None and len(k) >= 2 and k.isalpha() and v[0] not in ("company", "squadron")
    }
    base.update(_ABBR_EXTRA.get(lang, {}))
    return base


def _abbr_regex(lang: str) -> str:
    """Abbreviations as written: letters with optional dots between them ("Pz.Div.", "мсд")."""
    keys = sorted(_abbrevs(lang), key=len, reverse=True)
    alts = []
    for k in keys:
        k = k.rstrip("_")
        if lang == "de" and k.startswith(("pz", "inf", "geb", "kav", "schtz", "msch")):
            # Pz.Div., Pz. Div., Inf.-Div.
            parts = re.findall(
                r"pz|gren|gr|inf|geb|kav|schtz|m|div|k|korps|rgt|brig|btl|armee|aok", k
            )
            if "".join(parts) == k:
                alts.append(r"\.?\s?-?".join(re.escape(p) for p in parts) + r"\.?")
                continue
        alts.append(
            r"\.?".join(re.escape(c) for c in k) + r"\.?" if len(k) <= 3 else re.escape(k) + r"\.?"
        )
    return "|".join(alts)


# "Third Army", "Eighth Guards Army": English spells the ordinal in prose
_EN_ORDINALS = {
    w: i
    for i, w in enumerate(
        [
            "First",
            "Second",
            "Third",
            "Fourth",
            "Fifth",
            "Sixth",
            "Seventh",
            "Eighth",
            "Ninth",
            "Tenth",
            "Eleventh",
            "Twelfth",
            "Thirteenth",
            "Fourteenth",
            "Fifteenth",
            "Sixteenth",
            "Seventeenth",
            "Eighteenth",
            "Nineteenth",
            "Twentieth",
        ],
        1,
    )
}
# Ordinals spelled out ("Первая Конная армия", "Третя окрема штурмова бригада", "Pierwsza
# Dywizja", "Erste Panzerarmee"): stem per number, singular case endings only (a plural,
# "первые дивизии", counts rather than names). German only capitalised, as its nouns are.
_WORD_ORD_STEMS: dict[str, list[str]] = {
    "ru": [
        "перв",
        "втор",
        "треть?",
        "четв[её]рт",
        "пят",
        "шест",
        "седьм",
        "восьм",
        "девят",
        "десят",
    ],
    "uk": [
        "перш",
        "друг",
        "треть?",
        "четверт",
        "п['ʼ’]?ят",
        "шост",
        "сьом",
        "восьм",
        "дев['ʼ’]?ят",
        "десят",
    ],
    "pl": [
        "pierwsz",
        "drug",
        "trzeci",
        "czwart",
        "piąt",
        "szóst",
        "siódm",
        "ósm",
        "dziewiąt",
        "dziesiąt",
    ],
    "de": [
        "Erste",
        "Zweite",
        "Dritte",
        "Vierte",
        "Fünfte",
        "Sechste",
        "Siebte",
        "Achte",
        "Neunte",
        "Zehnte",
    ],
}
_WORD_ORD_END = {
    "ru": r"(?:ая|ой|ую|ою|ый|ий|ого|ому|ым|ом|ое|я|ей|ю|его|ему|им|ем|е)",
    "uk": r"(?:а|ої|у|ою|ий|ого|ому|им|ім|е|я|ьої|ю|ій|ього|ьому|є)",
    "pl": r"(?:a|ej|ą|y|ego|emu|ym|e|i|iej|iego|iemu|im|m)?",
    "de": r"(?:n|r|s|m)?",
}
_WORD_ORD = {
    lg: (r"(?i:" if lg != "de" else r"(?:")
    + "|".join(f"{st}{_WORD_ORD_END[lg]}" for st in stems)
    + r")(?![\w'ʼ’])"
    for lg, stems in _WORD_ORD_STEMS.items()
}
_WORD_ORD_ONE = {
    lg: [re.compile(rf"(?:{st}){_WORD_ORD_END[lg]}$", 0 if lg == "de" else re.I) for st in stems]
    for lg, stems in _WORD_ORD_STEMS.items()
}


_WORD_ORD_ANY = {lg: re.compile(p) for lg, p in _WORD_ORD.items()}


def _word_ordinal(word: str, lang: str) -> int | None:
    """The number of a spelled ordinal ("Третьей" → 3), None if the word is not one."""
    rx_any = _WORD_ORD_ANY.get(lang)
    if rx_any is None or not rx_any.fullmatch(word):
        return None
    for i, rx in enumerate(_WORD_ORD_ONE.get(lang, ()), 1):
        if rx.fullmatch(word):
            return i
    return None


# "Twenty-First Army Group", "Sixty-second Army", "Thirtieth Corps"
_EN_UNITS = list(_EN_ORDINALS.items())[:9]
for _t, _tens, _own in (
    ("Twenty", 20, "Twentieth"),
    ("Thirty", 30, "Thirtieth"),
    ("Forty", 40, "Fortieth"),
    ("Fifty", 50, "Fiftieth"),
    ("Sixty", 60, "Sixtieth"),
):
    _EN_ORDINALS[_own] = _tens
    for _w, _i in _EN_UNITS:
        _EN_ORDINALS[f"{_t}-{_w}"] = _tens + _i
        _EN_ORDINALS[f"{_t}-{_w.lower()}"] = _tens + _i
_NUM = {
    # ordinal forms; group "n" the digits or Roman numeral
    # a hyphen, an en dash or none ("58ой" in chats); a Cyrillic Х in a Roman numeral ("ХIV")
    "ru": r"(?P<n>\d{1,4}|[IVXLХ]{1,9}|"
    + _WORD_ORD["ru"]
    + r")(?:(?:\s?[-–‑‐]\s?|(?<=\d)(?=(?:ая|ой|ый|ий|ого|го|ую|ом|ей|ым|й|я|ю)(?![а-яё])))"
    + r"(?P<suf>[а-яё]{1,3}))?",
    "uk": r"(?P<n>\d{1,4}|[IVXLХ]{1,9}|"
    + _WORD_ORD["uk"]
    + r")(?:(?:\s?[-–‑‐]\s?|(?<=\d)(?=(?:ша|га|та|ма|ий|ої|ого|ій|ю|ї|й)(?![а-яіїєґ])))"
    + r"(?P<suf>[а-яіїєґ]{1,4}))?",
    "pl": r"(?P<n>\d{1,4}|[IVXL]{1,9}|"
    + _WORD_ORD["pl"]
    + r")(?P<suf>\.|-(?:ej|ego|ą|a|y|i|sza|ga|cia|ta|ma))?",
    "de": r"(?P<n>\d{1,4}|[IVXL]{1,9}|" + _WORD_ORD["de"] + r")(?P<suf>\.)?",
    "en": r"(?P<n>\d{1,4}|[IVXL]{1,9}|"
    + "|".join(sorted(_EN_ORDINALS, key=len, reverse=True))
    + r")(?P<suf>st|nd|rd|th|d)?",
}
_SEP = {
    "ru": r"\s*(?:,|и|или|а\s+также|,\s*а\s+также|и\s+от)\s*",
    "uk": r"\s*(?:,|і|й|та|або|а\s+також)\s*",
    "pl": r"\s*(?:,|i|oraz|lub|albo|a\s+także)\s*",
    "de": r"\s*(?:,\s*(?:und|sowie|oder)|,|und|sowie|oder|bzw\.)\s*(?:(?:der|die|den|dem|des)\s+)?",
    "en": r"\s*(?:,\s*(?:and|or)|,|and|or|&|as\s+well\s+as)\s*(?:the\s+)?",
}
# an item of a list may carry its place in brackets: "the 9th (Braniewo), 15th (Giżycko) and 20th"
_SEP_RE = {lg: re.compile(rf"(?:\s*\([^()\n]{{1,40}}\))?(?:{p})$", re.I) for lg, p in _SEP.items()}
_NUM_END = {lg: re.compile(rf"(?<![\w.]){p}\s*$") for lg, p in _NUM.items()}

# Modifiers between the number and the head, one word each.
_MOD = {
    "ru": re.compile(
        r"(?:гв\.?|отд\.?|[а-яё]+(?:-[а-яё]+)*(?:ая|ой|ый|ий|ое|ые|ых|ым|ыми|ую|ого|ому|ей|ее|ие|их|им|ими|яя|юю|ья)"
        r"|ордена|ленина|суворова|кутузова|знамени|богдана|хмельницкого|красного|[А-ЯЁ][а-яё]+(?:ая|ой|ый|ий|ую|ого|ому|ой))$",
        re.I,
    ),
    "uk": re.compile(
        r"(?:гв\.?|окр\.?|[а-яіїєґʼ']+(?:-[а-яіїєґʼ']+)*(?:а|ої|у|ою|ій|ий|ого|ому|им|і|их|ими|е|ім|ього|ьої)"
        r"|ордена|леніна)$",
        re.I,
    ),
    "pl": re.compile(
        r"(?:gw\.?|[a-ząćęłńóśźż]+(?:-[a-ząćęłńóśźż]+)*(?:a|ej|ą|y|i|ego|ych|ym|ymi|e|ie|iej|ia)|[A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+(?:-[A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+)*)$",
    ),
    "de": re.compile(
        r"(?:gd\.?|garde-?|ss-?|(?:mot|mech|verst|le|schw|gep)\.|(?:[A-ZÄÖÜ][a-zäöüß]+-)*[A-ZÄÖÜ]?[a-zäöüß]+(?:e|en|er|es|em)|[A-ZÄÖÜ][a-zäöüß]+-)$",
    ),
    "en": re.compile(
        r"(?:gds\.?|guards|tank|motor(?:ized|ised)?|rifle|motor-rifle|mechani[sz]ed|separate|independent|airborne|air|assault|naval|infantry|"
        r"artillery|mountain|cavalry|shock|red|banner|combined|arms|combined-arms|air-assault|special|purpose|panzer|grenadier|"
        r"[A-ZŁŚŻŹĆ][^\W\d_]+(?:-[^\W\d_]+)*|[A-Z]{2,5})$",
        re.I,
    ),
}
_EN_LOWER_MODS = {
    "guards",
    "tank",
    "motor",
    "motorized",
    "motorised",
    "rifle",
    "motor-rifle",
    "mechanized",
    "mechanised",
    "separate",
    "independent",
    "airborne",
    "air",
    "assault",
    "naval",
    "infantry",
    "artillery",
    "mountain",
    "cavalry",
    "shock",
    "red",
    "banner",
    "combined",
    "arms",
    "combined-arms",
    "air-assault",
    "special",
    "purpose",
    "panzer",
    "grenadier",
    "gds",
}
_EN_STOP = {
    "the",
    "of",
    "a",
    "an",
    "and",
    "or",
    "in",
    "on",
    "at",
    "by",
    "to",
    "from",
    "with",
    "for",
    "its",
    "their",
    "his",
    "her",
}
_RU_PLURAL_GEN = re.compile(
    r"(?:дивизий|армий|бригад|полков|корпусов|батальонов|дивизионов|фронтов|дивізій|армій|полків|корпусів|батальйонів|дивізіонів|фронтів)$",
    re.I,
)
_RU_SG_GEN = re.compile(
    r"(?:дивизии|армии|бригады|полка|корпуса|батальона|дивизиона|фронта|дивізії|армії|бригади|полку|корпусу|батальйону|дивізіону|фронту)$",
    re.I,
)

_UNIT_NUMBER = re.compile(
    r"(?P<label>в/ч|в\\ч|в\.\s?ч\.|вч|в/ч-|(?:войсков|воинск|военн)(?:ая|ой|ую|ою)\s+част(?:ь|и|ью)|військов(?:а|ої|у|ою)\s+частин(?:а|и|і|у|ою)|"
    r"military\s+unit|unit\s+no\.?|jednostk(?:a|i|ę|ą)\s+wojskow(?:a|ej|ą)|jw|truppenteil)"
    r"\s*(?:№|no\.?|nr\.?|-)?\s*(?P<num>[АAВB]?\d{4,5})(?!\d)",
    re.I,
)
_UA_UNIT_NUMBER = re.compile(r"(?<![\w/])(?P<num>[АA]\d{4})(?![\w])")


@lru_cache(maxsize=8)
def _head_regex(lang: str) -> re.Pattern[str]:
    nouns = "|".join(f"(?P<h{i}>{p})" for i, (p, _e) in enumerate(_NOUNS[lang]))
    return re.compile(rf"(?<![\w])(?:{nouns}|(?P<abbr>{_abbr_regex(lang)}))(?![\w])", re.I)


def _roman(s: str) -> int | None:
    if s.startswith("XXXX") and not s.startswith("XXXXX"):
        # the Wehrmacht wrote 40 as XXXX ("XXXXVIII. Panzerkorps")
        rest = _roman(s[4:]) if s[4:] else 0
        return None if rest is None or rest >= 10 else 40 + rest
    vals = {"I": 1, "V": 5, "X": 10, "L": 50}
    if not re.fullmatch(r"X{0,3}(?:IX|IV|V?I{0,3})|XL|L?X{0,3}(?:IX|IV|V?I{0,3})", s) or not s:
        return None
    total = 0
    for i, c in enumerate(s):
        v = vals[c]
        total += -v if i + 1 < len(s) and vals[s[i + 1]] > v else v
    return total or None


@dataclass
class _Item:
    start: int
    end: int
    number: int
    roman: bool
    suffix: str | None
    word: bool = False


@dataclass
class _Found:
    start: int
    end: int
    text: str
    number: int | None
    echelon: str | None
    branch: str | None
    guards: bool
    unit_number: str | None = None
    language: str = "und"
    extra: dict[str, object] = field(default_factory=dict)


def _parse_num(m: re.Match[str], start: int) -> _Item | None:
    n = m.group("n")
    if n in _EN_ORDINALS:
        return _Item(start + m.start(), start + m.end(), _EN_ORDINALS[n], False, "th")
    if n.isdigit():
        num = int(n)
        roman = False
    elif not re.fullmatch(r"[IVXLХ]+", n):
        for lg in ("ru", "uk", "pl", "de"):
            w = _word_ordinal(n, lg)
            if w is not None:
                return _Item(start + m.start(), start + m.end(), w, False, "w", word=True)
        return None
    else:
        r = _roman(n.replace("Х", "X"))
        if r is None:
            return None
        num, roman = r, True
    if num <= 0:
        return None
    return _Item(start + m.start(), start + m.end(), num, roman, m.groupdict().get("suf"))


_NOT_MOD = {
    "de": {
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
        "eine",
        "einer",
        "eines",
        "einem",
        "und",
        "oder",
        "sowie",
        "im",
        "am",
        "vom",
        "zum",
        "zur",
        "beim",
        "seine",
        "ihre",
        "deren",
        "dessen",
        "diese",
        "dieser",
        "jene",
        "alle",
        "beide",
        "beiden",
        "neue",
        "neuen",
        "alte",
        "alten",
        "ganze",
        "ganzen",
        "gesamte",
        "gesamten",
        "erste",
        "zweite",
        "dritte",
        "vierte",
        "schwere",
        "schweren",
        "starke",
        "starken",
        "eigene",
        "eigenen",
    },
    "pl": {
        "i",
        "a",
        "oraz",
        "lub",
        "w",
        "we",
        "z",
        "ze",
        "na",
        "do",
        "się",
        "jej",
        "jego",
        "ich",
        "nowa",
        "nowej",
        "nową",
        "cała",
        "całej",
        "którą",
        "która",
        "której",
    },
    "ru": {
        "и",
        "а",
        "в",
        "на",
        "с",
        "со",
        "из",
        "по",
        "для",
        "его",
        "её",
        "ее",
        "их",
        "эта",
        "этой",
        "эту",
        "той",
        "та",
        "все",
        "всей",
        "вся",
        "новая",
        "новой",
        "новую",
        "другой",
        "другая",
        "каждой",
        "своей",
        "своя",
    },
    "uk": {
        "і",
        "й",
        "та",
        "а",
        "в",
        "у",
        "на",
        "з",
        "із",
        "до",
        "по",
        "для",
        "його",
        "її",
        "їх",
        "ця",
        "цієї",
        "цю",
        "ту",
        "всі",
        "вся",
        "нова",
        "нової",
        "нову",
        "іншої",
        "інша",
        "кожної",
        "своєї",
        "своя",
    },
}


def _is_mod(word: str, lang: str) -> bool:
    if lang == "en" and word in ("Rifles", "Marines", "Hussars", "Lancers", "Fusiliers"):
        return True  # "21st Podhale Rifles Brigade": a regiment's word naming a brigade
    if word.lower() in _NOT_MOD.get(lang, ()) or _head_regex(lang).fullmatch(word):
        return False
    if _word_ordinal(word, lang) is not None:
        return False
    if lang == "en":
        low = word.lower()
        if low in _EN_STOP:
            return False
        if word[0].islower() and low not in _EN_LOWER_MODS:
            return False
    return bool(_MOD[lang].match(word))


_WORD_BACK = re.compile(r"([^\s]+)(\s+)$")


def _scan_back(text: str, pos: int, lang: str, limit: int = 6) -> tuple[int, list[tuple[int, int]]]:
    """Walk left from `pos` over modifier words; returns the new position and the words."""
    words: list[tuple[int, int]] = []
    cur = pos
    while len(words) < limit:
        window = text[max(0, cur - 60) : cur]
        m = _WORD_BACK.search(window)
        if not m:
            break
        w = m.group(1)
        ws = cur - len(m.group(0))
        if not _is_mod(w, lang) or re.search(r"\d", w):
            break
        words.append((ws, ws + len(w)))
        cur = ws
    return cur, words


def _find_formations(text: str, lang: str) -> list[_Found]:
    out: list[_Found] = []
    abbrevs = _abbrevs(lang)
    for hm in _head_regex(lang).finditer(text):
        hs, he = hm.span()
        head = hm.group(0)
        echelon: str | None
        abbr_branch: str | None = None
        is_abbr = hm.group("abbr") is not None
        if is_abbr:
            key = re.sub(r"[.\s-]", "", head).lower()
            if key not in abbrevs:
                key = key + "_" if key + "_" in abbrevs else key
            if key not in abbrevs:
                continue
            if key in _UPPER_ONLY and not (head.isupper() or "." in head):
                continue
            echelon, abbr_branch = abbrevs[key]
        else:
            idx = next(
                int(k[1:]) for k, v in hm.groupdict().items() if v is not None and k.startswith("h")
            )
            echelon = _NOUNS[lang][idx][1]
            if lang == "de" and echelon in ("army", "division", "corps") and head[:1].islower():
                continue  # German nouns are capitalised; "armee" inside a lower word is not a head
        # modifiers directly before the head, then the number
        mod_start, mods = _scan_back(text, hs, lang)
        before = text[max(0, mod_start - 40) : mod_start]
        nm = _NUM_END[lang].search(before)
        items: list[_Item] = []
        if nm is None and mods:
            # "27 Dywizja" style capital words can swallow the number's neighbour: retry with fewer mods
            for k in range(len(mods) - 1, -1, -1):
                ms = mods[k - 1][0] if k else hs
                b2 = text[max(0, ms - 40) : ms]
                nm2 = _NUM_END[lang].search(b2)
                if nm2 is not None:
                    mod_start, mods, before, nm = ms, mods[:k], b2, nm2
                    break
        if nm is not None:
            it = _parse_num(nm, mod_start - len(before))
            if it is not None and not (
                not it.roman and not it.suffix and 1800 <= it.number <= 2099
            ):
                # a bare year before the noun is a date ("On 22 June 1941 Army Group Center")
                items.append(it)
        if not items and lang == "de" and head[:1].isupper():
            # a plural noun before a list of numbers names each: "die Panzergrenadierbrigaden 37
            # und 41"
            plural = re.match(
                r"\s+(\d{1,3})((?:\s*,\s*\d{1,3})*\s+(?:und|sowie|oder)\s+\d{1,3})(?![\d,.]?\d)",
                text[he : he + 40],
            )
            if plural and re.search(r"(?:en|e)$", head):
                for k, nm3 in enumerate(re.finditer(r"\d{1,3}", plural.group(0))):
                    ns, ne = (mod_start if k == 0 else he + nm3.start()), he + nm3.end()
                    out.append(
                        _Found(
                            ns,
                            ne,
                            text[ns:ne],
                            int(nm3.group(0)),
                            echelon,
                            abbr_branch,
                            False,
                            language=lang,
                        )
                    )
                continue
            # the Bundeswehr's style puts the number after the noun: "Panzerbrigade 45",
            # "Panzergruppe 2"; a plural noun with a number after it is not a name
            if not re.search(r"(?:en|e|er)$", head) or head.lower().endswith(
                ("brigade", "armee", "gruppe")
            ):
                found = _number_after(text, mod_start, he, r"[\d,.]", echelon, abbr_branch, lang)
                if found:
                    out.append(found)
                    continue
        if (
            not items
            and lang == "en"
            and head[:1].isupper()
            and not head.endswith("s")
            and echelon != "front"
            and (
                re.fullmatch(r"(?i)(?:panzer|tank)\s+group", head)
                or (mods and all(text[s].isupper() for s, _e in mods))
            )
        ):
            # German and Polish units in English keep the number after: "Panzer Brigade 45",
            # "Panzer Group 3"
            found = _number_after(text, mod_start, he, r"[\d,.:]", echelon, abbr_branch, lang)
            if found:
                out.append(found)
                continue
        if not items:
            named = _named(text, hs, he, head, echelon, lang, mod_start, mods)
            if named:
                out += _named_list(text, named, lang)
                out.append(named)
                out += _quoted_list(text, named, lang)
            continue
        first = items[0]
        if not _plausible(first, text, hs, he, head, lang, is_abbr, mods, single=True):
            # a date or a count before a named formation: "On June 22 Army Group Center"
            named = _named(text, hs, he, head, echelon, lang, hs, [])
            if named and echelon == "front":
                out.append(named)
            continue
        # an elliptical list: "5., 37. und 38. Armee", "54-й и 18-й дивизий"
        cur = first.start
        own_end: dict[int, int] = {}
        while True:
            before = text[max(0, cur - 70) : cur]
            sm = _SEP_RE[lang].search(before)
            if not sm or not sm.group(0).strip(" ") and sm.group(0) == "":
                break
            sep_start = cur - len(sm.group(0))
            # walk back over the first item's own adjectives ("1-й гвардейской и 2-й танковой
            # армий"): the separator took the space the scan needs, so give it one
            s2, mods2 = _scan_back(text[:sep_start] + " ", sep_start + 1, lang, limit=4)
            s2 = min(s2, sep_start)
            b2 = text[max(0, s2 - 40) : s2]
            nm2 = _NUM_END[lang].search(b2)
            if not nm2:
                break
            it2 = _parse_num(nm2, s2 - len(b2))
            if it2 is None or (it2.roman != first.roman and lang != "de"):
                break
            if lang in ("ru", "uk") and (first.suffix is None) != (it2.suffix is None):
                break
            if lang == "de" and not it2.roman and it2.suffix != ".":
                break
            if lang == "en" and not it2.roman and not it2.suffix:
                break
            items.insert(0, it2)
            own_end[it2.start] = sep_start if mods2 else it2.end
            cur = it2.start
        post_end = _post_mods(text, he, lang)
        shared_mods = text[mod_start:hs]
        tail = text[hs:post_end]
        for i, it in enumerate(items):
            last = i == len(items) - 1
            start = it.start
            end = post_end if last else own_end.get(it.start, it.end)
            while end > start + 1 and text[end - 1].isspace():
                end -= 1
            span = text[start:end]
            desc = span if last else f"{text[it.start : end]} {shared_mods}{tail}"
            d = parse_designation(_strip_num(desc), lang)
            branch = abbr_branch or d.branch
            if d.branch and abbr_branch is None:
                branch = d.branch
            guards = (
                "guards" in d.honorifics
                or bool(re.search(r"(?<![\w])(?:гв\.?|gw\.|gds\.?|gd\.)(?![\w])", desc, re.I))
                or (
                    is_abbr
                    and lang == "en"
                    and head.upper().startswith("G")
                    and head.upper() != "GD"
                )
            )
            out.append(_Found(start, end, span, it.number, echelon, branch, guards, language=lang))
    return out


def _strip_num(s: str) -> str:
    return s


def _plausible(
    it: _Item,
    text: str,
    hs: int,
    he: int,
    head: str,
    lang: str,
    is_abbr: bool,
    mods: list[tuple[int, int]],
    single: bool,
) -> bool:
    """Is a number before a head a name ("5-я армия") or a count ("5 армий")?"""
    n, suf = it.number, it.suffix
    if it.word:
        # a spelled ordinal names a unit when written as a name (capital) or followed by the
        # unit's adjectives ("пятая гвардейская танковая армия"); "первая бригада" alone is prose
        return text[it.start].isupper() or bool(mods)
    prev = text[max(0, it.start - 3) : it.start]
    if re.search(r"\d[.,:/]$", prev) and not it.roman:
        return False  # part of a larger number, a time or a date ("1.5", "12:30", "12.03.")
    if it.roman:
        # a lone Roman letter is a pronoun or a list mark more often than a corps: need the head next
        if (
            lang == "en"
            and n == 1
            and not re.match(r"I\s+(?:[A-Z]\w+\s+)*(?:Corps|Army)", text[it.start : he + 1])
        ):
            return False
        return n <= 60 and echelon_ok_for_roman(head, lang)
    if n > 2000 or (
        n >= 1000
        and re.match(
            r"\s*(?:г\.|гг\.|год|року|рік|р\.|r\.|roku|rok|year)", text[it.end : it.end + 8], re.I
        )
    ):
        return False  # a year ("в августе 1968 года войска …")
    if lang in ("ru", "uk"):
        if suf:
            return bool(re.fullmatch(r"[а-яёіїєґ]{1,4}", suf, re.I))
        if is_abbr:
            return True
        if _RU_PLURAL_GEN.search(head):
            return False
        last = n % 10
        return not (_RU_SG_GEN.search(head) and last in (2, 3, 4) and n % 100 not in (12, 13, 14))
    if lang == "pl":
        if suf:
            return True
        if is_abbr:
            return True
        # unit names are written with capitals ("27 Dywizja Piechoty"); in lower case the noun's
        # number decides, as in Russian: "9 pułku piechoty" names, "5 pułków", "2 brygady" count
        if head[:1].isupper() or any(text[s].isupper() for s, _e in mods):
            return True
        low = head.lower()
        if re.fullmatch(
            r"puł?k(?:ów|i)|pulk(?:ow|i)|batalion(?:ów|y)|korpus(?:ów|y)|brygad|dywizje|armie|dywizjon(?:ów|y)",
            low,
        ):
            return False
        last = n % 10
        few = last in (2, 3, 4) and n % 100 not in (12, 13, 14)
        post = text[he : he + 30]
        plural_adj = re.match(r"\s+[a-ząćęłńóśźż]+(?:ych|ich|ymi|imi)\b", post)
        if plural_adj:
            return False
        if re.fullmatch(r"brygady|dywizji|armii", low):
            return not few and bool(re.match(r"\s+[a-ząćęłńóśźżA-ZŁŚŻ]", post))
        return True
    if lang == "de":
        return suf == "." or is_abbr
    if lang == "en":
        if _EN_NOT_UNIT.match(text, he) or any(
            re.fullmatch(r"Street|Road|Avenue|Lane|Square", text[s:e]) for s, e in mods
        ):
            return False  # "Division Street", "the 44th Street Brigade parade"
        if suf or is_abbr:
            return True
        # the British style writes no ordinal suffix: "1 Armoured Division", "3 Commando
        # Brigade"; a count is a plural or lower case ("10 brigades") or precedes its noun
        # ("40 Army officers")
        return (
            head[:1].isupper()
            and not head.endswith("s")
            and it.number < 400
            and text[he : he + 1] != "-"
            and text[max(0, it.start - 1) : it.start] not in ("-", "–", "/", "#", "№")
            and not re.fullmatch(r"(?i)army\s+group|district|military\s+district|front", head)
            and not any(_EN_MONTH.fullmatch(text[s:e]) for s, e in mods)
            and not _EN_MONTH.search(text[max(0, it.start - 12) : it.start].strip() or "-")
            and all(text[s].isupper() for s, _e in mods)
            and not re.match(r"\s+[a-z]+(?:ers|men|ists|ians|nel|ops|ts|es)\b", text[he : he + 20])
            and not re.search(
                r"(?:No|Nr|Art|Article|Section|Chapter|Route|Page|p)\.?\s*$",
                text[max(0, it.start - 10) : it.start],
            )
        )
    return True


_EN_MONTH = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?$"
)
_EN_NOT_UNIT = re.compile(
    r"\s+(?:Street|St\.|Road|Rd\.?|Avenue|Ave\.?|Lane|Square|Boulevard|Drive)(?![\w])"
)


def echelon_ok_for_roman(head: str, lang: str) -> bool:
    return True


_POST = {
    "ru": re.compile(
        r"\s+(?:морской\s+пехоты|связи|пво|нквд|рвгк|резерва\s+главного\s+командования|особого\s+назначения|специального\s+назначения|спецназа)(?![\w])",
        re.I,
    ),
    "uk": re.compile(
        r"\s+(?:морської\s+піхоти|зв['ʼ]язку|територіальної\s+оборони|тро|спеціального\s+призначення|нгу|національної\s+гвардії)(?![\w])",
        re.I,
    ),
    "pl": re.compile(
        r"(?:\s+(?:[A-ZŁŚŻŹĆ]?[a-ząćęłńóśźż]+(?:-[a-ząćęłńóśźż]+)?(?:a|ej|ą|y|i|ego|ych|ich|ów|ii)|Wojska\s+Polskiego|WP|Obrony\s+Terytorialnej|Piechoty\s+Morskiej|Strzelców\s+[A-ZŁŚŻ]\w+)(?![\w]))"
    ),
    "de": re.compile(r"\s+(?:[„\"»][^“\"«”]{2,40}[“\"«”])"),
    "en": re.compile(r"\s+(?:of\s+Naval\s+Infantry|\(\s*[A-Z]{2,6}\s*\))"),
}
_PL_POST_OK = re.compile(
    r"(piechot|pancern|zmechanizowan|zmotoryzowan|kawaler|artyler|strzel|spadochron|powietrzn|lotnicz|górsk|gorsk|obrony|wojska|wp\b|"
    r"przeciwlotnicz|rozpoznawcz|saper|inżynier|łącznoś|zmech|gwardyjsk|specjaln|ułan|strzelców|szwoleżer|legion|"
    r"kresow|podhalańsk|warszawsk|pomorsk|wielkopolsk|mazowieck|śląsk|lubelsk|podkarpack|kujawsk|morsk|desantow|czołg|kadrow|"
    r"zmotor|panc|grenadier|dragoni|strzelc|bojow|zmotoryz|uderzeniow|polsk)",
    re.I,
)


def _post_mods(text: str, he: int, lang: str) -> int:
    """Words after the head that belong to the name ("Dywizja Piechoty", "полк связи")."""
    end = he
    rx = _POST.get(lang)
    if rx is None:
        return end
    for _ in range(3 if lang == "pl" else 1):
        m = rx.match(text, end)
        if not m:
            break
        if lang == "pl" and not _PL_POST_OK.search(m.group(0)):
            break
        end = m.end()
    return end


_NAMED_ADJ = {
    "ru": re.compile(
        r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё]+)?(?:ий|ый|ой|ого|ому|ым|им|ыми|ими|ом|ая|ей|ую|ие|их|ых)\s+)$"
    ),
    "uk": re.compile(
        r"([А-ЯІЇЄҐ][а-яіїєґʼ']+(?:-[А-ЯІЇЄҐа-яіїєґʼ']+)?(?:ий|ого|ому|им|ім|а|ої|у|ою|і|их)\s+)$"
    ),
    "pl": re.compile(
        r"((?<![\w-])(?:[A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+o-)?[A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+(?:i|y|ego|emu|ym|a|ej|ą)\s+)$"
    ),
    "de": re.compile(r"([A-ZÄÖÜ][a-zäöüß]+(?:e|en|er|es)\s+)$"),
    "en": re.compile(r"((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+){1,2})$"),
}
_NAMED_AFTER = {
    "ru": re.compile(r"\s*[«\"„]([А-ЯЁA-Z][^»\"“]{1,30})[»\"“]"),
    "uk": re.compile(r"\s*[«\"„]([А-ЯІЇЄҐA-Z][^»\"“]{1,30})[»\"“]"),
    "pl": re.compile(
        r"\s+(?:[„\"«]([A-ZŁŚŻŹĆ][^”\"»]{1,30})[”\"»]|([A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+(?:iego|ego|iej|ej|i|y|a)))(?![\w])"
    ),
    "de": re.compile(
        r"\s+(?:[„\"»]([A-ZÄÖÜ][^“\"«]{1,30})[“\"«]|(Mitte|Nord|Süd|Ost|West|Nordukraine|Südukraine|Weichsel|[A-ZÄÖÜ]\b|[A-ZÄÖÜ]))(?![\w])"
    ),
    "en": re.compile(
        r"\s+(?:[\"“]([A-Z][^\"”]{1,30})[\"”]|(Centre|Center|North|South|[A-Z]))(?![\w])"
    ),
}
_NAMED_STOP = re.compile(
    r"^(?:российск|русск|польск|советск|радянськ|красн|немецк|германск|американск|британск|"
    r"израильск|этот|этой|эта|тот|той|весь|всей|новый|новой|новая|нов|восточн фронт$|"
    r"die|der|den|dem|des|eine|einer|the|this|that|nowy|nowa|nowej|russian|polish|soviet|red|german|"
    r"rote|roten|russische|russischen|ukrainische|polnische|sowjetische|sowjetischen|deutsche|deutschen|"
    r"польськ|російськ|армійськ|його|її|цей|цього|следующ|нашего|нашей|наш|ваш|каждый|каждой|кожн|jeden|jedna|każd|wszystk|"
    r"first|second|polsk|rosyjsk|niemieck|ukraińsk|sowieck|radzieck|czerwon|amerykańsk|brytyjsk|"
    r"francusk|litewsk|czesk|węgiersk|rumuńsk|białorusk|nasz|wasz)",
    re.I,
)


def _number_after(
    text: str,
    mod_start: int,
    he: int,
    not_next: str,
    echelon: str | None,
    abbr_branch: str | None,
    lang: str,
) -> _Found | None:
    """A number written after the noun ("Panzerbrigade 45", "Panzer Group 3"): German style,
    kept when such units are named in English; `not_next` is what may not follow the number
    and a digit (a decimal, a thousands group, a time)."""
    after = re.match(rf"\s+(\d{{1,3}})(?!{not_next}?\d)", text[he : he + 12])
    if not after:
        return None
    end = he + after.end()
    d = parse_designation(text[mod_start:end], lang)
    return _Found(
        mod_start,
        end,
        text[mod_start:end],
        int(after.group(1)),
        echelon,
        abbr_branch or d.branch,
        "guards" in d.honorifics,
        language=lang,
    )


def _named(
    text: str,
    hs: int,
    he: int,
    head: str,
    echelon: str | None,
    lang: str,
    mod_start: int,
    mods: list[tuple[int, int]],
) -> _Found | None:
    """A formation named rather than numbered: fronts, districts, groups of forces, army groups
    ("Воронежский фронт", "Западный военный округ", "Heeresgruppe Mitte", "Army Group Centre",
    "Group of Soviet Forces in Germany")."""
    if echelon != "front":
        return _named_other(text, hs, he, head, echelon, lang, mods)
    q = _QUOTED.match(text, he)
    if q and lang in ("ru", "uk"):
        # a command or grouping named in quotes: "Оперативне командування «Схід»",
        # "группировка войск «Центр»"
        return _Found(hs, q.end(), text[hs : q.end()], None, "front", None, False, language=lang)
    low = head.lower()
    if re.search(r"групп|груп|grup|gruppe|group|streitkr|forces|войск|військ|wojsk", low):
        # a group of forces names itself ("Группа советских войск в Германии"): take a place after it
        tail = (
            re.match(r"\s+(?:в|у|w|in|im)\s+([A-ZА-ЯЁІЇЄŁŚŻ][\w-]+)", text[he:])
            if re.search(r"войск|військ|wojsk|forces|streitkr", low)
            else None
        )
        end = he + (tail.end() if tail else 0)
        after = _NAMED_AFTER[lang].match(text, end)
        if after is None and lang == "de":
            # named after a place or its commander: "Heeresgruppe Don", "Armeegruppe Kempf"
            after = _DE_GROUP_NAME.match(text, end)
        if (
            after
            and re.search(r"групп|груп|grup|gruppe|group", low)
            and not re.search(r"войск|військ|wojsk|forces|streitkr", low)
        ):
            end = after.end()
        elif (
            not tail
            and not mods
            and not re.search(r"^[А-ЯЁІЇЄA-ZŁŚŻ]", head)
            and not re.search(r"[А-ЯЁІЇЄA-ZŁŚŻ]", text[hs : hs + 1])
        ):
            return None
        start = hs
        if mods and text[mods[-1][0]].isupper():
            start = mods[-1][0]
        if not (text[start].isupper() or (after and end == after.end())):
            return None
        span = text[start:end]
        return _Found(
            start,
            end,
            span,
            None,
            "front",
            None,
            "гвард" in span.lower() or "guards" in span.lower(),
            language=lang,
        )
    if lang == "de" and re.fullmatch(
        r"(?:Süd|Nord)?(?:west|ost|West|Ost)front|(?:Süd|Nord|Zentral|Reserve|Kaukasus|Fernost)front"
        r"|(?!(?:Heimat|Kriegs|Haupt|Gegen|Wetter|Kalt|Warm|Kampf|Abwehr|Einheits|Volks|Sturm|Angriffs)front)"
        r"[A-ZÄÖÜ][a-zäöüß]{2,}front",
        head,
    ):
        if re.match(
            r"\s+(?:der|des)\s+(?:Stadt|Festung|Kessels|Brückenkopf\w*|Verteidigung|Stellung\w*|"
            r"Linie|Einschließung|Ortschaft|Ortes|Dorfes)(?![\w])",
            text[he : he + 40],
        ):
            return None  # "vor der Südfront der Stadt": a side of a town, no formation
        # "die Steppenfront", "die Wolchowfront": a named Soviet front
        # "die Südwestfront", "der Nordwestfront": the compound names the front itself
        return _Found(hs, he, head, None, "front", None, False, language=lang)
    # an adjective naming the front or district, before (ru, uk, en, de) or after (pl, de names)
    before = text[max(0, hs - 60) : hs]
    m = _NAMED_ADJ[lang].search(before)
    if m and lang == "en" and re.match(r"(?:The|This|That|A|An)\s", m.group(1)):
        m = _NAMED_ADJ[lang].search(before[m.start() + len(m.group(1).split()[0]) + 1 :])
    start = hs
    if (
        m
        and not _NAMED_STOP.match(m.group(1).strip())
        and not (_head_regex(lang).fullmatch(m.group(1).strip()))
    ):
        start = hs - len(m.group(1))
        if lang == "en" and start > 0:
            # "Western Military District": include a second capital word ("Far Eastern")
            pass
    else:
        m = None
    after = None
    if m is None and lang in ("pl", "de"):
        after = _NAMED_AFTER[lang].match(text, he)
        if after and _NAMED_STOP.match((after.group(1) or after.group(2) or "").strip()):
            after = None
    if m is None and after is None:
        return None
    end = after.end() if after else he
    span = text[start:end]
    if lang == "en" and not re.search(r"district|front|group", head, re.I):
        return None
    if lang == "en" and head in ("front", "fronts"):
        return None  # "the Kharkiv front", "the southern front": a sector, no formation
    if re.fullmatch(r"(?i)fronts?|фронт\w*|front\w*", head.strip()) and m is not None:
        # "на Западном фронте" — one capital adjective and "front" is a named front only when the
        # adjective is a name of one, not an ordinary word at a sentence start
        word = m.group(1).strip()
        sent_start = re.search(r"(?:^|[.!?]\s+|\n)$", text[:start])
        if sent_start is not None and start > 0 and _is_common_adj(word, lang):
            return None
    d = parse_designation(span, lang)
    return _Found(
        start, end, span, None, "front", d.branch, "guards" in d.honorifics, language=lang
    )


_QUOTED_MORE = re.compile(
    r"\s*(?:,|та|і|й|и|а\s+также|а\s+також)\s*[«\"„]([А-ЯЁІЇЄҐA-Z][^»\"“]{1,30})[»\"“]"
)


def _quoted_list(text: str, named: _Found, lang: str) -> list[_Found]:
    """Russian, Ukrainian: the further quoted names sharing one noun — "батальйони «Донбас» та
    «Дніпро-1»", "бригады «Восток», «Запад» и «Юг»": each a unit of the noun's echelon."""
    if lang not in ("ru", "uk") or named.echelon in (None, "front") or named.number is not None:
        return []
    if not re.search(r"[»\"“]$", text[named.start : named.end]):
        return []
    out: list[_Found] = []
    cur = named.end
    for _ in range(4):
        qm = _QUOTED_MORE.match(text, cur)
        if qm is None:
            break
        a = qm.start(1) - 1
        out.append(
            _Found(a, qm.end(), text[a : qm.end()], None, named.echelon, None, False, language=lang)
        )
        cur = qm.end()
    return out


def _named_list(text: str, named: _Found, lang: str) -> list[_Found]:
    """The other names of a list sharing one plural noun: "Брянского и Центрального фронтов",
    "des Westlichen und Südlichen Militärbezirks" — each adjective is a front of its own."""
    if named.echelon != "front" or lang not in ("ru", "uk", "de") or named.number is not None:
        return []
    out: list[_Found] = []
    cur = named.start
    for _ in range(4):
        sm = _SEP_RE[lang].search(text[max(0, cur - 20) : cur])
        if not sm or not sm.group(0).strip():
            break
        sep_start = cur - len(sm.group(0))
        am = _NAMED_ADJ[lang].search(text[max(0, sep_start - 40) : sep_start] + " ")
        if not am or _NAMED_STOP.match(am.group(1).strip()):
            break
        word = am.group(1).strip()
        start = sep_start - len(word)
        if text[start:sep_start] != word:
            break
        out.insert(0, _Found(start, sep_start, word, None, "front", None, False, language=lang))
        cur = start
    return out


_DE_GROUP_NAME = re.compile(
    r"\s+(?!(?:Truppen|Einheiten|Verbände|Soldaten|Kräfte|Teile|Stab|Anfang|Ende)(?![\w-]))"
    r"([A-ZÄÖÜ][a-zäöüß]{2,})(?![\w-])"
)
_QUOTED = re.compile(r"\s*[„\"«“]([A-ZА-ЯЁІЇЄŁŚŻŹĆ][^”\"»“]{1,30})[”\"»“]")
_PL_NAME_ADJ = re.compile(
    r"([A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+(?:-[A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+)?(?:ska|cka|zka|na|wa|ia|a|iej|skiej|ckiej|skiego|ckiego|ą)\s+)$"
)


_EN_NATIONAL = re.compile(
    r"(?:Red|Soviet|Russian|Polish|German|Ukrainian|Belarusian|US|U\.S\.|British|French|Imperial|Royal|Romanian|Hungarian|"
    r"Italian|Finnish|Japanese|Chinese|Home|Regular|Territorial|National|Continental|Salvation|New|Old|The|Our|Their|"
    r"Combined|Tank|Air|Field|Shock|Guards|Rifle|Mechanized|Motorized)$"
)


_RU_NAME_ADJ = re.compile(
    r"(?<![\w-])([А-ЯЁІЇЄҐ][а-яёіїєґʼ'-]{3,}(?:ая|ой|ую|ий|ый|ого|ому|ым|ом|ей|а|ої|у|ою|ій|им)\s+)$"
)
_RU_NOT_NAME = re.compile(
    r"(?:росс|русск|рус|красн|советск|украин|укра|польск|германск|немецк|німецьк|японськ|японск|"
    r"китайськ|китайск|американськ|американск|британськ|британск|французськ|французск|сирийськ|"
    r"сирийск|израил|турецьк|турецк|грузинськ|грузинск|белорусск|білоруськ|румынск|румунськ|"
    r"венгерск|угорськ|финск|фінськ|итальянск|італійськ|чешск|чеськ|сербск|сербськ|иракск|"
    r"афганск|иранск|корейск|корейськ|северокорейск|монгольск|латвийск|литовск|эстонск|казахск|"
    r"армянск|азербайджанск|ливийск|народн|національн|национальн|регулярн|действующ|"
    r"діюч|царск|царськ|императорск|імператорськ|королевск|королівськ|вражеск|"
    r"ворож|чуж|армійськ|армейск|"
    r"механізован|механизирован|мотопіхот|мотострелк|стрелков|стрілецьк|танков|десант|"
    r"повітрянодесант|воздушно|артиллер|артилер|пехот|піхот|морськ|морск|горн|гірськ|резерв|"
    r"сухопутн|регіональн|региональн|добровольн|территориальн|територіальн|кожн|кажд|перш|"
    r"перв|последн|останн|окрем|отдельн|зведен|сводн|погранич|прикордон|инженер|інженер|"
    r"ракетн|зенитн|зенітн|разведыват|розвідувальн|связ|зв['ʼ]яз|специальн|спеціальн|особ|"
    r"тяжел|важк|легк|учебн|навчальн|кадров|запасн|понтон|саперн|сапер|химическ|хімічн|"
    r"радиотехническ|ремонтн|транспортн|комендантск|медицинск|медичн|полицейск|поліцейськ|"
    r"штабн|военн|військов|вооружен|збройн|объединен|об['ʼ]єднан|оперативн|тактическ|тактичн|"
    # short words as whole words: "Таманская", "Белгородская" are names
    r"(?:та|ця|эта|этой|эту|наша|нашей|ваша|их|вся|всей|новая|новой|новую|нова|нової|другая|"
    r"другой|інша|іншої|одна|одной|кожна|каждая|белая|белой|біла|білої|ваша|вашей)$)"
)


# English words that describe a brigade or regiment rather than name it ("the Joint Brigade",
# "the Polish Armoured Brigade")
_EN_NOT_NAME = re.compile(
    r"(?:Joint|Training|Reserve|Rapid|Reaction|Multinational|Logistics|Support|Headquarters|Light|"
    r"Heavy|Armou?red|Engineer|Signals?|Medical|Marine|Commando|Parachute|Defen[cs]e|Volunteer|"
    r"International|Foreign|Legion|Border|Guard|Presidential|Coastal|Missile|Rocket|Aviation|"
    r"Army|Navy|NATO|Nato|Allied|Enhanced|Forward|Presence|Battle|Brigade|Regiment|Battalion|"
    r"Division|Mechani[sz]ed|Motori[sz]ed|Infantry|Artillery|Cavalry|Tank|Rifle|Rifles|Assault|"
    r"Airborne|Air|Naval|Special|Operations|Forces|Mountain|Independent|Separate|Guards|Combined|"
    r"Arms|Its|His|Her|Their|Our|Each|Every|Another|Other|Which|This|That|These|Those|A|An|The)$"
)


def _en_named_unit(
    text: str, hs: int, he: int, echelon: str | None, mods: list[tuple[int, int]]
) -> _Found | None:
    """ "the Iron Wolf Mechanised Infantry Brigade", "the Azov Brigade": an English brigade,
    regiment or battalion known by a name of capitalised words before its branch words."""
    if echelon not in ("brigade", "regiment", "battalion") or not mods:
        return None
    words = sorted(mods)
    if not all(text[a].isupper() for a, _b in words):
        return None

    def national(w: str) -> bool:
        return bool(
            _EN_NATIONAL.match(w)
            or _NAMED_STOP.match(w)
            or re.search(r"(?:ian|ish|ese|['’]s?)$", w)
        )

    # "the Ukrainian Nachtigall Battalion": a country's adjective before the name is not part of it
    while words and national(text[words[0][0] : words[0][1]]):
        words = words[1:]
    names = [(a, b) for a, b in words if not (_EN_NOT_NAME.match(text[a:b]) or national(text[a:b]))]
    if not names or names[0] != words[0]:
        return None  # the name leads: "the Armoured Falcon Brigade" is no name of its own
    if re.search(r"(?:^|[.!?:\n]\s*)$", text[max(0, words[0][0] - 3) : words[0][0]]):
        return None  # a capital at a sentence start is no name
    start = words[0][0]
    return _Found(start, he, text[start:he], None, echelon, None, False, language="en")


def _named_other(
    text: str,
    hs: int,
    he: int,
    head: str,
    echelon: str | None,
    lang: str,
    mods: list[tuple[int, int]] | None = None,
) -> _Found | None:
    """Armies, divisions and brigades known by a name, not a number: a quoted name after the noun
    (Armia „Poznań”, армия «Север»), or in Polish a capitalised adjective before a capitalised
    noun (Wielkopolska Brygada Kawalerii, Podolska BK)."""
    if echelon not in ("army", "corps", "division", "brigade", "regiment", "battalion"):
        return None
    q = _QUOTED.match(text, he)
    if q is None and lang == "pl" and head[:1].isupper():
        # an adjective between the noun and its name: "Dywizja Pancerna „Kempf”"
        adj = re.match(r"\s+[A-ZŁŚŻŹĆ][a-ząćęłńóśźż]+(?:a|ą|ej|y|ego|ym|ę)(?=\s*[„\"«])", text[he:])
        if adj is not None:
            q = _QUOTED.match(text, he + adj.end())
    if q and (head[:1].isupper() or lang in ("ru", "uk", "pl")):
        # (Polish writes the noun of a named unit in lower case: "batalion „Zośka”", "pułk
        # „Baszta”", "zgrupowanie „Radosław”")
        span = text[hs : q.end()]
        return _Found(hs, q.end(), span, None, echelon, None, False, language=lang)
    if lang in ("ru", "uk") and head[:1].islower():
        # a formation known by a name, not a number: "Квантунская армия", "Кантемировская
        # дивизия" — but not a country's army or a common adjective at a sentence start
        m = _RU_NAME_ADJ.search(text[max(0, hs - 40) : hs])
        if m:
            word = m.group(1).strip()
            low = word.lower()
            if not (
                _NAMED_STOP.match(word)
                or _RU_NOT_NAME.match(low)
                or re.match(_ELLIPTIC_ADJ[lang], low)
                or _word_ordinal(word, lang) is not None
            ):
                start = hs - len(m.group(1))
                return _Found(start, he, text[start:he], None, echelon, None, False, language=lang)
    if lang == "de" and head == "Division":
        # the Bundeswehr's named divisions: "Division Schnelle Kräfte", "Division Spezielle
        # Operationen"
        after = re.match(r"\s+[A-ZÄÖÜ][a-zäöüß]+e\s+[A-ZÄÖÜ][a-zäöüß]+(?![\w-])", text[he:])
        if after:
            end = he + after.end()
            return _Found(hs, end, text[hs:end], None, echelon, None, False, language=lang)
    if lang == "de" and re.search(r"(?:panzergruppe|armeeabteilung)$", head, re.I):
        # "Panzergruppe Kleist", "Armeeabteilung Kempf"
        after = _DE_GROUP_NAME.match(text, he)
        if after:
            end = after.end()
            return _Found(hs, end, text[hs:end], None, echelon, None, False, language=lang)
    if lang == "en" and head in ("Army", "Corps"):
        # "Army Poznań", "Army Modlin": the Polish style, the name after the noun
        after = re.match(r"\s+([A-ZŁŚŻ][a-ząćęłńóśźż'’-]+)(?![\w])", text[he:])
        if after and not re.match(
            r"(?:Group|Groups|General|Generals|Headquarters|Command|Commander|Chief|Staff|Corps|"
            r"Aviation|Air|Reserve|Day|Navy|Institute|Academy|Museum|Ministry|Council|"
            r"Europe|Africa|Pacific|Central|North|South|Special|Forces|Futures|Cyber)$",
            after.group(1),
        ):
            end = he + after.end()
            return _Found(hs, end, text[hs:end], None, echelon, None, False, language=lang)
    if (
        lang == "en"
        and head[:1].isupper()
        and (got := _en_named_unit(text, hs, he, echelon, mods or []))
    ):
        return got
    if lang == "en" and echelon == "army" and head[:1].isupper():
        # "Modlin Army", "Poznań Army" (but not "Red Army", "Soviet Army")
        m = re.search(r"([A-ZŁŚŻŹĆ][\w'’-]+\s+)$", text[max(0, hs - 30) : hs])
        word = m.group(1).strip() if m else ""
        if (
            m
            and not _EN_NATIONAL.match(word)
            # a country's or a person's army: "Russia's Army", "the Israeli Army", "Czech Army"
            and not re.search(r"['’]s?$|(?:ian|ish|ese|an|ch|i)$", word)
            # a capitalised function word ("Under Army 2020 it joined …") names nothing, and an
            # army followed by a year is a programme ("Army 2020", "Force 2025"), not a unit
            and not _EN_FUNCTION_WORD.match(word)
            and not re.match(r"\s+(?:19|20)\d\d(?!\d)", text[he : he + 6])
        ):
            start = hs - len(m.group(1))
            return _Found(start, he, text[start:he], None, echelon, None, False, language=lang)
    if lang == "pl" and head[:1].isupper():
        m = _PL_NAME_ADJ.search(text[max(0, hs - 40) : hs])
        if m and not _NAMED_STOP.match(m.group(1).strip()):
            start = hs - len(m.group(1))
            end = _post_mods(text, he, lang)
            span = text[start:end]
            d = parse_designation(span, lang)
            return _Found(
                start, end, span, None, echelon, d.branch, "guards" in d.honorifics, language=lang
            )
    return None


_EN_FUNCTION_WORD = re.compile(
    r"(?:Under|After|Before|In|On|At|By|With|Without|For|From|Into|Through|During|Since|Until|"
    r"Across|Against|Beside|Behind|Within|Over|The|A|An|This|That|These|Those|Its|Their|His|Her|"
    r"Our|Every|Each|No|Both|Then|When|While|As|If|Of|And|Or|But|Once|Now|Later)$"
)


def _is_common_adj(word: str, lang: str) -> bool:
    return bool(re.match(r"(?i)(нов|друг|эт|ц|so|ein|jed|inn|the|a|an)", word))


def _find_unit_numbers(text: str, lang: str) -> list[_Found]:
    out = []
    for m in _UNIT_NUMBER.finditer(text):
        num = m.group("num").upper().replace("A", "А").replace("B", "В")
        out.append(
            _Found(m.start(), m.end(), m.group(0), None, None, None, False, num, language=lang)
        )
    if lang in ("uk", "ru"):
        for m in _UA_UNIT_NUMBER.finditer(text):
            if any(f.start <= m.start() < f.end for f in out):
                continue
            ctx = text[max(0, m.start() - 40) : m.start()].lower()
            if (
                re.search(r"(частин|част[ьи]|в/ч|вч|military|unit|№)\s*[«\"(]?\s*$", ctx)
                or text[max(0, m.start() - 1) : m.start()] == "("
            ):
                num = "А" + m.group("num")[1:]
                out.append(
                    _Found(
                        m.start(), m.end(), m.group(0), None, None, None, False, num, language=lang
                    )
                )
            elif re.match(r"А\d{4}$", m.group("num")):
                num = m.group("num")
                out.append(
                    _Found(
                        m.start(), m.end(), m.group(0), None, None, None, False, num, language=lang
                    )
                )
    return out


def _district_abbrevs(text: str, lang: str) -> list[_Found]:
    """Russian district and group-of-forces abbreviations: ЗВО, ЮВО, ЛенВО, ПрибВО, ГСВГ, ЦГВ."""
    if lang not in ("ru", "uk"):
        if lang == "en":
            return [
                _Found(m.start(), m.end(), m.group(0), None, "front", None, False, language=lang)
                for m in re.finditer(
                    r"(?<![\w])(?:WMD|SMD|CMD|EMD|LMD|MMD|GSFG|GSVG|NGF|CGF|SGF)(?![\w])", text
                )
            ]
        return []
    rx = re.compile(
        r"(?<![\w])(?:[А-ЯЁ][а-яёА-ЯЁ]{0,4}ВО|ГСВГ|ГСОВГ|ЗГВ|ЦГВ|СГВ|ЮГВ|(?:ОК|ОСК|ОСУВ|ОТУ|ОСГВ|ГрВ|ГВ)\s+[«\"„][А-ЯІЇЄ][^»\"“]{1,20}[»\"“])(?![\w])"
    )
    return [
        _Found(m.start(), m.end(), m.group(0), None, "front", None, False, language=lang)
        for m in rx.finditer(text)
    ]


# ---- sentences -----------------------------------------------------------------------------------------

_ABBR_BEFORE_DOT = re.compile(
    r"(?:^|[\s(]|(?<=\w\.))(?:\d{1,4}|[IVXL]{1,5}|[a-zа-яёіїєąćęłńóśźż]{1,4}|гв|г|гг|им|ул|тов|ген|полк|ст|див|Pz|Div|Inf|Rgt|Brig|Btl|Gen|Lt|Col|Maj|Capt|Dr|St|Nr|No|Mr|ppłk|płk|mjr|gen|kpt|por|Sgt|Jan|Feb|Mar|Apr|Aug|Sep|Sept|Oct|Nov|Dec|Okt|Dez|ds|dr)\.$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: ends at . ! ? … before a capital or a quote, and at every line break, but
    not after an ordinal ("5. Armee") or a short abbreviation ("гв.", "Pz.Div.", "r.")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"(?<=[.!?…])\s+(?=[«\"„“(\[]?[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻŹĆ0-9])|\n+", text):
        if m.group(0).startswith("\n") or "\n" in m.group(0):
            end = m.start()
        else:
            end = m.start()
            if re.search(r"(?:^|[\s(])(?:im|им|ім)\.$", text[max(start, end - 6) : end]):
                continue  # "1 DP im. Tadeusza Kościuszki": a patron's name follows
            if re.search(
                r"(?:^|[\s(])(?:н\.\s?п|с|м|смт|пгт|пос|дер|сел|wsi|янв|февр?|апр|авг|сент?|окт|нояб?|дек)\.$",
                text[max(start, end - 8) : end],
            ):
                continue  # "у н.п. Кліщіївка", "в с. Урожайное", "12 сент. 1939": a name or year follows
            year_end = re.search(
                r"(?:^|[\s,(])(?:1[89]\d\d|20\d\d)\.$", text[max(start, end - 8) : end]
            )
            if _ABBR_BEFORE_DOT.search(text[max(start, end - 12) : end]) and not (
                year_end and re.match(r"[«\"„“(]?[A-ZА-ЯЁІЇЄҐ][a-zа-яёіїєґ]", text[m.end() :])
            ):
                # (a year then a capitalised word ends a sentence: "… on September 6, 2022. The
                # 25th Brigade …"; "5. Armee" and "27 сд." do not)
                nxt = text[m.end() : m.end() + 12]
                # "27 сд." at the end of a sentence then a capital: still an end if followed by a
                # word that is not a head noun continuing the name
                if not re.match(r"[a-zа-яё]", nxt) and re.search(
                    r"\d\.$", text[max(start, end - 6) : end]
                ):
                    continue
                if re.search(
                    # (also the second half of "Pz.Div.", "Pz.Gren.Div.")
                    r"(?:^|[\s(]|(?<=\w\.))(?:гв|г|им|ул|тов|ген|Pz|Div|Inf|Gen|Lt|Col|Maj|Capt|Dr|St|Nr|No|Mr|ppłk|płk|mjr|gen|kpt|por|Sgt)\.$",
                    text[max(start, end - 12) : end],
                ):
                    continue
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


# ---- the entry point ------------------------------------------------------------------------------


_EN_ORDINAL_UNIT = re.compile(r"(?<![\w.])\d{1,3}(?:st|nd|rd|th)\s+[A-Z][a-z]")


def _languages_for(doc: Document) -> list[str]:
    lang = doc.language
    if lang in ("pl", "de") and _EN_ORDINAL_UNIT.search(doc.text):
        # an English unit name quoted in Polish or German news ("amerykańskiej 1st Armored
        # Brigade Combat Team")
        return [lang, "en"]
    if lang in _NOUNS:
        return [lang]
    if lang == "ja":
        return ["ja"]
    if re.search(r"[а-яёіїєґ]", doc.text[:5000], re.I):
        return ["uk"] if re.search(r"[іїєґ]", doc.text[:5000]) else ["ru"]
    return ["en", "de", "pl"]


def _japanese(text: str) -> list[_Found]:
    """Japanese designations: 第27狙撃師団, 第二十七狙撃師団, 親衛第1戦車軍."""
    out = []
    rx = re.compile(
        r"(?:親衛)?第\s*[0-9０-９〇一二三四五六七八九十百千]+\s*(?:[^\s第、。，,・]{0,8}?)(?:方面軍|軍管区|軍団|師団|旅団|連隊|大隊|航空軍|軍)"
    )
    for m in rx.finditer(text):
        d = parse_designation(m.group(0), "ja")
        if d.number and d.echelon:
            out.append(
                _Found(
                    m.start(),
                    m.end(),
                    m.group(0),
                    d.number,
                    d.echelon,
                    d.branch,
                    "guards" in d.honorifics,
                    language="ja",
                )
            )
    return out


# An ordinal and a unit's adjectives with the noun left out, the noun being the one the text just
# used: "позднее ставшая 8-й гвардейской", "у складі 3-ї штурмової". The adjectives must be a
# unit's (guards, separate, assault …) and nothing but a pause may follow, so "5-й отдельной роте"
# (a company) is no mention.
_ELLIPTIC_ADJ = {
    "ru": r"(?:гвардейск|отдельн|штурмов|конн|механизированн|мотострелков|танков|стрелков|десантно-штурмов|"
    r"воздушно-десантн|парашютно-десантн|кавалерийск|ударн|общевойсков|морской)",
    "uk": r"(?:гвардійськ|окрем|штурмов|кінн|механізован|мотопіхотн|танков|стрілецьк|десантно-штурмов|"
    r"повітрянодесантн|аеромобільн|кавалерійськ|ударн|гірсько-штурмов|президентськ)",
}
_ELLIPTIC = {
    lg: re.compile(
        r"(?<![\w.])(?P<n>\d{1,3})\s?[-–‑]\s?(?P<suf>[а-яёіїєґ]{1,3})"
        r"(?P<adj>(?:\s+[а-яёіїєґʼ'-]+){0,2}?\s+" + a + r"[а-яёіїєґ]{1,4})"
        r"(?=\s*(?:[,.;:!?)—–]|$|\s(?:и|і|й|та|а|в|у|на|под|під|біля|возле|около|из|з|с|со|по|до|за|при|под|над|после|після|против|проти)\s|\s[а-яёіїєґ]+(?:ють|ять|уть|ать|ить|ли|ла|ло|ет|ут|ют|ит|ят|ся|сь|ав|ив|ал|ил|ел)(?![\w])))",
        re.I,
    )
    for lg, a in _ELLIPTIC_ADJ.items()
}
_FEM_END = re.compile(r"(?:ая|ой|ую|ей|ою|ої|а|у|ій|яя)$")
_FEM_ECH = {"division", "army", "brigade"}


def _elliptic(text: str, lang: str, found: list[_Found]) -> list[_Found]:
    rx = _ELLIPTIC.get(lang)
    if rx is None:
        return []
    out = []
    for m in rx.finditer(text):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        last = m.group("adj").split()[-1].lower()
        # "-ой" is feminine here ("8-й гвардейской"); the masculine oblique cases end "-ого" …
        fem = bool(_FEM_END.search(last))
        # the noun left out is the one this unit was named with before ("1-ша Кінна армія" …
        # "1-ша Кінна"), else the last one of the same gender in the text before it
        same = [
            f
            for f in found
            if f.end <= m.start()
            and f.number == int(m.group("n"))
            and f.echelon is not None
            and last[:4] in f.text.lower()
        ]
        prev = same or [
            f
            for f in found
            if f.end <= m.start()
            and m.start() - f.end < 600
            and f.echelon is not None
            and f.number is not None
            and (f.echelon in _FEM_ECH) == fem
            and f.language == lang
        ]
        if not prev:
            continue
        ech = max(prev, key=lambda f: f.end).echelon
        d = parse_designation(m.group(0), lang)
        out.append(
            _Found(
                m.start(),
                m.end(),
                m.group(0),
                int(m.group("n")),
                ech,
                d.branch,
                "guards" in d.honorifics or "гвард" in last or "гвардій" in m.group(0).lower(),
                language=lang,
            )
        )
    return out


# "4-я дивизия ворвалась в Житомир, а 14-я — в Бердичев": a bare ordinal opening a clause whose
# verb a dash stands for is a unit of the kind the clause before named (Russian and Ukrainian).
_GAPPED = re.compile(
    r"(?:,\s*(?:а|и|і|та|й|тогда\s+как|тоді\s+як)\s+|;\s*)"
    r"(?P<n>\d{1,3})\s?[-–‑]\s?(?P<suf>[а-яёіїєґ]{1,3})(?=\s+[—–]\s)",
    re.I,
)


def _gapped(text: str, lang: str, found: list[_Found]) -> list[_Found]:
    """Bare ordinals of a gapped clause (_GAPPED): the echelon of the nearest unit named before
    in the same sentence whose noun agrees in gender (feminine "-я", "-та", masculine "-й")."""
    if lang not in ("ru", "uk"):
        return []
    out = []
    for m in _GAPPED.finditer(text):
        a = m.start("n")
        if any(f.start <= a < f.end for f in found):
            continue
        suf = m.group("suf").lower()
        fem = suf.endswith(("я", "а"))
        if not fem and not suf.endswith("й"):
            continue
        prev = [
            f
            for f in found
            if f.end <= a
            and a - f.end < 200
            and f.echelon is not None
            and f.number is not None
            and (f.echelon in _FEM_ECH) == fem
            and not re.search(r"[.!?]\s", text[f.end : a])
        ]
        if not prev:
            continue
        last = max(prev, key=lambda f: f.end)
        out.append(
            _Found(
                a,
                m.end(),
                text[a : m.end()],
                int(m.group("n")),
                last.echelon,
                last.branch,
                False,
                language=lang,
            )
        )
    return out


_EN_DIV_BRANCH = {
    "Airborne": "airborne",
    "Cavalry": "cavalry",
    "Mountain": "mountain",
    "Infantry": "infantry",
    "Armored": "armour",
    "Armoured": "armour",
}
_EN_DIV_SHORT = re.compile(
    r"(?<![\w.])(\d{1,3})(?:st|nd|rd|th|d)\s+(" + "|".join(_EN_DIV_BRANCH) + r")(?![\w-]|\s+[A-Z(])"
)
_GLUED = re.compile(r"(?<=(?<![\w])гв)\.(?=[а-яёіїєґА-ЯЁІЇЄҐ])", re.I)


_HEADLINE = re.compile(r"\s*([^\n]{1,160})\n")


def _unit_key(f: _Found, text: str) -> tuple[object, ...]:
    if f.number is not None or f.unit_number is not None:
        return (f.number, f.echelon, f.unit_number)
    # a named one: its words' first letters, so "Armia „Kraków”" and "Armii „Kraków”" agree
    return (f.echelon, tuple(w[:4].lower() for w in re.findall(r"\w+", text[f.start : f.end])))


def _drop_bracketed_restatements(text: str, found: list[_Found]) -> list[_Found]:
    """ "2nd Battalion, The Parachute Regiment (2 PARA)", "1st Guards Tank Army (1 GTA)": the
    bracketed short form names the unit just named, not another one. (A military unit number in
    brackets is kept: it is a different key, and it joins the formation below.)"""
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and f.unit_number is None
            and f.number is not None
            and (prev.number, prev.echelon) == (f.number, f.echelon)
            and re.fullmatch(r"[^.!?\n()]{0,40}\(\s*", text[prev.end : f.start])
            and re.match(r"\s*\)", text[f.end : f.end + 3])
        ):
            continue
        out.append(f)
    return out


def _drop_headline_repeats(text: str, found: list[_Found]) -> list[_Found]:
    """A headline names the units its story then reports ("MON: żołnierze 16 DZ na poligonie",
    then "16 Pomorskiej Dywizji Zmechanizowanej …"): the body's mention carries the sentence,
    the place and the date, so a headline mention of a unit the body names again is dropped
    rather than counted twice. A headline is a first line of at most 160 characters, not
    ending a sentence, with text after it."""
    hm = _HEADLINE.match(text)
    if hm is None or re.search(r"[.!?…]\s*$", hm.group(1)) or not text[hm.end() :].strip():
        return found
    end = hm.end()
    body = {_unit_key(f, text) for f in found if f.start >= end}
    return [f for f in found if f.start >= end or _unit_key(f, text) not in body]


# "… claimed that the 155th has been redeployed", "while the 47th attacks Verbove": a bare
# ordinal as a clause's subject, its verb right after it (not "on the 5th", a date)
_EN_BARE_ORDINAL = re.compile(
    r"(?:^|[,;]\s+|(?<![\w])(?:that|while|whereas|and|but|as|when|where)\s+)"
    r"(?:[Tt]he\s+)(?P<num>(?P<n>\d{1,3})(?:st|nd|rd|th))\s+"
    r"(?=(?:has|have|had|is|was|were|are|reportedly|also|still|then|now|attacked|attacks|"
    r"holds|held|advanced|repelled|withdrew|continued|continues|moved|remained|remains|"
    r"took|captured|defended|defends|lost|suffered)(?![\w]))",
    re.M,
)


def _en_bare_ordinals(text: str, found: list[_Found]) -> list[_Found]:
    """A bare ordinal standing for a unit of the kind the paragraph named last before it."""
    out: list[_Found] = []
    for m in _EN_BARE_ORDINAL.finditer(text):
        a, b = m.span("num")
        para = text.rfind("\n", 0, a) + 1
        prev = [
            f
            for f in found
            if para <= f.start < a and f.number is not None and f.echelon is not None
        ]
        if not prev or any(f.start < b and a < f.end for f in found):
            continue
        last = max(prev, key=lambda f: f.start)
        if int(m.group("n")) == last.number:
            continue  # "the 5th Brigade … the 5th has" names the same unit again
        out.append(
            _Found(a, b, text[a:b], int(m.group("n")), last.echelon, None, False, language="en")
        )
    return out


def find_units(text: str, langs: list[str], dictionary: Dictionary | None = None) -> list[_Found]:
    """Unit mentions in `text` (no place or date yet), sorted, overlaps settled."""
    found: list[_Found] = []
    for lang in langs:
        if lang == "ja":
            found += _japanese(text)
            continue
        lang_text = text
        if lang in ("ru", "uk"):
            # "4 гв.тд": the scan reads words between spaces; a space for the dot keeps offsets
            lang_text = _GLUED.sub(" ", text)
        found += _find_formations(lang_text, lang)
        found += _elliptic(lang_text, lang, found)
        found += _gapped(lang_text, lang, found)
        if lang == "en":
            # "the 101st Airborne", "the 1st Cavalry", "the 10th Mountain": a US division's name
            # without its noun
            found += [
                _Found(
                    m.start(),
                    m.end(),
                    m.group(0),
                    int(m.group(1)),
                    "division",
                    _EN_DIV_BRANCH[m.group(2)],
                    False,
                    language=lang,
                )
                for m in _EN_DIV_SHORT.finditer(text)
            ]
        if lang == "en":
            found += _en_bare_ordinals(text, found)
        found += _district_abbrevs(text, lang)
        found += _find_unit_numbers(text, lang)
    if dictionary is not None:
        for s, e, entry in dictionary.find_named(text):
            d = parse_designation(entry.name)
            f = _Found(
                s,
                e,
                text[s:e],
                d.number,
                d.echelon,
                d.branch,
                "guards" in d.honorifics,
                language=langs[0] if langs else "und",
            )
            f.extra["unit_ids"] = (entry.unit_id,)
            found.append(f)
    for f in found:
        f.text = text[f.start : f.end]
    # settle overlaps: a longer span with a number beats a shorter one inside it
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for f in found:
        clash = next((k for k in kept if f.start < k.end and k.start < f.end), None)
        if clash is None:
            kept.append(f)
            continue
        better = bool(f.unit_number and clash.unit_number is None) or (
            "unit_ids" in f.extra and "unit_ids" not in clash.extra
        )
        if better and clash.number is None:
            kept[kept.index(clash)] = f
    kept = _drop_headline_repeats(text, kept)
    kept = _drop_bracketed_restatements(text, kept)
    kept = _en_comma_parents(text, kept)
    # a unit number right beside a formation ("27 омсбр (в/ч 61899)") belongs to it too
    for i, f in enumerate(kept):
        if f.unit_number is not None:
            continue
        for g in kept[i + 1 : i + 2]:
            if (
                g.unit_number
                and 0 <= g.start - f.end <= 4
                and re.fullmatch(r"[\s,(—–-]*", text[f.end : g.start])
            ):
                f.unit_number = g.unit_number
    return kept


# English writes a unit with its parent after a comma, as one name: "1st Battalion, 41st Field
# Artillery Regiment", "2nd Brigade Combat Team, 3rd Infantry Division", "A Company, 2nd
# Battalion". The parent there is part of the unit's name, not a mention of its own.
# (Not "2nd Armored Brigade Combat Team, 1st Cavalry Division," nor the Polish genitive "1
# batalion 20 Brygady": the labelled sets count those now as one mention, now as two.)
_PARENT_GAP = {"en": re.compile(r",[ \t]+(?:[Tt]he[ \t]+)?")}


def _en_comma_parents(text: str, kept: list[_Found]) -> list[_Found]:
    """Fold an English unit's parent written after a comma into the unit's mention: the parent
    must be of a higher echelon (so a list, "the 1st, 2nd and 3rd Battalions" or "the 3rd
    Division, the 4th Division", stays apart) and follow the comma directly."""
    from liaison.names.vocab import ECHELON_RANK

    out: list[_Found] = []
    skip: set[int] = set()
    for i, f in enumerate(kept):
        if i in skip:
            continue
        g = kept[i + 1] if i + 1 < len(kept) else None
        gap = _PARENT_GAP.get(f.language)
        if (
            g is not None
            and gap is not None
            and g.language == f.language
            and f.echelon in ("company", "battalion", "squadron", "brigade")
            and g.echelon is not None
            and ECHELON_RANK.get(g.echelon, 99) < ECHELON_RANK.get(f.echelon, -1)
            and gap.fullmatch(text, f.end, g.start)
            and "\n" not in text[f.end : g.start]
        ):
            f.end = g.end
            f.text = text[f.start : f.end]
            skip.add(i + 1)
        out.append(f)
    return out


# A page's navigation left in its text: a breadcrumb trail ("Startseite › Verbände › 1.
# Gebirgs-Division") or a line of links ("Siehe auch: …", "Czytaj także: …", "Read also: …").
# Links name units the page is not about: no mentions there.
_NAV_LINE = re.compile(
    r"^[ \t]*(?:[^\n›»]{1,40}[ \t]+[›»][ \t]+){2,}[^\n]*$|"
    r"^[ \t]*(?i:siehe\s+auch|lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|"
    r"zobacz\s+(?:też|także|również)|czytaj\s+(?:też|także|również|więcej)|"
    r"read\s+(?:also|more)|see\s+also|related|"
    r"читайте\s+(?:также|також|тоже)|смотрите\s+также|дивіться\s+також)\s*:[^\n]*$",
    re.M,
)


def extract(doc: Document, *, dictionary: Dictionary | None = None) -> list[Mention]:
    """Every unit mention in the document, tied to a place and a date where the text allows."""
    from liaison.osint.tie import Tier

    langs = _languages_for(doc)
    found = find_units(doc.text, langs, dictionary)
    nav = [m.span() for m in _NAV_LINE.finditer(doc.text)]
    if nav:
        found = [f for f in found if not any(a <= f.start < b for a, b in nav)]
    if not found:
        return []
    tier = Tier(doc, langs[0] if langs else "en", dictionary, [(f.start, f.end) for f in found])
    out: list[Mention] = []
    for f in found:
        unit = UnitRef(
            designation=" ".join(f.text.split()),
            number=f.number,
            echelon=f.echelon,
            branch=f.branch,
            guards=f.guards,
            unit_number=f.unit_number,
        )
        ids: tuple[str, ...] = tuple(f.extra.get("unit_ids", ()))  # type: ignore[arg-type]
        if dictionary is not None and not ids:
            ids = tuple(dict.fromkeys(e.unit_id for e in dictionary.lookup(unit)))
        place, date, precision, quote = tier.tie(f.start, f.end, ids)
        out.append(
            Mention(
                document=doc.id,
                start=f.start,
                end=f.end,
                text=f.text,
                unit=unit,
                place=place,
                date=date,
                date_precision=precision,
                quote=quote,
                unit_ids=ids,
                language=f.language,
            )
        )
    return out


def contract(docs: list[Document], mentions: list[Mention]) -> dict[str, object]:
    """The stable JSON shape of `liaison osint extract --json` (docs/osint.md, Extraction)."""
    return {
        "documents": [d.to_dict() for d in docs],
        "mentions": [m.to_dict() for m in mentions],
    }
