"""The fast paths give the same bytes as the reference: canonical JSON (RFC 8785), the envelope
layout, and the received-observation fingerprint (orbat.observe.fingerprint)."""

from __future__ import annotations

import os

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.core.markings import Marking
from liaison.courier.bulk import new_ids
from liaison.courier.canonical import canonical, canonical_records
from liaison.courier.envelope import MAGIC, encode_envelope
from liaison.courier.kinds.observations import fast_fingerprint
from liaison.orbat.observe import fingerprint

CASES = int(os.environ.get("LIAISON_FAST_PATH_CASES", "300"))
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**60), 2**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([40.0, -0.0, 1e-5, 1e-7, 1e16, 1e21, 123456789012345680.0, 0.1, 43.12]),
    TEXT,
    st.sampled_from(["\x00\x1f\x7f\u2028", 'q"uo\\te', "Dywizja Strzelców", "第27狙撃師団", "😀"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(TEXT, st.just("😀k")), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=CASES, deadline=None)
@given(st.lists(st.dictionaries(TEXT, VALUES, max_size=6), max_size=6))
def test_canonical_records_equals_rfc8785(records) -> None:  # type: ignore[no-untyped-def]
    try:
        want = rfc8785.dumps(records)
    except (rfc8785.IntegerDomainError, rfc8785.FloatDomainError):
        return  # the reference refuses these; so would the fast path's fallback
    assert canonical_records(records) == want


def test_canonical_records_strings_over_every_code_point() -> None:
    """orjson's string escapes are RFC 8785's, for every code point (surrogates aside), in values
    and in keys (which also exercises the key order)."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(chars), 4096):
        chunk = chars[i : i + 4096]
        records = [{"v": "".join(chunk), "w": chunk[:64]}, {c: c for c in chunk[:512]}]
        assert canonical_records(records) == rfc8785.dumps(records)


@settings(max_examples=CASES * 10, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_canonical_records_floats(xs) -> None:  # type: ignore[no-untyped-def]
    records = [{"lat": x, "n": [x, -x]} for x in xs]
    assert canonical_records(records) == rfc8785.dumps(records)


def test_envelope_layout_and_round_trip() -> None:
    """Three lines — magic, canonical manifest, hex signature — then the raw ciphertext, which
    comes back out of `inspect` byte for byte (newlines and all)."""
    from liaison.courier.envelope import FORMAT, MANIFEST_FIELDS, SEALBYTES, inspect

    m = {k: "x" for k in MANIFEST_FIELDS} | {"version": FORMAT, "seq": 1, "note": "ż\n"}
    m.pop("note")
    m["payload_size"] = 100 - SEALBYTES
    ct = (b"\x00\n\xff" * 34)[:100]
    data = encode_envelope(m, ct, "ab" * 64)
    assert data == MAGIC + canonical(m) + b"\n" + b"ab" * 64 + b"\n" + ct
    env = inspect(data)["envelope"]
    assert env["manifest"] == m and env["manifest_bytes"] == canonical(m)
    assert env["ciphertext"] == ct and env["signature"] == "ab" * 64


FACTS = st.fixed_dictionaries(
    {
        "designation": TEXT.filter(bool),
        "echelon": st.one_of(st.none(), TEXT),
        "branch": st.one_of(st.none(), TEXT),
        "parent_local_id": TEXT,
        "sidc": st.one_of(st.none(), st.just("10061000001211000000")),
        "lat": st.one_of(st.none(), st.floats(-90, 90)),
        "lon": st.one_of(st.none(), st.floats(-180, 180)),
        "place": st.one_of(st.none(), TEXT),
        "equipment": st.one_of(
            st.none(), st.dictionaries(TEXT, st.integers(0, 10**6), min_size=1, max_size=3)
        ),
        "strength": st.one_of(st.none(), st.integers(0, 10**6)),
        "reliability": st.one_of(st.none(), st.sampled_from("ABCDEF")),
        "credibility": st.one_of(st.none(), st.integers(1, 6)),
        "notes": st.one_of(st.none(), TEXT),
    }
)


@settings(max_examples=CASES, deadline=None)
@given(FACTS, st.sampled_from(["1938-06-01T00:00:00Z", "1939-08-20T05:30:00.5Z"]),
       st.sampled_from(["CLEAR", "GREEN", "AMBER"]), st.lists(st.sampled_from(["JP", "PL", "ż"]), max_size=2))  # fmt: skip
def test_fast_fingerprint_equals_the_orbat_fingerprint(facts, at, tlp, rel) -> None:  # type: ignore[no-untyped-def]
    assert fast_fingerprint(facts, at, tlp, rel) == fingerprint(
        facts, at, Marking(tlp, tuple(rel)), None
    )


def test_bulk_ids_are_increasing_uuid7() -> None:
    import uuid

    ids = new_ids(1000)
    assert ids == sorted(ids) and len(set(ids)) == 1000
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)


def test_direct_libsodium_calls_interoperate_with_pynacl(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The in-place sealed box (PyNaCl's cffi module) and PyNaCl's public SealedBox open each
    other's boxes, and both refuse a flipped bit."""
    import nacl.exceptions
    import pytest

    from liaison.courier import envelope, keys

    assert envelope._DIRECT  # the fast path is the one in use
    kp = keys.generate("JP")
    msg = b"\x00payload\n" * 1000
    direct = bytes(envelope._box_seal(msg, kp.public))
    monkeypatch.setattr(envelope, "_DIRECT", False)
    public = bytes(envelope._box_seal(msg, kp.public))
    assert envelope._box_open(memoryview(direct), kp) == msg
    monkeypatch.setattr(envelope, "_DIRECT", True)
    assert envelope._box_open(memoryview(public)[0:], kp) == msg
    for direct_path in (True, False):
        monkeypatch.setattr(envelope, "_DIRECT", direct_path)
        bad = bytearray(public)
        bad[60] ^= 1
        for ct in (bytes(bad), public[:10]):
            with pytest.raises(nacl.exceptions.CryptoError):
                envelope._box_open(ct, kp)


def test_bulk_ids_count_up_across_the_carry(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The ids are written a run at a time between carries out of the counter's low 48 bits:
    across a carry they still count up by one, as 128-bit numbers, and stay UUIDv7."""
    import uuid

    from liaison.courier import bulk

    start = (0x1234 << 48) | ((1 << 48) - 5)  # five ids before the low 48 bits wrap
    monkeypatch.setattr(bulk.os, "urandom", lambda n: start.to_bytes(n, "big"))
    ids = new_ids(12)
    nums = [uuid.UUID(i).int for i in ids]
    assert nums == list(range(nums[0], nums[0] + 12))
    # the variant bits (0b10) sit above the counter: 0x1234 reads 9234
    assert ids[4].endswith("9234-ffffffffffff") and ids[5].endswith("9235-000000000000")
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)


def test_a_column_is_shared_only_when_every_row_holds_the_same_value() -> None:
    """Shared columns are bound once per statement, so 'the same' must mean the same stored
    value: equal floats may differ in sign (0.0, -0.0), equal numbers in type (1, True, 1.0)."""
    from liaison.courier.bulk import one_value

    for col, same in [
        (["a", "a", "a"], True), ([None, None], True), ([7, 7], True), (["a", "b"], False),
        ([None, "a"], False), (["a", None], False), ([1, True], False), ([1, 1.0], False),
        ([0.0, 0.0], False), ([0.0, -0.0], False), ([{"a": 1}, {"a": 1}], False),
    ]:  # fmt: skip
        assert one_value([(0, v) for v in col], 1) is same, col


@pytest.mark.parametrize("n", [1, 2, 23])
def test_bulk_insert_writes_each_record_as_given(store, monkeypatch, n) -> None:  # type: ignore[no-untyped-def]
    """Rows go in as multi-row statements with the values every row shares (null, a TLP, ours)
    bound once: with statements of 7 rows (a last partial one too), and with a single row (where
    every column is 'shared'), what is read back is, record for record, what was sent — on each
    backend."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from liaison.core.clock import parse_time
    from liaison.courier import bulk
    from liaison.courier.kinds import observations
    from liaison.orbat import partners
    from liaison.store.schema.orbat import observation, unit

    monkeypatch.setattr(bulk, "STATEMENT_ROWS", 7)
    records = [
        {
            "unit_id": f"U{i}",
            "designation": f"{i} Dywizja 'Strzelców'",
            "observed_at": f"1938-06-{1 + i % 20:02d}T00:00:00Z",
            "notes": None if i % 3 else f"note {i}",  # null in some rows only
            "place": None,  # null in every row
            "equipment": {"tanks": i} if i % 2 else None,
            "lat": 50.0 + i / 100,
            "marking": {"tlp": "GREEN", "rel_to": ["JP"] if i % 4 else []},
        }
        for i in range(n)
    ]
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "PL")
        cv = observations._Stored.of(conn, "PL", datetime(2026, 1, 1, tzinfo=UTC))
        units, obs = observations._rows(records, {}, set(), cv)
        bulk.bulk_insert(conn, unit, units)
        bulk.bulk_insert(conn, observation, obs)
        got = {
            r.local_id: r
            for r in conn.execute(
                sa.select(unit.c.local_id, unit.c.created_at, observation).join(
                    observation, observation.c.unit_id == unit.c.id
                )
            )
        }
    assert len(got) == len(records)
    for rec in records:
        r = got[rec["unit_id"]]
        assert (r.designation, r.notes, r.place, r.equipment, r.lat) == (
            rec["designation"], rec["notes"], None, rec["equipment"], rec["lat"],
        )  # fmt: skip
        assert r.valid_at == parse_time(rec["observed_at"])
        assert (r.tlp, r.rel_to) == ("GREEN", ",".join(rec["marking"]["rel_to"]))
        assert (r.partner_code, bool(r.orcon), r.source_id, r.batch, r.retracts) == (
            "PL", False, None, None, None,
        )  # fmt: skip
        assert r.recorded_at == r.created_at and r.recorded_at.tzinfo is not None
