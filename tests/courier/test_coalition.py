"""A coalition, not a pair: four stores (PL, JP, EE, SE) exchanging pouches only.

PL's ORCON intercept reaches SE through EE with PL's signed consent and never reaches JP; PL's
retraction follows it through EE to SE; and a forged hop, a stripped originator signature, a relay
beyond the marking and a relay without consent are each refused with their reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from liaison.core.clock import iso
from liaison.core.ids import new_id
from liaison.courier import keys, origin, records
from liaison.courier.canonical import canonical
from liaison.courier.envelope import seal_payload
from liaison.courier.kinds.retractions import retract
from liaison.courier.policy import set_policy
from liaison.courier.pouch import GENESIS, PouchRejected, add_partner_key, open_file, seal
from liaison.orbat import observe, partners
from liaison.store import Store
from liaison.store.schema.codebreak import intercept
from liaison.store.schema.courier import pouch_log, tombstone
from liaison.store.schema.relay import item_envelope, item_sent, origin_batch

CODES = ("PL", "JP", "EE", "SE")
T0 = datetime(1938, 6, 2, tzinfo=UTC)


class Desk:
    def __init__(self, store: Store, code: str) -> None:
        self.store, self.code = store, code
        self.kp = keys.generate(code)

    def seal(self, to: str) -> bytes:
        with self.store.begin() as conn:
            return seal(conn, self.kp, to)[0]

    def open(self, data: bytes) -> dict[str, Any]:
        return open_file(self.store, self.kp, data)

    def intercepts(self) -> dict[str, Any]:
        with self.store.connect() as conn:
            return {(r.partner_code, r.local_id): r for r in conn.execute(sa.select(intercept))}


@pytest.fixture
def coalition(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    desks = {
        c: Desk(Store(store_url if c == "EE" else f"sqlite:///{tmp_path / c}.db"), c) for c in CODES
    }
    for d in desks.values():
        with d.store.begin() as conn:
            for c in CODES:
                partners.add_partner(conn, c, c, is_self=c == d.code)
            for other in desks.values():  # every desk holds every partner's public key
                add_partner_key(conn, other.kp.public)
            for c in CODES:
                if c != d.code:
                    set_policy(conn, c, "AMBER")
    yield desks
    for d in desks.values():
        d.store.dispose()


def add_intercept(desk: Desk, lid: str, tlp: str, rel_to: str, orcon: bool) -> None:
    with desk.store.begin() as conn:
        conn.execute(
            intercept.insert().values(
                id=new_id(),
                partner_code=desk.code,
                local_id=lid,
                intercepted_at=T0,
                recorded_at=datetime.now(UTC),
                callsign="RKX",
                ciphertext="ZHOO ZHOO",
                tlp=tlp,
                rel_to=rel_to,
                orcon=orcon,
            )
        )


def forge(sender: Desk, to: Desk, items: dict[str, list[Any]]) -> bytes:
    """A pouch a hostile `sender` seals by hand: valid pouch signature, chain and sequence —
    only the items are what the test makes them."""
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
        "created": iso(datetime.now(UTC)),
        "sender_key": sender.kp.public.fingerprint,
        "recipient_key": to.kp.public.fingerprint,
        "units": 0,
        "counts": {k: len(v) for k, v in items.items()},
        "keys": [],
    }
    return seal_payload(sender.kp, to.kp.public, fields, payload)[0]


def envelope(desk: Desk, lid: str) -> dict[str, Any]:
    with desk.store.connect() as conn:
        rec = conn.execute(
            sa.select(item_envelope.c.record).where(item_envelope.c.ref == lid)
        ).scalar_one()
    return dict(rec)


def refused(desk: Desk, data: bytes) -> PouchRejected:
    with pytest.raises(PouchRejected) as ei:
        desk.open(data)
    return ei.value


def test_relay_with_consent_retraction_through_hops_and_refusals(coalition) -> None:  # type: ignore[no-untyped-def]
    pl, jp, ee, se = (coalition[c] for c in CODES)
    add_intercept(pl, "I-1", "AMBER", "", orcon=True)  # ORCON: ask PL
    add_intercept(pl, "I-2", "AMBER", "EE", orcon=False)  # REL TO EE only
    with pl.store.begin() as conn:
        for to in ("EE", "SE"):
            origin.grant_consent(conn, pl.kp, "intercept", "I-1", to)

    # PL → EE: both; PL → JP: neither (no consent for JP, JP not on I-2's REL TO)
    assert ee.open(pl.seal("EE"))["items"]["intercepts"] == 2
    assert jp.open(pl.seal("JP"))["items"].get("intercepts", 0) == 0
    got = ee.intercepts()[("PL", "I-1")]
    assert got.received_from == "PL" and got.orcon

    # EE → SE: I-1 relayed with PL's signature and consent; I-2 withheld (beyond the marking)
    out = se.open(ee.seal("SE"))
    assert out["items"]["intercepts"] == 1
    at_se = se.intercepts()
    assert set(at_se) == {("PL", "I-1")}
    assert at_se[("PL", "I-1")].received_from == "EE"
    rec = envelope(se, "I-1")
    assert [h["body"]["from"] + ">" + h["body"]["to"] for h in rec["hops"]] == ["PL>EE", "EE>SE"]
    assert rec["origin"]["partner"] == "PL"
    # the originator's signature checks against PL's key alone, outside any pouch
    assert records.verify_by(
        {"body": origin.body_of(rec), "signatures": [rec["origin"]]},
        pl.kp.public.sign_pk,
        pl.kp.public.fingerprint,
    )

    # EE → JP: nothing (PL never consented to JP)
    assert jp.open(ee.seal("JP"))["items"].get("intercepts", 0) == 0
    assert not jp.intercepts()

    # a hostile EE forces the relays its own policy withheld: each refused with its reason
    i1 = envelope(ee, "I-1")
    i2 = envelope(ee, "I-2")

    def relayed(rec: dict[str, Any], to: str, **change: Any) -> dict[str, Any]:
        hop = origin.make_hop(ee.kp, origin.item_sha(origin.body_of(rec)), to, datetime.now(UTC))
        with ee.store.connect() as conn:
            cons = origin.consents_for(conn, "intercept", "PL", rec["local_id"])
        return {**rec, "hops": [*rec["hops"], hop], "consents": cons, **change}

    err = refused(jp, forge(ee, jp, {"intercepts": [relayed(i1, "JP")]}))
    assert err.reason == "no-consent" and "PL gave no consent for JP" in str(err)
    err = refused(se, forge(ee, se, {"intercepts": [relayed(i2, "SE")]}))
    assert err.reason == "beyond-marking" and "REL TO EE" in str(err)
    # a forged hop: EE claims PL passed the item to it, signing the hop itself
    fake_first = records.sign(ee.kp, {**i1["hops"][0]["body"]})
    err = refused(se, forge(ee, se, {"intercepts": [relayed(i1, "SE", hops=[fake_first])]}))
    assert err.reason == "bad-hop"
    forged = relayed(i1, "SE")
    forged["hops"] = [forged["hops"][0], records.sign(ee.kp, {**forged["hops"][1]["body"]})]
    forged["hops"][0] = {**forged["hops"][0], "body": {**forged["hops"][0]["body"], "to": "SE"}}
    err = refused(se, forge(ee, se, {"intercepts": [forged]}))
    assert err.reason == "bad-hop"
    # a stripped originator signature
    stripped = {k: v for k, v in relayed(i1, "SE").items() if k != "origin"}
    err = refused(se, forge(ee, se, {"intercepts": [stripped]}))
    assert err.reason == "unsigned-item"
    # an altered body under PL's signature
    altered = relayed(i1, "SE", ciphertext="ATTACK AT DAWN")
    err = refused(se, forge(ee, se, {"intercepts": [altered]}))
    assert err.reason in ("bad-origin-signature", "bad-hop")

    # PL retracts I-1: the signed retraction reaches EE, and SE through EE
    with pl.store.begin() as conn:
        retract(conn, "intercept", "I-1", "misread call sign")
    assert ee.open(pl.seal("EE"))["items"]["retractions"] == 1
    assert ee.intercepts()[("PL", "I-1")].retracted_at is not None
    assert se.intercepts()[("PL", "I-1")].retracted_at is None
    assert se.open(ee.seal("SE"))["items"]["retractions"] == 1
    assert se.intercepts()[("PL", "I-1")].retracted_at is not None
    with se.store.connect() as conn:
        t = conn.execute(sa.select(tombstone)).one()
    assert (t.partner_code, t.received_from, t.ref) == ("PL", "EE", "I-1")
    # and is not sent twice, nor to JP, who never held the item
    assert se.open(ee.seal("SE"))["items"].get("retractions", 0) == 0
    assert jp.open(ee.seal("JP"))["items"].get("retractions", 0) == 0
    with ee.store.connect() as conn:
        held = {(r.ref, r.partner_code) for r in conn.execute(sa.select(item_sent))}
    assert held == {("I-1", "SE")}


def test_observations_carry_the_originators_seal(coalition) -> None:  # type: ignore[no-untyped-def]
    pl, ee = coalition["PL"], coalition["EE"]
    with pl.store.begin() as conn:
        for i in range(5):
            observe.record(
                conn, "PL", f"U{i}", valid_at=T0, designation=f"{i} Dywizja", lat=50.0 + i / 7,
                lon=0.00001 * i,  # a number the fast writer cannot vouch for: the exact path
            )  # fmt: skip
    data = pl.seal("EE")
    assert ee.open(data)["new_observations"] == 5
    with ee.store.connect() as conn:
        b = conn.execute(sa.select(origin_batch)).one()
    assert b.originator == "PL" and b.count == 5
    # any one observation, as it travelled, checks against PL's key and the kept seal
    with pl.store.connect() as conn:
        from liaison.orbat.picture import get_picture

        pic = get_picture(conn, "PL")
    from liaison.courier.policy import Policy, release

    units, _ = release(pic, Policy("EE", "AMBER"))
    pk = pl.kp.public
    assert all(
        origin.verify_observation_record(b.record, b.leaves, u, pk.sign_pk, pk.fingerprint)
        for u in units
    )
    assert not origin.verify_observation_record(
        b.record, b.leaves, {**units[0], "strength": 1}, pk.sign_pk, pk.fingerprint
    )


def test_observations_without_their_seal_are_refused(coalition) -> None:  # type: ignore[no-untyped-def]
    pl, ee = coalition["PL"], coalition["EE"]
    unit = {"unit_id": "U1", "designation": "1 Dywizja", "observed_at": "1938-06-01T00:00:00Z"}
    with ee.store.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(pouch_log)).scalar()
    assert n == 0

    def pouch(items: dict[str, Any]) -> bytes:
        payload = canonical({"items": items, "units": [unit], "withheld": 0})
        fields = {
            "version": 2, "from": "PL", "to": "EE", "seq": 1, "prev": GENESIS,
            "created": iso(datetime.now(UTC)), "sender_key": pl.kp.public.fingerprint,
            "recipient_key": ee.kp.public.fingerprint, "units": 1, "counts": {}, "keys": [],
        }  # fmt: skip
        return seal_payload(pl.kp, ee.kp.public, fields, payload)[0]

    assert refused(ee, pouch({})).reason == "unsigned-item"
    bad = origin.seal_units(pl.kp, [{**unit, "designation": "2 Dywizja"}])
    assert refused(ee, pouch({"origins": [bad]})).reason == "bad-origin-signature"
    assert ee.open(pouch({"origins": [origin.seal_units(pl.kp, [unit])]}))["new_observations"] == 1


def test_reports_relay_and_burn_notices_follow_the_hops(coalition) -> None:  # type: ignore[no-untyped-def]
    from liaison.core.markings import Marking
    from liaison.courier.kinds.reports import Attachment, add_report
    from liaison.orbat import sources
    from liaison.store.schema.courier import report
    from liaison.store.schema.sources import burned_item

    pl, jp, ee, se = (coalition[c] for c in CODES)
    with pl.store.begin() as conn:
        add_report(
            conn, "R-1", "Railway traffic", "Twelve trains eastward.",
            marking=Marking("AMBER", (), True),
            attachments=[Attachment("count.csv", b"day,trains\n1,12\n")],
        )  # fmt: skip
        add_report(
            conn, "R-2", "Ours only", "With a file for EE alone.", marking=Marking("GREEN"),
            attachments=[Attachment("ee.txt", b"x", marking=Marking("GREEN", ("EE",)))],
        )  # fmt: skip
        origin.grant_consent(conn, pl.kp, "report", "R-1", "EE")
        origin.grant_consent(conn, pl.kp, "report", "R-1", "SE")
        partners.add_source(conn, "PL", "NIGHTJAR", "SIGINT", "B")
        sid = conn.execute(sa.text("SELECT id FROM source WHERE codename = 'NIGHTJAR'")).scalar()
    add_intercept(pl, "I-9", "GREEN", "", orcon=False)
    with pl.store.begin() as conn:
        conn.execute(intercept.update().where(intercept.c.local_id == "I-9").values(source_id=sid))
    got = ee.open(pl.seal("EE"))["items"]
    assert (got["reports"], got["attachments"], got["intercepts"]) == (2, 2, 1)
    got = se.open(ee.seal("SE"))["items"]
    # R-1 relayed with PL's consent; R-2 withheld whole: its file may not go beyond EE
    assert (got["reports"], got["intercepts"]) == (1, 1)
    with se.store.connect() as conn:
        r = conn.execute(sa.select(report)).one()
    assert (r.partner_code, r.local_id, r.received_from, r.orcon) == ("PL", "R-1", "EE", True)

    # PL burns the intercept's source: the notice reaches EE, and SE through EE; JP, first sent
    # the intercept after the burn, gets both in one pouch (the notice applied after the item)
    with pl.store.begin() as conn:
        sources.burn(conn, "PL", "NIGHTJAR", "compromised")
    assert ee.open(pl.seal("EE"))["items"]["burn_notices"] == 1
    got = jp.open(pl.seal("JP"))["items"]
    assert (got["intercepts"], got["burn_notices"], got["regraded"]) == (1, 1, 1)
    assert se.open(ee.seal("SE"))["items"]["burn_notices"] == 1
    for d in (ee, se, jp):
        with d.store.connect() as conn:
            assert conn.execute(sa.select(burned_item.c.kind)).scalars().all() == ["intercept"]
