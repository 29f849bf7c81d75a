"""Issue 23, item 3: a coalition meeting held by three stores (PL, JP, EE), pouches only, no sleeps.

Each store holds its own generated picture (Polish, Japanese, English designations). PL opens a
meeting with JP and EE; every participant contributes its own picture straight to the others and
computes the same queue (units clustered across all three, each item naming who disagrees); all
three work positions, one item stays disputed naming the partners who differ; each computes the
agreed picture byte for byte and verifies the others' signatures over its own computation. A
tampered agreed picture, a signature over other content and a non-participant's signature are
refused with their reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from liaison.core.clock import iso
from liaison.core.errors import SecurityError, ValidationError
from liaison.core.markings import Marking
from liaison.courier import coalition_meetings as ccm
from liaison.courier import keys
from liaison.courier.canonical import canonical
from liaison.courier.envelope import seal_payload
from liaison.courier.policy import set_policy
from liaison.courier.pouch import GENESIS, PouchRejected, add_partner_key, open_file, seal
from liaison.orbat import observe, partners
from liaison.reconcile import coalition_meeting as co
from liaison.reconcile.cases import coalition
from liaison.store import Store
from liaison.store.schema.courier import pouch_log

MEMBERS = ("PL", "JP", "EE")
CODES = (*MEMBERS, "SE")  # SE exchanges pouches with PL but takes no part in the meeting
LANGS = {"PL": ["pl"], "JP": ["ja"], "EE": ["en"]}


class Desk:
    def __init__(self, store: Store, code: str) -> None:
        self.store, self.code = store, code
        self.kp = keys.generate(code)

    def seal(self, to: str) -> bytes:
        with self.store.begin() as conn:
            return seal(conn, self.kp, to)[0]

    def open(self, data: bytes) -> dict[str, Any]:
        return open_file(self.store, self.kp, data)

    def state(self, ref: str) -> dict[str, Any]:
        with self.store.connect() as conn:
            return ccm.state(conn, ref)

    def items(self, ref: str) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return co.items(conn, co.by_ref(conn, ref))

    def agreed(self, ref: str) -> bytes:
        with self.store.connect() as conn:
            return co.agreed_bytes(conn, co.by_ref(conn, ref).id)

    def position(self, ref: str, key: str, pos: str) -> None:
        with self.store.begin() as conn:
            m = co.by_ref(conn, ref)
            co.take_position(conn, m, self.code, key, pos, actor=f"analyst-{self.code}", now=_now())


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def desks(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    out = {
        c: Desk(Store(store_url if c == "EE" else f"sqlite:///{tmp_path / c}.db"), c) for c in CODES
    }
    pics, _labels = coalition(60, LANGS, seed=7, rate=0.2)
    by_code = {p.partner: p for p in pics}
    for d in out.values():
        with d.store.begin() as conn:
            for c in CODES:
                partners.add_partner(conn, c, c, is_self=c == d.code)
            for other in out.values():
                add_partner_key(conn, other.kp.public)
            for c in CODES:
                if c != d.code:
                    set_policy(conn, c, "AMBER")
            for u in by_code[d.code].units.values() if d.code in by_code else ():
                observe.record(
                    conn,
                    d.code,
                    u.unit_id,
                    valid_at=u.observed_at or datetime(1938, 6, 1, tzinfo=UTC),
                    marking=Marking("AMBER", MEMBERS),
                    designation=u.designation,
                    parent_id=u.parent_id,
                    lat=u.lat,
                    lon=u.lon,
                    equipment=u.equipment,
                    strength=u.strength,
                    reliability="B",
                    credibility=2,
                )
    yield out
    for d in out.values():
        d.store.dispose()


def exchange(desks: dict[str, Desk], codes: tuple[str, ...] = MEMBERS) -> None:
    """One round: every participant seals a pouch to every other, which opens it."""
    for a in codes:
        for b in codes:
            if a != b:
                desks[b].open(desks[a].seal(b))


def forge(sender: Desk, to: Desk, items: dict[str, list[Any]]) -> bytes:
    """A pouch `sender` seals by hand (valid signature, chain, sequence) carrying `items`."""
    with to.store.connect() as conn:
        last = conn.execute(
            sa.select(pouch_log)
            .where(pouch_log.c.direction == "in", pouch_log.c.partner_code == sender.code)
            .order_by(pouch_log.c.seq.desc())
        ).first()
    payload = canonical({"items": items, "units": [], "withheld": 0})
    fields = {
        "version": 2,
        "from": sender.code,
        "to": to.code,
        "seq": last.seq + 1 if last else 1,
        "prev": last.digest if last else GENESIS,
        "created": iso(_now()),
        "sender_key": sender.kp.public.fingerprint,
        "recipient_key": to.kp.public.fingerprint,
        "units": 0,
        "counts": {k: len(v) for k, v in items.items()},
        "keys": [],
    }
    return seal_payload(sender.kp, to.kp.public, fields, payload)[0]


def test_three_stores_hold_one_meeting_and_all_sign_one_agreed_picture(desks) -> None:  # type: ignore[no-untyped-def]
    pl, jp, ee, se = (desks[c] for c in CODES)
    with pl.store.begin() as conn:
        with pytest.raises(ValidationError, match="two or more partners"):
            ccm.open_coalition(conn, ["JP"])
        ref = ccm.open_coalition(conn, ["JP", "EE"], actor="pl-chair").ref
    assert pl.state(ref)["waiting_for"] == ["JP", "EE"]

    exchange(desks)  # PL's input reaches JP and EE, who join and send theirs to everyone
    exchange(desks)
    states = {c: desks[c].state(ref) for c in MEMBERS}
    for s in states.values():
        assert s["participants"] == ["PL", "JP", "EE"]
        assert s["waiting_for"] == []
    assert len({s["queue_digest"] for s in states.values()}) == 1
    assert len({tuple(sorted(s["inputs"].items())) for s in states.values()}) == 1

    queue = pl.items(ref)
    assert queue and [it["key"] for it in queue] == [it["key"] for it in ee.items(ref)]
    assert {it["kind"] for it in queue} >= {"missing"}
    # every item names who disagrees, in partner codes of the meeting
    for it in queue:
        assert it["disagreeing"] and set(it["disagreeing"]) <= set(MEMBERS)
        assert set(it["units"]) <= set(MEMBERS)

    with pl.store.begin() as conn, pytest.raises(ValidationError, match="not every participant"):
        ccm.close(conn, ref)

    # every participant takes the majority's side; on one item PL and JP differ
    contested = next(it for it in queue if it["kind"] != "missing")
    dropped = next(it for it in queue if it["kind"] == "missing")  # all agree to leave it out
    for d in (pl, jp, ee):
        for it in queue:
            pick = next(p for p in MEMBERS if p in it["units"] and p not in it["disagreeing"])
            if it["kind"] == "missing":
                pick = next(p for p in MEMBERS if p in it["units"])
            if it is contested and d is jp:
                pick = contested["disagreeing"][0]
            if it is dropped:
                pick = "neither"
            d.position(ref, it["key"], pick)
    with pl.store.begin() as conn:
        m = co.by_ref(conn, ref)
        with pytest.raises(ValidationError, match="position: one of PL, JP, EE"):
            co.take_position(conn, m, "PL", queue[0]["key"], "SE", actor="x", now=_now())

    exchange(desks)
    shown = {it["key"]: it for it in ee.items(ref)}[contested["key"]]
    assert shown["status"] == "disputed"
    assert shown["positions"]["JP"] == contested["disagreeing"][0] != shown["positions"]["PL"]
    assert shown["dissenting"] == ["JP"]  # PL and EE took the same side, JP its own
    assert sum(it["status"] == "agreed" for it in ee.items(ref)) == len(queue) - 1

    with pl.store.begin() as conn:
        out = ccm.close(conn, ref, actor="pl-chair")
    assert out["items"] == {"agreed": len(queue) - 1, "disputed": 1}
    exchange(desks)  # the close reaches JP and EE; each computes, and signs when sealing
    exchange(desks)  # the signatures travel
    exchange(desks)

    docs = {c: desks[c].agreed(ref) for c in MEMBERS}
    assert docs["PL"] == docs["JP"] == docs["EE"]
    for c in MEMBERS:
        s = desks[c].state(ref)
        assert s["status"] == "closed" and s["note"] is None
        assert s["signed_by"] == ["EE", "JP", "PL"] and s["complete"] is True
        assert s["refused"] == []
    import orjson

    doc = orjson.loads(docs["JP"])
    assert doc["parties"] == ["PL", "JP", "EE"]
    disputed = [i for i in doc["items"] if i["status"] == "disputed"]
    assert [i["key"] for i in disputed] == [contested["key"]]
    with jp.store.connect() as conn:
        clusters = co.by_ref(conn, ref).clusters
    assert len(doc["units"]) == len(clusters) - 1
    assert dropped["units"] not in [u["units"] for u in doc["units"]]
    cluster_units = contested["units"]
    unit = next(u for u in doc["units"] if u["units"] == cluster_units)
    from liaison.reconcile.joint import DECIDES

    for f in DECIDES.get(contested["kind"], ()):
        assert unit["facts"][f]["status"] == "disputed"

    # a tampered agreed picture is refused, naming where it departs
    tampered = orjson.loads(docs["PL"])
    tampered["units"][0]["facts"]["strength"]["value"] = 1
    with ee.store.connect() as conn:
        with pytest.raises(SecurityError, match=r"unit .*: strength differs"):
            ccm.verify_document(conn, ref, canonical(tampered))
        assert ccm.verify_document(conn, ref, docs["EE"])["verified"] is True
        sig_pl = next(
            s for s in ccm.signatures(conn, co.by_ref(conn, ref).id) if s["partner"] == "PL"
        )
        # PL's real signature presented with JP's name: not JP's key
        with pytest.raises(SecurityError, match="no key"):
            ccm.verify_document(conn, ref, docs["EE"], {**sig_pl, "partner": "JP"})
    # a participant's signature over other content is refused with the reason
    other = pl.kp.signing.sign(canonical(tampered)).signature.hex()
    with ee.store.begin() as conn:
        m = co.by_ref(conn, ref)
        why = ccm.record_signature(conn, m, "PL", pl.kp.public.fingerprint, other, actor="t")
    assert why and "made over other content" in why
    # a non-participant's signature, even over the very bytes, is refused
    se_sig = se.kp.signing.sign(docs["PL"]).signature.hex()
    exchange(desks, ("PL", "SE"))
    rec = {
        "type": "agreed-signature",
        "ref": ref,
        "partner": "SE",
        "key": se.kp.public.fingerprint,
        "sig": se_sig,
    }
    pl.open(forge(se, pl, {"coalition_meetings": [rec]}))
    s = pl.state(ref)
    assert s["signed_by"] == ["EE", "JP", "PL"]
    refusal = next(r for r in s["refused"] if r["partner"] == "SE")
    assert refusal["reason"] == f"SE is not a participant of coalition meeting {ref}"
    assert [r["partner"] for r in ee.state(ref)["refused"]] == ["PL"]
    # the same through a pouch: JP's key over other content, and a non-participant's positions
    jp_other = jp.kp.signing.sign(canonical(tampered)).signature.hex()
    rec = {
        "type": "agreed-signature",
        "ref": ref,
        "partner": "JP",
        "key": jp.kp.public.fingerprint,
        "sig": jp_other,
    }
    pl.open(forge(jp, pl, {"coalition_meetings": [rec]}))
    pos = {
        "type": "positions",
        "ref": ref,
        "positions": [{"key": contested["key"], "position": "SE", "at": iso(_now())}],
    }
    got = pl.open(forge(se, pl, {"coalition_meetings": [pos]}))
    assert not got["items"].get("coalition_positions")
    s = pl.state(ref)
    assert s["signed_by"] == ["EE", "JP", "PL"] and s["complete"] is True
    assert any(
        r["partner"] == "JP" and "made over other content" in r["reason"] for r in s["refused"]
    )
    with pl.store.connect() as conn:
        assert "SE" not in co.positions(conn, co.by_ref(conn, ref).id)[contested["key"]]
    # a contributed picture that does not match its digest refuses the whole pouch
    with jp.store.connect() as conn:
        m = co.by_ref(conn, ref)
        row = co.inputs(conn, m.id)["JP"]
        hdr = co.header(m)
    units = [dict(u) for u in row.units]
    units[0]["strength"] = 1
    rec = {"type": "input", **hdr, "partner": "JP", "units": units, "digest": row.digest}
    with pytest.raises(PouchRejected, match="digest"):
        pl.open(forge(jp, pl, {"coalition_meetings": [rec]}))


def test_the_cli_holds_a_coalition_meeting(desks, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from liaison.cli.app import main

    def run(desk: Desk, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("LIAISON_DATABASE_URL", str(desk.store.engine.url))
        with pytest.raises(SystemExit) as ei:
            main(list(args))
        out = capsys.readouterr()
        return int(ei.value.code or 0), out.out, out.err

    pl, jp, ee = (desks[c] for c in MEMBERS)
    code, _, err = run(pl, "meet", "coalition", "open", "--with", "JP", "--json")
    assert code == 2 and "two or more partners" in err and "Traceback" not in err
    code, out, err = run(pl, "meet", "coalition", "open", "--with", "JP", "--with", "EE", "--json")
    assert code == 0, err
    ref = json.loads(out)["meeting"]
    assert json.loads(out)["waiting_for"] == ["JP", "EE"]
    exchange(desks)
    exchange(desks)
    code, out, err = run(ee, "meet", "coalition", "show", ref, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["waiting_for"] == [] and shown["items"]["pending"] == len(shown["queue"]) > 0
    first = shown["queue"][0]
    code, _, err = run(ee, "meet", "coalition", "position", ref, first["key"], "SE")
    assert code == 2 and "position: one of PL, JP, EE, neither, defer" in err
    for d in (pl, jp, ee):
        for it in shown["queue"]:
            pick = next(p for p in MEMBERS if p in it["units"])
            if it is first and d is ee:
                pick = "defer"  # EE alone asks to defer: a dispute naming EE
            assert run(d, "meet", "coalition", "position", ref, it["key"], pick)[0] == 0
    code, _, err = run(pl, "meet", "coalition", "close", ref)
    assert code == 2 and "still to come" in err  # JP's and EE's positions are not here yet
    exchange(desks)
    code, out, err = run(pl, "meet", "coalition", "show", ref, "--status", "disputed")
    assert code == 0, err
    assert "1 disputed" in out and "EE:defer" in out and "(EE" in out and "differ)" in out
    code, out, err = run(pl, "meet", "coalition", "close", ref, "--json")
    assert code == 0, err
    assert json.loads(out)["items"] == {"agreed": len(shown["queue"]) - 1, "disputed": 1}
    for _ in range(3):
        exchange(desks)
    doc = tmp_path / "agreed.json"
    assert run(jp, "meet", "coalition", "agreed", ref, "-o", str(doc))[0] == 0
    code, out, err = run(ee, "meet", "coalition", "verify", ref, str(doc), "--json")
    assert code == 0, err
    code, out, err = run(ee, "meet", "coalition", "show", ref, "--json")
    assert json.loads(out)["complete"] is True
    bad = json.loads(doc.read_bytes())
    bad["parties"] = ["PL", "JP"]
    doc.write_bytes(canonical(bad))
    code, _, err = run(ee, "meet", "coalition", "verify", ref, str(doc))
    assert code == 2 and "refused" in err and "'parties' differs" in err


HOSTILE: list[Any] = [None, -1, 2**40, 1e308, True, "", "x" * 600, "PL", [], {}, ["PL", "PL"]]


def _paths(obj: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*at, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*at, i))
    return out


def test_hostile_coalition_records_are_refused_or_applied_never_crash(desks) -> None:  # type: ignore[no-untyped-def]
    """Every field of every coalition record, replaced by a hostile value or dropped, behind a
    valid pouch signature: the pouch opens or is refused with PouchRejected — nothing else."""
    import copy
    import random

    from liaison.courier.pouch import open_pouch

    pl, jp, ee = (desks[c] for c in MEMBERS)
    with pl.store.begin() as conn:
        ref = ccm.open_coalition(conn, ["JP", "EE"]).ref
    exchange(desks)
    with jp.store.connect() as conn:
        m = co.by_ref(conn, ref)
        units = co.inputs(conn, m.id)["JP"].units[:2]
        key = co.items(conn, m)[0]["key"] if m.queue_digest else "k"
        hdr = co.header(m)
    base = [
        {"type": "input", **hdr, "partner": "JP", "units": units, "digest": ccm.input_digest(units)},
        {"type": "positions", "ref": ref, "positions": [{"key": key, "position": "PL", "comment": None, "by": "a", "at": iso(_now())}]},
        {"type": "close", "ref": ref, "closed_at": iso(_now()), "closed_by": "x", "queue_digest": "0" * 64, "positions_digest": "0" * 64},
        {"type": "agreed-signature", "ref": ref, "partner": "JP", "key": jp.kp.public.fingerprint, "sig": "00" * 64},
    ]  # fmt: skip
    paths = _paths(base)[1:]
    rng = random.Random(23)
    opened = refused = 0
    for i in range(160):
        recs = copy.deepcopy(base)
        path = paths[i % len(paths)] if i < len(paths) else rng.choice(paths)
        target: Any = recs
        for p in path[:-1]:
            target = target[p]
        if rng.random() < 0.2 and isinstance(target, dict):
            del target[path[-1]]
        else:
            target[path[-1]] = rng.choice(HOSTILE)
        data = forge(jp, pl, {"coalition_meetings": recs})
        with pl.store.connect() as conn:
            tx = conn.begin()
            try:
                open_pouch(conn, pl.kp, data)
                opened += 1
            except PouchRejected:
                refused += 1
            finally:
                tx.rollback()
    assert opened + refused == 160 and refused > 0 and opened > 0
