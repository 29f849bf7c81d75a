"""Issue 24, done when: the illustrative Kaunas registry evacuated to four destinations.

Destination visas from a second issuer (the Dutch consul, own block and key), family documents
of the Japanese consulate resting on them, onward ships with limited seats (someone waits at
Kobe, and says why), a person at risk seated first and in no export, and a destination visa
revoked by the registering organisation seen as revoked at another organisation's checkpoint
after one pouch.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from liaison.courier import keys as ckeys
from liaison.courier.pouch import add_partner_key, open_file, set_policy
from liaison.courier.pouch import seal as seal_pouch
from liaison.evac import (
    care,
    issuing,
    onward,
    people,
    protection,
    routes,
    seal,
    tracking,
    trust,
)
from liaison.evac.people import Actor
from liaison.orbat import partners
from liaison.store import Store
from liaison.store.schema.evac import evac_foreign_person

DATA = Path(__file__).parents[2] / "src/liaison/data/evac"
REG = Actor("reg", "registrar")
ROUTE = ["Kaunas", "Moscow", "Vladivostok", "Tsuruga", "Kobe"]
ON = date(1940, 8, 5)


class Org:
    """One organisation: its store, courier key and trust-list root."""

    def __init__(self, store: Store, me: str, other: str) -> None:
        self.store, self.me, self.other = store, me, other
        self.kp = ckeys.generate(me)
        self.root = SigningKey.generate()
        with store.begin() as conn:
            partners.add_partner(conn, me, me, is_self=True)
            partners.add_partner(conn, other, other)
            add_partner_key(conn, self.kp.public)

    def checkpoint(self, issuers: list[seal.Issuer]) -> trust.Verifier:
        """A checkpoint of this organisation: a trust list signed from its store's revocations."""
        with self.store.connect() as conn:
            revoked = issuing.revoked(conn)
        tl = trust.make_trust_list(self.root, issuers, revoked)
        return trust.Verifier(tl, bytes(self.root.verify_key))


@pytest.fixture
def orgs(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    a = Org(Store(store_url), "PL", "US")  # registers in Kaunas
    b = Org(Store(f"sqlite:///{tmp_path / 'us.db'}"), "US", "PL")  # receives in Curaçao
    for x, y in ((a, b), (b, a)):
        with x.store.begin() as conn:
            add_partner_key(conn, y.kp.public)
            set_policy(conn, y.me, "AMBER")
    yield a, b
    a.store.dispose()
    b.store.dispose()


def test_kaunas_to_four_destinations(orgs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = orgs
    jp = seal.Issuer.generate("JP-KAUNAS", "Consulate of Japan, Kaunas")
    nl = seal.Issuer.generate("NL-KAUNAS", "Consul of the Netherlands, Kaunas")
    with a.store.begin() as conn:
        people.import_persons(conn, DATA / "persons.csv", "reg")
        people.add_children_group(conn, "C01", "K011", ["K008"], "reg")
        routes.import_departures(conn, DATA / "departures.csv", "reg")
        routes.import_departures(conn, DATA / "onward.csv", "reg")
        people.merge(conn, "K001", "K004", "rev")  # שפירא רחל is Rachela Szapiro
        people.merge(conn, "K006", "K007", "rev")  # Wasserman Dawid is Вассерман Давид
        protection.protect(conn, REG, "K008", "unaccompanied_child")
        issuing.allocate_block(conn, "KAU", 1, 999, "adm")
        issuing.allocate_block(conn, "CUR", 1000, 1999, "adm")  # the second issuer's numbering
        visas = issuing.issue(
            conn,
            nl,
            "CUR",
            ["Curaçao"],
            date(1940, 7, 20),
            date(1941, 6, 30),
            "nl",
            kind="destination",
        )
        family = issuing.issue(
            conn, jp, "KAU", ROUTE, date(1940, 7, 29), date(1940, 12, 31), "jp", kind="family"
        )
        cover = issuing.coverage(conn)
    # destination visas: one per person (merged duplicates none), four destinations
    assert len(visas) == 10 and all(v.number.startswith("CUR") for v in visas)
    assert {v.payload["dst"] for v in visas} == {"Curaçao", "Seattle", "Haifa", "Shanghai"}
    visa_of = {v.person_id: v for v in visas}
    # family documents: one per travel group, the members in the seal, resting on a visa
    assert cover["family"]["documents"] == len(family) < cover["family"]["people"] == 10
    f01 = next(d for d in family if d.person_id == "K002")  # eldest of the Szapiro family
    assert sorted(m[1] for m in f01.payload["mem"]) == ["Chana", "Rachela"]
    assert f01.payload["dd"] == visa_of["K002"].number and f01.payload["ddi"] == "NL-KAUNAS"
    assert f01.payload["dst"] == "Curaçao"
    # the registering organisation publishes its trust list, then revokes K012's Curaçao visa
    with a.store.begin() as conn:
        listed = trust.make_trust_list(a.root, [jp, nl], issuing.revoked(conn))
        care.publish_trust(conn, listed, bytes(a.root.verify_key), "adm")
    k012_visa = visa_of["K012"].number
    k012_doc = next(d for d in family if d.person_id == "K012")
    with a.store.begin() as conn:
        issuing.revoke(conn, k012_visa, "nl", "forged", "NL-KAUNAS")
    home = a.checkpoint([jp, nl])
    v = home.verify(f01.qr, ON, visa_of["K002"].qr)
    assert v.valid and v.kind == "family" and v.covers == 3
    assert v.destination == {"number": f01.payload["dd"], "issuer": "NL-KAUNAS", "state": "valid"}
    assert home.verify(k012_doc.qr, ON).reason == "destination revoked"

    # onward: every group towards its own destination, limited seats, who waits where and why
    with a.store.begin() as conn:
        plan, sizes = routes.plan_onward(conn, date(1940, 8, 1), date(1940, 12, 31), save=True)
    dep_to = {d.dep_id: d.dest for d in _network(a)}
    with a.store.connect() as conn:
        dest = {p.person_id: p.destination for p in people.list_persons(conn, REG)}
        groups = people.travel_groups(conn)
    for g, legs in plan.assigned.items():  # each group ends at its own members' destination
        assert dep_to[legs[-1]] == dest[groups[g][0]] and dep_to[legs[0]] == "Moscow"
    assert dep_to[plan.assigned["C01"][-1]] == "Shanghai"  # the child at risk, seated
    assert dep_to[plan.assigned["F01"][-1]] == "Curaçao"
    # Seattle: K005 alone and the Lewin group of two, on a ship of two seats — one waits at Kobe
    seattle = {g for g in ("K005", "F03") if g in plan.assigned}
    waiting = {"K005", "F03"} - seattle
    assert len(waiting) == 1
    w = plan.waits[waiting.pop()]
    assert w["place"] == "Kobe" and "no seats" in w["why"] and "Seattle" in w["why"]
    assert plan.placed_people + plan.waiting_people == sum(sizes.values()) == 10

    # one pouch to the other organisation, persons released to it
    with a.store.begin() as conn:
        care.set_release(conn, "US", True, "adm")
        pouch = seal_pouch(conn, a.kp, "US")[0]
    other = b.checkpoint([jp, nl])
    assert other.verify(k012_doc.qr, ON).valid  # before the pouch, US cannot know
    got = open_file(b.store, [b.kp], pouch)
    assert got["items"]["evac_revocations"] == 1 and got["items"]["evac_persons"] == 9
    assert got["items"]["evac_trust_lists"] == 1
    with b.store.connect() as conn:  # the Kaunas trust list, received, with every revocation held
        border = care.partner_checkpoint(conn, "PL")
    assert border.verify(k012_doc.qr, ON).reason == "destination revoked"
    assert border.verify(f01.qr, ON, visa_of["K002"].qr).valid
    other = b.checkpoint([jp, nl])
    assert other.verify(k012_doc.qr, ON).reason == "destination revoked"
    assert other.verify(visa_of["K012"].qr, ON).reason == "revoked"
    assert other.verify(f01.qr, ON).valid

    # the person at risk is in no export: not in the CSV, not in the pouch, not at the receiver
    with a.store.begin() as conn:
        out = tmp_path / "persons.csv"
        n = people.export_persons(conn, out, REG)
        flags = protection.listing(conn, REG)
        with pytest.raises(Exception, match="admin or registrar"):
            protection.listing(conn, Actor("ann", "analyst"))
    ids = [r["person_id"] for r in csv.DictReader(io.StringIO(out.read_text()))]
    assert "K008" not in ids and n == len(ids) == 9
    assert "unaccompanied" not in out.read_text() and flags[0]["person_id"] == "K008"
    with b.store.connect() as conn:
        received = {r.person_id for r in conn.execute(evac_foreign_person.select())}
    assert received == set(ids) and "K008" not in received

    # arrival and care: reception, family tracing, the journey counts
    with a.store.begin() as conn:
        at = datetime(1940, 10, 8, 12, tzinfo=UTC)
        tracking.record(conn, "willemstad", "F01", "arrived", "Curaçao", at, "C-1003", "reg")
        care.receive(conn, REG, "K002", "Curaçao", "sheltered", "Willemstad shelter", "J. Doe")
        kin = care.trace(conn, REG, "K008")
        counts = care.journey(conn, date(1940, 10, 10))
    assert [k["person_id"] for k in kin if k["registry"] == "ours"] == ["K009"]  # the sister
    assert counts["registered"] == 10 and counts["documented"] == 10
    assert counts["arrived"] == 3  # the Szapiro family at its own destination, not Shanghai
    assert counts["received"] == 1 and counts["onward"] == {"sheltered": 1}
    assert counts["by_destination"] == {"Curaçao": 4, "Haifa": 1, "Seattle": 3, "Shanghai": 2}


def _network(org: Org) -> list[onward.Departure]:
    with org.store.connect() as conn:
        return routes.network(conn)
