"""Two partners, two stores: pouches by file, and every way a pouch can be refused."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.core.errors import SecurityError, ValidationError
from liaison.core.markings import TLP_LEVELS, Marking
from liaison.courier import keys, policy
from liaison.courier.canonical import digest
from liaison.courier.items import receive_ack
from liaison.courier.pouch import (
    MAGIC,
    PouchRejected,
    add_partner_key,
    encode_envelope,
    inspect,
    open_file,
    revoke_partner_key,
    seal,
    set_policy,
)
from liaison.orbat import observe, partners, picture, scenario
from liaison.orbat.model import Picture, UnitView
from liaison.store import Store

PASS = "correct horse battery staple"


class Side:
    def __init__(self, store: Store, me: str, other: str, tmp: Path) -> None:
        self.store = store
        self.kp = keys.generate(me)
        with store.begin() as conn:
            partners.add_partner(conn, me, f"{me} service", is_self=True)
            partners.add_partner(conn, other, f"{other} service")
        keyfile = tmp / f"{me}.key"
        keys.save_private(self.kp, keyfile, PASS)
        assert os.stat(keyfile).st_mode & 0o777 == 0o600
        assert keys.load_private(keyfile, PASS).public == self.kp.public


@pytest.fixture
def pair(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    pl = Side(Store(store_url), "PL", "JP", tmp_path)
    jp = Side(Store(f"sqlite:///{tmp_path / 'jp.db'}"), "JP", "PL", tmp_path)
    with pl.store.begin() as conn:
        add_partner_key(conn, jp.kp.public)
        set_policy(conn, "JP", "AMBER")
        for i in range(5):
            observe.record(
                conn,
                "PL",
                f"U{i}",
                valid_at=datetime(1938, 6, 1, tzinfo=UTC),
                designation=f"{i + 1} Dywizja Strzelców",
                lat=50.0 + i,
                lon=30.0,
                marking=Marking("AMBER", ("JP", "PL")),
                notes="secret analyst note",
            )
        observe.record(
            conn,
            "PL",
            "R1",
            valid_at=datetime(1938, 6, 1, tzinfo=UTC),
            designation="1 Pułk",
            marking=Marking("RED"),
        )
        observe.record(
            conn,
            "PL",
            "C1",
            valid_at=datetime(1938, 6, 1, tzinfo=UTC),
            designation="2 Pułk Strzelców",
            parent_id="R1",
            marking=Marking("GREEN"),
        )
    with jp.store.begin() as conn:
        add_partner_key(conn, pl.kp.public)
    yield pl, jp
    pl.store.dispose()
    jp.store.dispose()


def counts(store: Store) -> tuple[int, int]:
    with store.connect() as conn:
        return (
            conn.execute(sa.text("SELECT count(*) FROM observation")).scalar(),  # type: ignore[return-value]
            conn.execute(sa.text("SELECT count(*) FROM pouch_log")).scalar(),
        )


def test_seal_open_incremental_and_policy(pair) -> None:  # type: ignore[no-untyped-def]
    pl, jp = pair
    with pl.store.begin() as conn:
        data, m = seal(conn, pl.kp, "JP")
    assert m["seq"] == 1 and m["units"] == 6  # RED unit withheld
    assert inspect(data)["from"] == "PL" and b"Dywizja" not in data  # encrypted
    out = open_file(jp.store, jp.kp, data)
    ack = out.pop("ack")
    assert {k: out[k] for k in ("from", "seq", "units", "new_observations")} == {
        "from": "PL",
        "seq": 1,
        "units": 6,
        "new_observations": 6,
    }
    assert ack["body"] == {
        "type": "ack",
        "from": "JP",
        "to": "PL",
        "seq": 1,
        "digest": digest(data),
    }
    # without an acknowledgement the next pouch carries everything again (incremental since ack)
    with pl.store.begin() as conn:
        assert seal(conn, pl.kp, "JP")[1]["units"] == 6
        assert receive_ack(conn, "JP", open_file(jp.store, jp.kp, _last_out(conn))["ack"]) == 2
    with jp.store.connect() as conn:
        got = picture.get_picture(conn, "PL")
    assert set(got.units) == {"U0", "U1", "U2", "U3", "U4", "C1"}
    assert got.units["C1"].parent_id is None  # parent withheld → link dropped
    assert all(u.notes is None for u in got.units.values())  # analyst notes never leave by default
    # incremental: only what changed since the last pouch
    with pl.store.begin() as conn:
        observe.record(
            conn, "PL", "U1", valid_at=datetime(1938, 6, 2, tzinfo=UTC), lat=55.5, lon=31.0
        )
        data2, m2 = seal(conn, pl.kp, "JP")
    assert m2["seq"] == 3 and m2["units"] == 1 and m2["prev"] != "0" * 64
    out2 = open_file(jp.store, jp.kp, data2)
    assert out2["new_observations"] == 1
    with pl.store.begin() as conn:
        receive_ack(conn, "JP", out2["ack"])
    with jp.store.connect() as conn:
        assert picture.get_picture(conn, "PL").units["U1"].lat == 55.5
    # an incremental pouch still judges the (unchanged, RED) parent: the link stays withheld
    with pl.store.begin() as conn:
        observe.record(conn, "PL", "C1", valid_at=datetime(1938, 6, 5, tzinfo=UTC), strength=900)
        data3, m3 = seal(conn, pl.kp, "JP")
    assert m3["units"] == 1
    open_file(jp.store, jp.kp, data3)
    with jp.store.connect() as conn:
        c1 = picture.get_picture(conn, "PL").units["C1"]
    assert c1.strength == 900 and c1.parent_id is None


def _last_out(conn) -> bytes:  # type: ignore[no-untyped-def]
    from liaison.store.schema.courier import pouch_outbox

    return conn.execute(
        sa.select(pouch_outbox.c.data).order_by(pouch_outbox.c.seq.desc()).limit(1)
    ).scalar()


def reject(jp, data: bytes, reason: str) -> None:  # type: ignore[no-untyped-def]
    before = counts(jp.store)
    with pytest.raises(PouchRejected) as ei:
        open_file(jp.store, jp.kp, data)
    assert ei.value.reason == reason, str(ei.value)
    assert counts(jp.store) == before
    with jp.store.connect() as conn:
        row = conn.execute(
            sa.text("SELECT action, target FROM audit ORDER BY seq DESC LIMIT 1")
        ).first()
    assert tuple(row) == ("pouch.reject", reason)


def tamper(data: bytes, fn) -> bytes:  # type: ignore[no-untyped-def]
    env = inspect(data)["envelope"]
    fn(env)
    return encode_envelope(env["manifest"], env["ciphertext"], env["signature"])


def test_adversarial_pouches_are_refused_with_reasons(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pl, jp = pair
    with pl.store.begin() as conn:
        data, _ = seal(conn, pl.kp, "JP")

    def flip_ct(env):  # type: ignore[no-untyped-def]
        ct = bytearray(env["ciphertext"])
        ct[40] ^= 1
        env["ciphertext"] = bytes(ct)

    reject(jp, tamper(data, flip_ct), "tampered-ciphertext")
    reject(jp, tamper(data, lambda e: e["manifest"].update(units=999)), "bad-signature")
    reject(jp, tamper(data, lambda e: e["manifest"].update(to="XX")), "wrong-recipient")
    reject(jp, data[: len(data) // 2], "truncated")
    reject(jp, b"GARBAGE" + data, "malformed")
    reject(jp, MAGIC + b'{"manifest": 1}', "malformed")
    # format 1 (base64 in a JSON envelope) is named as such, not taken for garbage
    reject(jp, b'LIAISON-POUCH/1\n{"ciphertext":"QQ==","manifest":{},"signature":""}', "old-format")
    env = inspect(data)["envelope"]
    head, sig, ct = env["manifest_bytes"], env["signature"].encode(), env["ciphertext"]
    loose = json.dumps(env["manifest"]).encode()  # the same manifest, not in canonical form
    reject(jp, MAGIC + loose + b"\n" + sig + b"\n" + ct, "malformed")
    reject(jp, MAGIC + head + b"\n" + sig.upper() + b"\n" + ct, "malformed")
    reject(jp, MAGIC + head + b"\n" + sig + b"\n" + ct + b"x", "malformed")
    reject(jp, MAGIC + head + b"\n" + sig[:-1], "truncated")
    with pytest.raises(PouchRejected) as ei:
        inspect(data, max_bytes=100)
    assert ei.value.reason == "oversized"
    # unknown sender: a stranger signs with its own key
    stranger = keys.generate("PL")
    with pl.store.begin() as conn:
        fake, _ = seal(conn, keys.KeyPair("PL", stranger.signing, pl.kp.box), "JP")
    reject(jp, fake, "unknown-sender")
    # the genuine pouch opens once; again is a replay
    open_file(jp.store, jp.kp, data)
    reject(jp, data, "replayed")
    # a gap: seq 3 before seq 2
    with pl.store.begin() as conn:
        observe.record(
            conn, "PL", "U2", valid_at=datetime(1938, 6, 3, tzinfo=UTC), lat=51.0, lon=32.0
        )
        seal(conn, pl.kp, "JP")
        observe.record(
            conn, "PL", "U3", valid_at=datetime(1938, 6, 4, tzinfo=UTC), lat=52.0, lon=33.0
        )
        third, _ = seal(conn, pl.kp, "JP")
    reject(jp, third, "out-of-order")
    # a revoked key
    with jp.store.begin() as conn:
        revoke_partner_key(conn, "PL", pl.kp.public.fingerprint, "compromised")
    reject(jp, third, "revoked-key")


def test_wrong_recipient_key_and_key_file_errors(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pl, jp = pair
    with pl.store.begin() as conn:
        data, _ = seal(conn, pl.kp, "JP")
    rotated = keys.generate("JP")
    with pytest.raises(PouchRejected) as ei:
        open_file(jp.store, rotated, data)
    assert ei.value.reason == "wrong-recipient"
    with pytest.raises(SecurityError, match="wrong passphrase"):
        keys.load_private(tmp_path / "PL.key", "not the passphrase")
    with pytest.raises(ValidationError, match="refusing to overwrite"):
        keys.save_private(pl.kp, tmp_path / "PL.key", PASS)
    with pl.store.begin() as conn, pytest.raises(ValidationError, match="RED"):
        set_policy(conn, "JP", "RED")


def test_deny_by_default_without_policy(store: Store) -> None:
    with store.begin() as conn:
        scenario.load_demo(conn)
        pic = picture.get_picture(conn, "PL")
    units, withheld = policy.release(pic, None)
    assert units == [] and withheld == len(pic)


MARKINGS = st.builds(
    Marking,
    st.sampled_from(TLP_LEVELS),
    st.lists(st.sampled_from(["JP", "PL", "FR"]), max_size=2).map(lambda x: tuple(sorted(set(x)))),
    st.booleans(),
)


@settings(
    max_examples=int(os.environ.get("LIAISON_POLICY_CASES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(st.tuples(MARKINGS, st.integers(-1, 30)), min_size=1, max_size=30),
    st.sampled_from(TLP_LEVELS[:4]),
    st.booleans(),
    st.booleans(),
)
def test_nothing_released_breaks_policy(units, ceiling, sources, notes) -> None:  # type: ignore[no-untyped-def]
    pic = Picture("PL", {})
    for i, (mk, parent) in enumerate(units):
        pic.units[f"u{i}"] = UnitView(
            "PL",
            f"u{i}",
            f"{i} Dywizja",
            parent_id=f"u{parent}" if 0 <= parent < len(units) else None,
            marking=mk,
            source="AGENT-X",
            notes="note",
        )
    pol = policy.Policy("JP", ceiling, sources, notes)
    out, withheld = policy.release(pic, pol)
    ids = {u["unit_id"] for u in out}
    assert len(out) + withheld == len(units)
    for u in out:
        m = pic.units[u["unit_id"]].marking
        assert (
            m.tlp != "RED" and not m.orcon and TLP_LEVELS.index(m.tlp) <= TLP_LEVELS.index(ceiling)
        )
        assert not m.rel_to or "JP" in m.rel_to
        assert u["parent_id"] is None or u["parent_id"] in ids
        assert (u["source"] is None) == (not sources) and (u["notes"] is None) == (not notes)


def test_cli_keys_seal_inspect_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from liaison.cli.app import main

    def run(db: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / db}")
        with pytest.raises(SystemExit) as ei:
            main(list(args))
        out = capsys.readouterr()
        return int(ei.value.code or 0), out.out, out.err

    monkeypatch.setenv("LIAISON_HOME", str(tmp_path))
    monkeypatch.setenv("LIAISON_PASSPHRASE", PASS)
    for db, me, other in (("pl.db", "PL", "JP"), ("jp.db", "JP", "PL")):
        assert run(db, "partner", "add", me, "--name", me, "--self")[0] == 0
        assert run(db, "partner", "add", other, "--name", other)[0] == 0
        code, out, _ = run(
            db,
            "keys",
            "init",
            "--key",
            str(tmp_path / f"{me}.key"),
            "--public-out",
            str(tmp_path / f"{me}.pub"),
            "--json",
        )
        assert code == 0 and len(json.loads(out)["fingerprint"]) == 39
    assert run("pl.db", "keys", "import", "JP", str(tmp_path / "JP.pub"))[0] == 0
    assert run("jp.db", "keys", "import", "PL", str(tmp_path / "PL.pub"))[0] == 0
    code, _, err = run("jp.db", "keys", "import", "FR", str(tmp_path / "PL.pub"))
    assert code == 2 and "holds PL's key" in err
    with Store(f"sqlite:///{tmp_path / 'pl.db'}").begin() as conn:
        observe.record(
            conn,
            "PL",
            "D27",
            valid_at=datetime(1938, 6, 1, tzinfo=UTC),
            designation="27 Dywizja Strzelców",
            lat=43.1,
            lon=131.9,
            marking=Marking("GREEN"),
        )
    assert run("pl.db", "release", "set", "JP", "--max-tlp", "AMBER")[0] == 0
    pouch = tmp_path / "p1.pouch"
    assert (
        run(
            "pl.db",
            "pouch",
            "seal",
            "--to",
            "JP",
            "--out",
            str(pouch),
            "--key",
            str(tmp_path / "PL.key"),
        )[0]
        == 0
    )
    code, out, _ = run("jp.db", "pouch", "inspect", str(pouch), "--json")
    assert code == 0 and json.loads(out)["from"] == "PL" and json.loads(out)["seq"] == 1
    code, out, _ = run(
        "jp.db", "pouch", "open", str(pouch), "--key", str(tmp_path / "JP.key"), "--json"
    )
    assert code == 0 and json.loads(out)["new_observations"] == 1
    code, _, err = run("jp.db", "pouch", "open", str(pouch), "--key", str(tmp_path / "JP.key"))
    assert code == 2 and "replayed" in err and "Traceback" not in err
    monkeypatch.setenv("LIAISON_PASSPHRASE", "wrong passphrase!")
    code, _, err = run("jp.db", "pouch", "open", str(pouch), "--key", str(tmp_path / "JP.key"))
    assert code == 2 and "wrong passphrase" in err


def test_partner_add_with_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from liaison.cli.app import main

    monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    kp = keys.generate("JP")
    (tmp_path / "jp.pub").write_text(json.dumps(kp.public.to_dict()))
    with pytest.raises(SystemExit) as ei:
        main(
            ["partner", "add", "JP", "--name", "Japan", "--key", str(tmp_path / "jp.pub"), "--json"]
        )
    assert ei.value.code == 0
    assert json.loads(capsys.readouterr().out)["fingerprint"] == kp.public.fingerprint
    with pytest.raises(SystemExit) as ei:
        main(["partner", "add", "FR", "--name", "France", "--key", str(tmp_path / "jp.pub")])
    assert ei.value.code == 2 and "holds JP's key" in capsys.readouterr().err
    with Store(
        f"sqlite:///{tmp_path / 'x.db'}"
    ).connect() as conn:  # all or nothing: FR was not added
        assert [p.code for p in partners.list_partners(conn)] == ["JP"]


def test_import_partner_key_from_file(store: Store, tmp_path: Path) -> None:
    """The library entry point behind `keys import` and `partner add --key FILE`."""
    from liaison.courier.pouch import current_key, import_partner_key

    jp = keys.generate("JP")
    pub = tmp_path / "jp.pub"
    pub.write_text(json.dumps(jp.public.to_dict()), encoding="utf-8")
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "PL service", is_self=True)
        partners.add_partner(conn, "JP", "JP service")
        with pytest.raises(ValidationError, match="holds JP's key, not PL's"):
            import_partner_key(conn, "PL", pub)
        pk = import_partner_key(conn, "jp", str(pub))
        assert pk.fingerprint == jp.public.fingerprint
        assert current_key(conn, "JP") == jp.public
        with pytest.raises(ValidationError, match="already known"):
            import_partner_key(conn, "JP", pub)
        with pytest.raises(ValidationError, match="no such key file"):
            import_partner_key(conn, "JP", tmp_path / "missing.pub")
