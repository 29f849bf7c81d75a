"""Solvers with a time budget and the `crack` entry point.

Public API (stable; the CLI, training and intercepts call it):
    crack(text, lang=None, cipher=None, budget=10.0, alphabet=None) -> Solution
    Solution(cipher, language, key, plaintext, score, confidence, alphabet); .as_dict() is the
    JSON contract (`alphabet` is the alphabet id the key works over: `pl26`, `ru31`, `en`, …).
    SOLVERS: cipher name -> solver(ct, alphabet id, budget) -> Solution.
Without `cipher` the ciphertext is identified first (identify.py) and the likeliest families are
tried in order within the budget; without `alphabet` the letters of the ciphertext decide which
alphabets to try (`alphabets.detect_alphabets`: plain A–Z tries en, de26, pl26, ru26).
A confidence below CONFIDENT is an honest "no solution above confidence" — the best guess is still
returned so a person can judge it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from math import gcd

import numpy as np

from liaison.codebreak import ciphers
from liaison.codebreak.alphabets import (
    FREQ,
    alphabet,
    detect_alphabets,
    language_of,
    normalise,
    resolve,
)
from liaison.core.errors import LiaisonError

MAX_LETTERS = 100_000
SEARCH_PREFIX = 1000  # long texts: keys are searched on a prefix and applied to the whole
CONFIDENT = 0.2


@dataclass
class Solution:
    cipher: str
    language: str
    key: object
    plaintext: str
    score: float
    confidence: float
    alphabet: str = ""

    def __post_init__(self) -> None:
        # solvers pass the alphabet id as the language; the contract reports both
        if not self.alphabet:
            self.alphabet = self.language
        self.language = language_of(self.language)

    def as_dict(self) -> dict:
        return asdict(self)


def ioc(text: str) -> float:
    n = len(text)
    if n < 2:
        return 0.0
    return sum(text.count(c) * (text.count(c) - 1) for c in set(text)) / (n * (n - 1))


def lm_score(codes: np.ndarray, lang: str) -> float:
    """Quadgram log-probability per letter (unigram marginals for texts under 4 letters)."""
    from liaison.codebreak import model

    t = model.load(lang)
    if len(codes) < 4:
        uni = np.log(np.exp(t).sum(axis=(1, 2, 3)))
        return float(uni[codes].sum() / max(1, len(codes)))
    return float(t[codes[:-3], codes[1:-2], codes[2:-1], codes[3:]].sum() / len(codes))


# What a plaintext's quadgrams + words (substitution.score) come to per letter in each language: the
# 5th percentile over template messages of 100 letters (60 each). Transpositions of the same texts
# score at least 0.7 lower from 20 letters on (ru −13.7 at worst, en −13.6, de −14.2, pl −14.8),
# which is what separates "already plaintext" from "the plain letters, shuffled".
PLAIN_LEVEL = {"ru": -12.4, "en": -11.6, "de": -11.6, "pl": -13.2}
# the traffic alphabets, measured the same way (fewer letters: more probable per letter)
PLAIN_LEVEL.update({"pl26": -12.0, "de26": -11.3, "ru31": -12.4, "ru26": -11.9})
READS_MIN_LETTERS = 20  # below this a shuffled word scores like a real one: no verdict


def reads(pt: str, lang: str) -> float:
    """How far `pt` reads as the language, in [0, 1]: 1 at 0.6 below its plaintext level per
    letter, 0 at 1.4 below. Monoalphabetic solvers that cannot fail to fit the letter
    frequencies (Caesar shift 0 and the identity affine key on a transposition score as well as
    on plaintext) need it, or their margin alone would outrank a transposition solver's answer."""
    from liaison.codebreak import substitution

    head = pt[:SEARCH_PREFIX]
    if len(head) < READS_MIN_LETTERS:
        return 1.0
    per = substitution.score(head, lang) / len(head)
    return float(np.clip((per - PLAIN_LEVEL[lang] + 1.4) / 0.8, 0.0, 1.0))


# Caesar keys are ranked by quadgrams + WORD_WEIGHT × the word segmentation open at both ends
# (lexicon.py), per letter. On 8-letter passages of real prose (development part, 2000 per
# alphabet, the shift alone) quadgrams read ru 97.0 %, en 98.5 %, pl26 96.1 %, de26 99.2 %; with
# the words ru 99.5 %, en 99.7 %, pl26 99.0 %, de26 99.9 % (with the n-gram model's 100,000 words
# instead of lexicon.N_WORDS: ru 98.5 %, pl26 98.1 %). The segmentation's costs were tuned there
# too (a letter in no word −7, each word −1); weights 1.5–3 and letter costs −6 to −8 all read
# within 0.3 %.
WORD_WEIGHT, WORD_UNK, WORD_COST = 2.0, -7.0, -1.0
# Confidence 1 at this margin (nats) between the best and runner-up key's combined score (per-letter
# margin × min(letters, 40)): every development text of 8 letters read with a margin of 16 or more
# was right; under 8, about 3 in 4. Texts under CAESAR_FULL letters get proportionally less: four
# letters such as HIDE and STOP are one shift apart and both words.
CAESAR_MARGIN, CAESAR_FULL = 16.0, 8
# The combined cost per letter of the best key must also look like language: confidence 1 up to 2
# below the level, 0 at it. The level is WORD_LEVEL at 8 letters, rising by WORD_LEVEL_SLOPE a
# letter up to 16 (word scores per letter fall as texts grow: random letters' best Caesar reading
# costs over 13.3–13.9 in 95 % of cases at 8 letters, 16.5–17.9 at 12, 18.8–20.2 at 16; real prose
# under 11.6–13.7, 13.5–14.8, 13.0–15.9). Affine picks the best of 16–20 times more keys, so its
# level is AFFINE_LEVEL_DROP lower. Without the level, 10-letter noise came back as a confident
# Caesar or affine reading 70–80 % of the time (as with quadgrams alone before).
WORD_LEVEL, WORD_LEVEL_SLOPE, AFFINE_LEVEL_DROP = 15.0, 0.25, 1.0


def _word_ranked(plains: list[np.ndarray], lang: str, top: int) -> list[tuple[float, float, int]]:
    """(−combined, −quadgram score, index) per letter for the candidate plaintexts, best first:
    quadgrams rank them all, the `top` best are re-ranked with the words (see WORD_WEIGHT)."""
    from liaison.codebreak import lexicon

    lex = lexicon.load(lang)
    quad = sorted((-lm_score(p, lang), i) for i, p in enumerate(plains))
    out = []
    for b, i in quad[:top]:
        w = lexicon.score(plains[i], lex, WORD_UNK, WORD_COST) / max(1, len(plains[i]))
        out.append((b - WORD_WEIGHT * w, b, i))
    return sorted(out)


def _word_confidence(
    c: float, c2: float, b: float, pt: str, lang: str, level_drop: float = 0.0
) -> float:
    """Confidence of a Caesar or affine key from the best and runner-up combined costs per letter
    (see CAESAR_MARGIN), times whether the best is language at all (its quadgram cost b: real
    plaintext costs under 11 per letter, noise over 14) and `reads`."""
    conf = float(np.clip((c2 - c) * min(len(pt), 40) / CAESAR_MARGIN, 0, 1))
    conf *= min(1.0, len(pt) / CAESAR_FULL)
    level = WORD_LEVEL + WORD_LEVEL_SLOPE * (min(len(pt), 16) - 8) - level_drop
    conf *= float(np.clip((level - c) / 2.0, 0, 1))
    conf *= float(np.clip((14.0 - b) / 3.0, 0, 1)) * reads(pt, lang)
    return round(conf, 3)


def crack_caesar(ct: str, lang: str, budget: float = 1.0) -> Solution:
    """Every shift, ranked by quadgrams plus the best segmentation into dictionary words (open at
    both ends: intercepts start and stop mid-word); the margin over the runner-up is the
    confidence, so a text two shifts read about equally well gets a low one. The score is the
    combined one per letter."""
    a = alphabet(lang)
    n = len(a)
    codes = np.array([a.index(c) for c in ct[:SEARCH_PREFIX]], dtype=np.int64)
    (c, b, s), (c2, _, _) = _word_ranked([(codes - s) % n for s in range(n)], lang, n)[:2]
    pt = ciphers.caesar(ct, s, lang, True)
    return Solution("caesar", lang, s, pt, round(-c, 4), _word_confidence(c, c2, b, pt, lang))


AFFINE_TOP = 64  # affine keys re-ranked with the words (of up to 32 × 31 ranked by quadgrams)


def crack_affine(ct: str, lang: str, budget: float = 1.0) -> Solution:
    """Every key (multiplier coprime with the alphabet's size, shift) ranked by quadgrams, the
    best AFFINE_TOP re-ranked with the words as Caesar's shifts are: on 10-letter passages of real
    prose (development part, 300 per alphabet) quadgrams alone read ru 93 %, en 94 %, pl26 86 %,
    de26 96 %; with the words 98.7 %, 99.7 %, 95.7 %, 100 % (4–7 ms of CPU a solve). Confidence
    is Caesar's with a stricter level: 92–99 % of those texts came back above CONFIDENT, and 6 of
    the 300 Polish ones (1 Russian) were wrong above it."""
    a = alphabet(lang)
    n = len(a)
    codes = np.array([a.index(c) for c in ct[:SEARCH_PREFIX]], dtype=np.int64)
    keys = [(m, k) for m in range(1, n) if gcd(m, n) == 1 for k in range(n)]
    plains = [(pow(m, -1, n) * (codes - k)) % n for m, k in keys]
    (c, b, i), (c2, _, _) = _word_ranked(plains, lang, AFFINE_TOP)[:2]
    m, k = keys[i]
    pt = ciphers.affine(ct, m, k, lang, True)
    conf = _word_confidence(c, c2, b, pt, lang, AFFINE_LEVEL_DROP)
    return Solution("affine", lang, [m, k], pt, round(-c, 4), conf)


def lang_ioc(lang: str) -> float:
    f = FREQ[lang]
    t = sum(f.values())
    return sum((v / t) ** 2 for v in f.values())


def _period(ct: str, lang: str, max_period: int) -> int:
    """Smallest period whose mean column IoC is nearer the language's than random's."""
    top = max(1, min(max_period, len(ct) // 3))
    iocs = {p: sum(ioc(ct[c::p]) for c in range(p)) / p for p in range(1, top + 1)}
    threshold = 0.6 * lang_ioc(lang) + 0.4 / len(alphabet(lang))
    ok = [p for p, v in iocs.items() if v >= threshold]
    return min(ok) if ok else max(iocs, key=lambda p: iocs[p])


KEY_LETTER_COST = 6.0  # log-score charged per key letter: a longer key fits any short text better


def _periodic_climb(
    codes: np.ndarray, p: int, lang: str, sign: int, restarts: int = 3
) -> tuple[float, np.ndarray]:
    """Best key of period p: per-column unigram fit, then coordinate ascent on quadgrams, plus a
    few random restarts. sign=-1 is Vigenère (plain = cipher − key), +1 Beaufort (key − cipher)."""
    from liaison.codebreak import fast, model

    n = len(alphabet(lang))
    q = model.load(lang).ravel()
    uni = model.unigram(lang)
    shifts = np.arange(n)
    rng = np.random.default_rng(p)

    def plain(key: np.ndarray) -> np.ndarray:
        ks = np.resize(key, len(codes))
        return (codes - ks) % n if sign < 0 else (ks - codes) % n

    best, best_key = -np.inf, np.zeros(p, dtype=np.int64)
    for r in range(restarts):
        key = np.zeros(p, dtype=np.int64)
        for col in range(p):
            c = codes[col::p]
            cand = (
                (c[None, :] - shifts[:, None]) % n
                if sign < 0
                else (shifts[:, None] - c[None, :]) % n
            )
            ll = uni[cand].sum(axis=1)
            key[col] = int(np.argmax(ll)) if r == 0 else int(rng.integers(n))
        cur = fast.ngram_score(plain(key), q, n)
        improved = True
        while improved:
            improved = False
            for col in range(p):
                keep = key[col]
                for sh in range(n):
                    key[col] = sh
                    sc = fast.ngram_score(plain(key), q, n)
                    if sc > cur + 1e-9:
                        cur, keep, improved = sc, sh, True
                key[col] = keep
        if cur > best:
            best, best_key = cur, key.copy()
    return best, best_key


def crack_vigenere(
    ct: str, lang: str, budget: float = 5.0, max_period: int = 12, beaufort: bool = False
) -> Solution:
    """Every period up to max_period: key by column fit and quadgram ascent; periods ranked by
    quadgrams + words − KEY_LETTER_COST per key letter."""
    from liaison.codebreak import substitution

    a = alphabet(lang)
    deadline = time.monotonic() + budget
    head = ct[:SEARCH_PREFIX]
    codes = np.array([a.index(c) for c in head], dtype=np.int64)
    sign = 1 if beaufort else -1
    cands = []
    for p in range(1, min(max_period, max(1, len(ct) // 3)) + 1):
        if cands and time.monotonic() > deadline:
            break
        _, key = _periodic_climb(codes, p, lang, sign)
        key_s = "".join(a[k] for k in key)
        pt = ciphers.vigenere(head, key_s, lang, True, beaufort=beaufort)
        total = substitution.score(pt, lang)
        cands.append((total - KEY_LETTER_COST * p, p, key_s, pt, total))
    cands.sort(key=lambda c: -c[0])
    best, p, key_s, _, total = cands[0]
    second = cands[1][0] if len(cands) > 1 else best - 10
    per = total / max(1, len(head))
    pt = ciphers.vigenere(ct, key_s, lang, True, beaufort=beaufort)
    conf = float(np.clip((best - second) / 10, 0, 1)) * float(np.clip((per + 13.0) / 4.0, 0, 1))
    if p == 1 and not beaufort:  # a one-letter Vigenère key is a Caesar shift
        return Solution("caesar", lang, a.index(key_s), pt, round(per, 4), round(conf, 3))
    name = "beaufort" if beaufort else "vigenere"
    return Solution(name, lang, key_s, pt, round(per, 4), round(conf, 3))


def crack_beaufort(ct: str, lang: str, budget: float = 5.0) -> Solution:
    return crack_vigenere(ct, lang, budget, beaufort=True)


def crack_substitution(ct: str, lang: str, budget: float = 5.0) -> Solution:
    from liaison.codebreak import substitution

    pt, key, per, conf = substitution.solve(ct, lang, budget=budget)
    return Solution("substitution", lang, key, pt, per, conf)


def crack_keyed_vigenere(ct: str, lang: str, budget: float = 5.0) -> Solution:
    from liaison.codebreak import keyed

    pt, key, per, conf = keyed.solve(ct, lang, budget=budget)
    letters, alpha_key = key.split(",")
    if alpha_key == alphabet(lang)[0]:  # the straight alphabet: a plain Vigenère
        return Solution("vigenere", lang, letters, pt, per, conf)
    return Solution("keyed_vigenere", lang, key, pt, per, conf)


def crack_checkerboard(text: str, lang: str, budget: float = 5.0) -> Solution:
    from liaison.codebreak import checkerboard

    pt, key, per, conf = checkerboard.solve(text, lang, budget=budget)
    return Solution("checkerboard", lang, key, pt, per, conf)


def crack_columnar(ct: str, lang: str, budget: float = 5.0) -> Solution:
    from liaison.codebreak import transposition

    pt, order, per, conf = transposition.solve(ct, lang, budget=budget)
    return Solution("columnar", lang, order, pt, per, conf)


def crack_double_columnar(ct: str, lang: str, budget: float = 10.0) -> Solution:
    """Key: both widths, both column read-out orders (first pass, then second) and keywords with
    those orders; `double.decrypt(ct, *key["orders"], lang)` gives the plaintext back, as does
    `liaison decrypt --cipher double_columnar --key KEYWORDS`."""
    from liaison.codebreak import double

    pt, (o1, o2), per, conf = double.solve(ct, lang, budget=budget)
    words = f"{double.keyword(o1)},{double.keyword(o2)}"
    key = {"widths": [len(o1), len(o2)], "orders": [o1, o2], "keywords": words}
    return Solution("double_columnar", lang, key, pt, per, conf)


def crack_two_digit_additive(text: str, lang: str, budget: float = 5.0) -> Solution:
    from liaison.codebreak import additive

    pt, key, per, conf = additive.solve(text, lang, budget=budget)
    return Solution("two_digit_additive", lang, key, pt, per, conf)


def crack_two_digit_table(text: str, lang: str, budget: float = 5.0) -> Solution:
    """Secret two-digit table under an additive; key 'table codes,relative additive' (table.py)."""
    from liaison.codebreak import table

    pt, key, per, conf = table.solve(text, lang, budget=budget)
    return Solution("two_digit_table", lang, key, pt, per, conf)


def crack_codebook(text: str, lang: str, budget: float = 5.0) -> Solution:
    """Known book, one message per line from any starting groups of one additive: align them
    into depths, strip each depth and decode (depth.solve_known). The key gives each depth's
    additive and each message's depth and start column (None: overlaps nothing found);
    confidence is the share of all groups read as book entries where the additive is sure,
    times the posterior that the stripped groups are this language's traffic."""
    from liaison.codebreak import depth

    lines = [ln for ln in text.splitlines() if any(c.isdigit() for c in ln)]
    if len(lines) < 2:
        raise LiaisonError(
            "a codebook solve needs at least two messages enciphered with the same additive, "
            "one per line"
        )
    ks = depth.solve_known(lines, lang)
    al = ks.alignment
    key = {
        "additive": ks.additives(),
        "depth": al.depth,
        "offset": al.offset,
        "assumed_same_start": ks.assumed,
    }
    plain = [
        p if d is not None else "(not aligned)" for p, d in zip(ks.plaintext, al.depth, strict=True)
    ]
    share = ks.decoded / max(1, ks.groups)
    # every generated book holds the same groups, so only the fit of the frequencies says
    # whether this is the language's traffic
    fit = depth.language_posterior(ks)[language_of(lang)]
    return Solution("codebook", lang, key, "\n".join(plain), round(share, 4), round(share * fit, 3))


SOLVERS: dict[str, Callable[[str, str, float], Solution]] = {
    "caesar": crack_caesar,
    "affine": crack_affine,
    "vigenere": crack_vigenere,
    "beaufort": crack_beaufort,
    "substitution": crack_substitution,
    "columnar": crack_columnar,
    "double_columnar": crack_double_columnar,
    "two_digit_additive": crack_two_digit_additive,
    "two_digit_table": crack_two_digit_table,
    "codebook": crack_codebook,
    "keyed_vigenere": crack_keyed_vigenere,
    "checkerboard": crack_checkerboard,
}
DIGIT_CIPHERS = {"two_digit_additive", "two_digit_table", "codebook", "checkerboard"}
# share of the remaining budget each family gets when several are tried in turn
SHARE = {"caesar": 0.05, "affine": 0.1, "vigenere": 0.4, "beaufort": 0.4, "columnar": 0.5}
SHARE["keyed_vigenere"] = 0.8


LEAD_WEIGHT = 3.0
# Ciphers that never do arithmetic on letter positions: a 31-letter text (Ъ merged with Ь) under
# them reads the same with the 32-letter solver (its key simply leaves Ъ unused), so without a Ъ
# in the ciphertext ru31 is not tried for them — and the answer says ru.
ALPHABET_BLIND = {"substitution", "columnar", "double_columnar"}
_PREPARED: set[str] = set()
# A fall-back alphabet of the language (ru31 after ru) must read better per letter by this much,
# as well as more confidently, to displace the native alphabet's answer under the same cipher:
# on short texts nothing tells 31 letters from 32 (a Caesar text of 8 letters reads under both), and
# a bare comparison of confidences, which the rarer alphabet wins by chance as often as not, chose
# ru31 for 5 % of Russian 8-letter Caesar texts sent in 32 letters (real prose, 300 texts).
FALLBACK_MARGIN = 0.2
# Caesar's score adds the words (weight 2) to the quadgrams, so its per-letter scores spread wider:
# on 1500 Russian 8-letter development texts sent in 32 letters, and 1500 sent in 31, a margin of
# 1.5 read ru 99.3 % and ru31 51.8 % (0.2: 98.7 % and 53.8 %; 3: 99.5 % and 45.3 %).
FALLBACK_MARGINS = {"caesar": 1.5}


def _displaces(sol: Solution, best: Solution, native: str) -> bool:
    """Whether `sol` is the better answer than `best` (see FALLBACK_MARGIN)."""
    if sol.confidence <= best.confidence:
        return False
    fallback = best.alphabet == native and sol.alphabet != native
    if fallback and sol.cipher == best.cipher and sol.language == best.language:
        return sol.score > best.score + FALLBACK_MARGINS.get(sol.cipher, FALLBACK_MARGIN)
    return True


def _prepare(langs: list[str], lexicon: bool = False) -> None:
    """Load (on first use: build) the language models — and, for Caesar and affine, the
    lexicon — and compile the kernels once per process, so a fresh cache does not eat the first
    solve's budget."""
    from liaison.codebreak import fast, model
    from liaison.codebreak import lexicon as lex

    for lg in langs:
        if lg not in _PREPARED:
            model.load(lg)
            model.words(lg)
            _PREPARED.add(lg)
        if lexicon:
            lex.load(lg)
    fast.warm()


def crack(
    text: str,
    lang: str | None = None,
    cipher: str | None = None,
    budget: float = 10.0,
    alphabet: str | None = None,
) -> Solution:
    """Break `text` within `budget` seconds (the cipher, language and alphabet identified when not
    given). `lang` may be a language or an alphabet id; `alphabet` an id or, with `lang`,
    `native`, `26`/`latin` or `31` (`alphabets.resolve`).

    Raises LiaisonError for input no solver can take (empty, no letters, odd digits, too long);
    otherwise returns the most confident solution found — check `confidence` against CONFIDENT.
    """
    from liaison.codebreak import identify

    budget = max(0.05, float(budget))
    lang = resolve(lang, alphabet)  # an explicit alphabet, or the language to detect within
    explicit = bool(alphabet and alphabet.strip()) or (
        lang is not None and lang != language_of(lang)
    )
    if cipher is not None and cipher not in SOLVERS:
        raise LiaisonError(f"no solver for cipher {cipher!r}; available: {', '.join(SOLVERS)}")
    letters = sum(map(str.isalpha, text))  # C-speed count: refuse huge input before any work
    if letters > MAX_LETTERS:
        raise LiaisonError(f"ciphertext has {letters} letters; the limit is {MAX_LETTERS}")
    digits = sum(map(str.isdigit, text))
    if digits > 2 * MAX_LETTERS:
        raise LiaisonError(f"ciphertext has {digits} digits; the limit is {2 * MAX_LETTERS}")
    if cipher is not None and text.strip():
        if cipher not in DIGIT_CIPHERS and digits >= 4 * letters:
            raise LiaisonError(f"cipher {cipher} expects letters; the input is mostly digits")
        if cipher in DIGIT_CIPHERS and digits < 4 * letters:
            raise LiaisonError(f"cipher {cipher} expects digits; the input is mostly letters")
    cands: list[str] = []
    if not explicit and letters and digits < 4 * letters:
        # the letters say which alphabets the traffic was sent in (an explicit one is kept)
        if lang is None:
            identify.identify(text)  # refuses a mix of scripts first
        cands = detect_alphabets(text, lang)
    ident = identify.identify(text, cands[0] if cands else lang)
    start = time.monotonic()
    if cipher is not None:
        if (cipher in DIGIT_CIPHERS) != (ident.kind == "digits"):
            want = "digits" if cipher in DIGIT_CIPHERS else "letters"
            raise LiaisonError(f"cipher {cipher} expects {want}; the input is mostly {ident.kind}")
        names = [cipher]
    else:
        names = ident.ciphers
    langs = cands if cands and ident.kind == "letters" else ident.languages
    if "ru" in langs and "ru31" in langs and set(names) <= ALPHABET_BLIND:
        langs = [lg for lg in langs if lg != "ru31"]
    if ident.kind == "letters":
        longest = max(len(normalise(text, lg)) for lg in langs)
        if longest > MAX_LETTERS:
            raise LiaisonError(f"ciphertext has {longest} letters; the limit is {MAX_LETTERS}")
    best: Solution | None = None
    errors: list[str] = []
    for li, lg in enumerate(langs):
        ct = text if ident.kind == "digits" else normalise(text, lg)
        if not ct:
            continue
        if best is not None and best.confidence >= 0.9:
            break
        t_prep = time.monotonic()
        # one-time model builds and kernel compiles are not charged to the budget; the codebook
        # solver needs the books' traffic models, not the n-gram models
        if "codebook" in names:
            from liaison.codebreak import depth

            depth.prepare()
        if names != ["codebook"]:
            _prepare([lg], lexicon=bool({"caesar", "affine"} & set(names)))
        start += time.monotonic() - t_prep
        for ni, nm in enumerate(names):
            left = budget - (time.monotonic() - start)
            if best is not None and (left <= 0 or best.confidence >= 0.9):
                break
            if lg == "ru31" and "ru" in langs and nm in ALPHABET_BLIND:
                continue  # read as well in the 32 letters (tried first)
            if (
                nm == "two_digit_table"
                and best is not None
                and best.cipher == "two_digit_additive"
                and best.confidence >= CONFIDENT
            ):
                continue  # the known table read it: a secret table is only its generalisation
            # split what is left over the languages and ciphers still to try
            # the likeliest alphabet (the first) is worth LEAD_WEIGHT of the others: a fall-back
            # such as native Polish for A–Z ciphertext rarely holds and must not halve the budget
            todo_l = sum(LEAD_WEIGHT if j == 0 else 1.0 for j in range(li, len(langs)))
            todo_l /= LEAD_WEIGHT if li == 0 else 1.0
            share = 1.0 if ni == len(names) - 1 else SHARE.get(nm, 0.5)
            part = max(0.02, left / todo_l * share)
            try:
                sol = SOLVERS[nm](ct, lg, part)
            except LiaisonError as exc:
                if cipher is not None:
                    raise
                errors.append(f"{nm}: {exc}")
                continue
            if best is None or _displaces(sol, best, langs[0]):
                best = sol
    if best is None:
        why = "; ".join(dict.fromkeys(errors)) or "nothing to try"
        raise LiaisonError(f"no solver could read this input ({why})")
    return best
