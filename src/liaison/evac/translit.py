"""ICAO Doc 9303 Part 3 transliteration to the machine-readable Latin alphabet (A–Z).

Latin diacritics and Cyrillic follow the 9303 tables; Hebrew and katakana follow the
recommended romanisation described in docs/evac.md (9303 gives no mandatory table for them).
"""

from __future__ import annotations

import unicodedata

# Latin letters with diacritics whose 9303 rendering is not simply "drop the mark".
LATIN_SPECIAL = {
    "Ä": "AE",
    "Å": "AA",
    "Æ": "AE",
    "Ĳ": "IJ",
    "Ł": "L",
    "Ñ": "N",
    "Ö": "OE",
    "Ø": "OE",
    "Œ": "OE",
    "ß": "SS",
    "Ü": "UE",
    "Þ": "TH",
    "Ð": "D",
    "Đ": "D",
    "Ħ": "H",
    "Ŀ": "L",
    "Ŋ": "N",
    "Ŧ": "T",
    "I": "I",
}

CYRILLIC = {
    "А": "A",
    "Б": "B",
    "В": "V",
    "Г": "G",
    "Ґ": "G",
    "Д": "D",
    "Ђ": "D",
    "Ѓ": "G",
    "Е": "E",
    "Ё": "E",
    "Є": "IE",
    "Ж": "ZH",
    "З": "Z",
    "Ѕ": "DZ",
    "И": "I",
    "І": "I",
    "Ї": "I",
    "Й": "I",
    "Ј": "J",
    "К": "K",
    "Л": "L",
    "Љ": "LJ",
    "М": "M",
    "Н": "N",
    "Њ": "NJ",
    "О": "O",
    "П": "P",
    "Р": "R",
    "С": "S",
    "Т": "T",
    "Ћ": "C",
    "Ќ": "K",
    "У": "U",
    "Ў": "U",
    "Ф": "F",
    "Х": "KH",
    "Ц": "TS",
    "Ч": "CH",
    "Џ": "DZ",
    "Ш": "SH",
    "Щ": "SHCH",
    "Ъ": "IE",
    "Ы": "Y",
    "Ь": "",
    "Э": "E",
    "Ю": "IU",
    "Я": "IA",
}

# Hebrew/Yiddish consonantal romanisation (vowels mostly unwritten; yiddish digraphs first).
HEBREW_DIGRAPHS = {
    "װ": "V",
    "ױ": "OI",
    "ײ": "EI",
    "וו": "V",
    "וי": "OI",
    "יי": "EI",
    "זש": "ZH",
    "טש": "TSH",
}
HEBREW = {
    "א": "A",
    "ב": "B",
    "ג": "G",
    "ד": "D",
    "ה": "H",
    "ו": "U",
    "ז": "Z",
    "ח": "KH",
    "ט": "T",
    "י": "I",
    "כ": "K",
    "ך": "KH",
    "ל": "L",
    "מ": "M",
    "ם": "M",
    "נ": "N",
    "ן": "N",
    "ס": "S",
    "ע": "E",
    "פ": "P",
    "ף": "F",
    "צ": "TS",
    "ץ": "TS",
    "ק": "K",
    "ר": "R",
    "ש": "SH",
    "ת": "T",
}

# Katakana, modified Hepburn (as Japanese passports).
_KANA_ROWS = {
    "ア": "A",
    "イ": "I",
    "ウ": "U",
    "エ": "E",
    "オ": "O",
    "カ": "KA",
    "キ": "KI",
    "ク": "KU",
    "ケ": "KE",
    "コ": "KO",
    "ガ": "GA",
    "ギ": "GI",
    "グ": "GU",
    "ゲ": "GE",
    "ゴ": "GO",
    "サ": "SA",
    "シ": "SHI",
    "ス": "SU",
    "セ": "SE",
    "ソ": "SO",
    "ザ": "ZA",
    "ジ": "JI",
    "ズ": "ZU",
    "ゼ": "ZE",
    "ゾ": "ZO",
    "タ": "TA",
    "チ": "CHI",
    "ツ": "TSU",
    "テ": "TE",
    "ト": "TO",
    "ダ": "DA",
    "ヂ": "JI",
    "ヅ": "ZU",
    "デ": "DE",
    "ド": "DO",
    "ナ": "NA",
    "ニ": "NI",
    "ヌ": "NU",
    "ネ": "NE",
    "ノ": "NO",
    "ハ": "HA",
    "ヒ": "HI",
    "フ": "FU",
    "ヘ": "HE",
    "ホ": "HO",
    "バ": "BA",
    "ビ": "BI",
    "ブ": "BU",
    "ベ": "BE",
    "ボ": "BO",
    "パ": "PA",
    "ピ": "PI",
    "プ": "PU",
    "ペ": "PE",
    "ポ": "PO",
    "マ": "MA",
    "ミ": "MI",
    "ム": "MU",
    "メ": "ME",
    "モ": "MO",
    "ヤ": "YA",
    "ユ": "YU",
    "ヨ": "YO",
    "ラ": "RA",
    "リ": "RI",
    "ル": "RU",
    "レ": "RE",
    "ロ": "RO",
    "ワ": "WA",
    "ヲ": "O",
    "ン": "N",
    "ヴ": "VU",
}
_SMALL = {"ャ": "YA", "ュ": "YU", "ョ": "YO", "ァ": "A", "ィ": "I", "ゥ": "U", "ェ": "E", "ォ": "O"}


def _katakana(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "ッ" and nxt in _KANA_ROWS:
            out.append(_KANA_ROWS[nxt][0])
        elif ch == "ー":
            pass  # long vowel not written in passport Hepburn
        elif ch in _KANA_ROWS and nxt in _SMALL:
            base = _KANA_ROWS[ch]
            small = _SMALL[nxt]
            if base in ("SHI", "CHI", "JI") and small.startswith("Y"):
                out.append(base[:-1] + small[1:])
            elif small.startswith("Y"):
                out.append(base[:-1] + small)
            else:
                out.append(base[:-1] + small)
            i += 1
        elif ch in _KANA_ROWS:
            out.append(_KANA_ROWS[ch])
        elif ch in "・ 　":
            out.append(" ")
        i += 1
    return "".join(out)


def script_of(text: str) -> str:
    """The dominant script of a name: latin, cyrillic, hebrew or katakana."""
    for ch in text:
        cp = ord(ch)
        if 0x0400 <= cp <= 0x04FF:
            return "cyrillic"
        if 0x0590 <= cp <= 0x05FF:
            return "hebrew"
        if 0x30A0 <= cp <= 0x30FF:
            return "katakana"
    return "latin"


def to_icao(text: str) -> str:
    """Transliterate a name into the 9303 machine-readable alphabet (upper case A–Z, spaces, '-')."""
    script = script_of(text)
    if script == "katakana":
        return " ".join(_katakana(text).split())
    s = unicodedata.normalize("NFC", text).upper()
    out: list[str] = []
    i = 0
    while i < len(s):
        two = s[i : i + 2]
        if two in HEBREW_DIGRAPHS:
            out.append(HEBREW_DIGRAPHS[two])
            i += 2
            continue
        ch = s[i]
        if ch in CYRILLIC:
            out.append(CYRILLIC[ch])
        elif ch in HEBREW:
            out.append(HEBREW[ch])
        elif ch in LATIN_SPECIAL:
            out.append(LATIN_SPECIAL[ch])
        elif "A" <= ch <= "Z" or ch in " -":
            out.append(ch)
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            if "A" <= base <= "Z":
                out.append(base)
            elif ch in "'’":
                pass
            elif unicodedata.category(ch).startswith("Z"):
                out.append(" ")
        i += 1
    return " ".join("".join(out).split())
