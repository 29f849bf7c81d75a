"""Duplicate candidates across scripts: Daitch–Mokotoff blocking, then a score for a reviewer.

Nothing merges here: candidates go to a person; merges are recorded as reversible links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from liaison.evac.registry import Person
from liaison.evac.soundex import dm_soundex


@dataclass(frozen=True)
class Candidate:
    a: str
    b: str
    score: float
    why: str


def _first(text: str) -> str:
    return text.split()[0] if text.split() else ""


def _keys(p: Person) -> set[str]:
    """Surname codes + birth year, and given-name codes + full birth date (catches surname drift)."""
    keys = {f"s{c}|{p.birth_date.year}" for c in dm_soundex(p.surname_icao or p.surname)}
    given = _first(p.given_names_icao or p.given_names)
    keys |= {f"g{c}|{p.birth_date.isoformat()}" for c in dm_soundex(given)} if given else set()
    return keys


def score(a: Person, b: Person) -> tuple[float, str]:
    name = (
        fuzz.token_sort_ratio(
            f"{a.surname_icao} {a.given_names_icao}", f"{b.surname_icao} {b.given_names_icao}"
        )
        / 100
    )
    given = (
        1.0
        if dm_soundex(a.given_names_icao.split()[0] if a.given_names_icao else "")
        & dm_soundex(b.given_names_icao.split()[0] if b.given_names_icao else "")
        else 0.0
    )
    if a.birth_date == b.birth_date:
        born = 1.0
    elif a.birth_date.year == b.birth_date.year:
        born = 0.5
    else:
        born = 0.0
    family = 0.1 if a.family_id and a.family_id == b.family_id else 0.0
    s = 0.45 * name + 0.2 * given + 0.35 * born + family
    return min(s, 1.0), f"name {name:.2f}, given {given:.0f}, birth {born:.1f}"


def candidates(persons: list[Person], threshold: float = 0.8) -> list[Candidate]:
    """Pairs sharing a Soundex block and birth year, scoring at least `threshold`."""
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
    return sorted(out, key=lambda c: -c.score)


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
