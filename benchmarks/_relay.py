"""The coalition figures of the courier benchmark (issue 23): originator seals over observations,
intercepts relayed through a hop, the cost of verifying one item end to end, and the relay
property over 10,000 random coalitions. `section(...)` returns Markdown rows; `courier.py` calls
it (the leading underscore keeps run.py from collecting this module on its own).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RELAY_ITEMS = int(os.environ.get("COURIER_RELAY_ITEMS", "2000"))
COALITIONS = int(os.environ.get("COURIER_COALITIONS", "10000"))


def seal_costs(kp: Any, released: list[dict[str, Any]]) -> tuple[float, float, float]:
    """(seconds to seal the units as originator, seconds to check them as received — the fast
    path the open takes, seconds of the reference path), median of 3, over parsed records."""
    import orjson

    from liaison.courier import origin
    from liaison.courier.canonical import canonical_records

    parsed = orjson.loads(canonical_records(released))
    seals, checks, exact = [], [], []

    class Inc:  # what check_units needs of an Incoming
        sender = kp.partner
        cache: dict[str, Any] = {}

    Inc.cache[("keys", kp.partner)] = [
        type("K", (), {"sign_pk": kp.public.sign_pk, "fingerprint": kp.public.fingerprint})
    ]
    for _ in range(3):
        t = time.perf_counter()
        seal = origin.seal_units(kp, released)
        seals.append(time.perf_counter() - t)
        t = time.perf_counter()
        origin.check_units(Inc, parsed, seal)
        checks.append(time.perf_counter() - t)
        t = time.perf_counter()
        origin.leaves_exact(parsed)
        exact.append(time.perf_counter() - t)
    return statistics.median(seals), statistics.median(checks), statistics.median(exact)


def relay_through_a_hop(n: int) -> dict[str, float]:
    """PL originates `n` ORCON intercepts (consent for EE and SE), EE relays them to SE: seconds
    for each leg and the per-item verification cost."""
    from liaison.core.ids import new_id
    from liaison.courier import keys, origin
    from liaison.courier.pouch import add_partner_key, open_pouch, seal, set_policy
    from liaison.orbat import partners
    from liaison.store import Store
    from liaison.store.schema.codebreak import intercept
    from liaison.store.schema.relay import item_consent

    tmp = Path(tempfile.mkdtemp(prefix="liaison-relay-"))
    codes = ("PL", "EE", "SE")
    ks = {c: keys.generate(c) for c in codes}
    st = {c: Store(f"sqlite:///{tmp / c}.db") for c in codes}
    for c in codes:
        with st[c].begin() as conn:
            for o in codes:
                partners.add_partner(conn, o, o, is_self=o == c)
                add_partner_key(conn, ks[o].public)
                if o != c:
                    set_policy(conn, o, "AMBER")
    now = datetime.now(UTC)
    with st["PL"].begin() as conn:
        rows = [
            {
                "id": new_id(), "partner_code": "PL", "local_id": f"I-{i}", "intercepted_at": now,
                "recorded_at": now, "callsign": f"R{i % 90}", "frequency_khz": 6400.0 + i % 50,
                "ciphertext": "QWERT ZUIOP ASDFG " * 8, "tlp": "AMBER", "rel_to": "", "orcon": True,
            }
            for i in range(n)
        ]  # fmt: skip
        conn.execute(intercept.insert(), rows)
        for i in range(n):
            for to in ("EE", "SE"):
                origin.grant_consent(conn, ks["PL"], "intercept", f"I-{i}", to)
    out: dict[str, float] = {}
    t = time.perf_counter()
    with st["PL"].begin() as conn:
        d1, _ = seal(conn, ks["PL"], "EE")
    out["originate"] = time.perf_counter() - t
    t = time.perf_counter()
    with st["EE"].begin() as conn:
        r1 = open_pouch(conn, ks["EE"], d1)
    out["open_first"] = time.perf_counter() - t
    t = time.perf_counter()
    with st["EE"].begin() as conn:
        d2, _ = seal(conn, ks["EE"], "SE")
    out["relay_seal"] = time.perf_counter() - t
    t = time.perf_counter()
    with st["SE"].begin() as conn:
        r2 = open_pouch(conn, ks["SE"], d2)
        held = conn.execute(intercept.select().where(intercept.c.received_from == "EE")).fetchall()
    out["relay_open"] = time.perf_counter() - t
    if r1["items"]["intercepts"] != n or r2["items"]["intercepts"] != n or len(held) != n:
        raise RuntimeError(f"relay lost items: {r1['items']} {r2['items']} {len(held)}")
    with st["SE"].connect() as conn:
        n_cons = conn.execute(item_consent.select()).fetchall()
    out["consents_at_se"] = len(n_cons)
    # one item's end-to-end check alone: originator signature, two hops, two consents
    import orjson

    from liaison.courier.kinds.base import Incoming
    from liaison.courier.pouch import inspect, unseal

    env = inspect(d2)["envelope"]
    recs = orjson.loads(unseal(env, ks["EE"].public.verify_key, ks["SE"]))["items"]["intercepts"]
    with st["SE"].connect() as conn:
        inc = Incoming(conn, "EE", "SE", now, now, "bench")
        origin.check_item(inc, "intercept", recs[0])  # keys cached
        t = time.perf_counter()
        for r in recs[:500]:
            origin.check_item(inc, "intercept", r)
        out["check_item_us"] = (time.perf_counter() - t) / min(500, len(recs)) * 1e6
    # anchor: one raw Ed25519 verification (libsodium) of a 64-byte message
    vk, msg = ks["PL"].signing.verify_key, b"x" * 64
    sig = ks["PL"].signing.sign(msg).signature
    t = time.perf_counter()
    for _ in range(2000):
        vk.verify(msg, sig)
    out["ed25519_us"] = (time.perf_counter() - t) / 2000 * 1e6
    for s in st.values():
        s.dispose()
    return out


def section(n_units: int, open_s: float, kp: Any, released: list[dict[str, Any]]) -> list[str]:
    """Markdown lines: the coalition rows, to sit under the pouch table."""
    from liaison.courier import relaysim

    seal_s, check_s, exact_s = seal_costs(kp, released)
    r = relay_through_a_hop(RELAY_ITEMS)
    t = time.perf_counter()
    runs, reached, bad = relaysim.check_many(COALITIONS)
    prop_s = time.perf_counter() - t
    n = RELAY_ITEMS
    without = open_s - check_s
    return [
        "",
        "### coalition: originator signatures and relay (issue 23)",
        "",
        "Every item carries its originator's Ed25519 signature over its RFC 8785 form; observations "
        "carry one originator seal per pouch (a signature over the SHA-256 of each record's "
        "digest), so the open checks one signature and hashes each record once. Relay: intercepts "
        "marked ORCON with the originator's consent for both recipients, PL → EE → SE, SQLite.",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| originator seal over {n_units:,} observations, at sealing (canonical bytes, one hash each, one signature) | {seal_s:.3f} s |",
        f"| … checked on opening (re-serialise each parsed record, hash, one verification) | {check_s:.3f} s — {check_s / n_units * 1e6:.2f} µs per observation, {check_s / open_s:.0%} of the open |",
        f"| … the reference path (per-value check, for records the fast path cannot vouch for) | {exact_s:.3f} s |",
        f"| open rate with the check / what it would be without it | **{n_units / open_s:,.0f}** / {n_units / without:,.0f} observations/s |",
        f"| {n:,} intercepts originated PL → EE: seal (sign each, first hop, consents) / open (verify each end to end) | {r['originate']:.2f} s / {r['open_first']:.2f} s |",
        f"| the same relayed EE → SE: seal (append a signed hop) / open (originator signature, two hops, two consents) | {r['relay_seal']:.2f} s / {r['relay_open']:.2f} s — **{n / (r['relay_seal'] + r['relay_open']):,.0f} items/s through a hop** |",
        f"| verify one relayed item end to end (5 signatures: originator, 2 hops, 2 consents) | {r['check_item_us']:.0f} µs |",
        f"| anchor: one raw Ed25519 verification (libsodium) | {r['ed25519_us']:.0f} µs |",
        f"| relay property, {runs:,} random coalitions of 3–6 partners (markings, consents, policies, hostile holders) | "
        f"{'no violation' if bad == 0 else f'{bad} VIOLATIONS'} in {prop_s:.1f} s; the item reached another partner in {reached:,} |",
        "",
        f"Targets: open rate kept near today's (61,255/s before originator seals): {n_units / open_s:,.0f}/s in this run "
        f"({'≥' if n_units / open_s >= 50000 else 'below'} the 50,000/s import target); "
        f"nothing relayed beyond the originator's marking in {runs:,} coalitions: "
        f"{'met' if bad == 0 and runs >= 10000 else 'NOT met'}.",
    ]
