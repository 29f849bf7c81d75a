"""Two partners end to end: two stores and two apps exchange a week of daily updates both ways —
by file, then over the network — with intercepts, a report with attachments, a retraction and a key
rotation; then a meeting whose signed outcome both end up holding, signed by both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.core.markings import Marking
from liaison.courier import items, keys, records
from liaison.courier.pouch import PouchRejected, add_partner_key, open_file, seal, set_policy
from liaison.orbat import observe, partners, picture
from liaison.store import Store
from liaison.store.schema.codebreak import intercept, intercept_solution
from liaison.store.schema.courier import partner_key, report, report_attachment

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from liaison.courier.sync import pull_pouches  # noqa: E402
from liaison.courier.taxii import make_router  # noqa: E402

DAY0 = datetime(1938, 6, 1, tzinfo=UTC)
NAMES = {
    "PL": ["{} Dywizja Strzelców", "{} Brygada Pancerna"],
    "JP": ["第{}狙撃師団", "第{}戦車旅団"],
}


class Partner:
    def __init__(self, store: Store, me: str, other: str) -> None:
        self.store, self.me, self.other = store, me, other
        self.kp = keys.generate(me)
        self.ring = [self.kp]
        with store.begin() as conn:
            partners.add_partner(conn, me, me, is_self=True)
            partners.add_partner(conn, other, other)
            add_partner_key(conn, self.kp.public)
        app = fastapi.FastAPI()
        app.include_router(make_router(lambda: store, {f"{other}-token": other}))
        self.client = TestClient(app)

    def seal(self) -> bytes:
        with self.store.begin() as conn:
            return seal(conn, self.kp, self.other)[0]

    def open(self, data: bytes) -> dict:  # type: ignore[type-arg]
        return open_file(self.store, self.ring, data)

    def pull_from(self, server: Partner) -> dict:  # type: ignore[type-arg]
        return pull_pouches(
            self.store,
            self.ring,
            server.me,
            "http://testserver/taxii2/",
            f"{self.me}-token",
            client=server.client,
        )

    def report_day(self, day: int) -> None:
        """Daily update: every unit moves a little; the second brigade only on even days."""
        with self.store.begin() as conn:
            for i in range(6):
                if i == 5 and day % 2:
                    continue
                observe.record(
                    conn,
                    self.me,
                    f"{self.me}-{i}",
                    valid_at=DAY0 + timedelta(days=day),
                    designation=NAMES[self.me][i % 2].format(i + 1),
                    echelon="division" if i % 2 == 0 else "brigade",
                    lat=50.0 + i + day / 100,
                    lon=30.0 + day / 100,
                    strength=9000 - day * 10,
                    marking=Marking("AMBER", (self.other, self.me)),
                )


def received(store: Store, partner: str) -> dict[str, tuple]:  # type: ignore[type-arg]
    with store.connect() as conn:
        pic = picture.get_picture(conn, partner)
    return {u.unit_id: (u.lat, u.lon, u.strength) for u in pic.units.values()}


@pytest.fixture
def two(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    pl = Partner(Store(store_url), "PL", "JP")
    jp = Partner(Store(f"sqlite:///{tmp_path / 'jp.db'}"), "JP", "PL")
    for a, b in ((pl, jp), (jp, pl)):
        with a.store.begin() as conn:
            add_partner_key(conn, b.kp.public)
            set_policy(conn, b.me, "AMBER")
    yield pl, jp
    pl.store.dispose()
    jp.store.dispose()


def test_a_week_both_ways_then_a_meeting(two) -> None:  # type: ignore[no-untyped-def]
    pl, jp = two
    retracted_lat = None
    for day in range(1, 8):
        for side in (pl, jp):
            side.report_day(day)
        if day == 2:  # PL passes an intercept with its solution; a RED one stays home
            with pl.store.begin() as conn:
                for lid, tlp in (("I-1", "AMBER"), ("I-2", "RED")):
                    iid = f"00000000-0000-7000-8000-00000000000{lid[-1]}"
                    conn.execute(
                        intercept.insert().values(
                            id=iid,
                            partner_code="PL",
                            local_id=lid,
                            intercepted_at=DAY0 + timedelta(days=2),
                            recorded_at=datetime.now(UTC),
                            callsign="RKX",
                            frequency_khz=6410.0,
                            language="ru",
                            ciphertext="ZHOO GRQH",
                            tlp=tlp,
                            notes="station notes",
                        )
                    )
                    conn.execute(
                        intercept_solution.insert().values(
                            id=f"00000000-0000-7000-9000-00000000000{lid[-1]}",
                            intercept_id=iid,
                            solved_at=datetime.now(UTC),
                            solved_by="analyst K.",
                            cipher="caesar",
                            key={"shift": 3},
                            plaintext="WELL DONE",
                        )
                    )
            with jp.store.begin() as conn:  # JP writes a report with a released and a withheld file
                items.add_report(
                    conn,
                    "R-7",
                    "Rail movements at Harbin",
                    "Three trains eastbound nightly.",
                    marking=Marking("GREEN"),
                    notes="from a sensitive source",
                    attachments=[
                        items.Attachment("timetable.csv", b"train,time\n1,02:10\n", "text/csv"),
                        items.Attachment("source.txt", b"agent KITE", marking=Marking("RED")),
                    ],
                )
        if day == 4:  # PL retracts yesterday's observation of PL-1, which JP already holds
            with pl.store.begin() as conn:
                oid = conn.execute(
                    sa.text(
                        "SELECT o.id FROM observation o JOIN unit u ON u.id = o.unit_id "
                        "WHERE u.local_id = 'PL-1' ORDER BY o.valid_at DESC LIMIT 1 OFFSET 1"
                    )
                ).scalar()
                observe.retract(conn, oid, "misidentified")
            retracted_lat = 51.0 + 3 / 100
        if day == 5:  # JP rotates its keys; the rotation travels signed by the old key
            new = keys.generate("JP")
            with jp.store.begin() as conn:
                items.rotate_own(conn, jp.kp, new, reason="scheduled")
            old, jp.kp = jp.kp, new
            jp.ring = [new, old]
        if day <= 3:  # by file (removable media): seal, carry, open; acks ride the next pouch
            pl_out, jp_out = pl.seal(), jp.seal()
            assert jp.open(pl_out)["seq"] == day
            assert pl.open(jp_out)["seq"] == day
        else:  # over the network: each seals into its outbox, the other pulls and acknowledges
            pl.seal()
            jp.seal()
            assert jp.pull_from(pl)["pouches"] == 1
            assert pl.pull_from(jp)["pouches"] == 1
            assert jp.pull_from(pl)["pouches"] == 0  # nothing more
        # both received pictures equal what the other holds (everything is releasable here)
        assert received(jp.store, "PL") == received(pl.store, "PL")
        assert received(pl.store, "JP") == received(jp.store, "JP")
    # the retraction reached JP: PL-1's position is day 7's, and the day-3 one is tombstoned
    with jp.store.connect() as conn:
        hist = picture.history(conn, "PL", "PL-1")
    assert any(h["kind"] == "retraction" for h in hist)
    assert [h["lat"] for h in hist if h["retracted"]] == [retracted_lat]
    # intercepts: kept with their originator and who passed them; RED stayed home; notes stripped
    with jp.store.connect() as conn:
        rows = conn.execute(sa.select(intercept)).all()
        sols = conn.execute(sa.select(intercept_solution)).all()
    assert [(r.local_id, r.partner_code, r.received_from, r.notes) for r in rows] == [
        ("I-1", "PL", "PL", None)
    ]
    assert [(s.plaintext, s.key, s.solved_by) for s in sols] == [("WELL DONE", {"shift": 3}, "PL")]
    # the report and its released attachment reached PL; the RED file and the notes did not
    with pl.store.connect() as conn:
        reps = conn.execute(sa.select(report)).all()
        atts = conn.execute(sa.select(report_attachment)).all()
        assert items.attachment_content(conn, "JP", "R-7", "timetable.csv").startswith(b"train")
    assert [(r.local_id, r.partner_code, r.received_from, r.notes) for r in reps] == [
        ("R-7", "JP", "JP", None)
    ]
    assert [a.name for a in atts] == ["timetable.csv"]
    # JP's rotation reached PL: PL now seals to the new key, and the old key is retired
    with pl.store.connect() as conn:
        fps = {
            r.fingerprint: r.revoked_at
            for r in conn.execute(sa.select(partner_key).where(partner_key.c.partner_code == "JP"))
        }
    assert fps[jp.kp.public.fingerprint] is None and fps[old.public.fingerprint] is not None
    # a pouch signed with JP's retired key after the rotation is refused, with the reason
    with jp.store.engine.connect() as conn:
        tx = conn.begin()
        stale, _ = seal(conn, old, "PL")
        tx.rollback()
    with pytest.raises(PouchRejected) as ei:
        pl.open(stale)
    assert ei.value.reason == "revoked-key" and "retired" in str(ei.value)

    # ---- the meeting: PL holds it over its picture and JP's as received, and closes it ----
    from liaison.reconcile import meeting

    with pl.store.begin() as conn:
        mid, _res = meeting.open_meeting(conn, "JP")
        for d in meeting.list_discrepancies(conn, mid):
            accept, why = meeting.suggest(d)
            meeting.resolve(conn, d["id"], accept, why)
        closed = meeting.close_meeting(conn, meeting_id=mid)
    digest = closed["agreed_digest"]
    pl.seal()  # signs the outcome and carries it
    got = jp.pull_from(pl)
    assert got["opened"][0]["items"]["outcome_signatures"] == 1
    ref = f"PL/{mid}"
    with jp.store.begin() as conn:
        assert items.outcome(conn, ref)["body"]["agreed_digest"] == digest
        items.countersign(conn, jp.kp, ref)
    assert pl.open(jp.seal())["items"]["outcome_signatures"] == 1  # by file this time
    held = []
    for side in (pl, jp):
        with side.store.connect() as conn:
            rec = items.outcome(conn, ref)
            held.append(rec)
            for s in rec["signatures"]:
                k = items.key_row(conn, s["partner"], s["key"])
                assert records.verify_by(rec, k.sign_pk, k.fingerprint)
    assert held[0] == held[1]
    assert held[0]["body"]["agreed_digest"] == digest
    assert sorted(s["partner"] for s in held[0]["signatures"]) == ["JP", "PL"]


def test_network_endpoint_refuses_strangers_and_bad_acks(two) -> None:  # type: ignore[no-untyped-def]
    pl, jp = two
    pl.report_day(1)
    pl.seal()
    c = pl.client
    assert c.get("/taxii2/courier/pouches/next").status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert c.get("/taxii2/courier/pouches/next", headers=bad).status_code == 401
    ok = {"Authorization": "Bearer JP-token"}
    r = c.get("/taxii2/courier/pouches/next", params={"after": 0}, headers=ok)
    assert r.status_code == 200 and r.headers["x-liaison-pouch-seq"] == "1"
    assert c.get("/taxii2/courier/pouches/next", params={"after": 1}, headers=ok).status_code == 204
    out = jp.open(r.content)
    forged = {**out["ack"], "body": {**out["ack"]["body"], "seq": 9}}
    assert c.post("/taxii2/courier/acks", json=forged, headers=ok).status_code == 400
    assert c.post("/taxii2/courier/acks", content=b"{", headers=ok).status_code == 400
    assert c.post("/taxii2/courier/acks", json=out["ack"], headers=ok).json() == {"acked": 1}
    # acknowledged: the next pouch is incremental (only today's change)
    with pl.store.begin() as conn:
        observe.record(conn, "PL", "PL-0", valid_at=DAY0 + timedelta(days=2), lat=60.0, lon=30.0)
        assert seal(conn, pl.kp, "JP")[1]["units"] == 1


def test_received_revocation_refuses_later_pouches(two) -> None:  # type: ignore[no-untyped-def]
    """PL revokes its own key (compromised) with a signed record that travels to JP; a pouch signed
    with that key and created after the revocation time is refused, one created before opens."""
    pl, jp = two
    pl.report_day(1)
    with pl.store.begin() as conn:
        before, _ = seal(conn, pl.kp, "JP", now=datetime.now(UTC) - timedelta(hours=1))
    new = keys.generate("PL")
    with pl.store.begin() as conn:
        items.rotate_own(conn, pl.kp, new)
        items.revoke_own(conn, new, pl.kp.public.fingerprint, "laptop stolen")
    stolen, pl.kp = pl.kp, new
    assert jp.open(before)["seq"] == 1  # created before: opens
    pl.report_day(2)
    assert jp.open(pl.seal())["seq"] == 2  # carries rotation + revocation, signed by the new key
    with jp.store.connect() as conn:
        assert (
            items.key_row(conn, "PL", stolen.public.fingerprint).revoked_reason == "laptop stolen"
        )
    with pl.store.engine.connect() as conn:  # the thief seals with the stolen key
        tx = conn.begin()
        forged, _ = seal(conn, stolen, "JP")
        tx.rollback()
    with pytest.raises(PouchRejected) as ei:
        jp.open(forged)
    assert ei.value.reason == "revoked-key" and "laptop stolen" in str(ei.value)


def test_cli_reports_rotation_and_outcomes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """report add/list/retract, keys rotate (the old key kept for pouches in flight), outcomes."""
    import json

    from liaison.cli.app import main

    def run(db: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / db}")
        with pytest.raises(SystemExit) as ei:
            main(list(args))
        out = capsys.readouterr()
        return int(ei.value.code or 0), out.out, out.err

    monkeypatch.setenv("LIAISON_HOME", str(tmp_path))
    monkeypatch.setenv("LIAISON_PASSPHRASE", "correct horse battery staple")
    for db, me, other in (("pl.db", "PL", "JP"), ("jp.db", "JP", "PL")):
        assert run(db, "partner", "add", me, "--name", me, "--self")[0] == 0
        assert run(db, "partner", "add", other, "--name", other)[0] == 0
        assert run(db, "keys", "init", "--public-out", str(tmp_path / f"{me}.pub"))[0] == 0
    assert run("pl.db", "keys", "import", "JP", str(tmp_path / "JP.pub"))[0] == 0
    assert run("jp.db", "keys", "import", "PL", str(tmp_path / "PL.pub"))[0] == 0
    assert run("pl.db", "release", "set", "JP", "--max-tlp", "AMBER")[0] == 0
    (tmp_path / "t.csv").write_bytes(b"train,time\n")
    code, _, _ = run(
        "pl.db", "report", "add", "R-1", "--title", "Rail", "--body", "trains",
        "--attach", str(tmp_path / "t.csv"), "--marking", "TLP:GREEN",
    )  # fmt: skip
    assert code == 0
    code, _, err = run("pl.db", "report", "add", "R-1", "--title", "again", "--body", "x")
    assert code == 2 and "append-only" in err
    pouch = tmp_path / "1.pouch"
    assert run("pl.db", "pouch", "seal", "--to", "JP", "--out", str(pouch))[0] == 0
    # JP rotates before opening: the pouch was sealed to its old key, kept beside the new one
    code, out, _ = run("jp.db", "keys", "rotate", "--json")
    assert code == 0 and json.loads(out)["old"] != json.loads(out)["new"]
    assert len(list(tmp_path.glob("keys/JP-*.key"))) == 1
    code, out, _ = run("jp.db", "pouch", "open", str(pouch), "--json")
    assert code == 0 and json.loads(out)["items"]["reports"] == 1
    code, out, _ = run("jp.db", "report", "list", "--json")
    rows = json.loads(out)
    assert [(r["partner"], r["report_id"], r["received_from"]) for r in rows] == [
        ("PL", "R-1", "PL")
    ]
    assert rows[0]["attachments"][0]["name"] == "t.csv"
    assert run("pl.db", "report", "retract", "R-1", "--reason", "wrong train")[0] == 0
    code, _, err = run("pl.db", "report", "retract", "R-1", "--reason", "again")
    assert code == 2 and "already retracted" in err
    code, out, _ = run("jp.db", "pouch", "outcomes", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = run("jp.db", "pouch", "countersign", "PL/1")
    assert code == 2 and "no meeting outcome" in err
