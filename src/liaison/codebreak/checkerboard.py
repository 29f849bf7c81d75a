"""Straddling-checkerboard solver: digits in, letters out.

Once the blank (row) digits are known the digit stream parses into one- and two-digit codes
without ambiguity, and the codes stand for letters one to one: what is left is a simple
substitution, which `substitution.solve` breaks. So: (1) every set of blank digits the alphabet
needs (two for 26 letters, three for 30–32: `ciphers._board`) is parsed, and the sets are ranked by
how well the parsed codes' frequencies fit the language's letter frequencies (the likeliest
injective code → letter assignment pairs them in frequency order); a set that leaves a blank digit
dangling at the end, or yields more distinct codes than letters, is impossible; (2) the best set is
solved, and so are the runners-up whose fit comes close (the last blank row holds only the
rarest letters, so its digit is the one frequencies are least sure of); the solve that scores
best on quadgrams + words wins; (3) the board is rebuilt as `ciphers.checkerboard` lays it out — top row, then the
blank rows in order, empty cells last — so the key it returns decrypts the text with
`liaison decrypt --cipher checkerboard --key`.
"""

from __future__ import annotations

import time
from itertools import combinations, permutations

import numpy as np

from liaison.codebreak import model, substitution
from liaison.codebreak.alphabets import alphabet
from liaison.codebreak.identify import CHECKERBOARD_MIN_DIGITS as MIN_DIGITS
from liaison.codebreak.keyed import fill_holes, keyword_of
from liaison.core.errors import LiaisonError

SCREEN = 3  # blank sets solved at most ...
SCREEN_GAP = 25.0  # ... when their frequency log-likelihood is this close to the best's
SURE, RIVAL_SHARE = 0.5, 0.2  # a confident first solve leaves rivals this share of the budget


def blanks_needed(lang: str) -> int:
    """The fewest blank digits whose board holds the alphabet (10 − b + 10·b cells)."""
    n = len(alphabet(lang))
    return next(b for b in range(1, 10) if 10 - b + 10 * b >= n)


def digits_of(text: str) -> list[int]:
    d = [int(c) for c in text if c.isdigit()]
    if len(d) < MIN_DIGITS:
        raise LiaisonError(
            f"{len(d)} digits are too few to break a straddling checkerboard "
            f"(at least {MIN_DIGITS})"
        )
    return d


def parse(d: list[int], blanks: tuple[int, ...]) -> list[int] | None:
    """Codes (a digit 0–9, or 10·row + digit for a blank row) or None when the text ends on a
    blank digit — impossible, as every blank digit starts a two-digit code."""
    rows = set(blanks)
    out: list[int] = []
    i = 0
    while i < len(d):
        if d[i] in rows:
            if i + 1 >= len(d):
                return None
            out.append(10 + 10 * d[i] + d[i + 1])  # 10.. so two-digit codes never clash
            i += 2
        else:
            out.append(d[i])
            i += 1
    return out


def fits_layout(codes: list[int], blanks: tuple[int, ...], n: int) -> bool:
    """Whether some blank row can be the board's last: `ciphers._board` fills the cells in order,
    so the last row's final cells (as many as the board has cells beyond the n letters) stay
    empty, and their codes never occur."""
    empty = 10 - len(blanks) + 10 * len(blanks) - n
    used = set(codes)
    return any(all(10 + 10 * r + c not in used for c in range(10 - empty, 10)) for r in blanks)


def rank_blanks(d: list[int], lang: str) -> list[tuple[float, tuple[int, ...], list[int]]]:
    """Every possible blank set with its parse, likeliest first: sets whose parse fits the
    board's layout (`fits_layout`) before those that do not, then by the letter log-likelihood of
    the parse when codes are paired with letters in frequency order. The layout test matters for
    the last blank row, which holds only the rarest letters: on frequencies alone a set with the
    wrong third digit can score as well as the right one."""
    n = len(alphabet(lang))
    logf = np.sort(model.unigram(lang))[::-1]
    out = []
    for blanks in combinations(range(10), blanks_needed(lang)):
        codes = parse(d, blanks)
        if codes is None:
            continue
        counts = np.sort(np.bincount(codes))[::-1]
        counts = counts[counts > 0]
        if len(counts) > n:
            continue
        ll = float(counts @ logf[: len(counts)])
        out.append((fits_layout(codes, blanks, n), ll, blanks, codes))
    out.sort(key=lambda r: (not r[0], -r[1]))
    return [(ll, blanks, codes) for _, ll, blanks, codes in out]


def _code(c: int) -> str:
    return str(c) if c < 10 else f"{(c - 10) // 10}{(c - 10) % 10}"


def _as_letters(codes: list[int], a: str) -> tuple[str, list[int]]:
    """The codes relabelled as letters (commonest code → first letter) for the substitution
    solver, and the code behind each label."""
    labels = sorted(set(codes), key=lambda c: (-codes.count(c), c))
    lut = {c: a[i] for i, c in enumerate(labels)}
    return "".join(lut[c] for c in codes), labels


def board_key(mapping: dict[int, str], blanks: tuple[int, ...], lang: str) -> str | None:
    """The key 'ALPHABET KEYWORD,BLANK DIGITS' whose `ciphers.checkerboard` board puts every
    solved letter on its code, or None when no order of the blank rows leaves the used codes off
    the board's empty cells (the text was not laid out the way `ciphers._board` lays boards out).
    Letters the text never uses go where a keyword would have put them (`keyed.fill_holes`), and
    of the row orders that fit, the one with the shortest keyword wins: boards are filled from a keyword, then the
    rest of the alphabet in order, so the true order and keyword usually come back."""
    a = alphabet(lang)
    best: str | None = None
    for order in permutations(blanks):
        cells = [c for c in range(10) if c not in order]
        cells += [10 + 10 * r + c for r in order for c in range(10)]
        cells, empty = cells[: len(a)], cells[len(a) :]
        if any(c in mapping for c in empty):
            continue
        holes = [a.index(mapping[c]) if c in mapping else None for c in cells]
        spare = [i for i, c in enumerate(a) if c not in mapping.values()]
        seq = "".join(a[i] for i in fill_holes(holes, spare))
        key = f"{keyword_of(seq, lang)},{''.join(map(str, order))}"
        if best is None or len(key) < len(best):
            best = key
    return best


def solve(
    text: str, lang: str, budget: float = 5.0, seed: int = 0
) -> tuple[str, str, float, float]:
    """Return (plaintext, key 'ALPHABET KEYWORD,BLANKS', score per letter, confidence)."""
    deadline = time.monotonic() + budget
    a = alphabet(lang)
    d = digits_of(text)
    ranked = rank_blanks(d, lang)
    if not ranked:
        raise LiaisonError(
            f"no set of {blanks_needed(lang)} blank digits parses these {len(d)} digits into at "
            f"most {len(a)} codes: not a {lang} straddling checkerboard"
        )
    # the best blank set by frequencies is solved first (half the budget when others come
    # close, then they share the rest); the answer is the solve that scores best
    finalists = [r for r in ranked[:SCREEN] if r[0] >= ranked[0][0] - SCREEN_GAP]
    solved = []
    for i, (_, blanks, codes) in enumerate(finalists):
        left = deadline - time.monotonic()
        if solved and left <= 0:
            break
        rest = len(finalists) - i
        share = left / 2 if i == 0 and rest > 1 else left / rest
        if i and solved[0][-1] >= SURE:  # the first was solved with agreement: a quick check
            share = min(share, RIVAL_SHARE * budget)
        ct, labels = _as_letters(codes, a)
        pt, key, per, conf = substitution.solve(ct, lang, budget=max(0.05, share), seed=seed)
        head = pt[: substitution.MAX_SOLVE_LETTERS]
        total = substitution.score(head, lang) * len(pt) / max(1, len(head))
        solved.append((total, blanks, labels, pt, key, per, conf))
    solved.sort(key=lambda r: -r[0])
    total, blanks, labels, pt, key, per, conf = solved[0]
    # key is the cipher alphabet over labels: plain letter i → label key[i]
    plain_of = {key[i]: a[i] for i in range(len(a))}
    mapping = {code: plain_of[a[j]] for j, code in enumerate(labels)}
    margin = float(np.clip((total - solved[1][0]) / 20.0, 0.0, 1.0)) if len(solved) > 1 else 1
    board = board_key(mapping, blanks, lang)
    if board is None:  # not a board `ciphers.checkerboard` makes: report the cells instead
        conf *= 0.5
        cells = " ".join(f"{_code(c)}={mapping[c]}" for c in sorted(mapping))
        board = f"blanks {''.join(map(str, blanks))}: {cells}"
    return pt, board, per, round(conf * margin, 3)
