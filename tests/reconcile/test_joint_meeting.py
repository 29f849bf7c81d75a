"""Issue 21, done when: two stores hold three weekly meetings together, pouches both ways, no sleeps.

PL hosts; JP recomputes each queue from what both released and works it in its own store. Meeting
2 raises only what changed; positions travel incrementally both ways; a dispute is one; both
compute the same agreed picture byte for byte and each verifies the other's signature over its own
computation; a tampered agreed picture or a signature over other content is refused, with why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from liaison.core.errors import SecurityError, ValidationError
from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier import meetings as cm
from liaison.courier.pouch import add_partner_key, open_file, seal, set_policy
from liaison.orbat import observe, partners
from liaison.reconcile import meeting as mt
from liaison.store import Store

DAY0 = datetime(1938, 6, 6, tzinfo=UTC)
NAMES = {
    "PL": ["{} Dywizja Strzelców", "{} Brygada Pancerna"],
    "JP": ["第{}狙撃師団", "第{}戦車旅団"],
}


class Side:
    def __init__(self, store: Store, me: str, other: str) -> None:
        self.store, self.me, self.other = store, me, other
        self.kp = keys.generate(me)
        with store.begin() as conn:
            partners.add_partner(conn, me, me, is_self=True)
            partners.add_partner(conn, other, other)
            add_partner_key(conn, self.kp.public)

    def seal(self) -> bytes:
        with self.store.begin() as conn:
            return seal(conn, self.kp, self.other)[0]

    def open(self, data: bytes) -> dict[str, Any]:
        return open_file(self.store, [self.kp], data)

    def report(self, i: int, week: int, **facts: Any) -> None:
        base: dict[str, Any] = {
            "designation": NAMES[self.me][i % 2].format(i + 1),
            "echelon": "division" if i % 2 == 0 else "brigade",
            "lat": 50.0 + i,
            "lon": 30.0,
            "strength": 9000,
            "reliability": "B",
            "credibility": 2,
        }
        with self.store.begin() as conn:
            observe.record(
                conn,
                self.me,
                f"{self.me}-{i}",
                valid_at=DAY0 + timedelta(days=7 * week, hours=i),
                marking=Marking("AMBER", (self.other, self.me)),
                **(base | facts),
            )

    def meeting(self, ref: str) -> Any:
        with self.store.connect() as conn:
            return cm.by_ref(conn, ref)

    def items(self, ref: str) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return mt.list_discrepancies(conn, cm.by_ref(conn, ref).id)

    def resolve(self, ref: str, pick: Any, only: set[str] | None = None) -> int:
        n = 0
        with self.store.begin() as conn:
            for d in mt.list_discrepancies(conn, cm.by_ref(conn, ref).id):
                if d["settled"] or d["resolution"] or (only is not None and d["key"] not in only):
                    continue
                mt.resolve(conn, d["id"], pick(d), f"{self.me} decides", actor=f"{self.me}-analyst")
                n += 1
        return n


def exchange(pl: Side, jp: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    """PL's pouch to JP, then JP's to PL (which acknowledges PL's)."""
    a = jp.open(pl.seal())
    b = pl.open(jp.seal())
    return a["items"], b["items"]


@pytest.fixture
def two(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """PL's store on each configured backend (SQLite; PostgreSQL when set), JP's on SQLite."""
    pl = Side(Store(store_url), "PL", "JP")
    jp = Side(Store(f"sqlite:///{tmp_path / 'jp.db'}"), "JP", "PL")
    for a, b in ((pl, jp), (jp, pl)):
        with a.store.begin() as conn:
            add_partner_key(conn, b.kp.public)
            set_policy(conn, b.me, "AMBER")
    yield pl, jp
    pl.store.dispose()
    jp.store.dispose()


def week_one_pictures(pl: Side, jp: Side) -> None:
    for i in range(6):
        pl.report(i, 0)
        jp.report(i, 0)
    pl.report(2, 0, lat=55.0)  # location: 2nd division 5° apart
    jp.report(3, 0, strength=4000)  # strength
    jp.report(4, 0, equipment={"tanks": 300})  # equipment: only JP counts tanks …
    pl.report(4, 0, equipment={"tanks": 120})  # … and PL counts fewer
    pl.report(5, 0, lat=58.0)  # location, to be disputed
    jp.report(7, 0)  # only JP reports the 8th brigade


def host_pick(d: dict[str, Any]) -> str:
    return "ours" if d["kind"] in ("location", "only_ours") else "theirs"


def guest_pick(d: dict[str, Any]) -> str:
    """JP's analysts: PL's location is right (theirs) except for the 6th brigade, where JP
    holds its own (the dispute); JP's strength and equipment counts are right (ours)."""
    if d["kind"] == "location":
        return "ours" if d["ours"] == "JP-5" else "theirs"
    return "ours"


def hold_meeting(pl: Side, jp: Side, week: int) -> tuple[str, dict[str, Any]]:
    with pl.store.begin() as conn:
        mid, _ = cm.open_shared(conn, "JP", actor="pl-chair")
        ref = cm.by_ref(conn, f"PL/{mid}").ref
    got = jp.open(pl.seal())["items"]
    assert got["meetings"] == 1
    m = jp.meeting(ref)
    assert m.shared == "joined", m.share_note  # JP's recomputation matched PL's queue
    assert m.host == "PL" and m.ours_partner == "JP"
    raised = [d for d in jp.items(ref) if not d["settled"]]
    # positions travel incrementally: JP decides half, sends, then the rest
    first = {d["key"] for d in raised[: len(raised) // 2]}
    n1 = jp.resolve(ref, guest_pick, only=first)
    assert pl.open(jp.seal())["items"]["positions"] == n1
    n2 = jp.resolve(ref, guest_pick)
    assert pl.open(jp.seal())["items"]["positions"] == n2  # only the new ones arrive
    assert pl.meeting(ref).shared == "joined"
    pl.resolve(ref, host_pick)
    with pl.store.begin() as conn:
        closed = cm.close(conn, pl.meeting(ref).id, actor="pl-chair")
    got = jp.open(pl.seal())["items"]  # PL's positions, the close, PL's signature
    assert got["agreed_signatures"] == 1
    assert pl.open(jp.seal())["items"]["agreed_signatures"] == 1  # JP's signature
    return ref, closed


def test_three_weekly_meetings_held_by_both_sides(two) -> None:  # type: ignore[no-untyped-def]
    pl, jp = two
    week_one_pictures(pl, jp)
    exchange(pl, jp)

    # ---- week 1 ----
    ref1, closed1 = hold_meeting(pl, jp, 1)
    items = {d["key"]: d for d in pl.items(ref1)}
    by_state = {d["key"]: d["state"] for d in items.values()}
    assert by_state["location:JP=JP-5|PL=PL-5"] == "disputed"
    assert list(by_state.values()).count("disputed") == 1
    assert by_state["location:JP=JP-2|PL=PL-2"] == "agreed"
    assert by_state["only:JP=JP-7"] == "agreed"
    # JP's store shows the same item from its side, with PL's position as the partner's
    jp_items = {d["key"]: d for d in jp.items(ref1)}
    assert set(jp_items) == set(items)
    assert jp_items["strength:JP=JP-3|PL=PL-3"]["resolution"] == "ours"
    assert items["strength:JP=JP-3|PL=PL-3"]["partner_position"] == "theirs"
    assert jp_items["location:JP=JP-5|PL=PL-5"]["state"] == "disputed"
    # the minutes put the dispute first
    assert pl.meeting(ref1).minutes.index("Disputed") < pl.meeting(ref1).minutes.index(
        "## Discrepancies"
    )
    # both computed the same agreed picture, byte for byte, and verified each other's signature
    with pl.store.connect() as c1, jp.store.connect() as c2:
        a = cm.agreed_bytes(c1, pl.meeting(ref1).id)
        b = cm.agreed_bytes(c2, jp.meeting(ref1).id)
        assert a == b and closed1["agreed_digest"] == jp.meeting(ref1).agreed_digest
        for conn, m in ((c1, pl.meeting(ref1)), (c2, jp.meeting(ref1))):
            sigs = cm.signatures(conn, m.id)
            assert sorted((s["partner"], s["status"]) for s in sigs) == [
                ("JP", "verified"),
                ("PL", "verified"),
            ]
    doc = __import__("json").loads(a)
    facts = {u["key"]: u["facts"] for u in doc["units"]}
    assert facts["JP=JP-3|PL=PL-3"]["strength"]["value"] == 4000  # JP's, as both agreed
    assert facts["JP=JP-3|PL=PL-3"]["strength"]["partner"] == "JP"
    assert facts["JP=JP-2|PL=PL-2"]["lat"]["value"] == 55.0  # PL's, as both agreed
    assert facts["JP=JP-5|PL=PL-5"]["lat"]["status"] == "disputed"
    assert "JP=JP-7" in facts  # only JP reports it; both accepted it

    # ---- week 2: PL moves the 1st division; nothing else changes ----
    pl.report(0, 1, lat=60.0)
    exchange(pl, jp)
    ref2, _ = hold_meeting(pl, jp, 2)
    items2 = pl.items(ref2)
    raised = {d["key"]: d for d in items2 if not d["settled"]}
    settled = {d["key"]: d for d in items2 if d["settled"]}
    assert set(raised) == {"location:JP=JP-0|PL=PL-0", "location:JP=JP-5|PL=PL-5"}
    assert raised["location:JP=JP-5|PL=PL-5"]["memory"] == {"state": "disputed", "ref": ref1}
    assert raised["location:JP=JP-0|PL=PL-0"]["memory"] is None  # new this week
    assert settled["strength:JP=JP-3|PL=PL-3"]["memory"]["state"] == "settled"
    assert settled["strength:JP=JP-3|PL=PL-3"]["comment"] == f"settled in meeting {ref1}"
    # JP holds the same memory and the same agreed picture
    assert {d["key"] for d in jp.items(ref2) if not d["settled"]} == set(raised)
    with pl.store.connect() as c1, jp.store.connect() as c2:
        a2 = cm.agreed_bytes(c1, pl.meeting(ref2).id)
        assert a2 == cm.agreed_bytes(c2, jp.meeting(ref2).id)
    doc2 = __import__("json").loads(a2)
    facts2 = {u["key"]: u["facts"] for u in doc2["units"]}
    assert facts2["JP=JP-3|PL=PL-3"]["strength"]["value"] == 4000  # the settled decision holds

    # ---- week 3: JP's strength for the 4th brigade changes; raised again, marked ----
    jp.report(3, 2, strength=3000)
    exchange(pl, jp)
    ref3, _ = hold_meeting(pl, jp, 3)
    raised3 = {d["key"]: d for d in pl.items(ref3) if not d["settled"]}
    assert set(raised3) == {"strength:JP=JP-3|PL=PL-3", "location:JP=JP-5|PL=PL-5"}
    mem = raised3["strength:JP=JP-3|PL=PL-3"]["memory"]
    assert mem["state"] == "changed" and mem["changed"] == ["JP strength"]
    assert mem["ref"] == ref1 and mem["was"] == "JP"
    # meeting 1's item settled in meeting 2 is now listed from meeting 1 still
    assert {d["memory"]["ref"] for d in pl.items(ref3) if d["settled"]} == {ref1, ref2}

    # ---- refusals ----
    with pl.store.begin() as conn:
        m3 = cm.by_ref(conn, ref3)
        ours = cm.agreed_bytes(conn, m3.id)
        tampered = ours.replace(b'"value":3000', b'"value":9000')
        assert tampered != ours
        with pytest.raises(SecurityError, match="strength differs"):
            cm.verify_document(conn, ref3, tampered)
        jp_sig = next(s for s in cm.signatures(conn, m3.id) if s["partner"] == "JP")
        assert cm.verify_document(conn, ref3, ours, jp_sig)["verified"]
        # JP's signature over meeting 2's picture, presented for meeting 3: other content
        other = jp.kp.signing.sign(a2).signature.hex()
        why = cm.record_signature(conn, m3, "JP", jp.kp.public.fingerprint, other, actor="t")
        assert why and "does not verify over the agreed picture we computed" in why
        with pytest.raises(SecurityError, match="made over other content"):
            cm.verify_document(conn, ref3, ours, {**jp_sig, "sig": other})
        assert cm.signatures(conn, m3.id)[-1]["status"] == "refused"


def test_a_queue_that_does_not_match_is_not_worked(two) -> None:  # type: ignore[no-untyped-def]
    """JP changes its own picture and seals nothing: PL's queue is over JP's last pouch, so
    JP's recomputation still matches; but if PL's pouch JP should hold is missing, JP says so."""
    pl, jp = two
    week_one_pictures(pl, jp)
    exchange(pl, jp)
    jp.report(1, 0, strength=1)  # not yet released: the meeting is over what was released
    with pl.store.begin() as conn:
        cm.open_shared(conn, "JP")
    assert jp.open(pl.seal())["items"]["meetings"] == 1
    with jp.store.connect() as conn:
        m = mt.current_meeting(conn)
    assert m.shared == "joined"
    # JP cannot close PL's meeting, and PL cannot close before JP's positions arrive
    with jp.store.begin() as conn, pytest.raises(ValidationError, match="PL closes it"):
        cm.close(conn, m.id)
    pl.open(jp.seal())
    with pl.store.begin() as conn:
        mid = mt.current_meeting(conn).id
        for d in mt.list_discrepancies(conn, mid):
            mt.resolve(conn, d["id"], "defer", "later")
        with pytest.raises(ValidationError, match="lack a position from one side"):
            cm.close(conn, mid)


def test_a_tampered_queue_is_refused_by_the_guest(two) -> None:  # type: ignore[no-untyped-def]
    """A host that claims a queue other than the one the pictures give: the guest says so."""
    pl, jp = two
    week_one_pictures(pl, jp)
    exchange(pl, jp)
    with pl.store.begin() as conn:
        mid, _ = cm.open_shared(conn, "JP")
        m = cm.by_ref(conn, f"PL/{mid}")
        from liaison.store.schema.reconcile import meeting

        conn.execute(
            meeting.update()
            .where(meeting.c.id == mid)
            .values(inputs={**m.inputs, "queue_digest": "0" * 64})
        )
    jp.open(pl.seal())
    m = jp.meeting(f"PL/{mid}")
    assert m.shared == "mismatch" and "differs from PL's" in m.share_note
    assert jp.items(f"PL/{mid}") == []
    pl.open(jp.seal())
    host = pl.meeting(f"PL/{mid}")
    assert host.shared == "mismatch" and host.share_note.startswith("JP: the queue we computed")


def test_hostile_meeting_records(two) -> None:  # type: ignore[no-untyped-def]
    """A partner's meeting records are checked like any other: a bad position value refuses the
    pouch; positions for items we do not hold are kept out; an opening naming a pouch we never
    opened is stored as a mismatch that says so."""
    from liaison.core.clock import utcnow
    from liaison.courier.kinds import meetings as kind
    from liaison.courier.kinds.base import Incoming
    from liaison.courier.records import PouchRejected

    pl, jp = two
    week_one_pictures(pl, jp)
    exchange(pl, jp)
    with pl.store.begin() as conn:
        mid, _ = cm.open_shared(conn, "JP")
    jp.open(pl.seal())
    ref = f"PL/{mid}"
    key = jp.items(ref)[0]["key"]
    now = utcnow()
    with jp.store.begin() as conn:
        inc = Incoming(conn, "PL", "JP", now, now, "test")
        bad = {"type": "positions", "ref": ref, "positions": [{"key": key, "position": "US"}]}
        with pytest.raises(PouchRejected, match="position's value"):
            kind.receive(inc, [bad])
    with jp.store.begin() as conn:
        inc = Incoming(conn, "PL", "JP", now, now, "test")
        stray = {"key": "location:JP=nope|PL=nope", "position": "PL", "at": now.isoformat()}
        good = {"key": key, "position": "PL", "comment": "ok", "by": "x", "at": now.isoformat()}
        got = kind.receive(inc, [{"type": "positions", "ref": ref, "positions": [stray, good]}])
        assert got["positions"] == 1
        opening = {
            "type": "open", "ref": "PL/99", "host": "PL", "guest": "JP", "host_seq": 42,
            "guest_seq": 1, "digests": {}, "crosswalk": {}, "queue_digest": "x",
        }  # fmt: skip
        kind.receive(inc, [opening])
        m = cm.by_ref(conn, "PL/99")
    assert m.shared == "mismatch" and "no pouch 42 from PL" in m.share_note
    with jp.store.connect() as conn:
        assert mt.list_discrepancies(conn, m.id) == []


def test_the_meeting_travels_over_taxii(two) -> None:  # type: ignore[no-untyped-def]
    """`liaison sync`: JP pulls PL's pouch (with the meeting) from PL's TAXII 2.1 endpoint, and
    PL pulls JP's answer and positions from JP's."""
    fastapi = pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from liaison.courier.sync import pull_pouches
    from liaison.courier.taxii import make_router

    pl, jp = two
    clients = {}
    for side in (pl, jp):
        app = fastapi.FastAPI()
        app.include_router(make_router(lambda s=side: s.store, {f"{side.other}-token": side.other}))
        clients[side.me] = TestClient(app)

    def pull(me: Side, server: Side) -> dict[str, Any]:
        return pull_pouches(
            me.store, [me.kp], server.me, "http://testserver/taxii2/", f"{me.me}-token",
            client=clients[server.me],
        )  # fmt: skip

    week_one_pictures(pl, jp)
    pl.seal()
    assert pull(jp, pl)["pouches"] == 1
    jp.seal()
    assert pull(pl, jp)["pouches"] == 1
    with pl.store.begin() as conn:
        mid, _ = cm.open_shared(conn, "JP")
    pl.seal()
    got = pull(jp, pl)
    assert got["opened"][0]["items"]["meetings"] == 1
    ref = f"PL/{mid}"
    assert jp.meeting(ref).shared == "joined"
    n = jp.resolve(ref, guest_pick)
    jp.seal()
    got = pull(pl, jp)
    assert got["opened"][0]["items"]["positions"] == n
    assert pl.meeting(ref).shared == "joined"
