"""Right-to-left text for PDFs: the Unicode Bidirectional Algorithm (UAX #9) for one line.

reportlab draws glyphs left to right in the order given, so Hebrew and Yiddish must be put in
visual order first. The permissive-licence choice was thin: python-bidi and fpdf2's bidi are LGPL,
pyfribidi is GPL; so this module implements the part of UAX #9 a document line needs, from the
published rules, over Python's own Unicode bidi classes (`unicodedata.bidirectional`):

* P2–P3 paragraph level from the first strong character (or the given base direction);
* W1–W7 weak types (marks, European/Arabic numbers and their separators and terminators);
* N1–N2 neutrals between strong types; I1–I2 implicit levels;
* L1 trailing whitespace, L2 reversal, L3 combining marks after their base (pointed Yiddish
  letters such as אַ and פּ are often base + mark), L4 mirrored brackets.

Not implemented: explicit embeddings, overrides and isolates (X1–X10; their control characters
are dropped) and bracket pairs (N0) — names, places and dates on a transit document use none.
"""

from __future__ import annotations

import unicodedata

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
_NEUTRAL = {"B", "S", "WS", "ON"}
_EXPLICIT = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def _classes(text: str) -> list[str]:
    return [unicodedata.bidirectional(c) or "L" for c in text]


def base_level(text: str, direction: str = "auto") -> int:
    """0 for left-to-right, 1 for right-to-left; 'auto' takes the first strong character (P2-P3)."""
    if direction in ("ltr", "rtl"):
        return 0 if direction == "ltr" else 1
    for t in _classes(text):
        if t == "L":
            return 0
        if t in ("R", "AL"):
            return 1
    return 0


def levels(text: str, direction: str = "auto") -> tuple[int, list[int]]:
    """The paragraph level and the resolved embedding level of each character."""
    para = base_level(text, direction)
    types = _classes(text)
    e = "R" if para else "L"  # sos and eos for a single run at the paragraph level
    n = len(types)
    # W1: non-spacing marks take the type of the previous character (sos at the start).
    for i in range(n):
        if types[i] == "NSM":
            types[i] = e if i == 0 else ("ON" if types[i - 1] in _EXPLICIT else types[i - 1])
        elif types[i] in _EXPLICIT or types[i] == "BN":
            types[i] = "BN"
    # W2: European numbers after Arabic letters are Arabic numbers. W3: AL -> R.
    last = e
    for i in range(n):
        if types[i] in ("L", "R", "AL"):
            last = types[i]
        elif types[i] == "EN" and last == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: a single separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        a, t, b = types[i - 1], types[i], types[i + 1]
        if t == "ES" and a == b == "EN" or t == "CS" and a == b and a in ("EN", "AN"):
            types[i] = a
    # W5: terminators (%, currency, #) next to European numbers become European numbers.
    i = 0
    while i < n:
        if types[i] == "ET":
            j = i
            while j < n and types[j] == "ET":
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
                types[i:j] = ["EN"] * (j - i)
            i = j
        else:
            i += 1
    # W6: the remaining separators and terminators are neutral.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European numbers after left-to-right text are left-to-right.
    last = e
    for i in range(n):
        if types[i] in ("L", "R"):
            last = types[i]
        elif types[i] == "EN" and last == "L":
            types[i] = "L"

    # N1/N2: neutrals (and BN) between strong types of one direction take it; else the paragraph's.
    def strong(t: str) -> str | None:
        return "R" if t in ("R", "EN", "AN") else ("L" if t == "L" else None)

    i = 0
    while i < n:
        if types[i] in _NEUTRAL or types[i] == "BN":
            j = i
            while j < n and (types[j] in _NEUTRAL or types[j] == "BN"):
                j += 1
            before = strong(types[i - 1]) if i > 0 else e
            after = strong(types[j]) if j < n else e
            fill = before if before == after else e
            types[i:j] = [fill] * (j - i)
            i = j
        else:
            i += 1
    # I1/I2: implicit levels.
    out = []
    for t in types:
        if para % 2 == 0:
            out.append(para + (1 if t == "R" else 2 if t in ("AN", "EN") else 0))
        else:
            out.append(para + (1 if t in ("L", "EN", "AN") else 0))
    # L1: trailing whitespace (and segment separators) go back to the paragraph level.
    orig = _classes(text)
    k = n
    while k > 0 and (orig[k - 1] in ("WS", "S", "B", "BN") or orig[k - 1] in _EXPLICIT):
        k -= 1
        out[k] = para
    for i, t in enumerate(orig):
        if t in ("S", "B"):
            out[i] = para
    return para, out


def reorder(text: str, direction: str = "auto") -> list[int]:
    """Indices of `text` in left-to-right display order (L2), explicit controls dropped."""
    if not any(unicodedata.bidirectional(c) in ("R", "AL", "AN") for c in text):
        return list(range(len(text)))
    _, lv = levels(text, direction)
    order = [i for i, c in enumerate(text) if unicodedata.bidirectional(c) not in _EXPLICIT]
    top = max((lv[i] for i in order), default=0)
    low = min((lv[i] for i in order if lv[i] % 2), default=top + 1)
    for level in range(top, low - 1, -1):
        i = 0
        while i < len(order):
            if lv[order[i]] >= level:
                j = i
                while j < len(order) and lv[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def visual(text: str, direction: str = "auto") -> str:
    """The line in left-to-right drawing order (L2 reversal, L3 marks, L4 mirroring)."""
    order = reorder(text, direction)
    if order == list(range(len(text))):
        return text
    _, lv = levels(text, direction)
    chars = [_MIRROR.get(text[i], text[i]) if lv[i] % 2 else text[i] for i in order]
    odd = [lv[i] % 2 == 1 for i in order]
    # L3: after reversal a right-to-left run's marks precede their base; put them after it.
    out: list[str] = []
    i = 0
    while i < len(chars):
        if unicodedata.category(chars[i]) == "Mn" and odd[i]:
            j = i
            while j < len(chars) and unicodedata.category(chars[j]) == "Mn":
                j += 1
            if j < len(chars):
                out.append(chars[j])
                out.extend(reversed(chars[i:j]))
                i = j + 1
                continue
        out.append(chars[i])
        i += 1
    return "".join(out)
