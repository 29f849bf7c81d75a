"""Period-style message generator (orders, reports, telegrams) for exercises and benchmarks.

Hand-written phrases, never used to build the language models, so benchmark plaintext is unseen text.
Written in each language's own letters (Polish diacritics, German umlauts and ß), the alphabets the
ciphers and models use: an ASCII-folded "sie" or "zurueck" is no word of the language.
"""

from __future__ import annotations

import random

from liaison.codebreak.alphabets import normalise

PHRASES: dict[str, list[str]] = {
    "ru": [
        "приказываю дивизии наступать в направлении станции {p}",
        "противник отходит на запад силами до полка пехоты",
        "штаб армии доносит что кавалерия заняла город {p}",
        "бригаде удерживать переправу до подхода резерва",
        "потери за сутки убито {n} ранено много",
        "прошу выслать патроны и снаряды к утру",
        "разведка установила движение обозов по дороге на {p}",
        "командир полка приказал окопаться на высоте",
        "связь с соседней дивизией потеряна",
        "начальник штаба фронта требует донесения к вечеру",
    ],
    "pl": [
        "dywizja ma natychmiast uderzyć w kierunku {p}",
        "nieprzyjaciel cofa się na wschód siłami pułku piechoty",
        "sztab armii melduje że kawaleria zajęła miasto {p}",
        "brygada utrzyma przeprawę do nadejścia odwodu",
        "proszę przysłać amunicję i żywność do rana",
        "rozpoznanie stwierdziło ruch taborów na drodze do {p}",
        "łączność z sąsiednią dywizją została przerwana",
    ],
    "de": [
        "die division greift sofort in richtung {p} an",
        "der feind zieht sich mit einem regiment nach osten zurück",
        "das armeekommando meldet die kavallerie hat die stadt {p} besetzt",
        "die brigade hält den übergang bis zum eintreffen der reserve",
        "bitte munition und verpflegung bis morgen früh senden",
        "die aufklärung meldet kolonnen auf der straße nach {p}",
        "verbindung zur nachbardivision ist abgerissen",
    ],
    "en": [
        "the division will attack at once towards {p}",
        "the enemy is falling back westward with one infantry regiment",
        "army headquarters reports the cavalry has taken the town of {p}",
        "the brigade will hold the crossing until the reserve arrives",
        "send ammunition and rations before dawn",
        "scouts report wagon columns on the road to {p}",
        "contact with the neighbouring division has been lost",
        "casualties today {n} killed many wounded",
    ],
}
PLACES = {
    "ru": ["коростень", "житомир", "бердичев", "ровно", "киев"],
    "pl": ["kowel", "lwów", "brześć", "wilno", "grodno"],
    "de": ["lemberg", "warschau", "krakau", "posen", "danzig"],
    "en": ["kiev", "lemberg", "warsaw", "minsk", "vilna"],
}
NUMBERS = {
    "ru": ["двое", "пятеро", "десять"],
    "pl": ["dwóch", "pięciu"],
    "de": ["zwei", "fünf"],
    "en": ["two", "five", "ten"],
}


def message(lang: str, letters: int, rng: random.Random) -> str:
    """Letters-only plaintext of exactly `letters` letters made of shuffled phrases."""
    out = ""
    while len(out) < letters:
        ph = rng.choice(PHRASES[lang]).format(
            p=rng.choice(PLACES[lang]), n=rng.choice(NUMBERS[lang])
        )
        out += normalise(ph, lang)
    return out[:letters]
