"""The release policy over relayed items: nothing relayed beyond what the originator allowed.

A property over random coalitions of 3–6 partners (random markings, consents, release policies,
hostile holders who ignore both): every partner that ends up holding the item is one the
originator's marking allows. Hypothesis explores a bounded number here; `check_many` runs a fixed
seeded 2,000 (the courier benchmark runs 10,000)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.core.markings import Marking
from liaison.courier import relaysim
from liaison.courier.policy import Policy, relay_release, relay_verdict


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_nothing_relayed_beyond_the_originators_marking(seed: int) -> None:
    c, order = relaysim.random_coalition(random.Random(seed))
    held = relaysim.spread(c, order)
    assert relaysim.violations(c, held) == []
    for h, path in held.items():  # each path is a real chain, originator first, no repeats
        assert path[0] == c.originator and path[-1] == h and len(set(path)) == len(path)


def test_two_thousand_seeded_coalitions() -> None:
    n, reached, bad = relaysim.check_many(2_000)
    assert bad == 0
    assert reached > n // 4  # the property is not vacuous: items do travel


def test_the_rules_themselves() -> None:
    orcon = Marking("AMBER", (), True)
    assert relay_verdict(orcon, "PL", ["PL", "EE"], "SE", {"SE"}) is None
    assert relay_verdict(orcon, "PL", ["PL", "EE"], "JP", {"SE"}) == "no-consent"
    assert (
        relay_verdict(Marking("AMBER", ("EE",)), "PL", ["PL", "EE"], "SE", ()) == "beyond-marking"
    )
    assert relay_verdict(Marking("AMBER+STRICT"), "PL", ["PL"], "EE", ()) is None
    assert relay_verdict(Marking("AMBER+STRICT"), "PL", ["PL", "EE"], "SE", ()) == "beyond-marking"
    assert relay_verdict(Marking("RED"), "PL", ["PL"], "EE", ()) == "beyond-marking"
    assert relay_verdict(Marking("GREEN"), "PL", ["PL", "EE"], "PL", ()) == "loop"
    # the holder's own policy can only narrow: none, or a ceiling below the marking, withholds
    assert relay_release(Marking("GREEN"), None, "PL", ["PL", "EE"], ()) == "policy"
    assert (
        relay_release(Marking("AMBER"), Policy("SE", "GREEN"), "PL", ["PL", "EE"], ()) == "policy"
    )
    assert relay_release(Marking("AMBER"), Policy("SE", "AMBER"), "PL", ["PL", "EE"], ()) is None


def test_a_hostile_holder_is_stopped_by_the_recipients_check() -> None:
    # EE ignores everything, but SE and JP check the chain: REL TO EE stops it at EE
    pols = {(h, r): Policy(r, "AMBER") for h in "ABC" for r in "ABC" if h != r}
    c = relaysim.Coalition(
        ("A", "B", "C"), "A", Marking("AMBER", ("B",)), frozenset(), pols, frozenset({"B"})
    )
    held = relaysim.spread(c, [("A", "B"), ("B", "C"), ("A", "C")])
    assert set(held) == {"A", "B"}
    assert relaysim.reachable_without_marking_checks(c, [("A", "B"), ("B", "C")]) == 2
