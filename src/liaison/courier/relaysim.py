"""A pure model of one item spreading through a coalition, for the relay property test and the
courier benchmark: the same decisions the pouch makes (`policy.relay_release` when a holder
collects, `policy.relay_verdict` over the whole hop chain when a recipient opens), without stores,
keys or bytes — so 10,000 random coalitions run in seconds.

`spread` lets every holder offer the item to every partner, round after round, in the given
order, until nobody new receives it; holders named `hostile` ignore their own release policy and
the originator's marking alike (the recipient's check is then all that stands in the way).
`allowed` is the originator's intent, stated independently of the pouch's code: who may ever hold
the item.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from liaison.core.markings import TLP_LEVELS, Marking
from liaison.courier.policy import Policy, relay_release, relay_verdict, releasable


@dataclass(frozen=True)
class Coalition:
    partners: tuple[str, ...]
    originator: str
    marking: Marking
    consented: frozenset[str]
    policies: dict[tuple[str, str], Policy | None]  # (holder, recipient) → holder's policy
    hostile: frozenset[str]


def originator_releases(c: Coalition, to: str) -> bool:
    """The originator's own pouch: its release policy, ORCON only where it consented."""
    m = c.marking
    pol = c.policies[(c.originator, to)]
    plain = Marking(m.tlp, m.rel_to)
    return releasable(plain, pol) and (not m.orcon or to in c.consented)


def spread(c: Coalition, order: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """{holder: the path the item took to it}, after passing it on until nothing changes."""
    held: dict[str, list[str]] = {c.originator: [c.originator]}
    changed = True
    while changed:
        changed = False
        for h, r in order:
            if h not in held or r in held:
                continue
            path = held[h]
            if h in c.hostile:
                offered = True
            elif h == c.originator:
                offered = originator_releases(c, r)
            else:
                offered = (
                    relay_release(c.marking, c.policies[(h, r)], c.originator, path, c.consented)
                    is None
                )
            if not offered:
                continue
            chain = [*path, r]
            if all(
                relay_verdict(c.marking, c.originator, chain[:i], chain[i], c.consented) is None
                for i in range(1, len(chain))
            ):
                held[r] = chain
                changed = True
    return held


def allowed(c: Coalition, holder: str, path: Sequence[str]) -> bool:
    """The originator's intent, from the marking's definitions: TLP:RED stays home;
    AMBER+STRICT goes only to whom the originator gave it; REL TO bounds every holder; ORCON
    needs a consent naming the holder."""
    m = c.marking
    if holder == c.originator:
        return True
    if m.tlp == "RED":
        return False
    if m.tlp == "AMBER+STRICT" and len(path) != 2:
        return False
    if m.rel_to and holder not in m.rel_to:
        return False
    return not (m.orcon and holder not in c.consented)


def violations(c: Coalition, held: dict[str, list[str]]) -> list[str]:
    return [h for h, path in held.items() if not allowed(c, h, path)]


def random_coalition(rng: random.Random) -> tuple[Coalition, list[tuple[str, str]]]:
    """3–6 partners, a random marking, consents, policies (or none), hostile holders, and an
    order in which holders offer the item."""
    n = rng.randint(3, 6)
    codes = tuple(f"P{i}" for i in range(n))
    orig = rng.choice(codes)
    tlp = rng.choice(TLP_LEVELS)
    rel = tuple(sorted(x for x in codes if rng.random() < 0.5)) if rng.random() < 0.6 else ()
    m = Marking(tlp, rel, rng.random() < 0.4)
    consented = frozenset(x for x in codes if x != orig and rng.random() < 0.5)
    ceilings = (*TLP_LEVELS[:4], None)
    policies = {
        (h, r): (None if (t := rng.choice(ceilings)) is None else Policy(r, t))
        for h in codes
        for r in codes
        if h != r
    }
    hostile = frozenset(x for x in codes if x != orig and rng.random() < 0.25)
    order = [(h, r) for h in codes for r in codes if h != r]
    rng.shuffle(order)
    return Coalition(codes, orig, m, consented, policies, hostile), order


def check_many(n: int, seed: int = 23) -> tuple[int, int, int]:
    """(coalitions run, items that reached someone beyond the originator, violations)."""
    rng = random.Random(seed)
    reached = bad = 0
    for _ in range(n):
        c, order = random_coalition(rng)
        held = spread(c, order)
        reached += len(held) > 1
        bad += len(violations(c, held))
    return n, reached, bad


def reachable_without_marking_checks(c: Coalition, order: Collection[tuple[str, str]]) -> int:
    """How many partners hostile holders alone could reach if recipients did not check the hop
    chain: what the recipient's check is worth (for the benchmark's figures)."""
    held = {c.originator}
    changed = True
    while changed:
        changed = False
        for h, r in order:
            if h in held and r not in held and (h in c.hostile or h == c.originator):
                held.add(r)
                changed = True
    return len(held) - 1
