"""Transliteration and cross-script comparison keys.

`to_latin` gives a readable ASCII form (Cyrillic by a simplified BGN/PCGN scheme, kana by
Hepburn, diacritics folded). `name_keys` gives the phonetic comparison keys under which a
written place or unit name is looked up: the same Russian name spelled by a Pole
("Chabarowsk"), a German ("Chabarowsk") or an Englishman ("Khabarovsk"), or written in
Cyrillic ("Хабаровск"), lands on one key. A Latin spelling's convention is unknown, so a
Latin string yields one key per convention (English, Polish, German) and all are tried.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CYR_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ў": "u",
    "ґ": "g",
}
# Cyrillic straight to the phonetic key alphabet (see _fold): unambiguous, so one key.
_CYR_KEY = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "z",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "c",
    "ш": "s",
    "щ": "s",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "і": "i",
    "ї": "i",
    "є": "e",
    "ў": "u",
    "ґ": "g",
}

_KANA = {
    "ア": "a",
    "イ": "i",
    "ウ": "u",
    "エ": "e",
    "オ": "o",
    "カ": "ka",
    "キ": "ki",
    "ク": "ku",
    "ケ": "ke",
    "コ": "ko",
    "サ": "sa",
    "シ": "shi",
    "ス": "su",
    "セ": "se",
    "ソ": "so",
    "タ": "ta",
    "チ": "chi",
    "ツ": "tsu",
    "テ": "te",
    "ト": "to",
    "ナ": "na",
    "ニ": "ni",
    "ヌ": "nu",
    "ネ": "ne",
    "ノ": "no",
    "ハ": "ha",
    "ヒ": "hi",
    "フ": "fu",
    "ヘ": "he",
    "ホ": "ho",
    "マ": "ma",
    "ミ": "mi",
    "ム": "mu",
    "メ": "me",
    "モ": "mo",
    "ヤ": "ya",
    "ユ": "yu",
    "ヨ": "yo",
    "ラ": "ra",
    "リ": "ri",
    "ル": "ru",
    "レ": "re",
    "ロ": "ro",
    "ワ": "wa",
    "ヲ": "o",
    "ン": "n",
    "ガ": "ga",
    "ギ": "gi",
    "グ": "gu",
    "ゲ": "ge",
    "ゴ": "go",
    "ザ": "za",
    "ジ": "ji",
    "ズ": "zu",
    "ゼ": "ze",
    "ゾ": "zo",
    "ダ": "da",
    "ヂ": "ji",
    "ヅ": "zu",
    "デ": "de",
    "ド": "do",
    "バ": "ba",
    "ビ": "bi",
    "ブ": "bu",
    "ベ": "be",
    "ボ": "bo",
    "パ": "pa",
    "ピ": "pi",
    "プ": "pu",
    "ペ": "pe",
    "ポ": "po",
    "ヴ": "vu",
    "ァ": "a",
    "ィ": "i",
    "ゥ": "u",
    "ェ": "e",
    "ォ": "o",
    "ャ": "ya",
    "ュ": "yu",
    "ョ": "yo",
}
_KANA_DIGRAPH = {
    "キャ": "kya",
    "キュ": "kyu",
    "キョ": "kyo",
    "シャ": "sha",
    "シュ": "shu",
    "ショ": "sho",
    "チャ": "cha",
    "チュ": "chu",
    "チョ": "cho",
    "ニャ": "nya",
    "ニュ": "nyu",
    "ニョ": "nyo",
    "ヒャ": "hya",
    "ヒュ": "hyu",
    "ヒョ": "hyo",
    "ミャ": "mya",
    "ミュ": "myu",
    "ミョ": "myo",
    "リャ": "rya",
    "リュ": "ryu",
    "リョ": "ryo",
    "ギャ": "gya",
    "ギュ": "gyu",
    "ギョ": "gyo",
    "ジャ": "ja",
    "ジュ": "ju",
    "ジョ": "jo",
    "ビャ": "bya",
    "ビュ": "byu",
    "ビョ": "byo",
    "ピャ": "pya",
    "ピュ": "pyu",
    "ピョ": "pyo",
    "ヴァ": "va",
    "ヴィ": "vi",
    "ヴェ": "ve",
    "ヴォ": "vo",
    "ファ": "fa",
    "フィ": "fi",
    "フェ": "fe",
    "フォ": "fo",
    "ティ": "ti",
    "ディ": "di",
    "トゥ": "tu",
    "ドゥ": "du",
    "ツァ": "tsa",
    "ツィ": "tsi",
    "ツェ": "tse",
    "ツォ": "tso",
    "シェ": "she",
    "ジェ": "je",
    "チェ": "che",
    "ウィ": "wi",
    "ウェ": "we",
    "ウォ": "wo",
    "イェ": "ye",
}

_LATIN_EXTRA = {"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ı": "i"}


def _hira_to_kata(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def kana_to_latin(text: str) -> str:
    s = _hira_to_kata(text)
    out: list[str] = []
    i = 0
    while i < len(s):
        two = s[i : i + 2]
        if two in _KANA_DIGRAPH:
            out.append(_KANA_DIGRAPH[two])
            i += 2
            continue
        c = s[i]
        if c == "ッ" and i + 1 < len(s):  # sokuon doubles the next consonant
            nxt = _KANA_DIGRAPH.get(s[i + 1 : i + 3]) or _KANA.get(s[i + 1], "")
            out.append(nxt[:1] if nxt and nxt[0] not in "aeiou" else "")
        elif c == "ー":  # long vowel mark: repeat the previous vowel
            prev = out[-1][-1:] if out else ""
            out.append(prev if prev in ("a", "e", "i", "o", "u") else "")
        else:
            out.append(_KANA.get(c, c))
        i += 1
    return "".join(out)


def fold_diacritics(text: str) -> str:
    s = "".join(_LATIN_EXTRA.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def script_of(text: str) -> str:
    """'cyrillic', 'kana', 'han', 'latin' or 'other' — the dominant script of the letters."""
    counts = {"cyrillic": 0, "kana": 0, "han": 0, "latin": 0}
    for c in text:
        if "\u0400" <= c <= "\u04ff":
            counts["cyrillic"] += 1
        elif "\u3040" <= c <= "\u30ff" or "\uff66" <= c <= "\uff9f":
            counts["kana"] += 1
        elif "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf":
            counts["han"] += 1
        elif c.isalpha() and c.isascii() or "\u00c0" <= c <= "\u024f":
            counts["latin"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else "other"


def to_latin(text: str) -> str:
    """Readable lowercase ASCII: Cyrillic (simplified BGN/PCGN, ё→e), kana (Hepburn), Latin folded."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = "".join(CYR_LATIN.get(c, c) for c in s)
    if any("\u3040" <= c <= "\u30ff" for c in s):
        s = kana_to_latin(s)
    s = fold_diacritics(s)
    return "".join(c for c in s if c.isascii())


# Latin spellings: (pattern, replacement) applied in order, per convention. The target alphabet
# is the "key alphabet": c = ts/ch (ц, ч), s = s/sh/shch, z = z/zh, h = kh/ch(Polish/German),
# i = i/y/j, v = v/w; doubled letters collapse.
_CONVENTIONS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("shch", "s"),
        ("sch", "s"),
        ("kh", "h"),
        ("zh", "z"),
        ("ch", "c"),
        ("sh", "s"),
        ("ts", "c"),
        ("tz", "c"),
        ("w", "v"),
        ("yu", "iu"),
        ("ya", "ia"),
        ("yo", "io"),
        ("ye", "e"),
        ("y", "i"),
        ("j", "i"),
        ("x", "ks"),
        ("q", "k"),
        ("ck", "k"),
    ],
    "pl": [
        ("szcz", "s"),
        ("cz", "c"),
        ("sz", "s"),
        ("rz", "z"),
        ("ch", "h"),
        ("w", "v"),
        ("ju", "iu"),
        ("ja", "ia"),
        ("jo", "io"),
        ("je", "e"),
        ("ie", "e"),
        ("y", "i"),
        ("j", "i"),
        ("x", "ks"),
    ],
    "de": [
        ("schtsch", "s"),
        ("tsch", "c"),
        ("sch", "s"),
        ("ch", "h"),
        ("ts", "c"),
        ("tz", "c"),
        ("w", "v"),
        ("ju", "iu"),
        ("ja", "ia"),
        ("jo", "io"),
        ("je", "e"),
        ("ie", "i"),
        ("y", "i"),
        ("j", "i"),
        ("ck", "k"),
        ("x", "ks"),
    ],
}
_POLISH_LETTERS = {
    "ż": "z",
    "ź": "z",
    "ś": "s",
    "ć": "c",
    "ń": "n",
    "ó": "o",
    "ą": "o",
    "ę": "e",
    "ł": "l",
}
_GERMAN_LETTERS = {"ä": "a", "ö": "o", "ü": "u", "ß": "s"}
_NONALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLE = re.compile(r"([a-z])\1+")


def _fold(s: str) -> str:
    s = _NONALNUM.sub("", s)
    s = _DOUBLE.sub(r"\1", s)
    s = s.replace("ii", "i").replace("ei", "ei")
    # final soft endings differ between conventions: -iy / -ij / -ii / -i / -yi all to -i
    return s


def _latin_key(s: str, conv: str) -> str:
    t = s.lower()
    if conv == "pl":
        t = "".join(_POLISH_LETTERS.get(c, c) for c in t)
    if conv == "de":
        t = "".join(_GERMAN_LETTERS.get(c, c) for c in t)
    t = fold_diacritics(t)
    for a, b in _CONVENTIONS[conv]:
        t = t.replace(a, b)
    return _fold(t)


def cyrillic_key(s: str) -> str:
    t = unicodedata.normalize("NFKC", s).lower()
    return _fold(fold_diacritics("".join(_CYR_KEY.get(c, c) for c in t)))


def kana_key(s: str) -> str:
    """Katakana/hiragana are matched as written (normalised), not via romaji."""
    t = unicodedata.normalize("NFKC", s)
    t = _hira_to_kata(t)
    return "".join(c for c in t if "\u30a0" <= c <= "\u30ff" and c not in "・＝=") or t


@lru_cache(maxsize=65536)
def name_keys(text: str) -> tuple[str, ...]:
    """All comparison keys for a written name (one for Cyrillic or kana, up to three for Latin)."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return ()
    sc = script_of(s)
    if sc == "cyrillic":
        return (cyrillic_key(s),)
    if sc in ("kana", "han"):
        return ("j:" + kana_key(s),)
    keys: list[str] = []
    for conv in ("en", "pl", "de"):
        k = _latin_key(s, conv)
        if k and k not in keys:
            keys.append(k)
    return tuple(keys)


def name_key(text: str) -> str:
    """The primary comparison key (first of name_keys), '' for empty input."""
    ks = name_keys(text)
    return ks[0] if ks else ""


def exact_key(text: str) -> str:
    """The name as written, case and diacritics folded ('x:' prefix keeps it apart from keys)."""
    t = fold_diacritics(unicodedata.normalize("NFKC", text).lower())
    return "x:" + "".join(c for c in t if c.isalnum())
