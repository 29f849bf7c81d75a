from datetime import date

import base45
import cbor2
import pytest
from nacl.signing import SigningKey

from liaison.evac import seal, trust
from liaison.evac.numbers import allocate, check_digit, valid_number

D = date(1940, 8, 10)


@pytest.fixture
def world():
    root = SigningKey.generate()
    kaunas = seal.Issuer.generate("JP-KAUNAS", "Consulate of Japan, Kaunas")
    curacao = seal.Issuer.generate("NL-KAUNAS", "Dutch consul, Kaunas")
    tl = trust.make_trust_list(root, [kaunas, curacao], {"JP-KAUNAS": ["KAU0000055"]})
    return trust.Verifier(tl, bytes(root.verify_key)), kaunas, curacao


def payload(no: str = "KAU0000017") -> dict:
    return seal.make_payload(
        no,
        "Szapiro",
        "Ruchla",
        "SZAPIRO",
        "RUCHLA",
        date(1921, 3, 4),
        ["Kaunas", "Moscow", "Vladivostok", "Tsuruga"],
        date(1940, 8, 1),
        date(1940, 9, 30),
    )


def test_valid_from_two_issuers(world) -> None:
    v, kaunas, curacao = world
    assert v.verify(seal.seal(kaunas, payload()), D).reason == "ok"
    assert v.verify(seal.seal(curacao, payload()), D).valid


def test_changed_field_is_bad_signature(world) -> None:
    v, kaunas, _ = world
    raw = seal.unwrap(seal.seal(kaunas, payload()))
    tag = cbor2.loads(raw)
    parts = list(tag.value)
    doc = dict(cbor2.loads(parts[2]))
    doc["exp"] = "1941-12-31"
    parts[2] = cbor2.dumps(doc)
    tag = cbor2.CBORTag(18, parts)
    import zlib

    forged = seal.PREFIX + base45.b45encode(zlib.compress(cbor2.dumps(tag))).decode()
    assert v.verify(forged, D).reason == "bad signature"


def test_rogue_issuer_and_reused_kid(world) -> None:
    v, _, _ = world
    rogue = seal.Issuer.generate("XX-ROGUE", "nobody")
    assert v.verify(seal.seal(rogue, payload()), D).reason == "unknown issuer"
    impostor = seal.Issuer.generate("JP-KAUNAS", "impostor reusing the key id")
    assert v.verify(seal.seal(impostor, payload()), D).reason == "bad signature"


def test_dates_and_revocation(world) -> None:
    v, kaunas, _ = world
    s = seal.seal(kaunas, payload())
    assert v.verify(s, date(1940, 10, 1)).reason == "expired"
    assert v.verify(s, date(1940, 7, 31)).reason == "not yet valid"
    assert v.verify(seal.seal(kaunas, payload("KAU0000055")), D).reason == "revoked"


def test_truncated_and_garbled(world) -> None:
    v, kaunas, _ = world
    s = seal.seal(kaunas, payload())
    assert v.verify(s[:-7], D).reason == "malformed"
    assert v.verify(s[:10] + "$$$" + s[13:], D).reason in ("malformed", "bad signature")
    assert v.verify("HC1:" + s[4:], D).reason == "malformed"
    assert v.verify("", D).reason == "malformed"


def test_seal_refuses_extra_fields(world) -> None:
    _, kaunas, _ = world
    p = payload()
    p["religion"] = "x"
    with pytest.raises(Exception, match="religion"):
        seal.seal(kaunas, p)


def test_trust_list_must_be_signed_by_root(world) -> None:
    _, kaunas, _ = world
    tl = trust.make_trust_list(SigningKey.generate(), [kaunas])
    with pytest.raises(ValueError):
        trust.Verifier(tl, bytes(SigningKey.generate().verify_key))


def test_numbers_blocks_never_collide() -> None:
    assert check_digit("L898902C3") == "6"  # ICAO 9303 Part 3 specimen document number
    blocks = allocate(["KAU", "VLA"], 1000)
    a = {blocks["KAU"].take() for _ in range(500)}
    b = {blocks["VLA"].take() for _ in range(500)}
    assert not a & b and all(valid_number(n) for n in a | b)
    n = next(iter(a))
    assert not valid_number(n[:-1] + str((int(n[-1]) + 1) % 10))


def _rewrap(raw: bytes, after_zlib: bytes = b"") -> str:
    import zlib

    return seal.PREFIX + base45.b45encode(zlib.compress(raw, 9) + after_zlib).decode()


def test_byte_after_cose_or_zlib_is_malformed(world) -> None:
    """Issue 19 item 11: Python accepted a byte after the COSE structure (the browser did not)."""
    v, kaunas, _ = world
    raw = seal.unwrap(seal.seal(kaunas, payload()))
    assert v.verify(_rewrap(raw), D).reason == "ok"
    assert v.verify(_rewrap(raw + b"\x00"), D).reason == "malformed"
    assert v.verify(_rewrap(raw, b"\x00"), D).reason == "malformed"


def test_oversized_seal_is_refused_before_inflating() -> None:
    """A 120 KB seal inflating to 165 MB must cost neither the memory nor the time."""
    import tracemalloc
    import zlib

    bomb = seal.PREFIX + base45.b45encode(zlib.compress(bytes(165_000_000), 9)).decode()
    assert len(bomb) > 100_000
    small_bomb = _rewrap(bytes(2_000_000))  # fits in a QR code, inflates to 2 MB
    assert len(small_bomb) <= seal.MAX_TEXT
    tracemalloc.start()
    with pytest.raises(seal.SealTooLarge, match="4,296"):
        seal.unwrap(bomb)
    with pytest.raises(seal.SealTooLarge, match="65,536"):
        seal.unwrap(small_bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000


def test_trust_list_age_is_signed_and_checked() -> None:
    from datetime import UTC, datetime, timedelta

    root = SigningKey.generate()
    kaunas = seal.Issuer.generate("JP-KAUNAS", "Consulate of Japan, Kaunas")
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    old = trust.make_trust_list(root, [kaunas], issued_at=now - timedelta(days=20))
    pub = bytes(root.verify_key)
    with pytest.raises(ValueError, match="20 days old, older than the 14 days"):
        trust.Verifier(old, pub, now=now)
    assert trust.Verifier(old, pub, max_age=timedelta(days=30), now=now).issued_at == (
        now - timedelta(days=20)
    )
    fresh = trust.Verifier(trust.make_trust_list(root, [kaunas], issued_at=now), pub, now=now)
    assert fresh.verify(seal.seal(kaunas, payload()), D).valid
    # a list signed without a date (as before issue 19) is refused, never taken as fresh
    undated = seal.cose_sign1(
        root,
        trust.ROOT_KID,
        cbor2.dumps({"issuers": {"JP-KAUNAS": {"name": "x", "pub": kaunas.public, "revoked": []}}}),
    )
    with pytest.raises(ValueError, match="no signed issue date"):
        trust.Verifier(undated, pub, now=now)
