"""Dates in open-source text: a document's published date and the dates written in its sentences.

Published dates (a feed's pubDate "Вт, 12 мар 2024 10:00:00 +0300", "Di, 12 Mär 2024") go to
dateparser with the language fixed — left to guess, it invents dates from ordinary words. Dates
inside sentences are found with per-language month tables (every inflected form), which is fast
and never reads "Мая" in "Маяковский" as May; the result keeps the precision the text gives:
"YYYY-MM-DD", "YYYY-MM" or "YYYY".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import chain

# ---- month names, every inflected form, by stem --------------------------------------------------
_MONTHS: dict[str, list[str]] = {
    "ru": [
        r"январ(?:[ьяюе]|ём|ем)|янв\.",
        r"феврал(?:[ьяюе]|ём|ем)|февр?\.",
        r"март(?:[ауе]|ом)?",
        r"апрел(?:[ьяюе]|ем)|апр\.",
        r"ма(?:[йяюе]|ем)",
        r"июн(?:[ьяюе]|ем)",
        r"июл(?:[ьяюе]|ем)",
        r"август(?:[ауе]|ом)?|авг\.",
        r"сентябр(?:[ьяюе]|ём|ем)|сент?\.",
        r"октябр(?:[ьяюе]|ём|ем)|окт\.",
        r"ноябр(?:[ьяюе]|ём|ем)|нояб?\.",
        r"декабр(?:[ьяюе]|ём|ем)|дек\.",
    ],
    "uk": [
        r"січ(?:ень|ня|ні|ню|нем)|січ\.",
        r"лют(?:ий|ого|ому|им)|лют\.",
        r"берез(?:ень|ня|ні|ню|нем)|бер\.",
        r"квіт(?:ень|ня|ні|ню|нем)|квіт\.",
        r"трав(?:ень|ня|ні|ню|нем)|трав\.",
        r"черв(?:ень|ня|ні|ню|нем)|черв\.",
        r"лип(?:ень|ня|ні|ню|нем)|лип\.",
        r"серп(?:ень|ня|ні|ню|нем)|серп\.",
        r"верес(?:ень|ня|ні|ню|нем)|вер\.",
        r"жовт(?:ень|ня|ні|ню|нем)|жовт\.",
        r"листопад(?:а|і|у|ом)?|лист\.",
        r"груд(?:ень|ня|ні|ню|нем)|груд\.",
    ],
    "pl": [
        r"stycz(?:eń|en|nia|niu|niem)|sty\.",
        r"lut(?:y|ego|ym)|lut\.",
        r"mar(?:zec|ca|cu|cem)|mar\.",
        r"kwie(?:cień|cien|tnia|tniu|tniem)|kwi\.",
        r"maj(?:a|u|em)?",
        r"czerw(?:iec|ca|cu|cem)|cze\.",
        r"lip(?:iec|ca|cu|cem)|lip\.",
        r"sierp(?:ień|ien|nia|niu|niem)|sie\.",
        r"wrze(?:sień|sien|śnia|snia|śniu|sniu|śniem|sniem)|wrz\.",
        r"październik(?:a|u|iem)?|pazdziernik(?:a|u|iem)?|paź\.",
        r"listopad(?:a|zie|em)?|lis\.",
        r"grud(?:zień|zien|nia|niu|niem)|gru\.",
    ],
    "de": [
        r"januar|jänner|jan\.",
        r"februar|feb\.",
        r"märz|maerz|mrz\.",
        r"april|apr\.",
        r"mai",
        r"juni",
        r"juli",
        r"august|aug\.",
        r"september|sept?\.",
        r"oktober|okt\.",
        r"november|nov\.",
        r"dezember|dez\.",
    ],
    "en": [
        r"january|jan\.?",
        r"february|feb\.?",
        r"march|mar\.",
        r"april|apr\.?",
        r"may",
        r"june|jun\.",
        r"july|jul\.",
        r"august|aug\.?",
        r"september|sept?\.?",
        r"october|oct\.?",
        r"november|nov\.?",
        r"december|dec\.?",
    ],
}
_ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_YEAR = r"(1[89]\d\d|20\d\d)"
_YEAR_WORD = {
    "ru": r"(?:\s*(?:г\.|гг\.|года|году|год)\b)?",
    "uk": r"(?:\s*(?:р\.|року|році|рік)\b)?",
    "pl": r"(?:\s*(?:r\.|roku|rok)\b)?",
    "de": r"",
    "en": r"",
}


def _month_alt(lang: str) -> str:
    return "|".join(f"(?P<m{i}>{p})" for i, p in enumerate(_MONTHS[lang], 1))


def _compile(lang: str) -> list[tuple[re.Pattern[str], str]]:
    months = _month_alt(lang)
    if lang in ("en", "de"):
        months = (
            rf"(?=(?-i:[A-ZÄÖÜ]))(?:{months})"  # "may" and "mai" are words; months are capitalised
        )
    yw = _YEAR_WORD[lang]
    # "5-го июля", "5-те травня": an ordinal ending may follow the day's number
    dot = (
        r"\.?" if lang == "de" else (r"(?:-?(?:го|е|м|ого|те|го))?" if lang in ("ru", "uk") else "")
    )
    pats: list[tuple[str, str]] = [
        (rf"\b(?P<y>{_YEAR[1:-1]})-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])\b", "iso"),
        (rf"\b(?P<d>[0-2]?\d|3[01])\.(?P<mo>0?[1-9]|1[0-2])\.(?P<y>{_YEAR[1:-1]})\b", "dmy"),
        # "24/02/2022", "2022/02/24": day first, as everywhere but in American English
        (rf"\b(?P<y>{_YEAR[1:-1]})/(?P<mo>0?[1-9]|1[0-2])/(?P<d>[0-2]?\d|3[01])\b", "iso"),
        (rf"\b(?P<d>[0-2]?\d|3[01])/(?P<mo>0?[1-9]|1[0-2])/(?P<y>{_YEAR[1:-1]})\b", "dmy"),
        # "02/24/2022": month first only where the day cannot be a month
        (rf"\b(?P<mo>0?[1-9]|1[0-2])/(?P<d>1[3-9]|2\d|3[01])/(?P<y>{_YEAR[1:-1]})\b", "mdy"),
        # "24.02.22" in a news item: the century of its publication
        (
            r"(?<![\d.])(?P<d>[0-2]?\d|3[01])\.(?P<mo>0[1-9]|1[0-2])\.(?P<yy>\d\d)(?![\d]|\.\d)",
            "dmyy",
        ),
        (
            rf"\b(?P<d>[0-2]?\d|3[01])[ .](?P<rm>{'|'.join(reversed(_ROMAN_MONTHS))})[ .](?P<y>{_YEAR[1:-1]})\b",
            "droman",
        ),
    ]
    # a range of days or months is dated by its first ("23–24 февраля", "vom 5. bis 12. Juli",
    # "on the night of 23–24 February", "w lipcu i sierpniu 1943")
    plain = "|".join(f"(?:{p})" for p in _MONTHS[lang])
    if lang in ("en", "de"):
        plain = rf"(?=(?-i:[A-ZÄÖÜ]))(?:{plain})"
    to = {
        "ru": r"по|до|на|и",
        "uk": r"по|до|на|і|й|та",
        "pl": r"do|na|i",
        "de": r"bis(?:\s+zum)?|auf\s+den|zum|und",
        "en": r"to|and|into",
    }[lang]
    link = rf"\s*(?:[–—/-]|\s(?:{to})\s)\s*"
    if lang == "en":
        nth = r"(?:st|nd|rd|th)?"
        pats += [
            (
                rf"\b(?P<d>[0-2]?\d|3[01]){nth}{link}(?P<d2>[0-2]?\d|3[01]){nth}\s+(?:of\s+)?(?:{months})\.?(?:,?\s+(?P<y>{_YEAR[1:-1]})\b)?",
                "drange",
            ),
            (
                rf"\b(?:{months})\s+(?P<d>[0-2]?\d|3[01]){nth}{link}(?P<d2>[0-2]?\d|3[01]){nth}(?:,?\s+(?P<y>{_YEAR[1:-1]})\b)?",
                "drange",
            ),
        ]
    else:
        pats.append(
            (
                rf"\b(?P<d>[0-2]?\d|3[01]){dot}{link}(?P<d2>[0-2]?\d|3[01]){dot}\s*(?:{months})(?:\s+(?P<y>{_YEAR[1:-1]}){yw})?(?![\w])",
                "drange",
            )
        )
    pats.append(
        (
            rf"(?<![\w])(?:{months}){link}(?:{plain})\s+(?P<y>{_YEAR[1:-1]}){yw}(?![\w])",
            "mrange",
        )
    )
    if lang == "en":
        pats += [
            (
                rf"\b(?:{months})\s+(?P<d>[0-2]?\d|3[01])(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR[1:-1]})\b",
                "mdy",
            ),
            (
                rf"\b(?P<d>[0-2]?\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{months})\.?,?\s+(?P<y>{_YEAR[1:-1]})\b",
                "dmy_named",
            ),
            (
                rf"\b(?:{months})\s+(?P<d>[0-2]?\d|3[01])(?:st|nd|rd|th)?(?![\d])",
                "md",
            ),
            (rf"\b(?P<d>[0-2]?\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{months})\b", "dm"),
            (rf"\b(?:{months})\.?,?\s+(?:of\s+)?(?P<y>{_YEAR[1:-1]})\b", "my"),
        ]
    else:
        pats += [
            (
                rf"\b(?P<d>[0-2]?\d|3[01]){dot}\s*(?:{months})\s+(?P<y>{_YEAR[1:-1]}){yw}",
                "dmy_named",
            ),
            (rf"\b(?P<d>[0-2]?\d|3[01]){dot}\s*(?:{months})(?![\w])", "dm"),
            (rf"(?<![\w])(?:{months})\s+(?P<y>{_YEAR[1:-1]}){yw}", "my"),
        ]
    # a month named alone ("We wrześniu", "в ноябре", "im März"): the year from context
    month_prep = {
        "ru": r"(?:в|во|с|со|до|к|ко|по|после|течение|середине|середины|начале|начала|конце|"
        r"конца|половине|половины|числах|декаде|между)",
        "uk": r"(?:у|в|з|із|до|по|після|протягом|середині|середини|початку|початок|кінця|"
        r"кінці|наприкінці|половині|половини|числах|декаді|між)",
        "pl": r"(?:w|we|od|do|po|przez|połowie|połowy|początku|początkiem|końcu|końca|końcem|"
        r"koniec|przełomie|ciągu|między|dniach|dni)",
        "de": r"(?:im|seit|bis|ab|vom|zum|Anfang|Mitte|Ende|Laufe\s+des|zwischen)",
        "en": r"(?:in|since|until|till|early|mid-?|late|during|of|by|from|through|throughout|"
        r"between|before|after)",
    }[lang]
    pats.append((rf"(?<![\w])(?:{month_prep}\s+|mid-)(?:{months})(?![\w])(?!\s+\d{{4}})", "m"))
    # a year, with its word, its ordinal ending ("1943-м", "1939-го") or a season before it
    year_only = {
        "ru": rf"(?:\b(?P<y>{_YEAR[1:-1]})(?:[–—-](?:{_YEAR[1:-1]}|\d\d))?(?:\s*(?:гг\.|г\.|годах|годы|годов|года|году|год)|-(?:го|м))(?![\w])|"
        rf"(?<![\w])(?:летом|весной|осенью|зимой|в\s+начале|в\s+конце|в\s+середине)\s+(?P<y2>{_YEAR[1:-1]})\b)",
        "uk": rf"(?:\b(?P<y>{_YEAR[1:-1]})(?:[–—-](?:{_YEAR[1:-1]}|\d\d))?(?:\s*(?:рр\.|р\.|роках|роки|років|року|році|рік)|-(?:го|му))(?![\w])|"
        rf"(?<![\w])(?:влітку|улітку|навесні|восени|взимку|узимку|на\s+початку|наприкінці)\s+(?P<y2>{_YEAR[1:-1]})\b)",
        "pl": rf"(?:\b(?P<y>{_YEAR[1:-1]})(?:[–—-](?:{_YEAR[1:-1]}|\d\d))?\s*(?:r\.|roku|rok|latach|lata|lat)(?![\w])|"
        rf"(?<![\w])(?:latem|wiosną|jesienią|zimą|w\s+lecie|na\s+początku|pod\s+koniec|w\s+latach)\s+(?P<y2>{_YEAR[1:-1]})\b)",
        # (or a year standing between a verb and its object, "wurde 1937 von … verlegt",
        # "stellte 2010 den Kern": lower-case words both sides, so no unit's number — not an
        # earlier episode, "bereits 2023", "schon 1943", told as background)
        "de": rf"(?:(?<=(?-i:[a-zäöüß])\s)(?<!bereits\s)(?<!schon\s)(?<!noch\s)(?<!erst\s)(?P<y2>{_YEAR[1:-1]})(?=\s+(?!(?:km|m|t|kg|mm|cm|ha|mal)\b)(?-i:[a-zäöüß]))|"
        rf"\b(?:im\s+(?:Jahre?\s+)?|Jahr(?:es)?\s+|seit\s+|bis\s+|von\s+|ab\s+|um\s+|gegen\s+|zwischen\s+|(?:im\s+)?(?:Frühjahr|Frühling|Sommer|Herbst|Winter)\s+|Anfang\s+|Ende\s+|Mitte\s+)(?P<y>{_YEAR[1:-1]})\b(?:\s*(?:[–—/-]|\s(?:bis|und)\s)\s*(?:{_YEAR[1:-1]}|\d\d)\b)?)",
        "en": rf"\b(?:(?:in|since|of|during|by|early|late|mid|until|till|through|throughout|from|"
        rf"spring|summer|autumn|fall|winter)\s+|mid-)(?P<y>{_YEAR[1:-1]})\b"
        rf"(?:\s*(?:[–—/-]|\s(?:to|and)\s)\s*(?:{_YEAR[1:-1]}|\d\d)\b)?",
    }[lang]
    pats.append((year_only, "y"))
    # a season named alone ("Jesienią brygada odpoczywała", "навесні обороняла"): the year the
    # story is in, no month — not a day carried from the sentence before
    season = {
        "ru": r"весной|летом|осенью|зимой",
        "uk": r"навесні|влітку|улітку|восени|взимку|узимку",
        "pl": r"wiosną|latem|jesienią|zimą",
        "de": r"im\s+(?:Frühjahr|Frühling|Sommer|Herbst|Winter)",
        "en": r"in\s+(?:the\s+)?(?:spring|summer|autumn|winter)",
    }[lang]
    pats.append(
        (rf"(?<![\w])(?:{season})(?![\w])(?![^.;,\n]{{0,16}}(?<!\d)\d{{4}}(?!\d))", "season")
    )
    if lang != "en":
        # "на 12.03", "am 12.03.": a day and month in figures, the year from context (not a
        # decimal: "2.05 млн", "12.03%")
        pats.append(
            (
                # nor a time of day ("около 12.05", "um 14.05", "o godz. 12.05")
                r"(?<![\d.,/])(?<!около\s)(?<!um\s)(?<!godz\.\s)(?<!godzinie\s)(?<!o\s)"
                r"(?P<d>[0-2]?\d|3[01])\.(?P<mo>0[1-9]|1[0-2])(?!\d|[.,]\d)"
                r"(?!\.?\s*(?:млн|млрд|тыс|тис|км|km|mln|mld|tys|Mio|Mrd|Uhr|ч\b|год\b|%|"
                r"м\b|m\b|мм|mm|см|cm|кг|kg|т\b|t\b|га\b|ha\b|л\b|l\b|Prozent|proc))",
                "dm",
            )
        )
    # "on the 12th", "12-го числа": a day of the month the text last named
    day_only = {
        "ru": r"(?<![\w])(?P<d>[0-2]?\d|3[01])-?(?:го|е)\s+числа(?![\w])",
        "uk": r"(?<![\w])(?P<d>[0-2]?\d|3[01])-?(?:го|е)\s+числа(?![\w])",
        "pl": r"(?<![\w])(?P<d>[0-2]?\d|3[01])\.?\s+dnia\s+miesiąca(?![\w])",
        # (or "am 28. mit Panzern": an ordinal before a lower-case word is no noun's — a day)
        "de": r"(?<![\w])am\s+(?P<d>[0-2]?\d|3[01])\.(?:\s+(?:des\s+Monats|dieses\s+Monats)"
        r"|(?=\s+(?-i:[a-zäöüß])|\s*[,;)]))",
        # (not a unit: "joined by the 3rd Tank Brigade", "by the 3rd guards army")
        "en": r"(?<![\w])(?:on|by|until|from)\s+the\s+(?P<d>[0-2]?\d|3[01])(?:st|nd|rd|th)(?![\w])"
        # (nor a named unit: "held by the 31st Kaniów Rifle Regiment" — any capitalised word)
        r"(?!\s+(?:(?-i:[A-Z])|(?:infantry|armou?red|tanks?|motori[sz]ed|rifles?|airborne|guards?|"
        r"mechani[sz]ed|brigades?|divisions?|army|armies|corps|regiments?|battalions?|separate|"
        r"assault|mountain|marines?|panzer|cavalry|light|heavy|air|naval|special|"
        r"and\s+\d)(?![\w])))",
    }[lang]
    pats.append((day_only, "d"))
    # "by the middle of the month", "в конце месяца": the month the story last named (a news
    # item's "this month" is its publication's, read by _periods)
    month_ctx = {
        "ru": r"(?:в|к|до|с)\s+(?:середин[еуы]|конц[еау]|начал[еау]|половин[еуы])\s+месяца"
        r"|(?:в\s+)?(?:первых|последних)\s+числах\s+месяца",
        "uk": r"(?:в|у|до|з|на)\s+(?:середин[іиу]|кін(?:ця|ці|ець)|початку|половин[іиу])\s+місяця"
        r"|наприкінці\s+місяця",
        "pl": r"(?:w\s+połowie|do\s+połowy|pod\s+koniec|do\s+końca|w\s+końcu|z\s+końcem|"
        r"na\s+początku|w\s+pierwszych\s+dniach|w\s+ostatnich\s+dniach)\s+miesiąca",
        "de": r"(?:Anfang|Mitte|Ende|bis\s+(?:Mitte|Ende))\s+des\s+Monats",
        "en": r"(?:the\s+)?(?:middle|end|beginning|start|first\s+days?|last\s+days?|"
        r"(?:first|second|third|fourth|last)\s+(?:week|half))\s+of\s+the\s+month",
    }[lang]
    pats.append((rf"(?<![\w])(?:{month_ctx})(?![\w])", "mctx"))
    return [(re.compile(p, re.I), how) for p, how in pats]


_PATTERNS = {lang: _compile(lang) for lang in _MONTHS}
_RELATIVE = {
    "ru": {"сегодня": 0, "вчера": -1, "позавчера": -2},
    "uk": {"сьогодні": 0, "вчора": -1, "учора": -1, "позавчора": -2},
    "pl": {"dzisiaj": 0, "dziś": 0, "wczoraj": -1, "przedwczoraj": -2},
    "de": {"heute": 0, "gestern": -1, "vorgestern": -2, "gestrigen": -1},
    "en": {"today": 0, "yesterday": -1},
}
# "derzeit", "currently", "наразі" in a news item: the state at its publication ("die seit 2017
# in Rukla stationiert ist und derzeit von der PzGrenBrig 37 gestellt wird")
_NOW = {
    "ru": ["сейчас", "ныне", "в настоящее время"],
    "uk": ["зараз", "нині", "наразі", "тепер", "на цей час"],
    "pl": ["obecnie", "aktualnie", "teraz", "w tej chwili"],
    "de": ["derzeit", "zurzeit", "aktuell", "gegenwärtig", "jetzt"],
    # (not a bare "now": "born in Lwów, now Lviv")
    "en": ["currently", "at present", "presently", r"(?:is|are)\s+now", "right now"],
}


# "в этом месяце", "last year" in a news item: the month or year counted from its publication
_PERIODS: dict[str, list[tuple[str, str, int]]] = {
    "ru": [
        (
            r"(?:в\s+(?:этом|текущем|нынешнем)|(?:в\s+)?(?:начале|середине|конце)\s+(?:этого|текущего))\s+месяц[еа]|этого\s+месяца",
            "m",
            0,
        ),
        (r"в\s+(?:прошлом|минувшем|прошедшем)\s+месяце|(?:прошлого|минувшего)\s+месяца", "m", -1),
        (r"в\s+(?:этом|текущем|нынешнем)\s+году|этого\s+года|текущего\s+года", "y", 0),
        (r"в\s+(?:прошлом|минувшем|прошедшем)\s+году|(?:прошлого|минувшего)\s+года", "y", -1),
    ],
    "uk": [
        (
            r"(?:у|в)\s+(?:цьому|поточному)\s+місяці|(?:на\s+початку\s+|наприкінці\s+|в\s+середині\s+)?(?:цього|поточного)\s+місяця",
            "m",
            0,
        ),
        (r"(?:у|в)\s+минулому\s+місяці|минулого\s+місяця", "m", -1),
        (r"(?:у|в)\s+(?:цьому|поточному)\s+році|(?:цього|поточного)\s+року", "y", 0),
        (r"(?:у|в)\s+минулому\s+році|минулого\s+року", "y", -1),
    ],
    "pl": [
        (
            r"w\s+(?:tym|bieżącym|obecnym)\s+miesiącu|(?:na\s+początku\s+|pod\s+koniec\s+|w\s+połowie\s+)?(?:tego|bieżącego)\s+miesiąca",
            "m",
            0,
        ),
        (
            r"w\s+(?:zeszłym|ubiegłym|poprzednim)\s+miesiącu|(?:zeszłego|ubiegłego)\s+miesiąca",
            "m",
            -1,
        ),
        (r"w\s+(?:tym|bieżącym|obecnym)\s+roku|(?:tego|bieżącego)\s+roku", "y", 0),
        (r"w\s+(?:zeszłym|ubiegłym|poprzednim)\s+roku|(?:zeszłego|ubiegłego)\s+roku", "y", -1),
    ],
    "de": [
        (
            r"(?:in\s+diesem|im\s+laufenden|(?:Anfang|Mitte|Ende)\s+dieses)\s+Monats?|(?:Anfang|Mitte|Ende)\s+des\s+Monats",
            "m",
            0,
        ),
        (
            r"(?:im\s+(?:vergangenen|letzten|Vor)|(?:Anfang|Mitte|Ende)\s+(?:des\s+)?(?:vergangenen|letzten))\s*[Mm]onats?",
            "m",
            -1,
        ),
        (r"(?:in\s+diesem|im\s+laufenden)\s+Jahr|dieses\s+Jahres", "y", 0),
        (r"im\s+(?:vergangenen|letzten|Vor)\s*[Jj]ahr|(?:vergangenen|letzten)\s+Jahres", "y", -1),
    ],
    "en": [
        (
            r"(?:earlier|later|late|early)\s+this\s+month|this\s+month|(?:at\s+)?the\s+(?:start|beginning|end)\s+of\s+the\s+month",
            "m",
            0,
        ),
        (r"last\s+month|(?:earlier|late|early)\s+last\s+month", "m", -1),
        (r"(?:earlier|later)\s+this\s+year|this\s+year", "y", 0),
        (r"last\s+year", "y", -1),
    ],
}
_PERIOD_RE = {
    lang: [(re.compile(rf"(?<![\w])(?:{p})(?![\w])", re.I), how, n) for p, how, n in rows]
    for lang, rows in _PERIODS.items()
}


def _periods(text: str, lang: str, published: datetime) -> list[DateHit]:
    out = []
    for rx, how, n in _PERIOD_RE[lang]:
        for m in rx.finditer(text):
            if how == "y":
                value = f"{published.year + n:04d}"
            else:
                y, mo = divmod(published.year * 12 + published.month - 1 + n, 12)
                value = f"{y:04d}-{mo + 1:02d}"
            out.append(DateHit(m.start(), m.end(), value, 3))
    return out


# "в понедельник", "am Dienstag", "on Friday" in a news item: the last such day up to its
# publication (a report tells the past week).
_WEEKDAYS = {
    "ru": (
        r"(?:в|во|на|с|со|до|к|ко)\s+(?:прошл\w+\s+|минувш\w+\s+|эт\w+\s+)?",
        [
            "понедельник(?:а|у)?",
            "вторник(?:а|у)?",
            "сред[уыеа]",
            "четверг(?:а|у)?",
            "пятниц[уые]",
            "суббот[уые]",
            "воскресень[ея]",
        ],
    ),
    "uk": (
        r"(?:у|в|на|з|із|зі|до|від)\s+(?:минул\w+\s+|ц\w+\s+)?",
        [
            "понеділ(?:ок|ка)",
            "вівтор(?:ок|ка)",
            "серед[уи]",
            "четвер(?:га)?",
            "п['ʼ’]ятниц[юі]",
            "субот[уи]",
            "неділ[юі]",
        ],
    ),
    "pl": (
        r"(?:w|we|na|od|do|z|ze)\s+(?:ostatni\w*\s+|zeszł\w+\s+|ubiegł\w+\s+)?",
        [
            "poniedziałek|poniedziałku",
            "wtorek|wtorku",
            "środę|środy",
            "czwartek|czwartku",
            "piątek|piątku",
            "sobotę|soboty",
            "niedzielę|niedzieli",
        ],
    ),
    "de": (
        r"(?:am|seit|bis|in\s+der\s+Nacht\s+(?:zum|zu|auf\s+den|auf))\s+"
        r"(?:vergangenen\s+|letzten\s+|gestrigen\s+)?",
        [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "(?:Samstag|Sonnabend)",
            "Sonntag",
        ],
    ),
    "en": (
        r"(?:(?:on|since|last|early|late|overnight\s+into|into)\s+)?",
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    ),
}
_WEEKDAY_RE = {
    lang: re.compile(
        rf"(?<![\w]){pre}(?:{'|'.join(f'(?P<w{i}>{d})' for i, d in enumerate(days))})"
        # "am Donnerstagabend", "Sonntagmorgen"
        r"(?:abend|morgen|nachmittag|vormittag|mittag|nacht)?(?![\w])",
        0 if lang == "en" else re.I,
    )
    for lang, (pre, days) in _WEEKDAYS.items()
}


def _weekdays(text: str, lang: str, published: datetime) -> list[DateHit]:
    out = []
    for m in _WEEKDAY_RE[lang].finditer(text):
        wd = next(i for i in range(7) if m.group(f"w{i}"))
        day = published.date() - timedelta(days=(published.weekday() - wd) % 7)
        out.append(DateHit(m.start(), m.end(), day.isoformat(), 1))
    return out


# "на следующий день", "zwei Tage später", "the same day": a day counted from the last day the
# text wrote before it (a story told in order).
_NUM = {
    "ru": {"два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "несколько": None},
    "uk": {"два": 2, "дві": 2, "три": 3, "чотири": 4, "п'ять": 5, "пʼять": 5},
    "pl": {"dwa": 2, "dwóch": 2, "dwu": 2, "trzy": 3, "trzech": 3, "cztery": 4, "pięć": 5},
    "de": {"zwei": 2, "drei": 3, "vier": 4, "fünf": 5},
    "en": {"two": 2, "three": 3, "four": 4, "five": 5},
}
_SAME_NEXT = {
    "ru": [
        (r"накануне", -1),
        (r"на\s+следующий\s+день|наследующий\s+день|назавтра|на\s+другой\s+день", 1),
        (r"в\s+тот\s+же\s+день|в\s+этот\s+(?:же\s+)?день|тем\s+же\s+днём|того\s+же\s+дня", 0),
    ],
    "uk": [
        (r"напередодні", -1),
        (r"наступного\s+дня|наступний\s+день|на\s+другий\s+день|назавтра", 1),
        (r"того\s+ж(?:\s+самого)?\s+дня|у\s+той\s+же\s+день|в\s+той\s+же\s+день", 0),
    ],
    "pl": [
        (r"poprzedniego\s+dnia|dzień\s+wcześniej|dzień\s+wcześniej", -1),
        (r"następnego\s+dnia|nazajutrz|dzień\s+później|kolejnego\s+dnia", 1),
        (r"tego\s+(?:samego\s+)?dnia|w\s+tym\s+samym\s+dniu", 0),
    ],
    "de": [
        (r"am\s+vortag|tags\s+zuvor|am\s+tag\s+zuvor|einen\s+tag\s+(?:zuvor|vorher|früher)", -1),
        (
            r"am\s+(?:nächsten|folgenden)\s+tag|am\s+tag\s+darauf|tags\s+darauf|einen\s+tag\s+später",
            1,
        ),
        (r"am\s+selben\s+tag|am\s+gleichen\s+tag|noch\s+am\s+selben\s+tag|an\s+diesem\s+tag", 0),
    ],
    "en": [
        (r"the\s+(?:day|night)\s+before|the\s+previous\s+day|a\s+day\s+earlier", -1),
        (r"the\s+(?:next|following)\s+day|a\s+day\s+later|one\s+day\s+later", 1),
        (r"the\s+same\s+day|that\s+(?:same\s+)?day|on\s+that\s+day", 0),
    ],
}
_N_LATER = {
    "ru": r"(?:через\s+(?P<n>\w+)\s+дн(?:я|ей)|(?P<n2>\w+)\s+дн(?:я|ей)\s+спустя)",
    "uk": r"(?:через\s+(?P<n>[\wʼ']+)\s+дн(?:і|ів)|(?P<n2>[\wʼ']+)\s+дн(?:і|ів)\s+потому)",
    "pl": r"(?:(?P<n>\w+)\s+dni\s+później|po\s+(?P<n2>\w+)\s+dniach)",
    "de": r"(?:(?P<n>\w+)\s+tage\s+(?:später|danach|darauf))",
    "en": r"(?:(?P<n>\w+)\s+days\s+later)",
}


def _relative_days(
    text: str, lang: str, hits: list[DateHit], published: datetime | None = None
) -> list[DateHit]:
    """Days written relative to the day told before: "наступного дня", "zwei Tage später",
    "накануне" (with no day told before, the day before publication)."""
    pats: list[tuple[re.Pattern[str], int | None]] = [
        (re.compile(rf"(?<![\w]){p}(?![\w])", re.I), d) for p, d in _SAME_NEXT[lang]
    ]
    pats.append((re.compile(rf"(?<![\w]){_N_LATER[lang]}(?![\w])", re.I), None))
    out: list[DateHit] = []
    for m in re.finditer(rf"(?<![\w])(?:{_FEW_DAYS[lang]})(?![\w])", text, re.I):
        before = [h for h in hits if h.end <= m.start() and len(h.value) >= 7]
        if before:
            out.append(DateHit(m.start(), m.end(), before[-1].value[:7], 3))
    for rx, delta in pats:
        for m in rx.finditer(text):
            if delta is None:
                word = (m.group("n") or m.groupdict().get("n2") or "").lower()
                n = int(word) if word.isdigit() else _NUM[lang].get(word)
                if n is None:
                    continue
            else:
                n = delta
            before = [h for h in hits if h.end <= m.start() and h.precision == 1]
            if not before:
                if n < 0 and published is not None:
                    day = published.date() + timedelta(days=n)
                    out.append(DateHit(m.start(), m.end(), day.isoformat(), 1))
                continue
            day = date.fromisoformat(before[-1].value) + timedelta(days=n)
            out.append(DateHit(m.start(), m.end(), day.isoformat(), 1))
    return out


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    value: str  # YYYY[-MM[-DD]]
    precision: int  # 1 day, 2 day from context ("now"), 3 month or year (ACLED-style)


_NIGHT = re.compile(r"(?:ночь|ночі|ніч|nocy|noc|Nacht|night)\W*(?:\w+\W+)?$", re.I)


def _month_of(m: re.Match[str]) -> int | None:
    for i in range(1, 13):
        if m.groupdict().get(f"m{i}"):
            return i
    return None


def find_dates(text: str, lang: str, published: datetime | None = None) -> list[DateHit]:
    """Every date written in `text`, at the precision written; a day without a year takes the
    year of `published` (and is dropped without one), "yesterday" counts from `published`."""
    if lang not in _PATTERNS:
        lang = "en"
    raw: list[tuple[int, int, int | None, int | None, int | None, str]] = []
    taken: list[tuple[int, int]] = []
    for pat, how in _PATTERNS[lang]:
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            g = m.groupdict()
            y = int(g["y"]) if g.get("y") else (int(g["y2"]) if g.get("y2") else None)
            mo = int(g["mo"]) if g.get("mo") else _month_of(m)
            if g.get("rm"):
                mo = _ROMAN_MONTHS.index(g["rm"].upper()) + 1
            d = int(g["d"]) if g.get("d") else None
            if g.get("yy"):
                if published is None:
                    continue
                y = published.year // 100 * 100 + int(g["yy"])
            if g.get("d2") and _NIGHT.search(text[max(0, s - 30) : s]):
                d = int(g["d2"])  # "в ночь с 23 на 24 февраля": the night's morning names it
            if how == "mctx" and published is not None:
                continue  # a news item's "this month": _periods, from its publication
            if how == "season" and published is not None:
                continue  # a news item's "in the autumn" is mostly a plan: its day stands
            if mo is None and how not in ("y", "d", "mctx", "season"):
                continue
            if how == "y" and lang == "de" and g.get("y2"):
                # a bare year after a capitalised word is a unit's number ("Panzerregiment 1939")
                prev = re.search(r"(\S+)\s+$", text[max(0, s - 40) : s])
                if prev is not None and prev.group(1)[0].isupper():
                    continue
            raw.append((s, e, y, mo, d, how))
            taken.append((s, e))
    raw.sort()
    hits: list[DateHit] = []
    last_year: int | None = None
    # a history without a publication date that names the day before the year ("13 sierpnia …
    # w 1920 roku", "Bitwa 1920"): the day takes the year the text names first, wherever it is
    first = next((r for r in raw if r[2] is not None), None)
    # "Vier Jahre später, im Januar 1945": the days told before it are of 1941
    story_year = None if first is None else first[2] - _years_back(text, first[0], lang)  # type: ignore[operator]
    if published is None:
        # a history's heading names the year of its story ("Polenfeldzug 1939"); a year in a
        # citation there ("(М., 1972)", "(Privatdruck, 1958)") is the book's, not the story's
        head = _head_year(text)
        if head is not None and not re.match(r"\s*[–—-]\s*\d{4}", text[head.end() :]):
            # (a span, "1921–2024", "1939–1945", is no one year: the first the story names)
            story_year = int(head.group(1))
        elif story_year is None:
            bare = next(
                (
                    b
                    for b in re.finditer(r"(?<![\w.,/-])(1[89]\d\d|20\d\d)(?![\w.,/-]|-\w)", text)
                    if not _cited(text, b.start())
                ),
                None,
            )
            story_year = int(bare.group(1)) if bare else None
    last_month: int | None = None
    for s, e, y, mo, d, how in raw:
        before = last_month
        if how in ("d", "mctx"):
            mo = last_month  # "on the 12th", "by the end of the month": of the month last named
            if mo is None:
                continue
        elif mo is not None:
            last_month = mo
        if y is None:
            # a day and month without a year: the year the text last named, else publication's
            y = (
                last_year
                if last_year is not None
                else (published.year if published else story_year)
            )
            if y is None:
                continue
            if last_year is not None and before is not None and before >= 11 and mo and mo <= 2:
                # the story has crossed a new year ("27 December … in January"): the next one
                y = last_year = last_year + 1
            if last_year is None and published is not None and mo is not None:
                cand = _safe_date(y, mo, d or 1)
                if (
                    cand is not None
                    and cand > published.date() + timedelta(days=1)
                    and (published.date() - date(y - 1, mo, 1)).days <= 100
                ):
                    y -= 1  # "12 декабря" in a January report is last December (not "in May"
                    # in a March report: a plan, dropped from a news item's mentions)
        elif how != "y" or last_year is None or y >= last_year:
            # (a bare year going back is background — "8 Dywizja, sformowana w 1921 r., …" in a
            # story of 1939 — and no year for the days told after it)
            last_year = y
        if how in ("y", "season"):
            hits.append(DateHit(s, e, f"{y:04d}", 3))
        elif d is None and mo is not None:
            hits.append(DateHit(s, e, f"{y:04d}-{mo:02d}", 3))
        elif mo is not None and d is not None and _safe_date(y, mo, d):
            hits.append(DateHit(s, e, f"{y:04d}-{mo:02d}-{d:02d}", 1))
    if published is None:
        # a history's heading that names only its year ("Bitwa Warszawska 1920"): its period
        m = _head_year(text)
        if m is not None and not any(h.start < m.end() and m.start() < h.end for h in hits):
            hits.append(DateHit(m.start(), m.end(), m.group(1), 3))
    if published is not None:
        # ("now" is the publication's day only by context: precision 2, below a written date)
        rows = chain(
            ((w, d, 1) for w, d in _RELATIVE[lang].items()), ((w, 0, 2) for w in _NOW[lang])
        )
        for word, delta, precision in rows:
            for m in re.finditer(rf"(?<![\w]){word}(?![\w])", text, re.I):
                if not any(m.start() < te and ts < m.end() for ts, te in taken):
                    day = (published + timedelta(days=delta)).date()
                    hits.append(DateHit(m.start(), m.end(), day.isoformat(), precision))
        for h in _weekdays(text, lang, published) + _periods(text, lang, published):
            if not any(h.start < te and ts < h.end for ts, te in taken):
                hits.append(h)
    hits.sort(key=lambda h: h.start)
    return sorted(hits + _relative_days(text, lang, hits, published), key=lambda h: h.start)


_BARE_YEAR = re.compile(r"(?<![\w.,/-])(1[89]\d\d|20\d\d)(?![\w.,/-]|-\w)")


def heading_lines(text: str) -> int:
    """Where a text's heading ends: its first lines (at most three, a breadcrumb or a title and a
    subtitle) that are short and no sentence; 0 when the text opens with a sentence."""
    pos = 0
    for _ in range(3):
        cut = text.find("\n", pos)
        line = text[pos : len(text) if cut < 0 else cut].strip()
        if len(line) > 120 or re.search(r"[.!?]$", line) or (not line and pos == 0):
            break
        if cut < 0:
            return len(text)
        pos = cut + 1
    return pos


def _cited(text: str, pos: int) -> bool:
    """A year closing a parenthesised citation ("(М., 1972)", "(з посібника, 2019)", "(Warszawa
    1979)"): the book's year, not the story's."""
    return re.search(r"\([^()\n]*(?:,|\w\s)\s*$", text[max(0, pos - 80) : pos]) is not None and (
        re.match(r"\d{4}\s*\)", text[pos:]) is not None
    )


def _head_year(text: str) -> re.Match[str] | None:
    """The first year a history's heading names, not a citation's."""
    end = heading_lines(text)
    for m in _BARE_YEAR.finditer(text, 0, end):
        if not _cited(text, m.start()):
            return m
    return None


_LATER_YEARS = {
    "ru": (
        r"(?P<n>\w+)\s+(?:лет|года|год)\s+(?:спустя|позже|позднее)",
        r"через\s+(?P<n>\w+)\s+(?:лет|года|год)",
    ),
    "uk": (
        r"(?P<n>[\wʼ']+)\s+(?:років|роки|рік)\s+(?:потому|пізніше|опісля)",
        r"через\s+(?P<n>[\wʼ']+)\s+(?:років|роки|рік)",
    ),
    "pl": (r"(?P<n>\w+)\s+(?:lat|lata)\s+(?:później|potem)", r"po\s+(?P<n>\w+)\s+latach"),
    "de": (r"(?P<n>\w+)\s+Jahre\s+(?:später|danach|darauf)", r"nach\s+(?P<n>\w+)\s+Jahren"),
    "en": (r"(?P<n>\w+)\s+years\s+(?:later|afterwards|on)", r"after\s+(?P<n>\w+)\s+years"),
}
_MORE_NUM = {
    "ru": {"шесть": 6, "семь": 7, "десять": 10},
    "uk": {"шість": 6, "сім": 7, "десять": 10},
    "pl": {"sześć": 6, "siedem": 7, "dziesięć": 10},
    "de": {"sechs": 6, "sieben": 7, "zehn": 10},
    "en": {"six": 6, "seven": 7, "ten": 10},
}


def _years_back(text: str, pos: int, lang: str) -> int:
    """N when the year at `pos` is introduced by "N years later" (within its clause): the story
    before it is N years earlier."""
    window = text[max(0, pos - 60) : pos]
    for p in _LATER_YEARS[lang]:
        m = re.search(rf"(?<![\w]){p}[,\s]+(?:[\w.]+\s+){{0,3}}$", window, re.I)
        if m is not None:
            word = m.group("n").lower()
            n = int(word) if word.isdigit() else (_NUM[lang] | _MORE_NUM[lang]).get(word)
            if n:
                return n
    return 0


# ---- which clause a date belongs to (used by tie.Tier.date) ---------------------------------------
# A comma and a word opening another clause: a coordinating conjunction ("…, а 31 августа у
# Комарова произошло …", "…, and a spokesman said …") or a relative word ("бої за місто, що
# тривали до середини квітня").
_CONJ = {
    # (and a purpose, "…, by w styczniu 1945 wejść do Warszawy", "…, чтобы к маю выйти": a
    # date it aims at is not the mention's)
    "ru": r"а|(?P<and>и)|но|однако|тогда\s+как|в\s+то\s+время\s+как|пока|причём|причем|чтобы",
    "uk": r"а|(?P<and>і|й|та)|але|проте|однак|тоді\s+як|в\s+той\s+час\s+як|поки|причому|щоб|аби",
    "pl": r"a|(?P<and>i|oraz)|ale|lecz|zaś|natomiast|podczas\s+gdy|choć|chociaż|by|aby|żeby",
    "de": r"(?P<and>und)|aber|doch|sondern|während|wobei|bevor|nachdem|um",
    "en": r"(?P<and>and)|but|while|whereas|although|though",
}
_REL = {
    "ru": r"котор\w+|где|когда|что|куда",
    "uk": r"як(?:ий|а|е|і|ого|ої|их|ому|им)|де|коли|що|куди",
    "pl": r"któr\w+|gdzie|kiedy|gdy|że|dokąd",
    "de": r"der|die|das|dem|den|deren|dessen|wo|als|wohin|wie",
    "en": r"which|who|whom|whose|where|when|that",
}
_CONJ_RE = {lg: re.compile(rf",\s*(?:{w})(?![\w])", re.I) for lg, w in _CONJ.items()}
_REL_RE = {lg: re.compile(rf",\s*(?:{w})(?![\w])", re.I) for lg, w in _REL.items()}


def other_clause(gap: str, lang: str, units: tuple[int, ...] = ()) -> bool:
    """Whether a date after a mention stands in another clause than the mention's: `gap` (the
    text between them) holds a comma opening a clause of its own — a conjunction anywhere (not
    an "and" joining another unit, starting at an offset in `units`, to the subject: "the 11th
    Division, whose …, and the 10th Brigade will join … in mid-March"), or a relative word not
    right after the mention's words ("das Korps der Russen, das am 28. …" is the unit's clause;
    "зав'язала бої за місто, що тривали до …" is the town's)."""
    for m in _CONJ_RE.get(lang, _CONJ_RE["en"]).finditer(gap):
        if not (m.group("and") and any(0 <= u - m.end() <= 25 for u in units)):
            return True
    m = _REL_RE.get(lang, _REL_RE["en"]).search(gap)
    return m is not None and len(gap[: m.start()].strip()) > 20


# "whereas": a clause set against the last one, of another subject ("…, а части 31 марта взяли
# Шали", "…, while the 3rd Brigade on 5 May …") — not "but", which goes on about the same one
# ("…, ale 1 sierpnia jej pododdziały zostały odrzucone")
_WHEREAS = {
    "ru": r"а|тогда\s+как|в\s+то\s+время\s+как",
    "uk": r"а|тоді\s+як|в\s+той\s+час\s+як",
    "pl": r"a|zaś|natomiast|podczas\s+gdy",
    "de": r"während|wohingegen",
    "en": r"while|whereas",
}
_WHEREAS_RE = {lg: re.compile(rf",\s*(?:{w})(?![\w])", re.I) for lg, w in _WHEREAS.items()}


def contrast_clause(gap: str, lang: str) -> bool:
    """Whether `gap` opens a "whereas" clause: another subject's action, its date not the
    mention's."""
    return _WHEREAS_RE.get(lang, _WHEREAS_RE["en"]).search(gap) is not None


# "within a few days", "a few days later", "за кілька днів", "einige Tage später", "for a few
# more days": some days after the day last told — its month is sure, the day is not
_FEW_DAYS = {
    "ru": r"(?:через|за|спустя)\s+(?:несколько|пару|считанные)\s+(?:дней|дня)(?!\s+до)"
    r"|(?:несколько|пару)\s+дней\s+спустя|ещ[её]\s+несколько\s+дней",
    "uk": r"(?:через|за)\s+(?:кілька|декілька|пару|лічені)\s+(?:днів|дні)(?!\s+до)"
    r"|(?:кілька|декілька)\s+днів\s+потому|ще\s+(?:кілька|декілька)\s+днів",
    "pl": r"(?:po|w\s+ciągu|przez)\s+(?:kilku|paru)\s+dni(?:ach)?|(?:kilka|parę)\s+dni\s+później"
    r"|jeszcze\s+(?:przez\s+)?(?:kilka|parę)\s+dni",
    "de": r"(?:wenige|einige|ein\s+paar)\s+Tage\s+(?:später|danach|darauf)"
    r"|(?:nach|binnen|innerhalb)\s+(?:weniger|einiger|ein\s+paar)\s+Tage(?:n)?"
    r"|noch\s+(?:einige|wenige|ein\s+paar)\s+Tage",
    "en": r"(?:a\s+few|several)\s+days\s+later|(?:within|after)\s+(?:a\s+few|several)\s+days"
    r"|for\s+(?:a\s+few|several)\s+(?:more\s+)?days",
}


def _safe_date(y: int, mo: int, d: int) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        return None


# ---- published dates (feeds, pages) --------------------------------------------------------------
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DATES_FROM": "past",
}


def parse_published(raw: str, lang: str | None, context: str = "") -> datetime | None:
    """A feed's or page's date string → aware UTC. RFC 822 and ISO 8601 first; then dateparser
    with the language fixed (the feed's own, else the one the month name belongs to)."""
    s = (raw or "").strip()
    if not s:
        return None
    try:
        dt = parsedate_to_datetime(s)
        if dt is not None:
            return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    except ValueError:
        pass
    import dateparser

    langs = [lang] if lang else _guess_month_languages(s)
    for lg in langs:
        try:
            dt = dateparser.parse(s, languages=[lg], settings=_DATEPARSER_SETTINGS)
        except (ValueError, OverflowError):
            dt = None
        if dt is not None:
            return dt.astimezone(UTC)
    return None


def _guess_month_languages(s: str) -> list[str]:
    """Which languages' month names the string holds (a feed without <language>)."""
    low = s.lower()
    abbrev = {
        "ru": r"янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек",
        "uk": r"січ|лют|бер|кві|тра|чер|лип|сер|вер|жов|лис|гру",
        "pl": r"sty|lut|mar|kwi|maj|cze|lip|sie|wrz|paź|paz|lis|gru",
        "de": r"jan|feb|mär|mrz|apr|mai|jun|jul|aug|sep|okt|nov|dez",
        "en": r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec",
    }
    out = [lg for lg, p in abbrev.items() if re.search(rf"(?<![\w])(?:{p})", low)]
    if re.search(r"[іїєґ]", low):
        out = ["uk"] + [x for x in out if x != "uk"]
    return out or ["en"]


# ---- dates that bound an action rather than date it (used by tie.Tier) ---------------------------
# "held Viipuri until the armistice of 13 March", "broniła się do grudnia", "держала оборону до
# конца марта", "bis Ende Mai": the end of what the sentence tells — the action's own date is
# the sentence's other date, or the one the story carries.
_UNTIL = {
    "ru": r"до|вплоть\s+до",
    "uk": r"до|аж\s+до",
    "pl": r"do",
    "de": r"bis",
    "en": r"until|till|up\s+to",
}
# the words an "until" may take before its date: "до конца", "do końca", "bis Ende", "bis zum"
_UNTIL_FILL = {
    "ru": r"(?:самого\s+)?(?:конца|середины|начала|половины)",
    "uk": r"(?:самого\s+)?(?:кінця|середини|початку|половини)",
    "pl": r"(?:samego\s+)?(?:końca|połowy|początku)",
    "de": r"(?:zum|zur|Ende|Mitte|Anfang)",
    "en": r"(?:the\s+)?(?:[\w-]+\s+){0,2}of",
}
# "since" in a news item: the state holds at publication ("з жовтня тримає плацдарм", "seit März
# liegt", "since October has held")
_SINCE = {
    "ru": r"с|со",
    "uk": r"з|із|зі",
    "pl": r"od",
    "de": r"seit",
    "en": r"since",
}


def _bound(text: str, hit: DateHit, lang: str, words: dict[str, str], fill: str = "") -> bool:
    lead = words.get(lang, words["en"])
    own = text[hit.start : hit.end]
    # (a month's own "of" or "in" — "until the thaw of November" — reads with the words before)
    lead_in = re.match(r"(?:of|in)\s+", own, re.I) if lang == "en" else None
    cut = hit.start + (lead_in.end() if lead_in else 0)
    before = text[max(0, hit.start - 60) : cut]
    opt = rf"(?:{fill}\s+)?" if fill else ""
    return (
        re.search(rf"(?<![\w])(?:{lead})\s+{opt}$", before, re.I) is not None
        or re.match(rf"(?:{lead})\s", own, re.I) is not None
    )


def until_date(text: str, hit: DateHit, lang: str) -> bool:
    """Whether `hit` is the end an action lasted to ("until 13 March", "до конца марта")."""
    return _bound(text, hit, lang, _UNTIL, _UNTIL_FILL.get(lang, ""))


def since_date(text: str, hit: DateHit, lang: str) -> bool:
    """Whether `hit` is the start of a state ("since October", "з жовтня", "seit 2017")."""
    return _bound(text, hit, lang, _SINCE)
