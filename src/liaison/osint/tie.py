"""Tie a mention to the place and the date its text gives, and keep the quote.

Date: the date written in the mention's sentence if there is one (the nearest), else the last
date written before it in its paragraph, else the document's published date; precision 1 when
the sentence says the day, 2 when the day comes from context, 3 when only month or year is known.

Place: candidate place names in the sentence (after a locative preposition, capitalised, or — in
Russian — tagged LOC by Natasha), brought to their dictionary form (pymorphy3 for Russian, ending
rules for Ukrainian and Polish), resolved by the gazetteer; ambiguity is settled by the places
the document names elsewhere, then by the unit's known garrison, then by population. Where a
unit *is* comes before where it goes and where it came from (its origin or home: "из Пскова",
"headquartered in Tula", "aus dem Raum Orel"); a unit whose sentence gives only its origin takes
its companion's place ("вместе с", "together with") or, when a pronoun points back ("Razem z
nimi", "Mit ihr"), the place the sentence before puts its units.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import lru_cache
from itertools import chain

import numpy as np

from liaison.names.gazetteer import Place
from liaison.osint.dates import (
    DateHit,
    contrast_clause,
    find_dates,
    heading_lines,
    other_clause,
    since_date,
    until_date,
)
from liaison.osint.documents import Document
from liaison.osint.extract import Dictionary, PlaceRef, sentences
from liaison.osint.places import PlaceHit, find_places, lookup, natasha_locations_many

QUOTE_MAX = 400

# Words standing for a place the report already named: "the city", "туда", "до міста".
_ANAPHORA = {
    "ru": re.compile(
        r"(?<![\w-])(?:город(?:а|е|ом|у)?|туда|сюда|там|здесь|в\s+нём|посёлок|поселок|села?)(?![\w-])",
        re.I,
    ),
    "uk": re.compile(
        r"(?<![\w'-])(?:міст[аоі]|місті|туди|сюди|там|тут|селищ[еіа]|сел[аоі])(?![\w'-])", re.I
    ),
    "pl": re.compile(r"(?<![\w-])(?:miast[aou]?|mieście|tam|tu|tutaj|wsi)(?![\w-])", re.I),
    "de": re.compile(
        r"(?<![\w-])(?:[Ss]tadt|dort|dorthin|hierher|hier|[Oo]rtschaft|Standort(?:es)?)(?![\w-])",
        re.I,
    ),
    "en": re.compile(
        r"(?<![\w-])(?:the\s+(?:city|town|village)|there(?!\s+(?:is|are|was|were|has|have|had|will|would|may|might)\b))(?![\w-])",
        re.I,
    ),
}

# the anaphora words that name a town (not "there", "туда")
_CITY_WORD = re.compile(r"(?i:город|міст|miast|mieście|stadt|the\s+(?:city|town))")
# "у Хайлара, где оборонялась …", "near Trun, where …": the place just named in the sentence.
_WHERE = {
    "ru": r"где",
    "uk": r"де",
    "pl": r"gdzie",
    "de": r"wo",
    "en": r"where",
}
_WHERE_RE = {lang: re.compile(rf",\s*(?i:{w})(?![\w])") for lang, w in _WHERE.items()}
# "Den Kessel hielten …", "котёл удерживали …", "the pocket": the pocket the story named ("Kessel
# von Halbe", "котёл под Корсунем"), else where units were encircled.
_POCKET = {
    "ru": r"кот[её]л|котла|котле|котлом|окружени[еяю]",
    "uk": r"котел|котла|котлі|котлом|оточенн[яі]",
    "pl": r"kocioł|kotła|kotle|kotłem|okrążeni[eau]",
    "de": r"Kessel|Kessels|Einschließung",
    "en": r"pocket|encirclement",
}
_POCKET_RE = {lang: re.compile(rf"(?<![\w])(?i:{w})(?![\w])") for lang, w in _POCKET.items()}

# A relative clause right after a mention ("…, яка утримувала X", "…, которая вела бои у X")
# is about that unit: its comma does not part the unit from the clause's place.
_RELATIVE_RUUK = {
    "ru": re.compile(r"\s*(?:«[^»\n]{1,40}»)?\s*,\s*(?:котор(?:ая|ый|ое|ые|ой|ого|ую|ом)|где)\s"),
    "uk": re.compile(
        r"\s*(?:«[^»\n]{1,40}»)?\s*,\s*(?:як(?:а|ий|е|і|ої|ого|ій|ому|у)|котр(?:а|ий|е|і)|де)\s"
    ),
}

# "вместе с 247-м полком из Ставрополя", "together with the 217th from Ivanovo": a unit named
# as another's companion is where that one is, not where it came from.
_COMPANION = {
    "ru": r"(?:вместе|совместно|наряду)\s+со?|бок\s+о\s+бок\s+со?",
    "uk": r"(?:разом|спільно|поряд|поруч|пліч-о-пліч)\s+(?:з|із|зі)",
    "pl": r"(?:razem|wraz|wspólnie)\s+z[e]?|obok|ramię\s+w\s+ramię\s+z[e]?",
    "de": r"(?:zusammen|gemeinsam)\s+mit|mit|neben",
    "en": r"(?:together|along)\s+with|alongside|with|joined\s+by|supported\s+by",
}
_COMPANION_RE = {
    lang: re.compile(rf"(?<![\w])(?i:{words})\s+(?:\S+\s+){{0,3}}$")
    for lang, words in _COMPANION.items()
}
_COMPANION_AFTER = {
    lang: re.compile(rf"(?<![\w])(?i:{words})(?![\w])") for lang, words in _COMPANION.items()
}
# A pronoun standing for the units of the sentence before ("Вместе с ними", "Им противостоит",
# "Razem z nimi", "Mit ihr", "has reinforced them"): the sentence goes on with the same action.
_BACK = {
    "ru": r"ними|ним|ней|они|им|их|нему|неё|нее|учени(?:и|ях|ях|я)|манёвр(?:ах|ы)",
    "uk": r"ними|ним|нею|вони|їм|їх|нього|неї|навчанн(?:і|ях|я)|маневр(?:ах|и)",
    "pl": r"nimi|nim|nią|nich|im|nimi|one|oni|ćwiczeni(?:u|ach|a)|manewr(?:ach|y)",
    "de": r"ihr|ihm|ihnen|sie|(?:der|die|dem|an\s+der)\s+Übung|Manöver[sn]?",
    "en": r"them|they|their|theirs|it|its|the\s+(?:exercise|drills?|manoeuvres?|maneuvers?)",
}
# English and Polish: a sentence that tells only where units came from *to arrive* ("flown in
# from Pskov to reinforce them", "Z Żagania przyjechali żołnierze A") puts them where the line
# before put its units, even when each sentence is a paragraph of its own
_ARRIVAL = {
    "en": re.compile(
        r"(?<![\w-])(?:(?:flown|brought|rushed|moved|sent|shipped|airlifted|transferred|redeployed)"
        r"\s+(?:in\s+|up\s+|over\s+)?from|to\s+(?:reinforce|join|relieve|support)\s+(?:them|it))(?![\w-])"
    ),
    "pl": re.compile(
        r"(?<![\w-])(?i:przyjecha\w*|przyby[łl]\w*|dotar[łl]\w*|przerzuc\w*|przylecia\w*|"
        r"przysła\w*|ściągnię\w*)(?![\w-])"
    ),
}
# English: a stay the sentence ends ("at X [in Germany] until 1992", "at X until it moved")
_UNTIL_EN = re.compile(r"[^.;:!?\n]{0,30}?(?<![\w-])until(?![\w-])")
_BACK_RE = {lang: re.compile(rf"(?<![\w])(?i:{w})(?![\w])") for lang, w in _BACK.items()}
# A sentence that tells of something earlier is another action: it does not take the place
# of the sentence before ("Ранее в Белоруссию прибыли … из Чебаркуля").
_EARLIER = re.compile(
    r"(?<![\w])(?i:ранее|раньше|прежде|раніше|earlier|previously|before\s+that|wcześniej|"
    r"uprzednio|zuvor|vorher|früher|zuerst)(?![\w])"
)

# English: places of a person's life ("Bezruchko, who was born in X near Y", "he settled in
# Essex", "spent the rest of his life in Z") say nothing of where a unit is: rank 4, never a
# unit's place (though "the city" may point back at one).
_LIFE = {
    "en": re.compile(
        r"(?<![\w-])(?:(?i:born|native\s+of|grew\s+up|buried|retired|emigrated|(?:his|her)\s+life|"
        r"home\s*town\s+of|studied)|"
        # "Wroński settled in Essex", "he later lived in": a person's, not "the front settled"
        r"(?:[Hh]e|[Ss]he|who|veteran|father|mother|wife|husband|son|daughter|family|parents|uncle|"
        r"brother|sister|widow|"
        r"(?!(?:Brigade|Division|Regiment|Battalion|Army|Corps|Front|Group|Forces)(?![\w-]))[A-Z][\w'’-]+)"
        r"(?:,)?\s+(?:later\s+|then\s+|finally\s+|had\s+)?"
        r"(?:settled|lived|died))(?![\w-])"
    ),
    # Polish: a person's birthplace and where it lies ("gen. X, pochodzący z Błonia pod Kutnem",
    # "dowódca pochodzi z Kielc", "urodzony w Limanowej"): every place up to the next comma
    "pl": re.compile(
        r"(?<![\w-])(?i:rodem|urodzon\w*|urodził\w*\s+się|pochodz[iąę]\w*|pochodził\w*|"
        r"wywodz\w+\s+się|mieszkał\w*|zmarł\w*|pochowan\w*)(?![\w-])"
    ),
}

# English: a sentence opening with a clause of earlier time ("After ending the war outside
# Prague, the army was moved to … and unloaded at X", "Having left Kherson, …"): where the unit
# was before, when the main clause says where it is
_LEAD_PAST = {
    "en": re.compile(r"\s*(?:After|Having|Following|Since\s+leaving)\s[^,;.]{3,150},"),
}

# English: "towards Zamość, held by the 31st Regiment": a town held by units is where they are
_HELD_BY = {
    "en": re.compile(
        r"\s*,?\s*(?:which\s+was\s+|then\s+|still\s+)?(?:held|defended|garrisoned|occupied|manned)\s+by\s"
    ),
}

# Languages (English) where a town beats the region said beside it ("deployed in Zaporizhzhia
# Oblast, near Tokmak", "based in Novocherkassk, Rostov region") and where a sizeable town
# "near" or a bearing from a city keeps its own reading ("Naro-Fominsk near Moscow")
_TOWN_OVER_REGION = frozenset({"en"})

# ---- the capital ------------------------------------------------------------------------------------
# "in the Lithuanian capital", "w stolicy", "die belarussische Hauptstadt", "столицю", "столица
# Белоруссии": one rule for every language (Tier._capital), read from the tables below.


@dataclass(frozen=True)
class _Country:
    """A country (or, with an ISO 3166-2 code, a region with a capital of its own), its capital
    (the GeoNames name) and, per language, the words naming it: a regex matched, ignoring case,
    at the start of an adjective or a genitive ("litewsk", "Литв")."""

    code: str
    capital: str
    words: dict[str, str]


_COUNTRY_LANGS = ("en", "pl", "de", "ru", "uk")
# a country's words in a language, "" where the rule knows none
# fmt: off
_COUNTRY_ROWS = (
    # code      capital        en             pl                         de                   ru                         uk
    ("PL",     "Warsaw",      "Polish",      "polsk",                   "poln|polen",        "Польш|польск",            "Польщ|польськ"),
    ("UA",     "Kyiv",        "Ukrainian",   "ukrai",                   "ukrai",             "Украин",                  "Україн|українськ"),
    ("BY",     "Minsk",       "Belarusian",  "białoru|belarus",         "weißruss|belarus",  "Беларус|Белорусс",        "Білорус|Беларус"),
    ("RU",     "Moscow",      "Russian",     "ros(?:yjsk|ji)|moskiew",  "russ",              "Росси|РФ",                "Росі|РФ"),
    ("LT",     "Vilnius",     "Lithuanian",  "lit(?:ew|w)",             "litau",             "Литв|литовск",            "Литв|литовськ"),
    ("LV",     "Riga",        "Latvian",     "łot(?:ew|w)",             "lett",              "Латви",                   "Латві"),
    ("EE",     "Tallinn",     "Estonian",    "esto",                    "estn|estl",         "Эстон",                   "Естон"),
    ("DE",     "Berlin",      "German",      "niem(?:ieck|iec)",        "deutsch",           "Германи|немецк",          "Німеччин|німецьк"),
    ("CZ",     "Prague",      "Czech",       "czech|czesk",             "tschech",           "Чехословаки|Чехи|чешск",  "Чехословаччин|Чехі|чеськ"),
    ("SK",     "Bratislava",  "Slovak",      "słowa",                   "slowak",            "",                        ""),
    ("HU",     "Budapest",    "Hungarian",   "węgi",                    "ungar",             "Венгри|венгерск",         "Угорщин|угорськ"),
    ("AT",     "Vienna",      "Austrian",    "austr",                   "österr",            "",                        ""),
    ("MD",     "Chisinau",    "Moldovan",    "",                        "",                  "Молдов|Молдав",           "Молдов|Молдав"),
    ("RO",     "Bucharest",   "Romanian",    "",                        "",                  "",                        ""),
    ("FI",     "Helsinki",    "Finnish",     "",                        "",                  "",                        ""),
    ("GE",     "Tbilisi",     "Georgian",    "",                        "",                  "Грузи",                   "Грузі"),
    ("AM",     "Yerevan",     "Armenian",    "",                        "",                  "",                        ""),
    ("SY",     "Damascus",    "Syrian",      "",                        "",                  "Сири",                    "Сирі"),
    ("LB",     "Beirut",      "Lebanese",    "",                        "",                  "",                        ""),
    ("RU-CE",  "Grozny",      "Chechen",     "",                        "",                  "",                        ""),
    ("UA-43",  "Simferopol",  "Crimean",     "",                        "",                  "",                        ""),
)
# fmt: on
_COUNTRIES = tuple(
    _Country(code, capital, {lang: w for lang, w in zip(_COUNTRY_LANGS, words, strict=True) if w})
    for code, capital, *words in _COUNTRY_ROWS
)
# per language: the countries in the order their words are tried (the first that fits names it)
_COUNTRY_WORDS = {
    lang: tuple((re.compile(c.words[lang], re.I), c) for c in _COUNTRIES if lang in c.words)
    for lang in _COUNTRY_LANGS
}


@dataclass(frozen=True)
class _CapitalWords:
    """How a language says "the capital", and where it differs in finding which one.

    words: the capital word ("word"), with an optional word before it that may name the country
    ("adj": "litewskiej", "die", "литовской") and an optional capitalised one that must ("country":
    "Lithuanian" in English, the genitive after it: "Litwy", "Litauens", "Литвы"); English's
    "to"/"into" (group "to") says the capital is where a unit goes (rank 1).
    not_capital: the words just before it that make a by-name of it ("северная столица").
    earlier: where a capital named before the word is looked for: "paragraph" (the words before it
    in the paragraph), "report" (anywhere before it), or nowhere.
    home: else the capital of the country of the last place named before the word.
    default: else this country's capital (a Ukrainian text's capital is Kyiv).
    triggers: the words before it rank it and give its precision (places._TRIGGERS), as for a
    named place; otherwise precision 1, rank 0 (1 after "to")."""

    words: re.Pattern[str]
    not_capital: re.Pattern[str] | None = None
    earlier: str | None = None
    home: bool = False
    default: str | None = None
    triggers: bool = False


_RUUK_CAPITAL_NOT = re.compile(
    r"(?i:северн|южн|культурн|шахт[её]рск|шахтарськ|північн|південн)\w*\s+$"
)
_CAPITAL_WORDS = {
    "en": _CapitalWords(
        re.compile(
            r"(?<![\w])(?i:(?P<to>to|into|towards?)|in|at|near|around|outside)\s+the\s+"
            r"(?:(?P<country>[A-Z][a-z]+)\s+)?(?P<word>capital)(?!\s+of)(?![\w'’-])"
        ),
    ),
    "pl": _CapitalWords(
        re.compile(
            r"(?<![\w-])(?:(?P<adj>[a-ząćęłńóśźż]+(?:ej|a|ą))\s+)?(?P<word>[Ss]tolic[aeyęą]|[Ss]tolicy)"
            r"(?:\s+(?P<country>[A-ZŁŚŻ][\w]+))?(?![\w-])"
        ),
        earlier="paragraph",
        home=True,
        triggers=True,
    ),
    "de": _CapitalWords(
        re.compile(
            r"(?<![\w-])(?:(?P<adj>[a-zäöüß]+(?:e|en|er|es))\s+)?(?P<word>Hauptstadt)"
            r"(?:\s+(?:der\s+|des\s+)?(?P<country>[A-ZÄÖÜ][\w]+))?(?![\w-])"
        ),
        earlier="paragraph",
        home=True,
        triggers=True,
    ),
    "ru": _CapitalWords(
        re.compile(
            r"(?<![\w-])(?:(?P<adj>[а-яё][\w-]*(?:ая|яя|ой|ей|ую|юю|ою|ею))\s+)?"
            r"(?P<word>(?i:столиц(?:а|ы|е|у|ей)))(?![\w-])(?:\s+(?P<country>[А-ЯЁІЇЄҐ][\w'ʼ’-]*))?"
        ),
        not_capital=_RUUK_CAPITAL_NOT,
        earlier="report",
    ),
    "uk": _CapitalWords(
        re.compile(
            r"(?<![\w'-])(?:(?P<adj>[а-яіїєґ][\w'ʼ’-]*(?:а|я|ої|ій|у|ю|ою))\s+)?"
            r"(?P<word>(?i:столиц(?:я|і|ю|ею)))(?![\w'-])(?:\s+(?P<country>[А-ЯЁІЇЄҐ][\w'ʼ’-]*))?"
        ),
        not_capital=_RUUK_CAPITAL_NOT,
        earlier="report",
        default="UA",
    ),
}


def _country_of(word: str | None, lang: str) -> _Country | None:
    """The country an adjective or a genitive names in a language, if any of the table."""
    if not word:
        return None
    return next((c for rx, c in _COUNTRY_WORDS.get(lang, ()) if rx.match(word)), None)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, Place]:
    """The table's capitals as the gazetteer knows them, by country (or region) code."""
    from liaison.names.gazetteer import resolve

    out = {}
    for c in _COUNTRIES:
        place = resolve(c.capital, fuzzy=False).place
        if place is not None:
            out[c.code] = place
    return out


def _capital_near(p: Place | PlaceRef) -> Place | None:
    """The country capital (not a region's) within 25 km of a place, if it is one."""
    from liaison.core.geo import haversine_km

    return next(
        (
            c
            for code, c in _capitals().items()
            if "-" not in code and haversine_km(p.lat, p.lon, c.lat, c.lon) <= 25
        ),
        None,
    )


# A news dateline opening a paragraph ("KYIV, Ukraine (AP) — …", "Odessa — …", "BERLIN (dpa) -"):
# where the report was filed, the story's place when nothing nearer names one.
_DATELINE = re.compile(
    r"^[ \t]*(?P<name>[A-ZА-ЯЁІЇЄҐŁŚŻ][\w'ʼ’-]+(?:[ -][A-ZА-ЯЁІЇЄҐŁŚŻ][\w'ʼ’-]+)?)"
    r"(?:,[ \t]*(?:\d{1,2}\.?[ \t]+[^\W\d]+\.?|[A-ZА-ЯЁІЇЄҐ][\w.]*(?:[ \t](?:[A-Z][\w.]*|\d{1,2}))?)){0,2}"
    r"[ \t]*(?:\([^)\n]{1,30}\)[ \t]*)?[—–-]{1,2}[ \t]",
    re.M,
)
# "X під Y", "X near Y", "X bei Y": a village placed by the town after it.
_UNDER = re.compile(
    r"\s*,?\s*(?i:під|под|поблизу|біля|около|возле|близ|near|outside|bei|nahe|pod|koło|obok)\s+"
)
# English: "Dalnie, south of Kurakhove", "a village 10 km northwest of Y": the same, by a bearing
_UNDER_LANG = {
    "en": re.compile(
        # (the rest of a name the gazetteer read only in part: "Zelenyi Shlyakh (south of Y)")
        r"(?:\s+[A-Z][\w'’-]*){0,2}"
        r"\s*[,(]?\s*(?:(?:some|about|around)\s+)?(?:(?P<km>\d+)\s*(?:km|kilometres|kilometers|miles)\s+)?"
        r"(?i:(?:north|south|east|west)(?:-?(?:east|west))?(?:ward)?)\s+of\s+"
    ),
}
# A relative clause set off by commas right after a mention, the main clause going on after it.
_ASIDE = re.compile(
    r"\s*,\s*(?i:which|who|that|що|яка|який|які|котра|котрий|которая|который|которые|die|der|das|"
    r"welche|welcher|który|która|które|którą)(?![\w])[^,;.—–]{3,120},\s*(?=[a-zа-яёіїєґäöüßąćęłńóśźż])"
)
# A German relative clause in the pluperfect after a mention, ending its sentence or clause.
_DE_PAST_CLAUSE = re.compile(
    r"(?:\s+[a-zäöüß]+){0,2}\s*,\s*(?:die|der|das|welche[rs]?)\s[^,;.!?]{3,160}?"
    r"(?:worden\s+(?:war|waren)|gewesen\s+(?:war|waren)|\w+(?:t|en)\s+(?:hatte|hatten))"
    r"(?=\s*(?:[.;!?]|$))"
)
# "A and B stay in X and Y respectively": the i-th unit listed is at the i-th place listed.
_RESPECTIVELY = re.compile(
    r"(?<![\w])(?i:respectively|beziehungsweise|bzw\.|соответственно|відповідно|odpowiednio)(?![\w])"
)
# Words that do not make a clause of the gap between two mentions ("A, B and the C", "A und die B").
_LIST_TEXT = (
    "and or the its their und oder die der das den dem des ihre seine sowie и или а также её его их "
    "і та й або також її його їх i oraz lub a także jej jego ich"
)
_LIST_WORDS = frozenset(_LIST_TEXT.split())


def _is_town(h: PlaceHit) -> bool:
    """Whether a place hit reads as a town (5,000 people or more), not a village."""
    return h.place is not None and h.place.population >= 5_000


def _clause_gap(gap: str) -> bool:
    """Whether the text between two mentions parts them into clauses ("A joined on June 23, and
    its B was committed …") rather than listing them ("A, B and C")."""
    if not re.search(r"[,;—–]", gap):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+|\d+", gap.lower()) if w not in _LIST_WORDS]
    return len(words) >= 2


# A full stop after a word (not an abbreviation such as "г.", "Gen.") or, but in German ("15.
# Januar"), after a number, followed by a capital or by the place itself: a sentence ends there.
_STOP_TAIL = r"[.!?]\s+(?:[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻ]|$)"
_STOP = re.compile(rf"(?:(?<=[a-zа-яёіїєґäöüßąćęłńóśźż]{{3}})|(?<=\d)){_STOP_TAIL}")
_STOP_DE = re.compile(rf"(?<=[a-zäöüß]{{3}}){_STOP_TAIL}")
# a rank or title abbreviated before a name ("gen. Szyllinga", "płk. Nowak", "ген. Ватутина"):
# no sentence ends there
_ABBREV = re.compile(
    r"(?<![\w])(?i:gen|płk|ppłk|mjr|kpt|por|ppor|kmdr|adm|marsz|ген|полк|подп|лейт|кап|"
    r"тов|ppor|col|capt|brig|maj|lieut|sgt|oberstlt|hptm|gefr)$"
)


def _stops(rx: re.Pattern[str], gap: str) -> bool:
    """Whether a full stop the splitter kept ends a sentence within gap (not after a title)."""
    return any(not _ABBREV.search(gap[: m.start()]) for m in rx.finditer(gap))


# A place a unit passes through: where it goes, but after its destination.
_ROUTE = re.compile(r"(?<![\w])(?i:via|through|über|durch|через|крізь|przez)\s+$")
# Russian and Ukrainian leave out a repeated verb: "…, а Суми — 27-й полк"
_GAPPED_LANGS = {"ru", "uk"}
_GAPPED_BEFORE = re.compile(r",\s+(?:а|і|и|та|й)\s+$")
# German, Russian, Ukrainian "in order to" clauses
_PURPOSE = {
    "de": re.compile(r",\s*um\s"),
    "ru": re.compile(r",\s*чтобы\s"),
    "uk": re.compile(r",\s*щоб\s"),
}
_FROM_THERE = re.compile(r"(?<![\w-])(?i:von|aus|из|от|с|со|з|із|від)\s+$")
# German, Russian, Ukrainian: a city of this size, read by the gazetteer for its population, is
# not given up for a small namesake nearer the report's other places
_BIG_CITY = 500_000
_BIG_CITY_LANGS = {"de", "ru", "uk"}
_BIG_CITY_SLACK_KM = 150.0
# languages whose "the city" never points back at a name passed through ("über X", "через X")
_ROUTE_NOT_ANTECEDENT = {"de", "ru", "uk"}
# where a unit crossed a border is a point on its way, not where it ends up
_CROSSED = re.compile(
    r"(?<![\w])(?i:przekroczył\w*\s+granic\w*|überschritt\w*\s+die\s+Grenzen?|"
    r"crossed\s+the\s+(?:border|frontier))\s+(?:\S+\s+){0,2}$"
)

# Beyond this a place is simply elsewhere: distances are capped so that one far place (where a
# unit came from) cannot outweigh the theatre the rest of the report names.
_CAP_KM = 400.0
# The theatre is where units are; where they go counts less, where they came from ("из Пензы",
# a garrison far behind the front) little.
_RANK_WEIGHT = {0: 1.0, 1: 0.5, 2: 0.05, 3: 0.5}
# a reading this far (weighted mean, km) from a report's places is doubted; a compound-named
# town beginning with the written name this near them is taken instead (Tier._compound_near)
_COMPOUND_FAR_KM = 250.0
_COMPOUND_NEAR_KM = 150.0
_COMPOUND_CITY = 1_000_000


def _spreads(cands: Sequence[Place], pts: list[tuple[float, float, float]]) -> list[float]:
    """Weighted mean distance (km, each capped) from each candidate to a report's places, in one
    vectorised pass (distances to every place of the report, for every reading of every name,
    were a third of extraction's time when summed one by one)."""
    from liaison.core.geo import haversine_matrix_km

    if not cands:
        return []
    a = np.asarray(pts, dtype=np.float64)
    d = haversine_matrix_km(
        np.array([c.lat for c in cands]), np.array([c.lon for c in cands]), a[:, 0], a[:, 1]
    )
    return ((np.minimum(d, _CAP_KM) @ a[:, 2]) / a[:, 2].sum()).tolist()


def _spread(c: Place, pts: list[tuple[float, float, float]]) -> float:
    """Weighted mean distance (km, each capped) from a candidate to a report's places."""
    return _spreads([c], pts)[0]


@lru_cache(maxsize=4096)
def _compound_readings(text: str, lang: str) -> tuple[Place, ...]:
    """The towns a one-word name may stand for besides its gazetteer reading
    (`Tier._compound_near`): compound names beginning with one of its dictionary forms, and
    namesakes of those forms as written."""
    from liaison.names.gazetteer import by_first_word, same_name
    from liaison.osint.places import forms

    found: list[Place] = []
    for f in forms(text, lang):
        if len(f) >= 4 and f[0].isupper():
            found += by_first_word(f) + same_name(f)
    return tuple(found)


def _compound_may(h: PlaceHit, best: Place) -> bool:
    """Whether a reading could be doubted for a compound-named town (`Tier._compound_near`): a
    one-word name, not a city that size is named for itself (checked before the costlier
    distances)."""
    return " " not in h.text.strip() and "-" not in h.text and best.population < _COMPOUND_CITY


# A unit's base told in the present ("у Полтаві, де розташована військова частина", "where the
# brigade is based"): in a news item, a standing fact of its publication day, not of the day the
# paragraph told before
_GARRISON_NOW = re.compile(
    r"(?<![\w])(?i:(?:де|где|gdzie|wo|where)\s+(?:\w+\s+){0,4}?(?:розташован[аеоі]|розміщен[аеоі]|"
    r"дислокує?ться|базується|дислоцируется|расположен[аыо]?|базируется|stacjonuje|"
    r"stacjonują|ma\s+siedzibę|stationiert\s+ist|liegt|is\s+(?:based|stationed|garrisoned)|"
    r"are\s+(?:based|stationed|garrisoned)))(?![\w])"
)


# The pronoun that opens a sentence going on about the last one's subject ("It was created in …")
_HE = {
    "ru": "Она|Он|Оно|Они",
    "uk": "Вона|Він|Воно|Вони",
    "pl": "Ona|On|Ono|Oni|One",
    "de": "Sie|Er|Es",
    "en": "It|They",
}


class Tier:
    """Per-document state for tying: sentences, dates and places found once, reused per mention."""

    def __init__(
        self,
        doc: Document,
        lang: str,
        dictionary: Dictionary | None,
        unit_spans: list[tuple[int, int]] | None = None,
    ) -> None:
        self.doc = doc
        self.unit_spans = unit_spans or []
        self.lang = lang
        self.dictionary = dictionary
        self.text = doc.text
        self.sents = sentences(doc.text)
        self._starts = [s for s, _e in self.sents]
        self.dates: list[DateHit] = find_dates(doc.text, lang, doc.published)
        if doc.published is not None:
            # a news item's date after its publication is a plan or a forecast ("the offensive
            # is expected in May"), never where a unit was
            today = doc.published.date().isoformat()
            self.dates = [d for d in self.dates if d.value <= today[: len(d.value)]]
        # a date an action lasted to ("held Viipuri until 13 March", "broniła się do grudnia")
        # — or, in news, one a present state holds since ("з жовтня тримає плацдарм") — bounds
        # the action, not dates it: the sentence's other date or the story's is the mention's;
        # kept apart for a sentence that has no other
        self._bounds = [
            d
            for d in self.dates
            # (not a day: "held out until 9 April, when …" ends on a day the text gives)
            if (until_date(self.text, d, lang) and d.precision != 1)
            # ("с 2015 г. базируется": a year the text gives stays the sentence's)
            or (
                doc.published is not None
                and since_date(self.text, d, lang)
                and not re.search(r"\d{4}", self.text[d.start : d.end])
            )
        ]
        self.dates = [d for d in self.dates if d not in self._bounds]
        self._places: dict[int, list[PlaceHit]] = {}
        self._doc_places: list[PlaceHit] | None = None
        self._prepared = False

    def _sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return (0, min(len(self.text), QUOTE_MAX))
        return self.sents[i]

    def _paragraph_start(self, pos: int) -> int:
        cut = self.text.rfind("\n", 0, pos)
        return 0 if cut < 0 else cut + 1

    def quote(self, start: int, end: int) -> str:
        s, e = self._sentence(start)
        e = max(e, end)
        if e - s > QUOTE_MAX:
            s = max(s, start - QUOTE_MAX // 2)
            e = min(e, s + QUOTE_MAX)
        return " ".join(self.text[s:e].split())

    def date(self, start: int, end: int) -> tuple[str | None, int | None]:
        s, e = self._sentence(start)
        if end > e:
            # the splitter cut inside the mention ("Das XVIII. | Gebirgskorps erreichte am
            # 9. April …"): its sentence runs on to where the mention ends
            e = max(e, self._sentence(end - 1)[1])
        # a date cut by the sentence splitter ("12 сент. 1939 г.") still belongs to the sentence
        inside = [d for d in self.dates if d.start < e and s < d.end]
        pub = self.doc.published
        # a date before the mention across a clause boundary ("17 września pod Brochowem, a
        # resztki 15 DP … 20 września") belongs to the other clause first
        cands: list[tuple[int, DateHit]] = [
            (start - d.end + (30 if re.search(r"[,;]", self.text[d.end : start]) else 0), d)
            for d in inside
            if d.end <= start
            # in news, a past year set off by commas before the mention is another noun's
            # background ("Das Bataillon, das im vergangenen Jahr in Polen übte, gehört zur …")
            and not (
                pub is not None
                and len(d.value) == 4
                and d.value < f"{pub.year:04d}"
                and "," in self.text[max(s, d.start - 60) : d.start]
                and "," in self.text[d.end : start]
            )
        ]
        for d in inside:
            # a date after the mention belongs to it within the same clause ("… corps 23 ноября
            # соединился", "… cut the roads on June 27"), not across a dash or a semicolon
            # a clause set off by commas does not part the mention from its verb's date
            # ("the 3rd Army, which had held the line since 1943, crossed on 12 January")
            gap = re.sub(r",[^,;—–()]*,", " ", self.text[end : d.start])
            if (
                d.start >= end
                # not in a clause of its own ("…, а 31 августа у Комарова произошло …")
                and not other_clause(
                    self.text[end : d.start], self.lang, self._units_in(end, d.start)
                )
                and len(gap) <= 80
                and not re.search(r"[;—–(]", gap)
                and ("," not in gap or len(gap) <= 40)
            ):
                cands.append((len(gap), d))
        if not cands:
            # the sentence's only date stands after a dash or a comma ("… из Чебаркуля — это
            # было 1 февраля"): still the sentence's, unless another mention stands between in
            # a clause of its own
            for d in inside:
                between = self._units_in(end, d.start)
                if pub is not None and len(d.value) == 4 and d.value < f"{pub.year:04d}":
                    continue  # in news, a past year out of the mention's clause is background
                if (
                    d.start >= end and not contrast_clause(self.text[end : d.start], self.lang)
                ) and (
                    not between
                    or not (
                        re.search(r"[;—–]", self.text[end : d.start])
                        or other_clause(self.text[end : d.start], self.lang, between)
                    )
                ):
                    cands.append((d.start - end, d))
                    break
        # a clause set off by commas right after the mention describes the unit ("3-я бригада,
        # созданная в 2015 году, удерживает …", "the 3rd Army, formed in July 1941, held …"):
        # its date gives way to the main clause's; in news, a past year there is background
        aside = re.match(r"\s*,([^,;—–()]*)(?:,|[.!?…]?\s*$)", self.text[end:e])
        if aside is not None:
            a0, a1 = end + aside.start(1), end + aside.end(1)
            kept = []
            for c, d in cands:
                if a0 <= d.start and d.end <= a1:
                    # in news the aside tells the unit's past ("the 72nd, which withdrew at the
                    # start of the month, still holds …"); the report dates its main clause
                    main_after = aside.end() < len(self.text[end:e])
                    if pub is not None and (d.value[:4] < f"{pub.year:04d}" or main_after):
                        continue
                    # in a history too, when the paragraph has told a date before: "8 Dywizja,
                    # sformowana w 1921 r., broniła fortów" is of the story's day, not of 1921
                    if main_after and len(d.value) == 4 and self._told_before(s):
                        continue
                    c += 60
                kept.append((c, d))
            cands = kept
        if cands and any(len(d.value) > 4 for _c, d in cands):
            # a bare year beside a day or month in the same sentence is background ("held the
            # line since 1943, crossed on 12 January 1945"): the finer date is the action's —
            # and a month before the mention beside one of its days after it ("Наприкінці
            # березня … вийшла до Прута й 29 березня визволила Чернівці"): the day is the action's
            days = {d.value[:7] for _c, d in cands if len(d.value) == 10 and d.start >= end}
            cands = [(c + (40 if len(d.value) == 4 or d.value in days else 0), d) for c, d in cands]
        if len(cands) > 1:
            # "now" gives way to a date the sentence writes ("am Montag erobert, hält es jetzt")
            cands = [(c + (40 if d.precision == 2 else 0), d) for c, d in cands]
        if cands:
            best = min(cands, key=lambda c: c[0])[1]
            return best.value, best.precision
        para = self._paragraph_start(start)
        earlier = [d for d in self.dates if para <= d.start and d.end <= s]
        if pub is not None:
            # a past year that dates a thing, not an action ("na mocy decyzji z ubiegłego roku",
            # "the order of 2022", "приказ от 2022 года"), is background to the next sentence of
            # a news item: the report's date
            earlier = [
                d
                for d in earlier
                if not (
                    len(d.value) == 4
                    and d.value < f"{pub.year:04d}"
                    and (
                        re.search(
                            r"(?<![\w])(?i:z|ze|of|от|від|vom|von)\s+$",
                            self.text[max(0, d.start - 8) : d.start],
                        )
                        # nor a bare past year ("deren Infanterie bereits 2023 … erlitt")
                        or self.text[d.start : d.end].isdigit()
                    )
                )
            ]
            if _GARRISON_NOW.search(self.text, s, e):
                earlier = []  # "…, де розташована військова частина": where it is based today
        if earlier:
            d = earlier[-1]
            return self._in_period(d.value, 2 if d.precision == 1 else d.precision)
        if self.doc.published is not None:
            head = self._dateline(para) or self._report_day()
            if head is not None:
                return head.value, 2 if head.precision == 1 else head.precision
            return self.doc.published.date().isoformat(), 2
        earlier = [d for d in self.dates if d.end <= s]
        if earlier:
            d = earlier[-1]
            line_start = self._paragraph_start(d.start)
            line_end = self.text.find("\n", d.start)
            line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
            # a dateline is a line that is mostly its date ("12 июля 1943 г.", "Вечер, 5 мая"),
            # not a short paragraph of the story ("На следующий день корпус вёл бои у …")
            dated = re.search(r"\d", self.text[d.start : d.end]) is not None  # not "назавтра"
            if line_start == 0 or (dated and len(line.strip()) - (d.end - d.start) <= 30):
                return d.value, 2 if d.precision == 1 else d.precision  # a dateline heads it all
            # carried over from another paragraph's story: only its month is sure — or only the
            # year, when the heading names just the year ("Київська операція 1920 року") and the
            # paragraph goes on in another month (the story has moved on from the month carried)
            head = self._heading()
            if head is not None and len(head.value) == 4 and d.value.startswith(head.value):
                cut = self.text.find("\n", e)
                later = [
                    x
                    for x in self.dates
                    if e <= x.start and (cut < 0 or x.end <= cut) and len(x.value) >= 7
                ]
                if later and later[0].value[:7] != d.value[:7]:
                    return head.value, 3
            return self._in_period(d.value[:7], 3)
        # a history that dates its unit only in the next sentence, which goes on about it ("The
        # 6th Guards Tank Army was an armoured formation … It was created in September 1944")
        i = bisect_right(self._starts, start)
        if i < len(self.sents) and "\n" not in self.text[e : self.sents[i][0]]:
            ns, ne = self.sents[i]
            if re.match(rf"\s*(?:{_HE[self.lang]})\s", self.text[ns:ne]):
                later = [d for d in self.dates if ns <= d.start and d.end <= ne]
                if later and re.search(r"\d", self.text[later[0].start : later[0].end]):
                    return later[0].value, 2 if later[0].precision == 1 else later[0].precision
        bound = [d for d in self._bounds if d.start < e and s < d.end]
        if bound:
            return bound[0].value, bound[0].precision
        return None, None

    def _dateline(self, para: int) -> DateHit | None:
        """The nearest line before the paragraph that is only a date ("24 февраля", "Update,
        25 February 2024:"): a news item's heading, dating the paragraphs under it."""
        for d in reversed(self.dates):
            if d.end > para:
                continue
            line_start = self._paragraph_start(d.start)
            line_end = self.text.find("\n", d.start)
            line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
            if re.search(r"\d", self.text[d.start : d.end]) and (
                len(line.strip()) - (d.end - d.start) <= 20
            ):
                return d
        return None

    def _told_before(self, s: int) -> bool:
        """Whether the paragraph dates something before the sentence starting at `s`."""
        para = self._paragraph_start(s)
        return any(para <= d.start and d.end <= s for d in self.dates)

    def _units_in(self, a: int, b: int) -> tuple[int, ...]:
        """Where the mentions between two offsets start, counted from the first."""
        return tuple(u - a for u, v in self.unit_spans if a <= u and v <= b)

    def _report_day(self) -> DateHit | None:
        """The day a news item's heading names ("Russian Offensive Campaign Assessment,
        October 28, 2024", "Сводка за 28 октября"): the day its report tells, when it is the
        week up to its publication (a heading's older date is a story's subject)."""
        pub = self.doc.published
        if pub is None:
            return None
        end = heading_lines(self.text)
        text = self.text
        heads = [d for d in self.dates if d.end <= end and d.precision == 1]
        if not heads and self.doc.title:
            text = self.doc.title
            heads = [d for d in find_dates(text, self.lang, pub) if d.precision == 1]
        if not heads:
            return None
        # a stamp set off at either end of its line ("…, October 28, 2024", "28 октября: …",
        # "Сводка за 28 октября"),
        # not the day of the heading's story ("Бои у Работино 12 марта: что известно")
        h = heads[0]
        if not (
            re.search(
                r"(?:^|[,:|–—-]|(?<![\w])(?i:за|на|for|am|vom|z\s+dnia))\s*$",
                text[text.rfind("\n", 0, h.start) + 1 : h.start],
            )
            and re.match(r"[ \t]*(?:[,:|–—-]|\n|$)", text[h.end :])
        ):
            return None
        day = h.value
        low = (pub.date() - timedelta(days=7)).isoformat()
        return heads[0] if low <= day <= pub.date().isoformat() else None

    def _heading(self) -> DateHit | None:
        """The month or year a history's heading names ("Оборона Москвы. Октябрь 1941"): the
        period its story keeps to — when its story begins in it (not a book's year, "(М.,
        1972)", nor a life's span, "1921–2024")."""
        if self.__dict__.get("_head_done"):
            return self.__dict__.get("_head")
        self.__dict__["_head_done"] = True
        cut = self.text.find("\n")
        first = self.text if cut < 0 else self.text[:cut]
        end = len(first) if len(first) <= 100 else 0
        if self.doc.published is None:
            end = max(end, heading_lines(self.text))
        heads = [d for d in self.dates if d.end <= end]
        src = self.text
        if not heads and self.doc.title:
            src = self.doc.title
            heads = find_dates(src, self.lang, self.doc.published)
        head = heads[0] if heads and heads[0].precision == 3 else None
        if head is not None and re.match(r"\s*[–—-]\s*\d{2,4}(?!\d)", src[head.end :]):
            # a span of years ("Армія УНР 1918–1920", "The Winter War, 1939–40") is the whole
            # story's, not one period a carried date must keep to
            head = None
        if head is not None:
            body = next((d for d in self.dates if d.start >= end), None)
            if body is not None and not body.value.startswith(head.value):
                head = None
        self.__dict__["_head"] = head
        return head

    def _in_period(self, value: str, precision: int) -> tuple[str, int]:
        """A date carried from another sentence, unless it falls outside the heading's period
        (an aside about later events): then the heading's month or year."""
        head = self._heading()
        if head is not None and not value.startswith(head.value):
            return head.value, 3
        return value, precision

    def _prepare(self) -> None:
        """Places of every sentence holding a mention (and the one before it, which a mention
        may take its place from), found once. Natasha's NER reads — in one pass over the
        document — only the Russian or Ukrainian sentences where the rules found no place."""
        if self._prepared:
            return
        self._prepared = True
        wanted: set[int] = set()
        for a, _b in self.unit_spans:
            i = bisect_right(self._starts, a) - 1
            wanted |= {i, i - 1}
        idx = sorted(i for i in wanted if 0 <= i < len(self.sents))
        empty = []
        for i in idx:
            s, e = self.sents[i]
            self._places[s] = self._past(
                find_places(self.text, s, e, self.lang, self.unit_spans, ner=False), s
            )
            if not self._places[s]:
                empty.append(i)
        if self.lang in ("ru", "uk") and empty:
            texts = [self.text[self.sents[i][0] : self.sents[i][1]] for i in empty]
            for i, spans in zip(empty, natasha_locations_many(texts), strict=True):
                if spans:
                    s, e = self.sents[i]
                    self._places[s] = self._past(
                        find_places(self.text, s, e, self.lang, self.unit_spans, spans), s
                    )

    def places_in(self, s: int, e: int) -> list[PlaceHit]:
        self._prepare()
        if s not in self._places:
            self._places[s] = self._past(
                find_places(self.text, s, e, self.lang, self.unit_spans, ner=False), s
            )
        return self._places[s]

    def _past(self, hits: list[PlaceHit], s: int) -> list[PlaceHit]:
        """A place in a clause that tells of earlier days ("…, які раніше воювали під X",
        "which previously fought near X") is where a unit was, not where it is: ranked with
        where units came from. English also: an opening "After …," clause likewise, a town
        "held by" units is theirs, a person's places (born, settled) are no unit's, a region
        after a town and a city after "X near" only qualify the place before them."""
        out = []
        life = _LIFE.get(self.lang)
        lead_past = _LEAD_PAST.get(self.lang)
        past_end = -1
        lm = lead_past.match(self.text, s) if lead_past is not None else None
        # only where the main clause says where the unit is now: "After capturing Izium, the
        # brigade moved toward Lyman" leaves it at Izium
        if lm is not None and any(h.rank == 0 and h.start >= lm.end() for h in hits):
            past_end = lm.end()
        held_by = _HELD_BY.get(self.lang)
        for h in hits:
            if h.rank <= 1 and h.end < past_end:
                h = replace(h, rank=2)
            if h.rank == 1 and held_by is not None and held_by.match(self.text, h.end):
                h = replace(h, rank=0)
            if h.rank <= 1:
                lead = self.text[max(s, h.start - 70) : h.start]
                ms = list(_EARLIER.finditer(lead))
                if ms and not re.search(r"[,;.—–]", lead[ms[-1].end() :]):
                    h = replace(h, rank=2)
            purpose = _PURPOSE.get(self.lang)
            if h.rank == 0 and purpose is not None:
                # "stieß nach X vor, um die Eingeschlossenen bei Y zu entsetzen": the place of
                # an "in order to" clause is where the unit was going, not where it is
                lead = self.text[max(s, h.start - 80) : h.start]
                ms = list(purpose.finditer(lead))
                if ms and not re.search(r"[,;.—–()]", lead[ms[-1].end() :]):
                    h = replace(h, rank=1)
            if (
                h.rank == 0
                and self.lang == "en"
                and _UNTIL_EN.match(self.text, h.end) is not None
                and any(o.rank <= 1 and o.start > h.end for o in hits)
            ):
                # "served at Paderborn until 1992, when it moved to Tidworth": a stay that the
                # sentence ends is where the unit was, the place after is where it is
                h = replace(h, rank=2)
            if h.rank <= 2 and life is not None:
                lead = self.text[max(s, h.start - 50) : h.start]
                ms = list(life.finditer(lead))
                if ms and not re.search(r"[,;.—–()]", lead[ms[-1].end() :]):
                    h = replace(h, rank=4)
            if (
                h.precision == 3
                and self.lang in _TOWN_OVER_REGION
                and out
                and out[-1].precision < 3
                and not self.text[out[-1].end : h.start].strip(" ,")
            ):
                # "based in Novocherkassk, Rostov region": the region only says where the town is
                h = replace(h, rank=max(h.rank, out[-1].rank))
            if (
                self.lang in _UNDER_LANG
                and out
                and out[-1].rank > h.rank
                and (um := _UNDER.match(self.text, out[-1].end)) is not None
                and um.end() == h.start
            ):
                # "based at Naro-Fominsk near Moscow": the town after "near" only places the
                # one before it, and is what that one is to the unit (here its home)
                h = replace(h, rank=out[-1].rank)
            out.append(h)
        return out

    def doc_places(self) -> list[PlaceHit]:
        """The places named without doubt in the sentences read so far (the context that
        settles an ambiguous name: the other places the report names)."""
        self._prepare()
        return [h for hits in self._places.values() for h in hits if h.unambiguous]

    def place(self, start: int, end: int, unit_ids: tuple[str, ...]) -> PlaceRef | None:
        s, e = self._sentence(start)
        hits = self.places_in(s, e)
        cut = max([end, *(b for a, b in self.unit_spans if s <= a < e < b)])
        if cut > e:
            # the splitter cut the mention (or another of its sentence) after an ordinal ("Das
            # XXIV. | Panzerkorps wurde bei Kielce …"): its sentence runs on to where it ends
            s2, e2 = self._sentence(cut - 1)
            if s2 > s:
                hits, e = [*hits, *self.places_in(s2, e2)], e2
        hits = self._anaphora(s, e, hits)
        aside = _ASIDE.match(self.text, end)
        if aside is not None and aside.end() < e:
            # "A, which left its garrisons near Moscow, was massed north-east of Kharkiv", "A,
            # що влітку воювала під X, тримає Y": the aside tells of another time or place
            hits = [
                replace(h, rank=2) if end <= h.start < aside.end() and h.rank <= 1 else h
                for h in hits
            ]
        past = _DE_PAST_CLAUSE.match(self.text, end) if self.lang == "de" else None
        if past is not None and past.end() <= e:
            # "Mit ihr wirkte B zusammen, die von Norden über X herangeführt worden war": a
            # relative clause in the pluperfect tells where the unit had been before
            hits = [
                replace(h, rank=2) if end <= h.start < past.end() and h.rank <= 1 else h
                for h in hits
            ]
        if (resp := self._respectively(hits, start, s, e)) is not None:
            ref = self._resolve(resp, unit_ids, resp.precision)
            if ref is not None:
                return ref
        ranked, own = self._ranked(hits, start, end, s, e) if hits else ([], [])
        if ranked and not own and ranked[0].start >= end and ranked[0].rank <= 1:
            # the sentence's places all belong to a unit told of in a clause of its own after
            # this one ("A joined on June 23, and its B was committed toward X"): this one is
            # where the sentence before puts the same action
            later = [a for a, _b in self.unit_spans if end <= a <= ranked[0].start]
            if later and _clause_gap(self.text[end : later[0]]):
                ranked = [*self._prev_where(s, start), *ranked]
        if ranked and ranked[0].rank == 2:
            ranked = [*self._instead_of_origin(hits, start, s, e), *ranked]
            if ranked[0].rank == 2 and not own:
                # the sentence names only where *other* units came from ("A oraz B z X"):
                # that says nothing of this one; where the sentence before puts its units does
                ranked = [*self._prev_where(s, start), *ranked]
        if self.lang in ("ru", "uk") and ranked and ranked[0].precision == 3:
            ranked = [*self._finer_in_region(ranked[0], hits, end), *ranked]
        for h in ranked:
            if h.rank == 4:
                continue  # where a person was born or lived
            if (ref := self._resolve(h, unit_ids, h.precision)) is not None:
                return ref
        # none in the sentence: the last place named before it in the same paragraph, as "near";
        # else the story's place: the last one the report named before (a new paragraph of a
        # summary goes on about the place its heading or first paragraph named), as a region
        para = self._paragraph_start(start)
        i = bisect_right(self._starts, s) - 1
        if i > 0 and self.sents[i - 1][0] >= para:
            # the sentence before: where it puts its units ("туда же" too) before where they
            # came from
            ps, pe = self.sents[i - 1]
            prev = self._anaphora(ps, pe, self.places_in(ps, pe))
            for h in sorted((h for h in prev if h.rank <= 1), key=lambda h: (h.rank, -h.start)):
                ref = self._resolve(h, unit_ids, max(2, h.precision))
                if ref is not None:
                    return ref
        for h in self._before(s):
            inside = h.start >= para
            if h.rank > (2 if inside else 1):  # a new paragraph: only where units were
                continue
            ref = self._resolve(h, unit_ids, max(2, h.precision) if inside else 3)
            if ref is not None:
                return ref
        return self._dateline_place(start, unit_ids)

    def _dateline_place(self, start: int, unit_ids: tuple[str, ...]) -> PlaceRef | None:
        """The place of the last news dateline before the mention, as a region (where the
        report was filed: the story is about it or near it)."""
        found = None
        for m in _DATELINE.finditer(self.text, 0, start):
            found = m
        if found is None:
            return None
        name = found.group("name")
        if name.isupper():
            name = "-".join(w.capitalize() for w in name.split("-"))
        place, cands, ok = lookup(name, self.lang)
        if place is None and not cands:
            return None
        a, b = found.span("name")
        return self._resolve(
            PlaceHit(a, b, found.group("name"), place, cands, ok, 3, 0), unit_ids, 3
        )

    def _respectively(self, hits: list[PlaceHit], start: int, s: int, e: int) -> PlaceHit | None:
        """ "die 3. und 144. Division verbleiben in X beziehungsweise Y": units listed in the
        clause before the word and places listed after the last of them pair off in order."""
        m = _RESPECTIVELY.search(self.text, start, e)
        if m is None:
            return None
        cut = max(self.text.rfind(";", s, m.start()), self.text.rfind(":", s, m.start()), s)
        units = sorted(a for a, _b in self.unit_spans if cut <= a < m.start())
        if start not in units or not units:
            return None
        last_end = max(b for a, b in self.unit_spans if a == units[-1])
        places = [h for h in hits if last_end <= h.start and h.end <= m.end() + 40 and h.rank <= 1]
        before = [h for h in places if h.start < m.start()]
        after = [h for h in places if h.start > m.start()]
        places = before + after[: max(0, len(units) - len(before))]
        if len(places) != len(units) or len(units) < 2:
            return None
        return places[units.index(start)]

    def _instead_of_origin(
        self, hits: list[PlaceHit], start: int, s: int, e: int
    ) -> list[PlaceHit]:
        """A mention whose own places are only where it came from ("… из Ставрополя", "from
        Ivanovo", "z Międzyrzecza") is where the text puts it otherwise: with the unit it is
        named as the companion of, at that one's place; in a sentence that names no place where
        anyone is, and tells of the same action (no date or "earlier" of its own), at the place
        the sentence before it puts its units — when a pronoun points back at them."""
        rx = _COMPANION_RE.get(self.lang)
        if rx is not None and rx.search(self.text[max(s, start - 60) : start]):
            here = [h for h in hits if h.end <= start and h.rank == 0]
            if here:
                return here[::-1]
        word = _COMPANION_AFTER.get(self.lang)
        if word is not None:
            # "247-й полк из Ставрополя вместе с 108-м полком … ведёт бои у Работино": the
            # unit a companion joins is where the two are
            after = [h for h in hits if h.start >= start and h.rank == 0]
            if after and word.search(self.text, start, after[0].start):
                return after[:1]
        if any(h.rank <= 1 for h in hits):
            return []
        arrive = _ARRIVAL.get(self.lang)
        arrival = arrive is not None and arrive.search(self.text, s, e) is not None
        back = _BACK_RE.get(self.lang)
        if not arrival and (back is None or not back.search(self.text, s, e)):
            return []  # a sentence of its own ("A из X и B из Y получили танки"): its origins
        if _EARLIER.search(self.text, s, e) or any(s <= d.start < e for d in self.dates):
            return []
        i = bisect_right(self._starts, s) - 1
        if i <= 0:
            return []
        ps, pe = self.sents[i - 1]
        if ps < self._paragraph_start(s) and not (arrival and "\n\n" not in self.text[pe:s]):
            return []
        prev = self._anaphora(ps, pe, self.places_in(ps, pe))
        prev = [h for h in prev if h.rank <= 1 and h.precision <= 2]
        return sorted(prev, key=lambda h: (h.rank, -h.start))

    def _prev_where(self, s: int, start: int) -> list[PlaceHit]:
        """Where the sentence before, in the same paragraph, puts its units (nearest last)."""
        i = bisect_right(self._starts, s) - 1
        if i <= 0 or self.sents[i - 1][0] < self._paragraph_start(start):
            return []
        ps, pe = self.sents[i - 1]
        prev = self._anaphora(ps, pe, self.places_in(ps, pe))
        return sorted((h for h in prev if h.rank <= 1), key=lambda h: (h.rank, -h.start))

    def _before(self, s: int) -> Iterator[PlaceHit]:
        """Places of the sentences before the one starting at s, nearest first (read lazily:
        most searches stop at the sentence before)."""
        i = bisect_right(self._starts, s) - 1
        while i > 0:
            i -= 1
            ps, pe = self.sents[i]
            yield from reversed(self.places_in(ps, pe))

    def _anaphora(self, s: int, e: int, hits: list[PlaceHit]) -> list[PlaceHit]:
        """ "город", "туда", "до міста", "the city", "there": the place named last before the
        sentence, put where the word stands (so it belongs to the nearest mention, as a named
        place would)."""
        rx = _ANAPHORA.get(self.lang)
        if rx is None:
            return hits
        extra = self._capital(s, e, hits)
        where = _WHERE_RE.get(self.lang)
        for m in where.finditer(self.text, s, e) if where else ():
            # ", где …" points at the place named just before it in the sentence, if any
            last = [h for h in hits if h.end <= m.start() and m.start() - h.end <= 30]
            if last and last[-1].rank <= 1:
                p = last[-1]
                extra.append(
                    PlaceHit(
                        m.end() - 1,
                        m.end(),
                        p.text,
                        p.place,
                        p.candidates,
                        p.unambiguous,
                        p.precision,
                        0,
                    )
                )
        pocket = _POCKET_RE.get(self.lang)
        for m in pocket.finditer(self.text, s, e) if pocket else ():
            if any(h.start <= m.start() < h.end + 12 for h in hits) or any(
                m.start() - 12 <= h.start <= m.end() + 12 for h in hits
            ):
                continue  # "Kessel von Halbe" itself: the name is there
            named = self._pocket_named(pocket, s)
            if named is not None:
                extra.append(
                    PlaceHit(
                        m.start(),
                        m.end(),
                        named.text,
                        named.place,
                        named.candidates,
                        named.unambiguous,
                        2,
                        0,
                    )
                )
        for m in rx.finditer(self.text, s, e):
            if any(h.start <= m.start() < h.end for h in hits) or re.match(
                r"\s+(?:г\.\s*|м\.\s*)?[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻ]", self.text[m.end() : e]
            ):
                continue  # "города Бахмут": the name follows, no anaphora
            here = [
                h
                for h in reversed(hits)
                if h.end <= m.start() and h.precision <= 2 and not self._passed_through(h, s)
            ]
            prev = next(
                (h for h in chain(here, self._before_body(s)) if h.rank <= 1 and h.precision <= 2),
                None,
            )
            if (
                prev is not None
                and self.lang in ("ru", "uk")
                and _CITY_WORD.match(m.group(0))
                and not _is_town(prev)
            ):
                # "в місті", "город": a town, not the village named last ("біля Іванівського,
                # тоді як в місті …" is the town the sentence named before the village)
                prev = next(
                    (
                        h
                        for h in chain(here, self._before_body(s))
                        if h.rank <= 1 and h.precision <= 2 and _is_town(h)
                    ),
                    prev,
                )
            if prev is None and _CITY_WORD.match(m.group(0)):
                # "the city" of a story that named its town only as where units left or came
                # from ("Вихід з Авдіївки … Місто штурмували …") is still that town
                prev = next(
                    (
                        h
                        for h in chain(here, self._before_body(s))
                        if h.precision <= 2 and (h.place is not None or h.candidates)
                    ),
                    None,
                )
            if prev is None:
                break
            extra.append(
                PlaceHit(
                    m.start(),
                    m.end(),
                    prev.text,
                    prev.place,
                    prev.candidates,
                    prev.unambiguous,
                    2,
                    2 if self._from_there(s, m.start()) else 0,
                )
            )
        return sorted([*hits, *extra], key=lambda h: h.start) if extra else hits

    def _from_there(self, s: int, at: int) -> bool:
        """German, Russian, Ukrainian: "von dort stieß A nach X vor" — "there" after "from" is
        where the unit came from, not where it is."""
        return self.lang in _ROUTE_NOT_ANTECEDENT and (
            _FROM_THERE.search(self.text, max(s, at - 8), at) is not None
        )

    def _before_body(self, s: int) -> Iterator[PlaceHit]:
        """The places before s for "the city" to point at: in German, Russian and Ukrainian not
        those of a heading that lists several towns ("Літо 2014: Слов'янськ, Іловайськ,
        Дебальцеве"), which names the story's theatre, not one town."""
        if self.lang not in _ROUTE_NOT_ANTECEDENT:
            yield from self._before(s)
            return
        end = self.__dict__.get("_head_end")
        if end is None:
            end = heading_lines(self.text)
            n = len(find_places(self.text, 0, end, self.lang, ner=False)) if end else 0
            end = end if n >= 2 else 0
            self.__dict__["_head_end"] = end
        for h in self._before(s):
            if h.start >= end:
                yield h

    def _passed_through(self, h: PlaceHit, s: int) -> bool:
        """German, Russian, Ukrainian: a name crossed or passed on the way ("über Strumica …
        in die Stadt", "переправился через Терек западнее города") is no town "the city" means."""
        return self.lang in _ROUTE_NOT_ANTECEDENT and (
            _ROUTE.search(self.text, max(s, h.start - 12), h.start) is not None
        )

    def _capital(self, s: int, e: int, hits: list[PlaceHit]) -> list[PlaceHit]:
        """ "in the Lithuanian capital", "stacjonująca w stolicy", "übernahm die Hauptstadt",
        "столицю звільняла": which capital the words mean, in this order —
        1. none if the words make a by-name of it ("северная столица") or name it ("stolica
           Kijów"), or a genitive after it names no country of the table ("столица Донбасса");
        2. the capital of the country the words name ("łotewskiej", "Litauens", "Белоруссии");
        3. the capital a news dateline names ("VILNIUS, Sept 12 (Reuters) -"), where it is one;
        4. a capital named before the word (in its paragraph, or anywhere in the report);
        5. the capital of the country of the last place named before the word;
        6. a language's default (Ukrainian: Kyiv).
        Steps 4–6 and how the hit is ranked are per language (_CAPITAL_WORDS)."""
        from liaison.osint.places import _TRIGGER_END, _TRIGGERS

        rule = _CAPITAL_WORDS.get(self.lang)
        if rule is None:
            return []
        out: list[PlaceHit] = []
        for m in rule.words.finditer(self.text, s, e):
            adj, named = m.group("adj") if "adj" in rule.words.groupindex else None, m["country"]
            w = m.start("word")
            if rule.not_capital is not None and rule.not_capital.search(
                self.text[max(0, w - 20) : w]
            ):
                continue
            if any(h.start < m.end() + 2 and m.start() < h.end for h in hits):
                continue  # "stolica Kijów", "Hauptstadt Vilnius": the name is there
            country = _country_of(named, self.lang) or _country_of(adj, self.lang)
            if named and country is None:
                continue
            place = _capitals().get(country.code) if country is not None else None
            if place is None:
                head = self._dateline_place(m.start(), ())
                place = _capital_near(head) if head is not None else None
            # the places named before the word, nearest first (read lazily, sentence by sentence)
            before = [h for h in hits if h.end <= m.start() and h.place is not None]
            earlier = chain(reversed(before), (h for h in self._before(s) if h.place is not None))
            last = None
            if place is None and rule.earlier is not None:
                # in a paragraph: not one read from a far-off namesake earlier in the report
                para = self._paragraph_start(m.start()) if rule.earlier == "paragraph" else 0
                for h in earlier:
                    last = last or h
                    if h.start < para:
                        break
                    if (place := _capital_near(h.place)) is not None:  # type: ignore[arg-type]
                        break
            if place is None and rule.home and (last := last or next(earlier, None)):
                place = _capitals().get(last.place.country)  # type: ignore[union-attr]
            if place is None and rule.default is not None:
                place = _capitals().get(rule.default)
            if place is None:
                continue
            prec, rank = 1, 1 if "to" in rule.words.groupindex and m["to"] else 0
            if rule.triggers:
                tm = _TRIGGER_END[self.lang].search(self.text[max(s, m.start() - 48) : m.start()])
                if tm is not None:
                    _w, prec, rank = _TRIGGERS[self.lang][int(tm.lastgroup[1:])]  # type: ignore[index]
                if rank == 9:
                    continue
            a = m.start("adj") if adj is not None else w
            if named is not None and m.start("country") < a:
                a = m.start("country")
            b = max(m.end("word"), m.end("country") if named is not None else 0)
            out.append(PlaceHit(a, b, self.text[a:b], place, (place,), True, prec, rank))
        return out

    def _finer_in_region(self, region: PlaceHit, hits: list[PlaceHit], end: int) -> list[PlaceHit]:
        """ "В Курской области A отразили атаки B в районе Суджи": a town later in the same
        clause, inside the region the mention got, says where in the region the action is."""
        from liaison.core.geo import haversine_km

        if region.place is None:
            return []
        for h in hits:
            if h.start < end or h.rank != 0 or h.precision > 2 or h.place is None:
                continue
            gap = self.text[end : h.start]
            if re.search(r"[;—–]", gap) or _clause_gap(gap):
                return []
            if haversine_km(h.place.lat, h.place.lon, region.place.lat, region.place.lon) <= 200:
                return [h]
        return []

    def _pocket_named(self, pocket: re.Pattern[str], s: int) -> PlaceHit | None:
        """The place last named with the pocket word before s ("Kessel von Halbe"): only the
        sentences where the word stands are read."""
        for m in reversed(list(pocket.finditer(self.text, 0, s))):
            ps, pe = self._sentence(m.start())
            for h in self.places_in(ps, pe):
                if h.rank <= 1 and m.end() <= h.start <= m.end() + 12:
                    return h
        return None

    def _ranked(
        self, hits: list[PlaceHit], start: int, end: int, s: int, e: int
    ) -> tuple[list[PlaceHit], list[PlaceHit]]:
        """Which of a sentence's places is this mention's. Each place belongs to the nearest
        mention; a mention's own place where it *is* comes first, then a place where the whole
        sentence is (named before its first mention: "В районе Мозыря замечены A и B"), then its
        own places where it goes or came from, then anything else; and the mention's own places."""
        # a unit and its parent written together ("36-я армия ВВО") share their places
        groups: list[tuple[int, int]] = []
        for a, b in sorted(x for x in self.unit_spans if s <= x[0] < e):
            between = self.text[groups[-1][1] : a].strip() if groups else "x"
            if not between or (
                # "27-й полк (в/ч А1725)": the unit and its number in brackets, one unit
                self.lang in _GAPPED_LANGS and between == "("
            ):
                groups[-1] = (groups[-1][0], b)
            else:
                groups.append((a, b))
        mine = next(((a, b) for a, b in groups if a <= start < b), (start, end))
        mentions = groups or [mine]
        start, end = mine

        stop_rx = _STOP_DE if self.lang == "de" else _STOP

        def dist(h: PlaceHit, a: int, b: int) -> int:
            """Characters between a place and a mention; a place before the mention, or across
            a clause boundary (", а", "; ", " — "), belongs to it less."""
            if h.start >= b:
                gap = self.text[b : h.start]
                d = len(gap)
            else:
                gap = self.text[h.end : a]
                d = len(gap) + 25
                if (
                    self.lang in _GAPPED_LANGS
                    and re.fullmatch(r"\s*[—–]\s*", gap)
                    and _GAPPED_BEFORE.search(self.text, max(0, h.start - 8), h.start)
                ):
                    # the verb left out: "X обороняла A, а Y — B": Y is B's as if it came after
                    return len(gap)
                if self.lang == "de" and re.match(r"\s+[a-zäöüß]+(?:\s+[a-zäöüß]+)?\s*,", gap):
                    # "A … nach Rukla verlegt, das B …": a German clause ends on its verb; the
                    # place before that verb is the clause's, not the next one's
                    d += 60
            # a full stop the splitter kept ("… on January 15. Alongside it …") ends a sentence
            # (after a word or, but in German, a number: not "г. Бахмут", "15. Januar")
            stop = 60 if _stops(stop_rx, gap) else 0
            rel = _RELATIVE_RUUK.get(self.lang)
            if (
                h.start >= b
                and rel is not None
                and (rm := rel.match(gap)) is not None
                and not _EARLIER.search(gap)
                and not re.search(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)", gap)
            ):
                # "40-ва армія, яка утримувала X": the clause tells of the mention itself, its
                # pronoun standing for the unit (no comma parts them; counted from the pronoun)
                # — unless it tells of another year or of earlier days ("которая в 2022 году
                # воевала под X", "яка раніше стояла в X")
                gap = gap[rm.end() :]
                d = len(gap)
            elif h.start >= b:
                # an aside set off by two commas right after the mention does not part it from
                # its verb ("A, wysłana z Opola, zajęła rejon X", "A, formed in 1941, held X")
                gap = re.sub(r"^\s*,[^,;—–()]{1,60},", " ", gap)
            return d + stop + (30 if re.search(r"[,;—–]", gap) else 0)

        def owner(h: PlaceHit) -> tuple[int, int]:
            return min(mentions, key=lambda m: dist(h, *m))

        first = min(a for a, _b in mentions)
        own = [h for h in hits if owner(h) == (start, end)]
        shared = [
            h
            for h in hits
            if h.end <= first
            and h.rank == 0
            # English and Polish: a semicolon ends the clause the opening place belongs to
            # ("North of X the 2nd failed; in mid-August A fought beside B")
            and not (self.lang in ("en", "pl") and ";" in self.text[h.end : start])
        ]

        town_first = self.lang in _TOWN_OVER_REGION

        def key(h: PlaceHit) -> tuple[int, bool, bool, bool, int]:
            # a place passed through ("via Sumy to Kharkiv", "przekroczyła granicę w rejonie
            # Kudowy i … rozmieściła się wokół Hradca") after the one it goes to; a region after
            # a town of the same standing ("Bei Kupjansk im Gebiet Charkiw hält A") — in English
            # even before the route test
            route = (
                _ROUTE.search(self.text, max(s, h.start - 12), h.start) is not None
                or _CROSSED.search(self.text, max(s, h.start - 50), h.start) is not None
            )
            region = h.precision == 3
            return (h.rank, town_first and region, route, region, dist(h, start, end))

        home = [
            h
            for h in own
            if h.rank == 2
            and self.lang == "pl"
            and start > first
            and re.fullmatch(r"\s+ze?\s+", self.text[end : h.start])
        ]
        if home:
            # "w Królewcu sztab A planuje ćwiczenia, w których weźmie udział B z Gusiewa": the
            # opening place is the first unit's; a later one's home ("B z X") says more of it
            shared = []
        out: list[PlaceHit] = []
        for group in (
            [h for h in own if h.rank == 0],
            shared,
            [h for h in own if h.rank > 0],
            hits,
        ):
            for h in sorted(group, key=key):
                if h not in out:
                    out.append(h)
        return out, own

    def _resolve(self, h: PlaceHit, unit_ids: tuple[str, ...], precision: int) -> PlaceRef | None:
        anchor = self._anchor(h)
        if anchor is not None:
            return anchor
        if self.lang in ("en", "pl") and (short := self._short_form(h)) is not None:
            return PlaceRef(h.text, short.name, short.lat, short.lon, precision)
        return self._resolve_plain(h, unit_ids, precision)

    def _short_form(self, h: PlaceHit) -> Place | None:
        """ "Drawsko Pomorskie … at Drawsko", "Bemowo Piskie … w Bemowie": a report names a
        town in full once and by its first word after; the short name is that town, not a
        village of the short name elsewhere. Only a one-word name, only a town named in full
        before it in the document."""
        if h.place is None or " " in h.text.strip() or "-" in h.text:
            return None
        first = h.place.name.split()[0].split("-")[0]
        if first != h.place.name:
            return None  # the name as read is itself a longer one
        for o in self.doc_places():
            if o.start >= h.start or o.place is None:
                continue
            full = o.place.name
            if full != h.place.name and re.match(rf"{re.escape(first)}[\s-]", full):
                return o.place
        return None

    def _anchor(self, h: PlaceHit) -> PlaceRef | None:
        """ "у селищі Черкаське під Дніпром", "Andriivka near Bakhmut": a village placed by the
        town after it is the reading of its name nearest that town — or, when the gazetteer knows
        none within 25 km of it, the town itself (a namesake far away is not meant)."""
        from liaison.core.geo import haversine_km

        m = _UNDER.match(self.text, h.end)
        if m is None and (under := _UNDER_LANG.get(self.lang)) is not None:
            m = under.match(self.text, h.end)
            if m is not None and m.group("km") and int(m.group("km")) > 25:
                m = None  # "Mulino, some 400 km east of Moscow": far from that town
        if m is None or h.precision == 3:
            return None
        s, e = self._sentence(h.start)
        town = next(
            (o for o in self.places_in(s, e) if o.start == m.end() and o.place is not None), None
        )
        if town is None or town.place is None:
            return None
        t = town.place
        cands = h.candidates or ((h.place,) if h.place else ())
        near = [c for c in cands if haversine_km(c.lat, c.lon, t.lat, t.lon) <= 25]
        if not near and self.lang in _TOWN_OVER_REGION:
            # "Naro-Fominsk near Moscow", "Kupiansk, east of Kharkiv": a town of its own up to
            # 150 km out is still "near" it; a smaller one up to 60 km ("Pabrade, near
            # Vilnius": English reports place a garrison by the nearest city the reader knows)
            near = [
                c
                for c in cands
                if (d := haversine_km(c.lat, c.lon, t.lat, t.lon)) <= 60
                or (c.population >= 10_000 and d <= 150)
            ]
        if near:
            best = min(near, key=lambda c: haversine_km(c.lat, c.lon, t.lat, t.lon))
            return PlaceRef(h.text, best.name, best.lat, best.lon, h.precision)
        return PlaceRef(town.text, t.name, t.lat, t.lon, 2)

    def _resolve_plain(
        self, h: PlaceHit, unit_ids: tuple[str, ...], precision: int
    ) -> PlaceRef | None:
        """A place name read in the report's context (memoised: the mentions of one sentence
        ask for the same name, and the answer changes only as more of the report is read)."""
        key = (h, unit_ids, precision, len(self._places))
        memo: dict[object, PlaceRef | None] = self.__dict__.setdefault("_plain_memo", {})
        if key not in memo:
            memo[key] = self._resolve_plain_now(h, unit_ids, precision)
        return memo[key]

    def _resolve_plain_now(
        self, h: PlaceHit, unit_ids: tuple[str, ...], precision: int
    ) -> PlaceRef | None:
        context = self._context(unit_ids)
        if h.place is not None and (h.unambiguous and len(h.candidates) <= 1):
            if context:
                other = self._near_reading(h, context)
                if other is not None:
                    return PlaceRef(h.text, other.name, other.lat, other.lon, precision)
                doubt = _compound_may(h, h.place) and self._far_from_any(h.place, context)
                pts = self._weighted(h, context) if doubt else []
                if pts and (longer := self._compound_near(h, h.place, pts)) is not None:
                    return PlaceRef(h.text, longer.name, longer.lat, longer.lon, precision)
            return PlaceRef(h.text, h.place.name, h.place.lat, h.place.lon, precision)
        if not h.candidates:
            return None
        weighted = self._weighted(h, context)
        if weighted:
            # the document's theatre narrows to a region (within 50 km of the best candidate's
            # spread); within it the largest town is the one a report names without saying more
            spread = dict(zip(h.candidates, _spreads(h.candidates, weighted), strict=True))

            def far(c: Place) -> float:
                return spread[c] if c in spread else _spread(c, weighted)

            nearest = min(spread.values())
            pool = [c for c in h.candidates if far(c) <= nearest + min(50.0, 10.0 + nearest)]
            best = max(pool, key=lambda c: (c.population, -far(c)))  # villages: the nearest
            if h.place is not None and h.place in pool:
                best = h.place  # the gazetteer's own reading, which the theatre does not refute
            elif (
                h.place is not None
                and self.lang in _BIG_CITY_LANGS
                and h.place.population >= _BIG_CITY
                and h.place.population >= 10 * best.population
                and far(h.place) <= nearest + _BIG_CITY_SLACK_KM
            ):
                # "Belgrad" in a Balkan story is Belgrade, not Berat (once "Belgrad"): a city
                # the gazetteer chose by an overwhelming population stays while it lies about
                # as near the theatre (not "Frankfurt" of a story on the Oder)
                best = h.place
        elif h.place is not None:
            best = h.place
        else:
            best = max(h.candidates, key=lambda c: c.population)
        if weighted and (longer := self._compound_near(h, best, weighted)) is not None:
            best = longer
        return PlaceRef(h.text, best.name, best.lat, best.lon, precision)

    def _far_from_any(self, c: Place, context: list[tuple[float, float]]) -> bool:
        """Whether some place the report's reading is weighed against lies beyond
        `_COMPOUND_FAR_KM` of `c`: if none does, no weighting of them can put `c` that far, and
        the weighting (costly, asked for every settled name) is skipped."""
        from liaison.core.geo import haversine_matrix_km

        pts = list(context) + [(p.lat, p.lon) for p in self._joint().values()]
        if not pts:
            return False
        a = np.asarray(pts, dtype=np.float64)
        d = haversine_matrix_km(np.array([c.lat]), np.array([c.lon]), a[:, 0], a[:, 1])
        return bool(d.max() > _COMPOUND_FAR_KM)

    def _compound_near(
        self, h: PlaceHit, best: Place, pts: list[tuple[float, float, float]]
    ) -> Place | None:
        """ "bei Skala" in a story about Kamianets-Podilskyi is Skala-Podilska, not Skała near
        Kraków: when every reading of a one-word name lies far from the report's other places,
        a town whose compound name begins with it ("X-Y", "X Y") and lies among them is meant —
        sources drop the second part of such names — or a namesake of the name as written
        there that the gazetteer's choice hid ("до Холма" in a story on Lublin is Chełm, not the
        Russian Kholm a Cyrillic spelling is first read as)."""
        if not _compound_may(h, best) or (spread := _spread(best, pts)) <= _COMPOUND_FAR_KM:
            return None
        found = _compound_readings(h.text, self.lang)
        limit = min(_COMPOUND_NEAR_KM, spread / 2)
        near = [(sp, i) for i, sp in enumerate(_spreads(found, pts)) if sp <= limit]
        if not near:
            return None
        return found[min(near)[1]]

    def _weighted(
        self, h: PlaceHit, context: list[tuple[float, float]]
    ) -> list[tuple[float, float, float]]:
        """The places an ambiguous name is read against, weighted: the unit's garrisons and the
        report's other places (settled ones, and the joint choice of its other ambiguous
        names at half weight), those of the same paragraph three times, of the same sentence
        six times — a report's places form one compact theatre, tightest where told together."""
        para = self._paragraph_start(h.start)
        s, _e = self._sentence(h.start)
        here = {(p.place.lat, p.place.lon): p for p in self.doc_places() if p.place}
        out: list[tuple[float, float, float]] = []

        def weight(p: PlaceHit) -> float:
            w = _RANK_WEIGHT.get(p.rank, 0.5)
            if p.start >= s and p.start < _e:
                return 6.0 * w
            return (3.0 if self._paragraph_start(p.start) == para else 1.0) * w

        for lat, lon in context:
            p = here.get((lat, lon))
            if p is not None and (p.start == h.start or len(p.candidates) > 1):
                continue  # a name the gazetteer read one way of several: its joint choice below
            out.append((lat, lon, weight(p) if p is not None else 1.0))
        for p, c in self._joint().items():
            if p.start != h.start and p.text != h.text:
                out.append((c.lat, c.lon, (1.0 if p.unambiguous else 0.5) * weight(p)))
        return out

    def _joint(self) -> dict[PlaceHit, Place]:
        """Each ambiguous name of the report read jointly with the others, most certain first
        (the one whose gazetteer reading is the largest town): in a first round each against
        the settled places and the choices made before it, then against all the others'
        choices until none changes (a fixed point; a few rounds at most)."""
        key = len(self._places)
        cached = self.__dict__.get("_joint_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        settled = [
            (p.place.lat, p.place.lon, _RANK_WEIGHT.get(p.rank, 0.5))
            for p in self.doc_places()
            if p.place and len(p.candidates) <= 1
        ]
        default = {
            h: h.place or max(h.candidates, key=lambda c: c.population)
            for hits in self._places.values()
            for h in hits
            if len(h.candidates) > 1
        }
        order = sorted(default, key=lambda h: (-default[h].population, h.start))
        choice: dict[PlaceHit, Place] = {}
        for _round in range(4):
            changed = False
            for h in order:
                pts = list(settled)
                pts += [
                    (c.lat, c.lon, (1.0 if o.unambiguous else 0.5) * _RANK_WEIGHT.get(o.rank, 0.5))
                    for o, c in choice.items()
                    if o.text != h.text
                ]
                pick = default[h]
                if pts:
                    spread = dict(zip(h.candidates, _spreads(h.candidates, pts), strict=True))
                    best = min(spread.values())
                    pool = [c for c in h.candidates if spread[c] <= best + min(50.0, 10.0 + best)]
                    pick = max(pool, key=lambda c: (c.population, -spread[c]))
                if choice.get(h) != pick:
                    choice[h], changed = pick, True
            if not changed:
                break
        self.__dict__["_joint_cache"] = (key, choice)
        return choice

    def _context(self, unit_ids: tuple[str, ...]) -> list[tuple[float, float]]:
        """The unit's known garrisons and the places the report names without doubt (cached
        until more sentences are read)."""
        key = (unit_ids, len(self._places))
        cache: dict[object, list[tuple[float, float]]] = self.__dict__.setdefault("_ctx", {})
        if key not in cache:
            context: list[tuple[float, float]] = []
            if self.dictionary is not None and unit_ids:
                context += self.dictionary.garrisons(unit_ids)
            context += [(p.place.lat, p.place.lon) for p in self.doc_places() if p.place]
            cache[key] = list(dict.fromkeys(context))
        return cache[key]

    def _near_reading(self, h: PlaceHit, context: list[tuple[float, float]]) -> object | None:
        """A reading settled without doubt but far from everything else the report names
        ("у Каменского" read as a Russian village 800 km off in a report about Zaporizhzhia):
        another dictionary form of the written name whose reading lies near one of the
        document's places (the nearest such), if there is one."""
        from liaison.core.geo import haversine_matrix_km
        from liaison.names.gazetteer import NEAR_KM, resolve
        from liaison.osint.places import forms

        here = h.place
        if here is None:
            return None
        others = np.asarray([p for p in context if p != (here.lat, here.lon)], dtype=np.float64)

        def far(c: object) -> float:
            lat, lon = np.array([c.lat]), np.array([c.lon])  # type: ignore[attr-defined]
            return float(haversine_matrix_km(lat, lon, others[:, 0], others[:, 1]).min())

        if not len(others) or far(here) <= NEAR_KM:
            return None
        best = None
        for f in forms(h.text, self.lang)[1:]:
            r = resolve(f, fuzzy=False)
            for c in r.candidates or ((r.place,) if r.place else ()):
                if far(c) <= NEAR_KM / 4 and (best is None or far(c) < far(best)):
                    best = c
        return best

    def tie(
        self, start: int, end: int, unit_ids: tuple[str, ...]
    ) -> tuple[PlaceRef | None, str | None, int | None, str]:
        date, precision = self.date(start, end)
        return self.place(start, end, unit_ids), date, precision, self.quote(start, end)
