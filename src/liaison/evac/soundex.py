"""Daitch–Mokotoff Soundex, written from the published coding chart (Mokotoff, 1985; Avotaynu).

Each entry: (start of name, before a vowel, any other position); None = not coded; a tuple
of alternatives ("5|4") yields several codes per name.
"""

from __future__ import annotations

from itertools import product

from liaison.evac.translit import to_icao

Code = str | tuple[str, ...] | None

_RAW: list[tuple[str, Code, Code, Code]] = []


def _r(patterns: str, a: Code, b: Code, c: Code) -> None:
    for p in patterns.split():
        _RAW.append((p, a, b, c))


_r("AI AJ AY", "0", "1", None)
_r("AU", "0", "7", None)
_r("A", "0", None, None)
_r("B", "7", "7", "7")
_r("CHS", "5", "54", "54")
_r("CH", ("5", "4"), ("5", "4"), ("5", "4"))
_r("CK", ("5", "45"), ("5", "45"), ("5", "45"))
_r("CSZ CZS CS CZ", "4", "4", "4")
_r("C", ("5", "4"), ("5", "4"), ("5", "4"))
_r("DRZ DRS DSH DSZ DS DZH DZS DZ", "4", "4", "4")
_r("DT D", "3", "3", "3")
_r("EI EJ EY", "0", "1", None)
_r("EU", "1", "1", None)
_r("E", "0", None, None)
_r("FB F", "7", "7", "7")
_r("G", "5", "5", "5")
_r("H", "5", "5", None)
_r("IA IE IO IU", "1", None, None)
_r("I", "0", None, None)
_r("J", ("1", "4"), ("1", "4"), ("1", "4"))
_r("KS", "5", "54", "54")
_r("KH K", "5", "5", "5")
_r("L", "8", "8", "8")
_r("MN NM", "66", "66", "66")
_r("M N", "6", "6", "6")
_r("OI OJ OY", "0", "1", None)
_r("O", "0", None, None)
_r("PF PH P", "7", "7", "7")
_r("Q", "5", "5", "5")
_r("RZ RS", ("94", "4"), ("94", "4"), ("94", "4"))
_r("R", "9", "9", "9")
_r("SCHTSCH SCHTSH SCHTCH", "2", "4", "4")
_r("SCHT SCHD", "2", "43", "43")
_r("SCH", "4", "4", "4")
_r("SHTCH SHCH SHTSH", "2", "4", "4")
_r("SHT", "2", "43", "43")
_r("SH", "4", "4", "4")
_r("STCH STSCH SC STRZ STRS STSH", "2", "4", "4")
_r("ST", "2", "43", "43")
_r("SZCZ SZCS", "2", "4", "4")
_r("SZT SHD SZD SD", "2", "43", "43")
_r("SZ", "4", "4", "4")
_r("S", "4", "4", "4")
_r("TTSCH TTCH TCH", "4", "4", "4")
_r("TH", "3", "3", "3")
_r("TRZ TRS TSCH TSH TTSZ TTS TS TC TTZ TZS TSZ TZ", "4", "4", "4")
_r("T", "3", "3", "3")
_r("UI UJ UY", "0", "1", None)
_r("UE U", "0", None, None)
_r("V W", "7", "7", "7")
_r("X", "5", "54", "54")
_r("Y", "1", None, None)
_r("ZHDZH ZDZH ZDZ", "2", "4", "4")
_r("ZHD ZD", "2", "43", "43")
_r("ZSCH ZSH ZH ZS", "4", "4", "4")
_r("Z", "4", "4", "4")

_RULES = sorted(_RAW, key=lambda r: -len(r[0]))
_VOWELS = set("AEIOU")


def _alts(code: Code) -> tuple[str | None, ...]:
    if code is None:
        return (None,)
    return code if isinstance(code, tuple) else (code,)


def dm_soundex(name: str) -> set[str]:
    """All six-digit Daitch–Mokotoff codes of a name (any script: transliterated first)."""
    text = "".join(ch for ch in to_icao(name) if "A" <= ch <= "Z")
    # Each branch: (digits so far, last code emitted or None after an uncoded letter).
    branches: list[tuple[str, str | None]] = [("", None)]
    i = 0
    while i < len(text) and any(len(b[0]) < 6 for b in branches):
        rule = next((r for r in _RULES if text.startswith(r[0], i)), None)
        if rule is None:  # letter outside the chart
            i += 1
            continue
        pat, start, vowel, other = rule
        nxt = text[i + len(pat)] if i + len(pat) < len(text) else ""
        code = start if i == 0 else vowel if nxt in _VOWELS else other
        new: list[tuple[str, str | None]] = []
        for (digits, last), alt in product(branches, _alts(code)):
            if alt is None:
                new.append((digits, None))
            elif alt == last:
                new.append((digits, last))
            else:
                new.append(((digits + alt)[:6], alt))
        branches = list(dict.fromkeys(new))
        i += len(pat)
    return {(d + "000000")[:6] for d, _ in branches}
