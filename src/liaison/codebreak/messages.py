"""Period-style messages for training exercises: orders, reports and telegrams in ru, pl, de, en.

Each message is a heading, body sentences and a signature, filled from slot lists (units, places,
times, numbers), so exercises read like traffic of 1919–1939 rather than random words. Russian
telegrams spell punctuation as ТЧК/ЗПТ, as the telegraph did. The text is hand-written for the
school and never used to build the language models (like ``templates``), so the solvers do not
get an unfair advantage on exercise plaintext.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from liaison.codebreak.alphabets import ALL_ALPHABETS, language_of, normalise
from liaison.core.errors import ValidationError

KINDS = ("order", "report", "telegram")

HEADS: dict[str, dict[str, list[str]]] = {
    "ru": {
        "order": ["приказ по {u}", "боевой приказ номер {n}", "приказ командира {u}"],
        "report": ["донесение штаба {u}", "разведывательная сводка номер {n}", "оперсводка"],
        "telegram": ["срочно штаб фронта", "весьма срочно командарму", "молния начальнику штаба"],
    },
    "pl": {
        "order": ["rozkaz dla {u}", "rozkaz bojowy numer {n}", "rozkaz dowódcy {u}"],
        "report": ["meldunek sztabu {u}", "komunikat wywiadowczy numer {n}", "meldunek sytuacyjny"],
        "telegram": ["pilne sztab frontu", "bardzo pilne dowódca armii", "natychmiast szef sztabu"],
    },
    "de": {
        "order": ["befehl an {u}", "gefechtsbefehl nummer {n}", "befehl des kommandeurs {u}"],
        "report": ["meldung des stabes {u}", "feindnachrichten nummer {n}", "lagebericht"],
        "telegram": ["dringend an armeeoberkommando", "sofort an chef des stabes", "eilt sehr"],
    },
    "en": {
        "order": ["orders for {u}", "operation order number {n}", "orders of the commander {u}"],
        "report": ["report from headquarters {u}", "intelligence summary number {n}", "sitrep"],
        "telegram": ["urgent to army headquarters", "most urgent chief of staff", "priority"],
    },
}

BODY: dict[str, dict[str, list[str]]] = {
    "ru": {
        "order": [
            "дивизии наступать в направлении {p} с рассветом",
            "полку занять оборону на рубеже реки и удерживать переправу",
            "кавалерийской бригаде выйти в район {p} к {t}",
            "артиллерии открыть огонь по окраине {p} в {t}",
            "штабу дивизии перейти в {p}",
            "обозы отвести за реку до наступления темноты",
            "разведке установить силы противника у {p}",
            "связь держать через штаб армии",
        ],
        "report": [
            "противник силами до {n} полков отходит на {p}",
            "дивизия заняла {p} и ведет бой на окраине",
            "потери за сутки убито {n} ранено много",
            "у противника замечено до {n} орудий и бронепоезд",
            "кавалерия противника появилась у {p}",
            "патроны и снаряды на исходе прошу пополнения",
            "связь с соседней дивизией потеряна",
            "пленные показывают что штаб дивизии находится в {p}",
        ],
        "telegram": [
            "дивизия оставила {p} тчк противник преследует",
            "прошу срочно выслать снаряды тчк",
            "бронепоезд прибыл в {p} тчк жду указаний",
            "кавалерия прорвалась у {p} зпт принимаю меры",
            "штаб переходит в {p} к {t} тчк",
            "донесение получено тчк приказ выполняется",
        ],
    },
    "pl": {
        "order": [
            "dywizja uderzy w kierunku {p} o świcie",
            "pułk obsadzi przeprawę na rzece i utrzyma ją do nadejścia odwodu",
            "brygada jazdy wyjdzie w rejon {p} do {t}",
            "artyleria otworzy ogień na skraj {p} o {t}",
            "sztab dywizji przejdzie do {p}",
            "tabory wycofać za rzekę przed zmrokiem",
            "rozpoznanie ustali siły nieprzyjaciela pod {p}",
            "łączność utrzymywać przez sztab armii",
        ],
        "report": [
            "nieprzyjaciel siłami do {n} pułków cofa się na {p}",
            "dywizja zajęła {p} i walczy na skraju miasta",
            "straty za dobę {n} zabitych wielu rannych",
            "u nieprzyjaciela stwierdzono do {n} dział i pociąg pancerny",
            "jazda nieprzyjaciela pojawiła się pod {p}",
            "amunicja na wyczerpaniu proszę o uzupełnienie",
            "łączność z sąsiednią dywizją przerwana",
            "jeńcy zeznają że sztab dywizji jest w {p}",
        ],
        "telegram": [
            "dywizja opuściła {p} stop nieprzyjaciel ściga",
            "proszę pilnie przysłać amunicję stop",
            "pociąg pancerny przybył do {p} stop czekam rozkazów",
            "jazda przerwała front pod {p} stop",
            "sztab przechodzi do {p} o {t} stop",
            "meldunek otrzymany stop rozkaz wykonywany",
        ],
    },
    "de": {
        "order": [
            "die division greift bei tagesanbruch in richtung {p} an",
            "das regiment besetzt den übergang am fluss und hält ihn bis die reserve eintrifft",
            "die kavalleriebrigade erreicht den raum {p} bis {t}",
            "die artillerie eröffnet um {t} das feuer auf den ortsrand von {p}",
            "der divisionsstab verlegt nach {p}",
            "die trosse sind vor einbruch der dunkelheit über den fluss zurückzunehmen",
            "die aufklärung stellt die feindkräfte bei {p} fest",
            "verbindung über den armeestab halten",
        ],
        "report": [
            "der feind geht mit {n} regimentern auf {p} zurück",
            "die division hat {p} genommen und kämpft am ortsrand",
            "verluste des tages {n} tote viele verwundete",
            "beim feind wurden {n} geschütze und ein panzerzug festgestellt",
            "feindliche kavallerie ist bei {p} aufgetaucht",
            "munition geht zu ende erbitte nachschub",
            "die verbindung zur nachbardivision ist abgerissen",
            "gefangene sagen aus dass der divisionsstab in {p} liegt",
        ],
        "telegram": [
            "division hat {p} geräumt stop feind folgt",
            "erbitte dringend munition stop",
            "panzerzug in {p} eingetroffen stop erwarte befehle",
            "feindliche kavallerie bei {p} durchgebrochen stop",
            "stab verlegt um {t} nach {p} stop",
            "meldung erhalten stop befehl wird ausgeführt",
        ],
    },
    "en": {
        "order": [
            "the division will attack towards {p} at first light",
            "the regiment will seize the river crossing and hold it until the reserve arrives",
            "the cavalry brigade will reach the area of {p} by {t}",
            "the artillery will open fire on the outskirts of {p} at {t}",
            "divisional headquarters will move to {p}",
            "the transport will withdraw across the river before dark",
            "scouts will establish the enemy strength near {p}",
            "communications through army headquarters",
        ],
        "report": [
            "the enemy is falling back on {p} with up to {n} regiments",
            "the division has taken {p} and is fighting on the outskirts",
            "casualties today {n} killed many wounded",
            "the enemy has up to {n} guns and an armoured train",
            "enemy cavalry has appeared near {p}",
            "ammunition is running short request supply",
            "contact with the neighbouring division has been lost",
            "prisoners state that divisional headquarters is at {p}",
        ],
        "telegram": [
            "division has left {p} stop enemy pursuing",
            "send ammunition urgently stop",
            "armoured train arrived at {p} stop awaiting orders",
            "enemy cavalry broke through near {p} stop",
            "headquarters moving to {p} at {t} stop",
            "report received stop order being carried out",
        ],
    },
}

SIGNATURES: dict[str, dict[str, list[str]]] = {
    "ru": {
        "order": ["командир дивизии", "начдив", "командарм"],
        "report": ["начальник штаба", "начразведки", "комбриг"],
        "telegram": ["наштадив", "командир полка", "начштаба"],
    },
    "pl": {
        "order": ["dowódca dywizji", "dowódca armii", "dowódca frontu"],
        "report": ["szef sztabu", "szef oddziału drugiego", "dowódca brygady"],
        "telegram": ["szef sztabu dywizji", "dowódca pułku", "szef sztabu"],
    },
    "de": {
        "order": ["der divisionskommandeur", "der armeeführer", "der oberbefehlshaber"],
        "report": ["der chef des stabes", "ic der division", "der brigadekommandeur"],
        "telegram": ["chef des stabes", "regimentskommandeur", "ia der division"],
    },
    "en": {
        "order": ["divisional commander", "army commander", "officer commanding"],
        "report": ["chief of staff", "intelligence officer", "brigade commander"],
        "telegram": ["chief of staff division", "commanding officer regiment", "staff officer"],
    },
}

UNITS: dict[str, list[str]] = {
    "ru": ["двадцать седьмой стрелковой дивизии", "первой конной армии", "третьей бригады"],
    "pl": ["trzeciej dywizji piechoty", "pierwszej brygady jazdy", "piątej armii"],
    "de": ["der siebenundzwanzigsten division", "der ersten kavalleriebrigade", "der achten armee"],
    "en": ["the twenty seventh division", "the first cavalry army", "the third brigade"],
}
PLACES: dict[str, list[str]] = {
    "ru": ["Коростень", "Житомир", "Бердичев", "Ровно", "Новоград", "Сарны", "Мозырь", "Овруч"],
    "pl": ["Kowel", "Lwów", "Brześć", "Wilno", "Grodno", "Łuck", "Zamość", "Płock"],
    "de": ["Lemberg", "Warschau", "Krakau", "Posen", "Thorn", "Brest", "Kowno", "Grodno"],
    "en": ["Kiev", "Lemberg", "Warsaw", "Minsk", "Vilna", "Brest", "Rovno", "Zhitomir"],
}
TIMES: dict[str, list[str]] = {
    "ru": ["шести часам", "утру", "полудню", "вечеру"],
    "pl": ["szóstej", "rana", "południa", "wieczora"],
    "de": ["sechs uhr", "mittag", "abend", "morgen früh"],
    "en": ["six hours", "dawn", "noon", "dusk"],
}
NUMBERS: dict[str, list[str]] = {
    "ru": ["двух", "трех", "пяти", "десяти", "двенадцати"],
    "pl": ["dwóch", "trzech", "pięciu", "dziesięciu"],
    "de": ["zwei", "drei", "fünf", "zehn", "zwölf"],
    "en": ["two", "three", "five", "ten", "twelve"],
}

#: Probable words (cribs) per language, by stem so inflected forms count: the school's crib hint
#: names the longest one the plaintext contains, as the Polish bureau did with «дивизия».
CRIBS: dict[str, list[str]] = {
    "ru": [
        "ДИВИЗИ",
        "ПОЛК",
        "ШТАБ",
        "ПРИКАЗ",
        "ПРОТИВНИК",
        "БРИГАД",
        "АРМИ",
        "КАВАЛЕРИ",
        "АРТИЛЛЕРИ",
        "БРОНЕПОЕЗД",
        "ДОНЕСЕНИ",
        "СНАРЯД",
    ],
    "pl": [
        "DYWIZJ",
        "PUŁK",
        "SZTAB",
        "ROZKAZ",
        "NIEPRZYJACIEL",
        "BRYGAD",
        "ARMI",
        "JAZD",
        "ARTYLERI",
        "MELDUNEK",
        "AMUNICJ",
    ],
    "de": [
        "DIVISION",
        "REGIMENT",
        "STAB",
        "BEFEHL",
        "FEIND",
        "BRIGADE",
        "ARMEE",
        "KAVALLERIE",
        "ARTILLERIE",
        "PANZERZUG",
        "MUNITION",
    ],
    "en": [
        "DIVISION",
        "REGIMENT",
        "HEADQUARTERS",
        "ENEMY",
        "BRIGADE",
        "ARMY",
        "CAVALRY",
        "ARTILLERY",
        "AMMUNITION",
        "ARMOURED",
        "ORDER",
    ],
}


@dataclass(frozen=True)
class Message:
    """A generated message: readable ``text`` and its ``letters`` (normalised, letters only)."""

    kind: str
    language: str
    text: str
    letters: str


def _fill(phrase: str, lang: str, rng: random.Random) -> str:
    lang = language_of(lang)
    return phrase.format(
        u=rng.choice(UNITS[lang]),
        p=rng.choice(PLACES[lang]).lower(),
        t=rng.choice(TIMES[lang]),
        n=rng.choice(NUMBERS[lang]),
    )


def check(lang: str, kind: str) -> None:
    """`lang` is a language or an alphabet id (the message is then written in that alphabet)."""
    if lang not in ALL_ALPHABETS:
        raise ValidationError(f"language must be one of {', '.join(ALL_ALPHABETS)}, got {lang!r}")
    if kind not in KINDS:
        raise ValidationError(f"message kind must be one of {', '.join(KINDS)}, got {kind!r}")


def message(lang: str, letters: int, rng: random.Random, kind: str = "report") -> Message:
    """A message of about ``letters`` letters (whole words; at most one word over the target).

    Heading first, body sentences in a shuffled order without repeats until the target is met,
    the signature last when it fits — the shape a trainee can exploit (cribs at the start and end).
    """
    check(lang, kind)
    if letters < 10:
        raise ValidationError(f"a message needs at least 10 letters, got {letters}")
    base = language_of(lang)
    head = _fill(rng.choice(HEADS[base][kind]), lang, rng)
    sign = _fill(rng.choice(SIGNATURES[base][kind]), lang, rng)
    sentences = [head]
    pool: list[str] = []
    while sum(len(normalise(s, lang)) for s in sentences) < letters:
        if not pool:
            pool = list(BODY[base][kind])
            rng.shuffle(pool)
        sentences.append(_fill(pool.pop(), lang, rng))
        if sum(len(normalise(s, lang)) for s in sentences) + len(normalise(sign, lang)) >= letters:
            sentences.append(sign)
            break
    words: list[str] = []
    count = 0
    for w in " ".join(sentences).split():
        if count >= letters:
            break
        words.append(w)
        count += len(normalise(w, lang))
    text = " ".join(words)
    return Message(kind, lang, text, normalise(text, lang))


def cribs_in(text: str, lang: str) -> list[str]:
    """Words of ``text`` (normalised) that start with a known crib stem, longest first."""
    stems = [normalise(s, lang) for s in CRIBS.get(language_of(lang), [])]
    found = {
        w for w in (normalise(t, lang) for t in text.split()) if any(w.startswith(s) for s in stems)
    }
    return sorted(found, key=lambda w: (-len(w), w))
