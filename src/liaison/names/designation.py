"""Unit designations in English, Polish, Russian, German and Japanese → structured identity.

"27th Rifle Division", "27 Dywizja Strzelców", "27. Dyw. Strz.", "27-я стрелковая дивизия",
"27 сд", "27. Schützendivision", "第27狙撃師団", "第二十七狙撃師団" all parse to number 27,
echelon division, branch infantry. Keyword tables are stems matched on the lowercased text
(so Polish and Russian inflections and German compounds match) plus whole-token abbreviations.
Order matters inside each table: the more specific entry comes first ("dywizjon" before
"dywizja", "Armeekorps" before "Armee", "воздушно-десантн" before "воздушн").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from liaison.names.translit import script_of


@dataclass(frozen=True)
class Designation:
    raw: str
    number: int | None = None
    echelon: str | None = None
    branch: str | None = None
    honorifics: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None
    language: str | None = None

    def key(self) -> tuple[object, ...]:
        """Identity fields only (what two partners' designations of one unit share)."""
        return (self.number, self.echelon, self.branch, tuple(sorted(self.honorifics)), self.name)


# ---- echelons: (stem, echelon), first match wins -------------------------------------------
ECHELON_STEMS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("army group", "front"),
        ("military district", "front"),
        ("front", "front"),
        ("air army", "army"),
        ("corps", "corps"),
        ("army", "army"),
        ("division", "division"),
        ("brigade", "brigade"),
        ("regiment", "regiment"),
        ("battalion", "battalion"),
        ("squadron", "squadron"),
        ("company", "company"),
        ("district", "front"),
        ("group", "regiment"),
    ],
    "pl": [
        ("grupa armii", "front"),
        ("okręg wojskow", "front"),
        ("okreg wojskow", "front"),
        ("front", "front"),
        ("korpus", "corps"),
        ("armi", "army"),
        ("dywizjon", "battalion"),
        ("dywizj", "division"),
        ("brygad", "brigade"),
        ("pułk", "regiment"),
        ("pulk", "regiment"),
        ("batalion", "battalion"),
        ("eskadr", "squadron"),
        ("kompani", "company"),
        ("okręg", "front"),
        ("okreg", "front"),
        ("oddział", "battalion"),
        ("oddzial", "battalion"),
    ],
    "ru": [
        ("группа армий", "front"),
        ("военный округ", "front"),
        ("фронт", "front"),
        ("корпус", "corps"),
        ("арми", "army"),
        ("дивизион", "battalion"),
        ("дивизи", "division"),
        ("бригад", "brigade"),
        ("полк", "regiment"),
        ("батальон", "battalion"),
        ("эскадрил", "squadron"),
        ("рота", "company"),
        ("округ", "front"),
        ("отряд", "battalion"),
    ],
    "uk": [
        ("група армій", "front"),
        ("військовий округ", "front"),
        ("військового округу", "front"),
        ("оперативне командування", "front"),
        ("оперативного командування", "front"),
        ("фронт", "front"),
        ("корпус", "corps"),
        ("арм", "army"),
        ("дивізіон", "battalion"),
        ("дивізі", "division"),
        ("бригад", "brigade"),
        ("полк", "regiment"),
        ("батальйон", "battalion"),
        ("ескадрил", "squadron"),
        ("рота", "company"),
        ("округ", "front"),
        ("загін", "battalion"),
        ("загон", "battalion"),
    ],
    "de": [
        ("heeresgruppe", "front"),
        ("militärbezirk", "front"),
        ("militaerbezirk", "front"),
        ("front", "front"),
        ("korps", "corps"),
        ("armee", "army"),
        ("division", "division"),
        ("brigade", "brigade"),
        ("regiment", "regiment"),
        ("bataillon", "battalion"),
        ("abteilung", "battalion"),
        ("staffel", "squadron"),
        ("kompanie", "company"),
        ("bezirk", "front"),
    ],
    "ja": [
        ("方面軍", "front"),
        ("軍管区", "front"),
        ("軍集団", "front"),
        ("軍団", "corps"),
        ("航空軍", "army"),
        ("師団", "division"),
        ("旅団", "brigade"),
        ("連隊", "regiment"),
        ("戦隊", "regiment"),
        ("大隊", "battalion"),
        ("飛行中隊", "squadron"),
        ("中隊", "company"),
        ("国境警備隊", "battalion"),
        ("支隊", "battalion"),
        ("軍", "army"),
    ],
}
# ---- branches ---------------------------------------------------------------------------------
BRANCH_STEMS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("airborne", "airborne"),
        ("parachute", "airborne"),
        ("fighter", "aviation_fighter"),
        ("bomber", "aviation_bomber"),
        ("ground-attack", "aviation_assault"),
        ("assault aviation", "aviation_assault"),
        ("attack aviation", "aviation_assault"),
        ("anti-aircraft", "air_defence"),
        ("air defence", "air_defence"),
        ("air defense", "air_defence"),
        ("aviation", "aviation"),
        ("air", "aviation"),
        ("motor rifle", "motorised"),
        ("motorised", "motorised"),
        ("motorized", "motorised"),
        ("mechanised", "mechanised"),
        ("mechanized", "mechanised"),
        ("tank", "armour"),
        ("armoured", "armour"),
        ("armored", "armour"),
        ("cavalry", "cavalry"),
        ("rifle", "infantry"),
        ("infantry", "infantry"),
        ("artillery", "artillery"),
        ("engineer", "engineers"),
        ("sapper", "engineers"),
        ("signal", "signals"),
        ("border", "border_troops"),
        ("nkvd", "internal_troops"),
        ("mountain", "mountain"),
        ("reconnaissance", "reconnaissance"),
        ("railway", "railway"),
        ("chemical", "chemical"),
        ("naval infantry", "naval_infantry"),
        ("combined arms", "combined_arms"),
    ],
    "pl": [
        ("powietrznodesantow", "airborne"),
        ("spadochron", "airborne"),
        ("myśliw", "aviation_fighter"),
        ("mysliw", "aviation_fighter"),
        ("bombow", "aviation_bomber"),
        ("szturmow", "aviation_assault"),
        ("przeciwlotnicz", "air_defence"),
        ("lotnicz", "aviation"),
        ("lotnictw", "aviation"),
        ("zmotoryzowan", "motorised"),
        ("zmechanizowan", "mechanised"),
        ("pancern", "armour"),
        ("czołg", "armour"),
        ("czolg", "armour"),
        ("kawaler", "cavalry"),
        ("strzel", "infantry"),
        ("piechot", "infantry"),
        ("artyler", "artillery"),
        ("saper", "engineers"),
        ("inżynier", "engineers"),
        ("inzynier", "engineers"),
        ("łącznoś", "signals"),
        ("lacznos", "signals"),
        ("pogranicz", "border_troops"),
        ("graniczn", "border_troops"),
        ("nkwd", "internal_troops"),
        ("górsk", "mountain"),
        ("gorsk", "mountain"),
        ("rozpoznawcz", "reconnaissance"),
        ("kolejow", "railway"),
        ("chemiczn", "chemical"),
        ("ogólnowojskow", "combined_arms"),
    ],
    "ru": [
        ("горнострелков", "mountain"),
        ("воздушно-десантн", "airborne"),
        ("авиадесантн", "airborne"),
        ("парашютн", "airborne"),
        ("истребительн", "aviation_fighter"),
        ("бомбардировочн", "aviation_bomber"),
        ("штурмов", "aviation_assault"),
        ("зенитн", "air_defence"),
        ("пво", "air_defence"),
        ("авиацион", "aviation"),
        ("авиа", "aviation"),
        ("воздушн", "aviation"),
        ("мотострелков", "motorised"),
        ("моторизованн", "motorised"),
        ("механизированн", "mechanised"),
        ("мех", "mechanised"),
        ("танков", "armour"),
        ("бронетанков", "armour"),
        ("кавалерийск", "cavalry"),
        ("стрелков", "infantry"),
        ("пехот", "infantry"),
        ("артиллерийск", "artillery"),
        ("инженерн", "engineers"),
        ("сапёрн", "engineers"),
        ("саперн", "engineers"),
        ("связи", "signals"),
        ("погранич", "border_troops"),
        ("нквд", "internal_troops"),
        ("горн", "mountain"),
        ("разведывательн", "reconnaissance"),
        ("железнодорожн", "railway"),
        ("химическ", "chemical"),
        ("морской пехот", "naval_infantry"),
        ("общевойсков", "combined_arms"),
    ],
    "uk": [
        ("гірсько-штурмов", "mountain"),
        ("гірськ", "mountain"),
        ("десантно-штурмов", "airborne"),
        ("повітрянодесантн", "airborne"),
        ("аеромобільн", "airborne"),
        ("парашутн", "airborne"),
        ("винищувальн", "aviation_fighter"),
        ("бомбардувальн", "aviation_bomber"),
        ("зенітн", "air_defence"),
        ("ппо", "air_defence"),
        ("авіаційн", "aviation"),
        ("повітрян", "aviation"),
        ("мотострілецьк", "motorised"),
        ("мотопіхотн", "motorised"),
        ("механізован", "mechanised"),
        ("танков", "armour"),
        ("кавалерійськ", "cavalry"),
        ("морської піхоти", "naval_infantry"),
        ("морська піхота", "naval_infantry"),
        ("стрілецьк", "infantry"),
        ("піхотн", "infantry"),
        ("територіальної оборони", "infantry"),
        ("штурмов", "infantry"),
        ("артилерійськ", "artillery"),
        ("ракетн", "artillery"),
        ("інженерн", "engineers"),
        ("саперн", "engineers"),
        ("зв'язку", "signals"),
        ("звʼязку", "signals"),
        ("прикордонн", "border_troops"),
        ("розвідувальн", "reconnaissance"),
        ("залізничн", "railway"),
        ("хімічн", "chemical"),
        ("загальновійськов", "combined_arms"),
    ],
    "de": [
        ("luftlande", "airborne"),
        ("fallschirm", "airborne"),
        ("jagd", "aviation_fighter"),
        ("bomben", "aviation_bomber"),
        ("kampfflieger", "aviation_bomber"),
        ("schlacht", "aviation_assault"),
        ("flak", "air_defence"),
        ("luftabwehr", "air_defence"),
        ("flieger", "aviation"),
        ("luft", "aviation"),
        ("motorisiert", "motorised"),
        ("mechanisiert", "mechanised"),
        ("panzer", "armour"),
        ("kavallerie", "cavalry"),
        ("reiter", "cavalry"),
        ("schützen", "infantry"),
        ("schuetzen", "infantry"),
        ("infanterie", "infantry"),
        ("artillerie", "artillery"),
        ("pionier", "engineers"),
        ("nachrichten", "signals"),
        ("grenz", "border_troops"),
        ("nkwd", "internal_troops"),
        ("gebirgs", "mountain"),
        ("aufklärung", "reconnaissance"),
        ("eisenbahn", "railway"),
        ("chemisch", "chemical"),
        ("marineinfanterie", "naval_infantry"),
        ("allgemein", "combined_arms"),
    ],
    "ja": [
        ("空挺", "airborne"),
        ("戦闘機", "aviation_fighter"),
        ("戦闘飛行", "aviation_fighter"),
        ("戦闘航空", "aviation_fighter"),
        ("爆撃", "aviation_bomber"),
        ("襲撃", "aviation_assault"),
        ("高射", "air_defence"),
        ("防空", "air_defence"),
        ("航空", "aviation"),
        ("飛行", "aviation"),
        ("自動車化", "motorised"),
        ("機械化", "mechanised"),
        ("戦車", "armour"),
        ("騎兵", "cavalry"),
        ("狙撃", "infantry"),
        ("歩兵", "infantry"),
        ("砲兵", "artillery"),
        ("工兵", "engineers"),
        ("通信", "signals"),
        ("国境", "border_troops"),
        ("内務", "internal_troops"),
        ("山岳", "mountain"),
        ("捜索", "reconnaissance"),
        ("偵察", "reconnaissance"),
        ("鉄道", "railway"),
        ("化学", "chemical"),
        ("諸兵科", "combined_arms"),
    ],
}
HONORIFIC_STEMS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("guards", "guards"),
        ("red banner", "red_banner"),
        ("order of lenin", "order_of_lenin"),
        ("special", "special"),
        ("separate", "separate"),
        ("independent", "separate"),
        ("shock", "shock"),
    ],
    "pl": [
        ("gwardyjsk", "guards"),
        ("czerwonego sztandaru", "red_banner"),
        ("czerwonosztandarow", "red_banner"),
        ("orderu lenina", "order_of_lenin"),
        ("specjaln", "special"),
        ("osobn", "special"),
        ("samodzieln", "separate"),
        ("uderzeniow", "shock"),
    ],
    "ru": [
        ("гвардейск", "guards"),
        ("краснознамённ", "red_banner"),
        ("краснознаменн", "red_banner"),
        ("ордена ленина", "order_of_lenin"),
        ("особ", "special"),
        ("отдельн", "separate"),
        ("ударн", "shock"),
    ],
    "uk": [
        ("гвардійськ", "guards"),
        ("червонопрапорн", "red_banner"),
        ("ордена леніна", "order_of_lenin"),
        ("особлив", "special"),
        ("окрем", "separate"),
        ("ударн", "shock"),
    ],
    "de": [
        ("garde", "guards"),
        ("rotbanner", "red_banner"),
        ("rotbanner-", "red_banner"),
        ("lenin-orden", "order_of_lenin"),
        ("besonder", "special"),
        ("sonder", "special"),
        ("selbständig", "separate"),
        ("selbstaendig", "separate"),
        ("stoß", "shock"),
        ("stoss", "shock"),
    ],
    "ja": [
        ("親衛", "guards"),
        ("赤旗", "red_banner"),
        ("レーニン勲章", "order_of_lenin"),
        ("特別", "special"),
        ("独立", "separate"),
        ("打撃", "shock"),
    ],
}
# Named formations and districts: canonical key ← stems in every language.
NAMED: list[tuple[str, tuple[str, ...]]] = [
    (
        "far_eastern",
        (
            "far eastern",
            "far east",
            "dalekowschodn",
            "dalekiego wschodu",
            "дальневосточн",
            "далекосхідн",
            "fernöstlich",
            "fernost",
            "極東",
        ),
    ),
    (
        "transbaikal",
        (
            "transbaikal",
            "trans-baikal",
            "zabajkalsk",
            "забайкальск",
            "забайкальськ",
            "ザバイカル",
            "後貝加爾",
        ),
    ),
    (
        "belorussian",
        (
            "belorussian",
            "byelorussian",
            "belarusian",
            "białorusk",
            "bialorusk",
            "белорусск",
            "білоруськ",
            "weißrussisch",
            "weissrussisch",
            "白ロシア",
            "白露",
        ),
    ),
    ("kiev", ("kiev", "kyiv", "kijowsk", "киевск", "київськ", "kiewer", "キエフ")),
    ("leningrad", ("leningrad", "ленинградск", "ленінградськ", "レニングラード")),
    ("moscow", ("moscow", "moskiewsk", "московск", "московськ", "moskauer", "モスクワ")),
    ("kharkov", ("kharkov", "charkowsk", "харьковск", "харківськ", "charkower", "ハリコフ")),
    ("siberian", ("siberian", "syberyjsk", "сибирск", "сибірськ", "sibirisch", "シベリア")),
    (
        "primorsky",
        (
            "primorsk",
            "maritime",
            "nadmorsk",
            "przymorsk",
            "приморск",
            "приморськ",
            "küsten",
            "沿海",
        ),
    ),
    ("kalinin", ("kalinin", "калининск", "カリーニン")),
    ("orel", ("orel", "oriol", "orłowsk", "орловск", "オリョール")),
    (
        "north_caucasus",
        ("north caucasus", "północnokaukask", "северо-кавказск", "nordkaukas", "北カフカス"),
    ),
    ("volga", ("volga", "nadwołżańsk", "приволжск", "wolga", "ヴォルガ")),
    ("ural", ("ural", "уральск", "ウラル")),
    ("mongolian", ("mongol", "монгольск", "モンゴル", "蒙古")),
    ("kaunas", ("kaunas", "kowieńsk", "каунасск", "カウナス")),
]

_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_ROMAN = re.compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ARABIC = re.compile(
    r"(?<![\w])(\d{1,6})(?:\s*(?:st|nd|rd|th|-?я|-?й|-?я|-?ая|-?ой|-?ый|-?ий|-?го|\.|ая|ый|ой))?(?![\d])",
    re.I,
)

# Whole-token abbreviations → (echelon, branch), per language; dots and case ignored.
ABBREV: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "ru": {
        "сд": ("division", "infantry"),
        "ск": ("corps", "infantry"),
        "сп": ("regiment", "infantry"),
        "сбр": ("brigade", "infantry"),
        "кд": ("division", "cavalry"),
        "кк": ("corps", "cavalry"),
        "кп": ("regiment", "cavalry"),
        "кбр": ("brigade", "cavalry"),
        "тд": ("division", "armour"),
        "тк": ("corps", "armour"),
        "тп": ("regiment", "armour"),
        "тбр": ("brigade", "armour"),
        "лтбр": ("brigade", "armour"),
        "ттбр": ("brigade", "armour"),
        "мк": ("corps", "mechanised"),
        "мбр": ("brigade", "mechanised"),
        "мсд": ("division", "motorised"),
        "мсп": ("regiment", "motorised"),
        "мд": ("division", "motorised"),
        "ап": ("regiment", "artillery"),
        "кап": ("regiment", "artillery"),
        "гап": ("regiment", "artillery"),
        "ад": ("division", "aviation"),
        "абр": ("brigade", "aviation"),
        "иап": ("regiment", "aviation_fighter"),
        "иабр": ("brigade", "aviation_fighter"),
        "бап": ("regiment", "aviation_bomber"),
        "сбап": ("regiment", "aviation_bomber"),
        "тбап": ("regiment", "aviation_bomber"),
        "дбап": ("regiment", "aviation_bomber"),
        "бабр": ("brigade", "aviation_bomber"),
        "тбабр": ("brigade", "aviation_bomber"),
        "шап": ("regiment", "aviation_assault"),
        "ва": ("army", "aviation"),
        "а": ("army", None),
        "вдбр": ("brigade", "airborne"),
        "пого": ("battalion", "border_troops"),
        "погранотряд": ("battalion", "border_troops"),
        "сапб": ("battalion", "engineers"),
        "обс": ("battalion", "signals"),
        "зенап": ("regiment", "air_defence"),
        "окдва": ("army", None),
        "окa": ("army", None),
        "ока": ("army", None),
        "во": ("front", None),
        "гв": (None, None),
        "кр": (None, None),
    },
    "uk": {
        "омбр": ("brigade", "mechanised"),
        "мбр": ("brigade", "mechanised"),
        "отбр": ("brigade", "armour"),
        "тбр": ("brigade", "armour"),
        "одшбр": ("brigade", "airborne"),
        "дшбр": ("brigade", "airborne"),
        "оаембр": ("brigade", "airborne"),
        "аембр": ("brigade", "airborne"),
        "оаебр": ("brigade", "airborne"),
        "опдбр": ("brigade", "airborne"),
        "огшбр": ("brigade", "mountain"),
        "омпбр": ("brigade", "motorised"),
        "ошбр": ("brigade", "infantry"),
        "обрмп": ("brigade", "naval_infantry"),
        "обртро": ("brigade", "infantry"),
        "оабр": ("brigade", "artillery"),
        "абр": ("brigade", "artillery"),
        "зрбр": ("brigade", "air_defence"),
        "азрп": ("regiment", "air_defence"),
        "зрп": ("regiment", "air_defence"),
        "ополк": ("regiment", None),
        "омпб": ("battalion", "motorised"),
        "ошб": ("battalion", "infantry"),
        "оштурмб": ("battalion", "infantry"),
        "омб": ("battalion", "mechanised"),
        "ок": ("front", None),
        "гв": (None, None),
    },
    "pl": {
        "ds": ("division", "infantry"),
        "dp": ("division", "infantry"),
        "ks": ("corps", "infantry"),
        "ps": ("regiment", "infantry"),
        "dk": ("division", "cavalry"),
        "kk": ("corps", "cavalry"),
        "bpanc": ("brigade", "armour"),
        "bp": ("brigade", "armour"),
        "kzmech": ("corps", "mechanised"),
        "pa": ("regiment", "artillery"),
        "pal": ("regiment", "artillery"),
        "plm": ("regiment", "aviation_fighter"),
        "plb": ("regiment", "aviation_bomber"),
        "bl": ("brigade", "aviation"),
        "ow": ("front", None),
        "dyw": ("division", None),
        "bryg": ("brigade", None),
        "korp": ("corps", None),
        "arm": ("army", None),
        "p": ("regiment", None),
        "bat": ("battalion", None),
        "baon": ("battalion", None),
        "eskadr": ("squadron", None),
        "strz": (None, "infantry"),
        "kaw": (None, "cavalry"),
        "panc": (None, "armour"),
        "zmech": (None, "mechanised"),
        "zmot": (None, "motorised"),
        "art": (None, "artillery"),
        "lot": (None, "aviation"),
        "myśl": (None, "aviation_fighter"),
        "mysl": (None, "aviation_fighter"),
        "bomb": (None, "aviation_bomber"),
        "sap": (None, "engineers"),
        "łączn": (None, "signals"),
        "gw": (None, None),
        "czerw": (None, None),
    },
    "de": {
        "sd": ("division", "infantry"),
        "id": ("division", "infantry"),
        "sk": ("corps", "infantry"),
        "ak": ("corps", "infantry"),
        "sr": ("regiment", "infantry"),
        "ir": ("regiment", "infantry"),
        "kd": ("division", "cavalry"),
        "kk": ("corps", "cavalry"),
        "pzbrig": ("brigade", "armour"),
        "pzdiv": ("division", "armour"),
        "ar": ("regiment", "artillery"),
        "jfr": ("regiment", "aviation_fighter"),
        "div": ("division", None),
        "brig": ("brigade", None),
        "rgt": ("regiment", None),
        "regt": ("regiment", None),
        "btl": ("battalion", None),
        "kp": ("company", None),
        "schtz": (None, "infantry"),
        "sch": (None, "infantry"),
        "kav": (None, "cavalry"),
        "pz": (None, "armour"),
        "art": (None, "artillery"),
        "mot": (None, "motorised"),
        "mech": (None, "mechanised"),
        "inf": (None, "infantry"),
        "flieg": (None, "aviation"),
        "gd": (None, None),
    },
    "en": {
        "rd": ("division", "infantry"),
        "rc": ("corps", "infantry"),
        "rr": ("regiment", "infantry"),
        "rb": ("brigade", "infantry"),
        "cd": ("division", "cavalry"),
        "cc": ("corps", "cavalry"),
        "cr": ("regiment", "cavalry"),
        "td": ("division", "armour"),
        "tb": ("brigade", "armour"),
        "tc": ("corps", "armour"),
        "mc": ("corps", "mechanised"),
        "mb": ("brigade", "mechanised"),
        "mrd": ("division", "motorised"),
        "iap": ("regiment", "aviation_fighter"),
        "bap": ("regiment", "aviation_bomber"),
        "div": ("division", None),
        "bde": ("brigade", None),
        "brig": ("brigade", None),
        "regt": ("regiment", None),
        "rgt": ("regiment", None),
        "bn": ("battalion", None),
        "sqn": ("squadron", None),
        "coy": ("company", None),
        "tk": (None, "armour"),
        "tank": (None, "armour"),
        "cav": (None, "cavalry"),
        "inf": (None, "infantry"),
        "art": (None, "artillery"),
        "arty": (None, "artillery"),
        "mech": (None, "mechanised"),
        "mot": (None, "motorised"),
        "ftr": (None, "aviation_fighter"),
        "bmr": (None, "aviation_bomber"),
        "gds": (None, None),
        "gd": (None, None),
        "rb_": (None, None),
    },
}
ABBREV_HONORIFIC = {
    "гв": "guards",
    "gw": "guards",
    "gds": "guards",
    "gd": "guards",
    "kr": "red_banner",
    "кр": "red_banner",
    "czerw": "red_banner",
    "okdva": "special",
    "окдва": "special",
    "ока": "special",
}
_TOKEN = re.compile(r"(?<![\w])[^\W\d_]+", re.UNICODE)


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)  # full-width digits and letters → ASCII
    return " ".join(s.split())


def kanji_number(s: str) -> int | None:
    """二十七 → 27, 百二 → 102, 三 → 3, 一万二千 → 12000; None if not a kanji numeral."""
    if "万" in s:
        high, _, low = s.partition("万")
        h = kanji_number(high) if high else 1
        lo = kanji_number(low) if low else 0
        return None if h is None or lo is None else h * 10000 + lo
    if not s or any(c not in _KANJI_DIGITS and c not in _KANJI_UNITS for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in _KANJI_DIGITS:
            cur = cur * 10 + _KANJI_DIGITS[c] if cur and s.find("十") == -1 else _KANJI_DIGITS[c]
        else:
            total += (cur or 1) * _KANJI_UNITS[c]
            cur = 0
    return total + cur


_PL_WORDS = re.compile(
    r"\b(dywizj|dyw\b|pułk|pulk|armi[ai]|brygad|korpus|strzel|kawaler|pancern|lotnicz|okręg|okreg|"
    r"eskadr|gwardyjsk|czerwon|dalekowschod|front\s+\w+ski|batalion|kompani|zmechaniz|zmotoryz|myśliw|"
    r"artyler|saper|lotnictw|powietrzn|pograniczn|rozpoznawcz|kolejow|chemiczn|specjaln|samodzieln|"
    r"uderzeniow|ogólnowojsk|łącznoś|oddzia|gw\.|czerw\.|strz\.|kaw\.|panc\.|zmech\.|zmot\.|lot\.|myśl\.|"
    r"bomb\.|sap\.|bryg\.|korp\.|arm\.|p\.\s|gorsk|górsk|zabajkal|białorus|kijowsk|leningradzk|moskiewsk)"
)
_DE_WORDS = re.compile(
    r"(schützen|armee|korps|panzer|kavallerie|flieger|bataillon|staffel|garde|rotbanner|fernöstlich|"
    r"militärbezirk|schtz|heeresgruppe|jagd|bomben|pionier|nachrichten|grenz|\bsd\b|\bkd\b|\bsk\b|\brgt\b|"
    r"besonder|selbst|allgemein|mechanisiert|motorisiert|artillerie|flak|luftlande|gebirgs|eisenbahn|"
    r"chemisch|[a-zäöüß]division|[a-zäöüß]brigade|[a-zäöüß]regiment|[a-zäöüß]bataillon|"
    r"[a-zäöüß]staffel|kompanie|\bpz\.|aufklärung|marineinf|\bgd\.|^\s*\d+\.\s)"
)


def detect_language(text: str) -> str | None:
    """ru/ja by script; among Latin texts, the language with more of its own words (Polish and
    German share many military words' shapes, so one hint is not enough)."""
    sc = script_of(text)
    if sc == "cyrillic":
        # letters only Ukrainian writes (and none only Russian writes) make it Ukrainian
        if re.search(r"[іїєґІЇЄҐ]", text) and not re.search(r"[ыэъёЫЭЪЁ]", text):
            return "uk"
        return "ru"
    if sc in ("kana", "han"):
        return "ja"
    if sc != "latin":
        return None
    low = text.lower()
    pl = len(_PL_WORDS.findall(low)) + 2 * len(re.findall(r"[ąćęłńśźż]", low))
    de = len(_DE_WORDS.findall(low)) + 2 * len(re.findall(r"[äöüß]", low))
    if pl == de == 0:
        return "en"
    return (
        "pl" if pl > de else "de" if de > pl else ("pl" if re.search(r"[ąćęłńśźż]", low) else "de")
    )


def _find(stems: list[tuple[str, str]], low: str) -> str | None:
    for stem, val in stems:
        if stem in low:
            return val
    return None


def _number(s: str, lang: str | None) -> int | None:
    if lang == "ja":
        m = re.search(r"第\s*([0-9]+|[〇零一二三四五六七八九十百千万]+)", s)
        if m:
            g = m.group(1)
            return int(g) if g.isdigit() else kanji_number(g)
    m = _ARABIC.search(s)
    if m:
        return int(m.group(1))
    for tok in re.findall(r"\b[IVXLCDM]+\b", s):
        if _ROMAN.match(tok):
            return _roman(tok)
    if lang == "ja":
        m = re.search(r"([〇一二三四五六七八九十百千]+)", s)
        if m and (n := kanji_number(m.group(1))):
            return n
    return None


def _roman(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, c in enumerate(s):
        v = vals[c]
        total += -v if i + 1 < len(s) and vals[s[i + 1]] > v else v
    return total


def parse_designation(text: str, lang: str | None = None) -> Designation:
    """Parse a designation in en, pl, ru, uk, de or ja (detected unless `lang` says). Never
    raises; unknown parts are None."""
    raw = text if isinstance(text, str) else str(text)
    s = _normalise(raw)[:500]
    if not s:
        return Designation(raw=raw)
    if lang not in ECHELON_STEMS:
        lang = detect_language(s)
    if lang is None:
        return Designation(raw=raw, number=_number(s, None))
    low = s.lower()
    number = _number(s, lang)
    echelon = branch = None
    honorifics: set[str] = set()
    # Japanese strips the ordinal and the named formation before matching suffixes.
    match_text = low
    name = None
    for key, stems in NAMED:
        if any(st in low for st in stems):
            name = key
            break
    tokens = [t.lower().replace(".", "") for t in _TOKEN.findall(low)]
    abbrev = ABBREV.get(lang, {})
    for tok in tokens:
        if tok in abbrev:
            e, b = abbrev[tok]
            echelon = echelon or e
            if b and (branch is None or (branch == "aviation" and b.startswith("aviation_"))):
                branch = b
        if tok in ABBREV_HONORIFIC and tok in abbrev:
            honorifics.add(ABBREV_HONORIFIC[tok])
    if lang in ("en", "pl", "de") and (echelon is None or branch is None):
        # an abbreviation written in another Latin convention ("27 DS" in an English list)
        for lg in ("pl", "de", "en"):
            for tok in tokens:
                if lg != lang and tok in ABBREV[lg] and len(tok) >= 2:
                    e, b = ABBREV[lg][tok]
                    if e and b and echelon is None and branch is None and lang == "en":
                        lang = lg  # only another convention's abbreviation explains the text
                    echelon = echelon or e
                    branch = branch or b
    if lang == "ja":
        body = re.sub(r"第\s*[0-9〇零一二三四五六七八九十百千万]+", " ", s)
        e = _find(ECHELON_STEMS["ja"], body)
        echelon = e or echelon
        b = _find(BRANCH_STEMS["ja"], body)
        branch = b or branch
        for st, h in HONORIFIC_STEMS["ja"]:
            if st in body:
                honorifics.add(h)
        if echelon == "army" and "航空" in body:
            branch = branch or "aviation"
    else:
        e = _find(ECHELON_STEMS[lang], match_text)
        echelon = e or echelon
        b = _find(BRANCH_STEMS[lang], match_text)
        branch = b or branch
        for st, h in HONORIFIC_STEMS[lang]:
            if st in match_text:
                honorifics.add(h)
    # "air army" / "armia lotnicza" / "воздушная армия" / "Luftarmee": aviation, size army.
    if (
        branch == "aviation"
        and echelon is None
        and lang != "ja"
        and re.search(r"air\b|lotnicz|воздушн|luft", low)
    ):
        echelon = echelon or None
    if lang == "ru" and "окдва" in tokens:
        honorifics |= {"special", "red_banner"}
        name = name or "far_eastern"
    if "ordena" in low:  # transliterated Russian "ordena Lenina"
        honorifics.add("order_of_lenin")
    if branch is None and echelon in ("front", "army") and name is None and "combined" in low:
        branch = "combined_arms"
    return Designation(
        raw=raw,
        number=number,
        echelon=echelon,
        branch=branch,
        honorifics=frozenset(honorifics),
        name=name,
        language=lang,
    )


# ---- formatting (the inverse, for generators and for showing a unit in another language) ------
_EN_ECH = {
    "front": "Front",
    "army": "Army",
    "corps": "Corps",
    "division": "Division",
    "brigade": "Brigade",
    "regiment": "Regiment",
    "battalion": "Battalion",
    "squadron": "Squadron",
    "company": "Company",
}
_EN_BR = {
    "infantry": "Rifle",
    "cavalry": "Cavalry",
    "armour": "Tank",
    "mechanised": "Mechanised",
    "motorised": "Motor Rifle",
    "artillery": "Artillery",
    "air_defence": "Anti-Aircraft",
    "aviation": "Aviation",
    "aviation_fighter": "Fighter Aviation",
    "aviation_bomber": "Bomber Aviation",
    "aviation_assault": "Assault Aviation",
    "airborne": "Airborne",
    "engineers": "Engineer",
    "signals": "Signal",
    "border_troops": "Border",
    "mountain": "Mountain",
    "reconnaissance": "Reconnaissance",
    "railway": "Railway",
    "chemical": "Chemical",
    "naval_infantry": "Naval Infantry",
    "internal_troops": "NKVD",
    "combined_arms": "Combined Arms",
}
_EN_HON = [
    ("guards", "Guards"),
    ("special", "Special"),
    ("separate", "Separate"),
    ("shock", "Shock"),
    ("red_banner", "Red Banner"),
]
_EN_NAMED = {
    "far_eastern": "Far Eastern",
    "transbaikal": "Transbaikal",
    "belorussian": "Belorussian",
    "kiev": "Kiev",
    "leningrad": "Leningrad",
    "moscow": "Moscow",
    "kharkov": "Kharkov",
    "siberian": "Siberian",
    "primorsky": "Primorsky",
    "ural": "Ural",
    "volga": "Volga",
}
# Polish: noun, gender; adjectival branches agree, genitive ones follow the noun.
_PL_ECH = {
    "front": ("Front", "m"),
    "army": ("Armia", "f"),
    "corps": ("Korpus", "m"),
    "division": ("Dywizja", "f"),
    "brigade": ("Brygada", "f"),
    "regiment": ("Pułk", "m"),
    "battalion": ("Batalion", "m"),
    "squadron": ("Eskadra", "f"),
    "company": ("Kompania", "f"),
}
_PL_BR_GEN = {
    "infantry": "Strzelców",
    "cavalry": "Kawalerii",
    "artillery": "Artylerii",
    "aviation_fighter": "Lotnictwa Myśliwskiego",
    "aviation_bomber": "Lotnictwa Bombowego",
    "aviation_assault": "Lotnictwa Szturmowego",
    "engineers": "Saperów",
    "signals": "Łączności",
    "internal_troops": "NKWD",
    "air_defence": "Artylerii Przeciwlotniczej",
}
_PL_BR_ADJ = {
    "armour": "Pancern",
    "mechanised": "Zmechanizowan",
    "motorised": "Zmotoryzowan",
    "aviation": "Lotnicz",
    "airborne": "Powietrznodesantow",
    "border_troops": "Pograniczn",
    "mountain": "Górsk",
    "reconnaissance": "Rozpoznawcz",
    "railway": "Kolejow",
    "chemical": "Chemiczn",
    "combined_arms": "Ogólnowojskow",
    "naval_infantry": "Piechoty Morskiej",
}
_PL_HON_ADJ = [
    ("guards", "Gwardyjsk"),
    ("special", "Specjaln"),
    ("separate", "Samodzieln"),
    ("shock", "Uderzeniow"),
]
_PL_NAMED = {
    "far_eastern": "Dalekowschodni",
    "transbaikal": "Zabajkalski",
    "belorussian": "Białoruski",
    "kiev": "Kijowski",
    "leningrad": "Leningradzki",
    "moscow": "Moskiewski",
    "kharkov": "Charkowski",
    "siberian": "Syberyjski",
    "primorsky": "Nadmorski",
    "ural": "Uralski",
    "volga": "Nadwołżański",
}
# Russian: noun, gender; adjective stems take -ая / -ый (-ий after к, г, х — stems ending in "ск").
_RU_ECH = {
    "front": ("фронт", "m"),
    "army": ("армия", "f"),
    "corps": ("корпус", "m"),
    "division": ("дивизия", "f"),
    "brigade": ("бригада", "f"),
    "regiment": ("полк", "m"),
    "battalion": ("батальон", "m"),
    "squadron": ("эскадрилья", "f"),
    "company": ("рота", "f"),
}
_RU_BR = {
    "infantry": ["стрелков"],
    "cavalry": ["кавалерийск"],
    "armour": ["танков"],
    "mechanised": ["механизированн"],
    "motorised": ["мотострелков"],
    "artillery": ["артиллерийск"],
    "air_defence": ["зенитн"],
    "aviation": ["авиационн"],
    "aviation_fighter": ["истребительн", "авиационн"],
    "aviation_bomber": ["бомбардировочн", "авиационн"],
    "aviation_assault": ["штурмов", "авиационн"],
    "airborne": ["воздушно-десантн"],
    "engineers": ["инженерн"],
    "border_troops": ["пограничн"],
    "mountain": ["горнострелков"],
    "reconnaissance": ["разведывательн"],
    "railway": ["железнодорожн"],
    "chemical": ["химическ"],
    "combined_arms": ["общевойсков"],
}
_RU_BR_GEN = {"signals": "связи", "internal_troops": "НКВД", "naval_infantry": "морской пехоты"}
_RU_HON = [
    ("guards", "гвардейск"),
    ("special", "особ"),
    ("separate", "отдельн"),
    ("shock", "ударн"),
    ("red_banner", "краснознамённ"),
]
_RU_NAMED = {
    "far_eastern": "дальневосточн",
    "transbaikal": "забайкальск",
    "belorussian": "белорусск",
    "kiev": "киевск",
    "leningrad": "ленинградск",
    "moscow": "московск",
    "kharkov": "харьковск",
    "siberian": "сибирск",
    "primorsky": "приморск",
    "ural": "уральск",
    "volga": "приволжск",
}
_DE_ECH = {
    "front": ("Front", "f"),
    "army": ("Armee", "f"),
    "corps": ("Korps", "n"),
    "division": ("Division", "f"),
    "brigade": ("Brigade", "f"),
    "regiment": ("Regiment", "n"),
    "battalion": ("Bataillon", "n"),
    "squadron": ("Staffel", "f"),
    "company": ("Kompanie", "f"),
}
_DE_BR = {
    "infantry": "Schützen",
    "cavalry": "Kavallerie",
    "armour": "Panzer",
    "artillery": "Artillerie",
    "air_defence": "Flak",
    "aviation": "Flieger",
    "aviation_fighter": "Jagdflieger",
    "aviation_bomber": "Bombenflieger",
    "aviation_assault": "Schlachtflieger",
    "airborne": "Luftlande",
    "engineers": "Pionier",
    "signals": "Nachrichten",
    "border_troops": "Grenz",
    "mountain": "Gebirgs",
    "reconnaissance": "Aufklärungs",
    "railway": "Eisenbahn",
    "naval_infantry": "Marineinfanterie",
    "internal_troops": "NKWD-",
}
_DE_BR_ADJ = {
    "mechanised": "mechanisiert",
    "motorised": "motorisiert",
    "chemical": "chemisch",
    "combined_arms": "allgemein",
}
_DE_HON_ADJ = [("special", "Besonder"), ("separate", "Selbständig")]
_DE_HON_PREFIX = [("guards", "Garde-"), ("shock", "Stoß-"), ("red_banner", "Rotbanner-")]
_DE_NAMED = {
    "far_eastern": "Fernöstlich",
    "transbaikal": "Transbaikalisch",
    "belorussian": "Weißrussisch",
    "kiev": "Kiewer",
    "leningrad": "Leningrader",
    "moscow": "Moskauer",
    "kharkov": "Charkower",
    "siberian": "Sibirisch",
    "primorsky": "Primorsker",
    "ural": "Ural",
    "volga": "Wolga",
}
_JA_ECH = {
    "front": "方面軍",
    "army": "軍",
    "corps": "軍団",
    "division": "師団",
    "brigade": "旅団",
    "regiment": "連隊",
    "battalion": "大隊",
    "squadron": "飛行中隊",
    "company": "中隊",
}
_JA_BR = {
    "infantry": "狙撃",
    "cavalry": "騎兵",
    "armour": "戦車",
    "mechanised": "機械化",
    "motorised": "自動車化",
    "artillery": "砲兵",
    "air_defence": "高射砲",
    "aviation": "航空",
    "aviation_fighter": "戦闘機",
    "aviation_bomber": "爆撃機",
    "aviation_assault": "襲撃機",
    "airborne": "空挺",
    "engineers": "工兵",
    "signals": "通信",
    "border_troops": "国境警備",
    "mountain": "山岳",
    "reconnaissance": "捜索",
    "railway": "鉄道",
    "chemical": "化学",
    "internal_troops": "内務",
    "naval_infantry": "海軍歩兵",
    "combined_arms": "諸兵科連合",
}
_JA_HON = [
    ("guards", "親衛"),
    ("special", "特別"),
    ("separate", "独立"),
    ("shock", "打撃"),
    ("red_banner", "赤旗"),
]
_JA_NAMED = {
    "far_eastern": "極東",
    "transbaikal": "ザバイカル",
    "belorussian": "白ロシア",
    "kiev": "キエフ",
    "leningrad": "レニングラード",
    "moscow": "モスクワ",
    "kharkov": "ハリコフ",
    "siberian": "シベリア",
    "primorsky": "沿海",
    "ural": "ウラル",
    "volga": "ヴォルガ",
}


def _ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _kanji(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n >= 10000:
        high, n = divmod(n, 10000)
        return _kanji(high) + "万" + (_kanji(n) if n else "")
    out = ""
    for val, ch in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, val)
        if q:
            out += ("" if q == 1 else digits[q]) + ch
    return out + (digits[n] if n else "") or "〇"


def _abbrev_for(lang: str, echelon: str | None, branch: str | None) -> str | None:
    for tok, (e, b) in ABBREV.get(lang, {}).items():
        if e == echelon and b == branch and e and b and len(tok) >= 2:
            return tok
    return None


def format_designation(
    number: int | None,
    echelon: str,
    branch: str | None,
    honorifics: frozenset[str] | set[str] = frozenset(),
    name: str | None = None,
    *,
    lang: str,
    abbreviated: bool = False,
) -> str:
    """Write a designation the way a reporter in `lang` would (en, pl, ru, de, ja)."""
    h = set(honorifics)
    if lang == "en":
        if abbreviated and (tok := _abbrev_for("en", echelon, branch)) and not name:
            hon = "Gds " if "guards" in h else ""
            rest = [w for k, w in _EN_HON if k in h and k != "guards"]
            return " ".join(x for x in [str(number or ""), hon.strip(), *rest, tok.upper()] if x)
        parts = [_ordinal_en(number)] if number else []
        parts += [w for k, w in _EN_HON if k in h]
        if name:
            parts.append(_EN_NAMED[name])
        if branch == "aviation" and echelon == "army":
            parts.append("Air")
        elif branch:
            parts.append(_EN_BR[branch])
        parts.append(_EN_ECH[echelon])
        return " ".join(parts)
    if lang == "pl":
        noun, g = _PL_ECH[echelon]
        end = "a" if g == "f" else "y"

        def adj_end(stem):
            return stem + ("a" if g == "f" else ("i" if stem.endswith(("sk", "k")) else "y"))  # noqa: E731

        if abbreviated and not name:
            short = {
                "division": "Dyw.",
                "brigade": "Bryg.",
                "corps": "Korp.",
                "regiment": "p.",
                "army": "Arm.",
                "battalion": "bat.",
                "front": "Front",
                "squadron": "Eskadra",
                "company": "Kompania",
            }[echelon]
            br = {
                "infantry": "Strz.",
                "cavalry": "Kaw.",
                "armour": "Panc.",
                "mechanised": "Zmech.",
                "motorised": "Zmot.",
                "artillery": "Art.",
                "aviation": "Lot.",
                "aviation_fighter": "Lot. Myśl.",
                "aviation_bomber": "Lot. Bomb.",
                "engineers": "Sap.",
            }.get(branch or "")
            if br is not None or branch is None:
                hon = ["Gw."] if "guards" in h else []
                tail = ["Czerw. Szt."] if "red_banner" in h else []
                others = [adj_end(w) for k, w in _PL_HON_ADJ if k in h and k != "guards"]
                return " ".join(
                    x
                    for x in [f"{number}" if number else "", *hon, *others, short, br or "", *tail]
                    if x
                )
        parts = [str(number)] if number else []
        parts += [adj_end(w) for k, w in _PL_HON_ADJ if k in h]
        if name and not number:
            named = _PL_NAMED[name]
            named = named[:-1] + "a" if g == "f" else named
            parts += [noun, named]
        else:
            parts.append(noun)
            if name:
                named = _PL_NAMED[name]
                parts.append(named[:-1] + "a" if g == "f" else named)
        if branch in _PL_BR_ADJ:
            stem = _PL_BR_ADJ[branch]
            parts.append(stem if " " in stem else adj_end(stem))
        elif branch in _PL_BR_GEN:
            parts.append(_PL_BR_GEN[branch])
        if "red_banner" in h:
            parts.append("Czerwonego Sztandaru")
        del end
        return " ".join(parts)
    if lang == "ru":
        noun, g = _RU_ECH[echelon]

        def adj(stem: str) -> str:
            if g == "f":
                return stem + "ая"
            return stem + ("ий" if stem.endswith(("ск", "к")) else "ый")

        if abbreviated and not name and (tok := _abbrev_for("ru", echelon, branch)):
            hon = ["гв."] if "guards" in h else []
            others = [adj(w) for k, w in _RU_HON if k in h and k != "guards"]
            return " ".join(x for x in [str(number or ""), *hon, *others, tok] if x)
        parts = [f"{number}-{'я' if g == 'f' else 'й'}"] if number else []
        parts += [adj(w) for k, w in _RU_HON if k in h]
        if name:
            parts.append(adj(_RU_NAMED[name]))
        if branch == "aviation" and echelon == "army":
            parts.append(adj("воздушн"))
        elif branch in _RU_BR:
            parts += [adj(w) for w in _RU_BR[branch]]
        parts.append(noun)
        if branch in _RU_BR_GEN:
            parts.append(_RU_BR_GEN[branch])
        text = " ".join(parts)
        return text[0].upper() + text[1:] if not number else text
    if lang == "de":
        noun, g = _DE_ECH[echelon]
        ending = "e" if g == "f" else "es"
        if (
            abbreviated
            and not name
            and h <= {"guards"}
            and branch in {"infantry", "cavalry", "armour", "artillery"}
            and echelon in {"division", "brigade", "regiment"}
        ):
            br = {"infantry": "Schtz.", "cavalry": "Kav.", "armour": "Pz.", "artillery": "Art."}[
                branch
            ]
            ech = {"division": "Div.", "brigade": "Brig.", "regiment": "Rgt."}[echelon]
            hon = ["Gd."] if "guards" in h else []
            return " ".join(x for x in [f"{number}." if number else "", *hon, f"{br}{ech}"] if x)
        parts = [f"{number}."] if number else []
        parts += [w + ending for k, w in _DE_HON_ADJ if k in h]
        if name:
            named = _DE_NAMED[name]
            parts.append(named if named.endswith("er") else named + ending)
        if branch in _DE_BR_ADJ:
            parts.append(_DE_BR_ADJ[branch] + ending)
        prefix = "".join(w for k, w in _DE_HON_PREFIX if k in h)
        if branch == "aviation" and echelon == "army":
            core = "Luftarmee"
        elif branch in _DE_BR:
            core = _DE_BR[branch] + noun.lower()
        else:
            core = noun
        parts.append(prefix + core)
        return " ".join(parts)
    if lang == "ja":
        parts = [f"第{_kanji(number) if abbreviated else number}"] if number else []
        parts += [w for k, w in _JA_HON if k in h]
        if name:
            parts.append(_JA_NAMED[name])
        if branch == "aviation" and echelon == "army":
            parts.append("航空軍")
            return "".join(parts)
        if branch in _JA_BR:
            parts.append(_JA_BR[branch])
        parts.append(_JA_ECH[echelon])
        return "".join(parts)
    raise ValueError(f"unknown language {lang!r} (en, pl, ru, de, ja)")
