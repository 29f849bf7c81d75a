"""A pouch open killed mid-import leaves the store as it was; the parser survives hostile bytes."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier.canonical import canonical
from liaison.courier.pouch import (
    MAGIC,
    PouchRejected,
    add_partner_key,
    inspect,
    open_file,
    seal,
    set_policy,
)
from liaison.orbat import observe, partners
from liaison.store import Store

PASS = "correct horse battery staple"


def make_pair(tmp: Path, n: int = 50):  # type: ignore[no-untyped-def]
    pl, jp = Store(f"sqlite:///{tmp / 'pl.db'}"), Store(f"sqlite:///{tmp / 'jp.db'}")
    kpl, kjp = keys.generate("PL"), keys.generate("JP")
    for st_, me, other, other_kp in ((pl, "PL", "JP", kjp), (jp, "JP", "PL", kpl)):
        with st_.begin() as conn:
            partners.add_partner(conn, me, me, is_self=True)
            partners.add_partner(conn, other, other)
            add_partner_key(conn, other_kp.public)
    with pl.begin() as conn:
        set_policy(conn, "JP", "AMBER")
        for i in range(n):
            observe.record(
                conn,
                "PL",
                f"U{i}",
                valid_at=datetime(1938, 6, 1, tzinfo=UTC),
                designation=f"{i + 1} Dywizja Strzelców",
                lat=50.0,
                lon=30.0 + i / 100,
                marking=Marking("GREEN"),
            )
        data, _ = seal(conn, kpl, "JP")
    keys.save_private(kjp, tmp / "JP.key", PASS)
    return pl, jp, kpl, kjp, data


def state(store: Store) -> tuple[int, int, int]:
    with store.connect() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("observation", "pouch_log", "unit")
        )  # type: ignore[return-value]


def test_sigkill_during_open_leaves_the_store_unchanged(tmp_path: Path) -> None:
    pl, jp, _kpl, kjp, data = make_pair(tmp_path)
    pouch = tmp_path / "p.pouch"
    pouch.write_bytes(data)
    before = state(jp)
    marker = tmp_path / "marker"
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": f"sqlite:///{tmp_path / 'jp.db'}",
        "LIAISON_PASSPHRASE": PASS,
        "LIAISON_FAULT_BEFORE_COMMIT": str(marker),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "liaison",
            "pouch",
            "open",
            str(pouch),
            "--key",
            str(tmp_path / "JP.key"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), proc.stderr.read().decode() if proc.poll() is not None else "timed out"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    jp.dispose()
    jp2 = Store(f"sqlite:///{tmp_path / 'jp.db'}")
    assert state(jp2) == before
    out = open_file(jp2, kjp, data)  # the same pouch opens cleanly afterwards
    assert out["units"] == 50 and state(jp2)[0] == before[0] + 50


MUTATIONS = st.one_of(
    st.binary(max_size=2000),
    st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=8)),
    st.tuples(st.integers(0, 10_000), st.integers(1, 64)),
    st.sampled_from(["manifest", "ciphertext", "signature", "seq", "prev", "from", "to", "units"]),
)


@pytest.fixture(scope="module")
def fuzz_pair(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return make_pair(tmp_path_factory.mktemp("fuzz"), n=5)


@settings(
    max_examples=int(os.environ.get("LIAISON_FUZZ_CASES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(MUTATIONS)
def test_fuzzed_pouches_are_refused_never_crash(fuzz_pair, mutation) -> None:  # type: ignore[no-untyped-def]
    _pl, jp, _kpl, kjp, data = fuzz_pair
    if isinstance(mutation, bytes):
        bad = MAGIC + mutation if len(mutation) % 2 else mutation
    elif isinstance(mutation, str):
        env = inspect(data)["envelope"]
        value = [None, {"x": 1}, -1, "A" * 300][len(mutation) % 4]
        parts = {
            "manifest": env["manifest_bytes"],
            "signature": env["signature"].encode(),
            "ciphertext": env["ciphertext"],
        }
        if mutation in parts:
            parts[mutation] = canonical(value)
        else:
            parts["manifest"] = canonical({**env["manifest"], mutation: value})
        bad = b"".join(
            (MAGIC, parts["manifest"], b"\n", parts["signature"], b"\n", parts["ciphertext"])
        )
    elif isinstance(mutation[1], bytes):
        pos = mutation[0] % len(data)
        bad = data[:pos] + mutation[1] + data[pos + len(mutation[1]) :]
    else:
        pos = mutation[0] % len(data)
        bad = data[:pos] + data[pos + mutation[1] :]
    if bad == data:
        return
    before = state(jp)
    try:
        open_file(jp, kjp, bad)
    except PouchRejected:
        pass
    else:  # the format has one encoding of each pouch: any change must be refused
        pytest.fail("a mutated pouch was accepted")
    assert state(jp)[:2] == before[:2]


# ---- the payload parser: validly signed and encrypted pouches whose content is hostile ----------
JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(obj, prefix=()):  # type: ignore[no-untyped-def]
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


def _base_payload(kpl: keys.KeyPair) -> dict:  # type: ignore[type-arg]
    """A payload that opens: the intercept and the observations signed by PL as originator (a
    mutation of signed content is refused as a bad originator signature, never a crash)."""
    from datetime import UTC, datetime

    from liaison.courier import origin

    body = _base_body(kpl)
    items = body["items"]
    at = datetime(1938, 6, 5, tzinfo=UTC)
    items["intercepts"] = [origin.wrap(kpl, "JP", it, at) for it in items["intercepts"]]
    items["reports"] = [origin.wrap(kpl, "JP", it, at) for it in items["reports"]]
    items["origins"] = [origin.seal_units(kpl, body["units"])]
    return body


def _base_body(kpl: keys.KeyPair) -> dict:  # type: ignore[type-arg]
    from liaison.courier import records

    return {
        "units": [
            {
                "unit_id": "U1",
                "designation": "1 Dywizja",
                "lat": 50.5,
                "lon": 30.25,
                "equipment": {"tanks": 3},
                "strength": 900,
                "observed_at": "1938-06-01T00:00:00Z",
                "info_credibility": 2,
                "marking": {"tlp": "GREEN", "rel_to": ["JP"]},
            }
        ],
        "withheld": 0,
        "items": {
            "intercepts": [
                {
                    "local_id": "I1",
                    "intercepted_at": "1938-06-02T00:00:00Z",
                    "ciphertext": "ZHOO",
                    "frequency_khz": 6410.0,
                    "marking": {"tlp": "GREEN", "rel_to": []},
                    "solutions": [
                        {
                            "cipher": "caesar",
                            "plaintext": "WELL",
                            "solved_at": "1938-06-03T00:00:00Z",
                        }
                    ],
                }
            ],
            "reports": [
                {
                    "local_id": "R1",
                    "title": "T",
                    "body": "B",
                    "written_at": "1938-06-02T00:00:00Z",
                    "attachments": [
                        {
                            "name": "a.txt",
                            "content": base64.b64encode(b"hi").decode(),
                            "sha256": __import__("hashlib").sha256(b"hi").hexdigest(),
                        }
                    ],
                }
            ],
            "retractions": [
                records.sign(
                    kpl,
                    {
                        "type": "retraction",
                        "issuer": "PL",
                        "kind": "observation",
                        "ref": "U1",
                        "valid_at": "1938-06-01T00:00:00Z",
                        "issued_at": "1938-06-04T00:00:00Z",
                        "reason": None,
                    },
                )
            ],
            "outcomes": [],
            "acks": [],
        },
    }


def _sealed(kpl: keys.KeyPair, kjp: keys.KeyPair, payload: bytes):  # type: ignore[no-untyped-def]
    from nacl.public import SealedBox

    from liaison.courier.canonical import digest

    ct = SealedBox(kjp.box.public_key).encrypt(payload)
    m = {
        "version": 2,
        "from": "PL",
        "to": "JP",
        "seq": 2,
        "prev": "",
        "created": "2026-01-01T00:00:00Z",
        "sender_key": kpl.public.fingerprint,
        "recipient_key": kjp.public.fingerprint,
        "payload_sha256": digest(payload),
        "payload_size": len(payload),
        "ciphertext_sha256": digest(ct),
        "units": 1,
        "counts": {},
        "keys": [],
    }
    return m, ct  # type: ignore[return-value]


@settings(
    max_examples=int(os.environ.get("LIAISON_FUZZ_CASES", "200")) // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.integers(0, 10_000), JSON, st.booleans())
def test_hostile_payloads_are_refused_or_imported_never_crash(
    fuzz_pair, where, value, drop
) -> None:  # type: ignore[no-untyped-def]
    """The payload parser (units, intercepts, reports, attachments, retractions) behind a valid
    signature and encryption: any content is either imported or refused with PouchRejected."""
    from liaison.courier.pouch import encode_envelope, open_pouch
    from liaison.store.schema.courier import pouch_log

    _pl, jp, kpl, kjp, _data = fuzz_pair
    body = _base_payload(kpl)
    paths = list(_paths(body))[1:]
    path = paths[where % len(paths)]
    target = body
    for p in path[:-1]:
        target = target[p]
    if drop and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = value
    try:
        payload = canonical(body)
    except Exception:  # not representable as canonical JSON: nothing to send
        return
    with jp.connect() as conn:
        last = conn.execute(
            sa.select(pouch_log)
            .where(pouch_log.c.direction == "in")
            .order_by(pouch_log.c.seq.desc())
        ).first()
    m, ct = _sealed(kpl, kjp, payload)
    m["seq"], m["prev"] = (last.seq + 1, last.digest) if last else (1, "0" * 64)
    data = encode_envelope(m, ct, kpl.signing.sign(canonical(m)).signature.hex())
    with jp.connect() as conn:
        tx = conn.begin()
        try:
            open_pouch(conn, kjp, data)
        except PouchRejected:
            pass
        finally:
            tx.rollback()


def test_the_unmutated_hostile_payload_base_opens(fuzz_pair) -> None:  # type: ignore[no-untyped-def]
    """The fuzz above starts from a payload that opens, so mutations reach every parser."""
    from liaison.courier.pouch import encode_envelope, open_pouch
    from liaison.store.schema.courier import pouch_log

    _pl, jp, kpl, kjp, _data = fuzz_pair
    m, ct = _sealed(kpl, kjp, canonical(_base_payload(kpl)))
    with jp.connect() as conn:
        last = conn.execute(
            sa.select(pouch_log)
            .where(pouch_log.c.direction == "in")
            .order_by(pouch_log.c.seq.desc())
        ).first()
    m["seq"], m["prev"] = (last.seq + 1, last.digest) if last else (1, "0" * 64)
    data = encode_envelope(m, ct, kpl.signing.sign(canonical(m)).signature.hex())
    with jp.connect() as conn:
        tx = conn.begin()
        out = open_pouch(conn, kjp, data)
        tx.rollback()
    assert out["new_observations"] == 1
    assert out["items"]["intercepts"] == 1 and out["items"]["attachments"] == 1


def test_a_bad_field_is_named_in_the_refusal(fuzz_pair) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from liaison.courier.kinds.observations import receive_units

    _pl, jp, _kpl, _kjp, _data = fuzz_pair
    good = {"unit_id": "U9", "designation": "9 Dywizja", "lat": 50.0, "lon": 20.0}
    for field, value in [
        ("lat", 91.0),
        ("echelon", 7),
        ("equipment", {"tanks": -1}),
        ("info_credibility", 9),
        ("observed_at", "yesterday"),
        ("strength", "many"),
    ]:
        with jp.connect() as conn:
            tx = conn.begin()
            with pytest.raises(PouchRejected) as ei:
                receive_units(conn, "PL", [good, {**good, field: value}], datetime.now(UTC))
            tx.rollback()
        assert ei.value.reason == "malformed"
        assert f"unit 'U9' in the payload: bad {field}:" in str(ei.value)


def test_received_fingerprints_are_the_orbat_fingerprints_of_what_was_stored(fuzz_pair) -> None:  # type: ignore[no-untyped-def]
    """The import encodes repeated values once and writes equipment as the fingerprint's text;
    what lands in the store must still fingerprint, read back, to the stored fingerprint."""
    from datetime import UTC, datetime

    from liaison.core.clock import iso
    from liaison.core.markings import Marking
    from liaison.courier.kinds.observations import receive_units
    from liaison.orbat.observe import FACTS, fingerprint
    from liaison.store.schema.orbat import observation

    _pl, jp, _kpl, _kjp, _data = fuzz_pair
    units = [
        {
            "unit_id": f"F{i}",
            "designation": ["7 Dywizja", "第27狙撃師団", 'q"uo\\te'][i % 3],
            "echelon": [None, "division", "brigade"][i % 3],
            "branch": ["infantry", None][i % 2],
            "sidc": None,
            "parent_id": ["", "F0", None][i % 3],
            "lat": [None, 50.25, -33.5][i % 3],
            "lon": [None, 20.5, 180.0][i % 3],
            "place": [None, "Łódź"][i % 2],
            "observed_at": ["1938-06-01T00:00:00Z", None, "1939-08-20T05:30:00.5+02:00"][i % 3],
            "equipment": [None, {"tanks": 3, "działa": 0}, {"z": 1, "a": 2}][i % 3],
            "strength": [None, 12000][i % 2],
            "source_reliability": ["B", None][i % 2],
            "info_credibility": [None, 2, 6][i % 3],
            "notes": None,
            "marking": [
                {"tlp": "GREEN", "rel_to": []},
                {"tlp": "AMBER", "rel_to": ["JP", "PL"]},
                {"tlp": "BOGUS"},
            ][i % 3],  # fmt: skip
        }
        for i in range(12)
    ]
    with jp.connect() as conn:
        tx = conn.begin()
        n = receive_units(conn, "PL", units, datetime(2026, 1, 1, tzinfo=UTC))
        rows = conn.execute(
            sa.select(observation).where(observation.c.fingerprint.is_not(None))
        ).fetchall()
        tx.rollback()
    assert n == 12
    assert len(rows) >= 12
    for r in rows:
        facts = {k: getattr(r, k) for k in FACTS}
        mk = Marking(r.tlp, tuple(x for x in r.rel_to.split(",") if x), bool(r.orcon))
        assert fingerprint(facts, iso(r.valid_at) or "", mk, r.source_id) == r.fingerprint, facts


@pytest.mark.parametrize(
    "units",
    [[{"unit_id": "U1"}], [{"unit_id": "", "designation": "D"}], [7], [["U1", "D"]], {"U1": {}}],
)
def test_units_that_are_not_unit_records_are_refused(fuzz_pair, units) -> None:  # type: ignore[no-untyped-def]
    """Every record must be an object with a unit id and a designation, checked before import."""
    from liaison.courier.pouch import encode_envelope, open_pouch
    from liaison.store.schema.courier import pouch_log

    _pl, jp, kpl, kjp, _data = fuzz_pair
    m, ct = _sealed(kpl, kjp, canonical({"items": {}, "units": units, "withheld": 0}))
    with jp.connect() as conn:
        last = conn.execute(
            sa.select(pouch_log)
            .where(pouch_log.c.direction == "in")
            .order_by(pouch_log.c.seq.desc())
        ).first()
    m["seq"], m["prev"] = (last.seq + 1, last.digest) if last else (1, "0" * 64)
    data = encode_envelope(m, ct, kpl.signing.sign(canonical(m)).signature.hex())
    with jp.connect() as conn:
        tx = conn.begin()
        with pytest.raises(PouchRejected, match="not a list of units") as ei:
            open_pouch(conn, kjp, data)
        tx.rollback()
    assert ei.value.reason == "malformed"
