"""Duplicate candidates across scripts: blocking, then a score for a reviewer.

Nothing merges here: candidates go to a person; merges are recorded as reversible links.

Blocking keys: Daitch–Mokotoff codes of the surname with the birth year, of the first given
name with the birth date, and the birth date itself (and with day and month swapped) — katakana
and Hebrew spellings of one surname often share no Soundex code, but a person keeps a birth date.
The score weighs surname, given name and birth date; each name is compared in its ICAO form and
as a consonant skeleton (`skeleton`) that folds the spelling conventions of Polish, German,
English, Russian, Yiddish and Japanese onto one another. The default threshold is calibrated on
the labelled set in `benchmarks/evac_dups/` (dev part; the held-out part reports the figures).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from liaison.evac.registry import Person
from liaison.evac.soundex import dm_soundex

#: Candidates offered for review score at least this (calibrated: see the module docstring).
DEFAULT_THRESHOLD = 0.52


@dataclass(frozen=True)
class Candidate:
    a: str
    b: str
    score: float
    why: str


# Spelling conventions folded onto one consonant class each, longest first.
_FOLD = [
    ("TSCH", "C"),
    ("SHCH", "C"),
    ("TSH", "C"),
    ("SCH", "S"),
    ("CZ", "C"),
    ("CH", "H"),
    ("KH", "H"),
    ("SZ", "S"),
    ("SH", "S"),
    ("ZH", "S"),
    ("TZ", "C"),
    ("TS", "C"),
    ("CK", "K"),
    ("PH", "F"),
    ("DT", "T"),
]
_FOLD_RE = re.compile("|".join(a for a, _ in _FOLD))
_FOLD_MAP = dict(_FOLD)
_SINGLE = str.maketrans(
    {
        "Z": "S",
        "C": "S",
        "W": "V",
        "B": "V",
        "L": "R",
        "G": "H",
        "Q": "K",
        "D": "T",
        "J": "",
        "Y": "",
        "X": "KS",
    }
)


def skeleton(icao: str) -> str:
    """Consonants only, spelling conventions folded: SZAPIRO, SHAPIRO, SHPIRA → SPR."""
    s = re.sub(r"[\W\d_]", "", icao.upper())
    head = (
        "A" if s[:1] in ("A", "E", "I", "O", "U", "Y", "J") else ""
    )  # Abram ≠ Bluma, Josef ≠ Sophia
    s = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], s)
    s = s.translate(_SINGLE)
    s = re.sub(r"[AEIOU]", "", s)
    return head + re.sub(r"(.)\1+", r"\1", s)


def _first(text: str) -> str:
    return text.split()[0] if text.split() else ""


def _swapped(d: date) -> date | None:
    if d.day <= 12 and d.day != d.month:
        return date(d.year, d.day, d.month)
    return None


def _keys(p: Person) -> set[str]:
    """Surname codes + birth year, given-name codes + birth date, and the birth date itself."""
    keys = {f"s{c}|{p.birth_date.year}" for c in dm_soundex(p.surname_icao or p.surname)}
    given = _first(p.given_names_icao or p.given_names)
    keys |= {f"g{c}|{p.birth_date.isoformat()}" for c in dm_soundex(given)} if given else set()
    keys.add(f"d|{p.birth_date.isoformat()}")
    sw = _swapped(p.birth_date)
    if sw is not None:  # a day/month slip meets the other record's own date key
        keys.add(f"d|{sw.isoformat()}")
    return keys


def _sim(a: str, b: str) -> float:
    """Best of the ICAO spelling and the skeleton, 0–1."""
    if not a or not b:
        return 0.0
    raw = fuzz.ratio(a, b) / 100
    sa, sb = skeleton(a), skeleton(b)
    if not sa or not sb or sa[0] != sb[0]:
        return raw  # skeletons of different initial sounds say nothing
    if min(len(sa), len(sb)) < 3:  # two or fewer consonants: only an exact skeleton counts
        return max(raw, 1.0 if sa == sb else 0.0)
    return max(raw, fuzz.ratio(sa, sb) / 100)


def _given(a: Person, b: Person) -> float:
    ta = (a.given_names_icao or "").split()
    tb = (b.given_names_icao or "").split()
    if not ta or not tb:
        return 0.0
    best = max(_sim(x, y) for x in ta for y in tb)
    if dm_soundex(ta[0]) & dm_soundex(tb[0]):
        best = max(best, 0.9)
    return best


def _born(a: date, b: date) -> float:
    if a == b:
        return 1.0
    if _swapped(a) == b or abs((a - b).days) == 1:
        return 0.8  # a clerk's slip
    return 0.0  # same names in another year: a relative or a namesake, not offered


def score(a: Person, b: Person) -> tuple[float, str]:
    """0–1: names (0.4 surname + 0.6 given name squared — relatives share a surname, so a weak
    given-name match must cost more than linearly) times birth-date agreement (0.4 + 0.6 × birth:
    names alone, with another birth date, never reach the threshold: that is a namesake or a
    relative; a surname below 0.6 scales it down). A shared family is no evidence: families are made of relatives. The weights and
    threshold maximise min(recall, precision) on the dev part of the labelled set."""
    surname = max(
        _sim(a.surname_icao, b.surname_icao),
        1.0 if dm_soundex(a.surname_icao) & dm_soundex(b.surname_icao) else 0.0,
    )
    given = _given(a, b)
    born = _born(a.birth_date, b.birth_date)
    gate = min(1.0, surname / 0.6)  # another surname altogether is another person
    s = (0.4 * surname + 0.6 * given**2) * (0.4 + 0.6 * born) * gate
    return min(s, 1.0), f"surname {surname:.2f}, given {given:.2f}, birth {born:.2f}"


def candidates(persons: list[Person], threshold: float = DEFAULT_THRESHOLD) -> list[Candidate]:
    """Pairs sharing a blocking key, scoring at least `threshold`, best first."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(persons):
        for k in _keys(p):
            blocks[k].append(i)
    seen: set[tuple[int, int]] = set()
    out: list[Candidate] = []
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair = (members[x], members[y])
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = persons[pair[0]], persons[pair[1]]
                s, why = score(a, b)
                if s >= threshold:
                    out.append(Candidate(a.person_id, b.person_id, round(s, 3), why))
    return sorted(out, key=lambda c: (-c.score, c.a, c.b))


@dataclass(frozen=True)
class Accuracy:
    threshold: float
    true_pairs: int
    offered: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.true_pairs if self.true_pairs else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.offered if self.offered else 1.0


def evaluate(
    persons: list[Person], cluster: dict[str, str], threshold: float = DEFAULT_THRESHOLD
) -> Accuracy:
    """Recall and precision of the candidates offered, against a labelled set where records of
    one person share a cluster id."""
    members: dict[str, int] = defaultdict(int)
    for p in persons:
        members[cluster[p.person_id]] += 1
    truth = sum(n * (n - 1) // 2 for n in members.values())
    offered = candidates(persons, threshold)
    found = sum(1 for c in offered if cluster[c.a] == cluster[c.b])
    return Accuracy(threshold, truth, len(offered), found)


class Merges:
    """Reviewer decisions as an undo-able log: a merge links b into a; undo removes the link."""

    def __init__(self) -> None:
        self.links: dict[str, str] = {}

    def merge(self, keep: str, drop: str) -> None:
        self.links[drop] = keep

    def undo(self, drop: str) -> None:
        self.links.pop(drop, None)

    def canonical(self, pid: str) -> str:
        while pid in self.links:
            pid = self.links[pid]
        return pid
