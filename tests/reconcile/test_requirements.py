"""Collection requirements: "neither" raises one; it is listed, exported, answered by a later
observation (linked, with an alert), closed by its issuer, and travels to the partner and back."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from liaison.cli.app import main
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier.pouch import PouchRejected, add_partner_key, open_file, seal, set_policy
from liaison.orbat import observe, partners
from liaison.reconcile import cadence, meeting, requirements
from liaison.store import Store
from liaison.store import audit as audit_log

DAY = datetime(1938, 6, 1, tzinfo=UTC)
AMBER = Marking("AMBER", ("PL", "JP"))


def seed(store: Store, me: str = "PL", other: str = "JP", *, mark_self: bool = True) -> None:
    """Two units each side: the 27th Division 300 km apart (a location discrepancy), the 1st Army
    in agreement."""
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "Poland", is_self=(me == "PL" and mark_self))
        partners.add_partner(conn, "JP", "Japan", is_self=(me == "JP" and mark_self))
        for code, army, div, dlat in (
            ("PL", "1 Armia", "27 Dywizja Strzelców", 43.1),
            ("JP", "第1軍", "第27狙撃師団", 45.8),
        ):
            observe.record(
                conn, code, f"{code}-A1", valid_at=DAY, designation=army, echelon="army",
                lat=43.8, lon=131.9, marking=AMBER,
            )  # fmt: skip
            observe.record(
                conn, code, f"{code}-D27", valid_at=DAY, designation=div, echelon="division",
                branch="infantry", parent_id=f"{code}-A1", lat=dlat, lon=131.9, marking=AMBER,
            )  # fmt: skip


def raise_one(store: Store) -> str:
    with store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
        d = next(x for x in meeting.list_discrepancies(conn, mid) if x["kind"] == "location")
        meeting.resolve(conn, d["id"], "neither", "both reports are old; collect")
        return requirements.list_requirements(conn)[0]["ref"]


def test_neither_raises_a_requirement_that_is_answered_and_closed(store: Store) -> None:
    seed(store)
    with store.begin() as conn:
        cadence.schedule(conn, "JP", cadence.parse_every("7d"), first_at=DAY + timedelta(days=30))
    ref = raise_one(store)
    with store.connect() as conn:
        r = requirements.show(conn, ref)
    assert ref.startswith("PL/RFI-") and r["status"] == "open" and r["kind"] == "location"
    assert {(u["partner"], u["unit_id"]) for u in r["units"]} == {
        ("PL", "PL-D27"),
        ("JP", "JP-D27"),
    }
    assert r["question"] == "Where is 27 Dywizja Strzelców (PL) / 第27狙撃師団 (JP) now?"
    assert r["note"] == "both reports are old; collect" and r["collector"] == "both"
    # due by the next scheduled meeting with JP, the first one on or after now
    with store.connect() as conn:
        nxt = cadence.next_meeting_at(conn, "JP", after=datetime.now(UTC))
    assert r["due_at"] == nxt.isoformat().replace("+00:00", "Z")
    assert r["candidates"] == []
    # a later report that carries no position does not answer a location requirement
    with store.begin() as conn:
        observe.record(conn, "JP", "JP-D27", valid_at=DAY + timedelta(days=9), strength=9000)
        assert requirements.pending(conn) == []
        with pytest.raises(ValidationError, match="no later observation"):
            requirements.answer(conn, ref)
        oid = observe.record(
            conn, "JP", "JP-D27", valid_at=DAY + timedelta(days=10), lat=43.2, lon=131.9
        )
    with store.connect() as conn:
        pend = requirements.pending(conn)
    assert [(p["ref"], p["observation_id"]) for p in pend] == [(ref, oid)]
    with store.begin() as conn:
        alerts = requirements.sweep(conn)
    assert [(a["kind"], a["ref"], a["observation_id"]) for a in alerts] == [("answered", ref, oid)]
    with store.connect() as conn:
        r = requirements.show(conn, ref)
        assert r["status"] == "answered" and r["answers"][0]["observation_id"] == oid
        assert requirements.alerts_since(conn, None)[0]["ref"] == ref
        assert requirements.pending(conn) == []
    with store.begin() as conn, pytest.raises(ValidationError, match="note"):
        requirements.close(conn, ref, " ")
    with store.begin() as conn:
        requirements.close(conn, ref, "JP's fix of 11 June settles it")
    with store.begin() as conn, pytest.raises(ConflictError, match="already closed"):
        requirements.close(conn, ref, "again")
    with store.begin() as conn, pytest.raises(NotFoundError):
        requirements.show(conn, "PL/RFI-999")
    with store.connect() as conn:
        assert requirements.list_requirements(conn, status="closed")[0]["ref"] == ref
        assert requirements.list_requirements(conn, status="open") == []
        assert audit_log.verify(conn).ok
        actions = {e["action"] for e in audit_log.entries(conn, action="requirement.")}
    assert {"requirement.raise", "requirement.answer", "requirement.close"} <= actions


def test_answer_refuses_an_observation_that_does_not_answer(store: Store) -> None:
    seed(store)
    ref = raise_one(store)
    with store.begin() as conn:
        other = observe.record(
            conn, "JP", "JP-A1", valid_at=DAY + timedelta(days=3), lat=44.0, lon=132.0
        )
    with store.begin() as conn, pytest.raises(ValidationError, match="does not answer"):
        requirements.answer(conn, ref, observation_id=other)
    with store.connect() as conn:
        assert requirements.show(conn, ref)["status"] == "open"


def test_export_csv_and_json_neutralise_formulas(store: Store) -> None:
    seed(store)
    with store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
        d = next(x for x in meeting.list_discrepancies(conn, mid) if x["kind"] == "location")
        meeting.resolve(conn, d["id"], "neither", '=HYPERLINK("http://x")')
        rows = requirements.list_requirements(conn)
    text = requirements.export(rows, "csv")
    got = list(csv.DictReader(io.StringIO(text)))
    assert got[0]["note"].startswith("'=") and got[0]["ref"] == rows[0]["ref"]
    assert got[0]["units"] == "PL:PL-D27; JP:JP-D27"
    assert json.loads(requirements.export(rows, "json"))[0]["ref"] == rows[0]["ref"]
    with pytest.raises(ValidationError, match="format"):
        requirements.export(rows, "xml")


class Side:
    def __init__(self, store: Store, me: str, other: str) -> None:
        self.store, self.me, self.other = store, me, other
        self.kp = keys.generate(me)
        seed(store, me, other)
        with store.begin() as conn:
            add_partner_key(conn, self.kp.public)

    def send(self, to: Side) -> dict:  # type: ignore[type-arg]
        with self.store.begin() as conn:
            data = seal(conn, self.kp, self.other)[0]
        return open_file(to.store, [to.kp], data)


@pytest.fixture
def pair(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    pl = Side(Store(store_url), "PL", "JP")
    jp = Side(Store(f"sqlite:///{tmp_path / 'jp.db'}"), "JP", "PL")
    for a, b in ((pl, jp), (jp, pl)):
        with a.store.begin() as conn:
            add_partner_key(conn, b.kp.public)
            set_policy(conn, b.me, "AMBER")
    yield pl, jp
    pl.store.dispose()
    jp.store.dispose()


def test_requirement_travels_is_answered_by_the_partner_and_closed(pair) -> None:  # type: ignore[no-untyped-def]
    pl, jp = pair
    ref = raise_one(pl.store)
    pl.send(jp)
    with jp.store.connect() as conn:
        got = requirements.show(conn, ref)
    assert got["issuer"] == "PL" and got["status"] == "open" and got["kind"] == "location"
    assert got["note"] is None  # the policy does not release notes
    with jp.store.begin() as conn:  # JP cannot close PL's requirement; it answers it
        with pytest.raises(ConflictError, match="only the issuer"):
            requirements.close(conn, ref, "mine now")
        oid = observe.record(
            conn, "JP", "JP-D27", valid_at=DAY + timedelta(days=12), lat=43.15, lon=131.9,
            marking=AMBER,
        )  # fmt: skip
        requirements.answer(conn, ref, observation_id=oid, note="fresh fix")
    jp.send(pl)
    with pl.store.connect() as conn:
        got = requirements.show(conn, ref)
        alerts = requirements.alerts_since(conn, None)
    assert got["status"] == "answered"
    assert [(a["partner"], a["unit_id"], a["observation_id"]) for a in got["answers"]] == [
        ("JP", "JP-D27", oid)
    ]
    assert alerts[0]["ref"] == ref
    with pl.store.begin() as conn:
        requirements.close(conn, ref, "settled by JP's fix")
    pl.send(jp)
    with jp.store.connect() as conn:
        assert requirements.show(conn, ref)["status"] == "closed"


def test_a_requirement_is_withheld_without_release(pair) -> None:  # type: ignore[no-untyped-def]
    pl, jp = pair
    with pl.store.begin() as conn:  # PL's 27th is re-marked RED: its requirement stays home
        observe.record(
            conn, "PL", "PL-D27", valid_at=DAY + timedelta(hours=1), strength=1,
            marking=Marking("RED"),
        )  # fmt: skip
    ref = raise_one(pl.store)
    pl.send(jp)
    with jp.store.connect() as conn, pytest.raises(NotFoundError):
        requirements.show(conn, ref)


def test_a_hostile_requirement_refuses_the_pouch(pair, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from liaison.courier.kinds import requirement as kind

    pl, jp = pair
    ref = raise_one(pl.store)
    real = kind._record

    def forged(r, answers, notes):  # type: ignore[no-untyped-def]
        rec = real(r, answers, notes)
        rec["issuer"], rec["counterpart"] = "XX", "JP"  # not between the sender and JP
        return rec

    monkeypatch.setattr(kind, "_record", forged)
    with pytest.raises(PouchRejected):
        pl.send(jp)
    monkeypatch.setattr(kind, "_record", real)
    with jp.store.connect() as conn, pytest.raises(NotFoundError):
        requirements.show(conn, ref)


def test_cli_rfi(cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(cli_env)
    seed(store)
    ref = raise_one(store)
    with store.begin() as conn:
        oid = observe.record(
            conn, "JP", "JP-D27", valid_at=DAY + timedelta(days=5), lat=43.1, lon=131.9
        )
    store.dispose()

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("rfi", "list", "--json")
    assert code == 0 and json.loads(out)[0]["ref"] == ref
    code, out, _ = run("rfi", "show", ref, "--json")
    assert code == 0 and json.loads(out)["candidates"][0]["observation_id"] == oid
    code, out, _ = run("rfi", "answer", ref, "--observation", oid, "--note", "fix", "--json")
    assert code == 0 and json.loads(out)[0]["kind"] == "answered"
    code, _, err = run("rfi", "close", ref)
    assert code == 2 and "note" in err and "Traceback" not in err
    code, out, _ = run("rfi", "close", ref, "--note", "done", "--json")
    assert code == 0 and json.loads(out)["status"] == "closed"
    dest = tmp_path / "rfi.csv"
    code, _, _ = run("rfi", "list", "--export", str(dest))
    assert code == 0 and ref in dest.read_text(encoding="utf-8")
    code, _, err = run("rfi", "show", "PL/RFI-404")
    assert code == 2 and "no requirement" in err


def test_neither_again_after_a_change_keeps_one_requirement(store: Store) -> None:
    seed(store)
    with store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
        d = next(x for x in meeting.list_discrepancies(conn, mid) if x["kind"] == "location")
        meeting.resolve(conn, d["id"], "neither", "first", replaces=None)
        meeting.resolve(conn, d["id"], "defer", "second thoughts", replaces="neither")
        meeting.resolve(conn, d["id"], "neither", "back again", replaces="defer")
        assert [r["discrepancy_id"] for r in requirements.list_requirements(conn)] == [d["id"]]
