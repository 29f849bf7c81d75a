"""The meeting held in the store, on SQLite and PostgreSQL: open, resolve, pair, close, alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from liaison.cli.app import main
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.orbat import observe, scenario
from liaison.reconcile import meeting
from liaison.reconcile.alerts import alerts_since, atom
from liaison.store import Store
from liaison.store import audit as audit_log


@pytest.fixture
def demo_store(store: Store) -> Store:
    with store.begin() as conn:
        scenario.load_demo(conn)
    return store


def test_meeting_flow_to_agreed_picture(demo_store: Store) -> None:
    with demo_store.begin() as conn:
        mid, res = meeting.open_meeting(conn, "JP")
    assert res.summary["matched"] >= 130
    with demo_store.connect() as conn:
        discs = meeting.list_discrepancies(conn, mid)
    assert len(discs) == res.summary["discrepancies"]
    with demo_store.begin() as conn, pytest.raises(ValidationError, match="unresolved"):
        meeting.close_meeting(conn)
    loc = next(d for d in discs if d["kind"] == "location")
    with demo_store.begin() as conn:
        for d in discs:
            accept = (
                "theirs"
                if d["id"] == loc["id"]
                else "neither"
                if d["kind"] == "conflict"
                else "defer"
            )
            meeting.resolve(conn, d["id"], accept, "test")
        out = meeting.close_meeting(conn)
    assert len(out["agreed_digest"]) == 64
    with demo_store.connect() as conn:
        agreed = meeting.agreed_picture(conn, mid)
        row = next(a for a in agreed if a["ours"] == loc["ours"])
        # the location came from their report, with its provenance
        assert (
            row["facts"]["lat"]["partner"] == "JP"
            and row["facts"]["lat"]["unit_id"] == loc["theirs"]
        )
        assert row["facts"]["designation"]["partner"] == "PL"
        assert {"source", "reliability", "credibility", "observed_at"} <= set(
            row["facts"]["strength"]
        )
        m = meeting.current_meeting(conn, mid)
        assert m.status == "closed" and "## Discrepancies" in m.minutes
        assert audit_log.verify(conn).ok
    with demo_store.begin() as conn, pytest.raises(ConflictError):
        meeting.resolve(conn, loc["id"], "ours", "too late")


def test_resolve_errors_and_collection_requirement(demo_store: Store) -> None:
    with demo_store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
    with demo_store.begin() as conn, pytest.raises(ValidationError, match="--accept"):
        meeting.resolve(conn, 1, "maybe", "x")
    with demo_store.begin() as conn, pytest.raises(ValidationError, match="comment"):
        meeting.resolve(conn, 1, "ours", "  ")
    with demo_store.begin() as conn, pytest.raises(NotFoundError):
        meeting.resolve(conn, 999_999, "ours", "x")
    with demo_store.begin() as conn:
        d = meeting.list_discrepancies(conn, mid)[0]
        meeting.resolve(conn, d["id"], "neither", "ask the agents in the field")
        n = conn.execute(sa.text("SELECT count(*) FROM collection_requirement")).scalar()
    assert n == 1
    with demo_store.begin() as conn, pytest.raises(ConflictError, match="already open"):
        meeting.open_meeting(conn, "JP")


def test_pairing_decisions_are_remembered_and_reversible(demo_store: Store) -> None:
    with demo_store.begin() as conn:
        mid, res = meeting.open_meeting(conn, "JP")
    m0 = res.matches[0]
    with demo_store.begin() as conn:
        meeting.decide_pair(
            conn, "PL", "JP", m0.ours, m0.theirs, "rejected", comment="not the same unit"
        )
        for d in meeting.list_discrepancies(conn, mid):
            meeting.resolve(conn, d["id"], "defer", "t")
        meeting.close_meeting(conn)
        _, res2 = meeting.open_meeting(conn, "JP")
    assert (m0.ours, m0.theirs) not in {(m.ours, m.theirs) for m in res2.matches}
    with demo_store.begin() as conn:
        meeting.decide_pair(conn, "PL", "JP", m0.ours, m0.theirs, "withdrawn")
        confirmed, rejected = meeting.decisions(conn, "PL", "JP")
    assert (m0.ours, m0.theirs) not in rejected and not confirmed
    with demo_store.begin() as conn, pytest.raises(NotFoundError):
        meeting.decide_pair(conn, "PL", "JP", "nope", m0.theirs, "confirmed")


def test_alerts_since_last_meeting(demo_store: Store) -> None:
    with demo_store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
        for d in meeting.list_discrepancies(conn, mid):
            meeting.resolve(conn, d["id"], "defer", "t")
        meeting.close_meeting(conn)
        observe.record(
            conn, "JP", "J0101", valid_at=datetime(1938, 7, 1, tzinfo=UTC), lat=48.5, lon=135.1
        )
        observe.record(
            conn,
            "PL",
            "PL-9999",
            valid_at=datetime(1938, 7, 1, tzinfo=UTC),
            designation="99 Dywizja Strzelców",
            lat=50.0,
            lon=30.0,
        )
    with demo_store.connect() as conn:
        since, alerts = alerts_since(conn)
    kinds = {(a.kind, a.partner, a.unit_id) for a in alerts}
    assert ("moved", "JP", "J0101") in kinds and ("new", "PL", "PL-9999") in kinds
    assert len(alerts) == 2
    feed = ET.fromstring(atom(alerts, since))
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 2


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def test_cli_reconcile_files_and_meeting(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = scenario.scenario_dir()
    code, out, _ = run(
        [
            "reconcile",
            str(d / "pl.csv"),
            str(d / "jp.csv"),
            "--json",
            "--map",
            str(tmp_path / "m.html"),
            "--minutes",
            str(tmp_path / "m.md"),
        ],
        capsys,
    )
    doc = json.loads(out)
    assert code == 0 and doc["summary"]["matched"] >= 130
    assert (tmp_path / "m.html").stat().st_size > 1_000_000 and "## Warnings" not in (
        tmp_path / "m.md"
    ).read_text()
    code, _, err = run(["reconcile", str(tmp_path / "none.csv"), str(d / "jp.csv")], capsys)
    assert code == 2 and "no such file" in err
    code, _, err = run(["meet", "show"], capsys)
    assert code == 2 and "no meeting yet" in err
    with Store(cli_env).begin() as conn:
        scenario.load_demo(conn)
    assert run(["meet", "open", "--with", "JP", "--json"], capsys)[0] == 0
    code, out, _ = run(["meet", "show", "--json", "--open"], capsys)
    first = json.loads(out)["discrepancies"][0]
    code, _, err = run(
        ["meet", "resolve", str(first["id"]), "--accept", "perhaps", "--comment", "x"], capsys
    )
    assert code == 2 and "--accept must be one of" in err
    assert (
        run(["meet", "resolve", str(first["id"]), "--accept", "ours", "--comment", "ok"], capsys)[0]
        == 0
    )
    code, _, err = run(["meet", "close"], capsys)
    assert code == 2 and "unresolved" in err


def test_minutes_pdf_embeds_fonts_for_every_script(tmp_path: Path) -> None:
    from liaison.reconcile.minutes import minutes_pdf

    pdf = tmp_path / "m.pdf"
    minutes_pdf(
        "# Minutes PL – JP\n\n| # | units |\n|---|---|\n| 1 | 第27狙撃師団 ↔ 27 Dywizja Strzelców (Władywostok, Хабаровск) |\n",
        str(pdf),
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"NotoSansJP" in data and b"DejaVuSans" in data


def test_resolve_as_seen_is_one_conditional_write(demo_store: Store) -> None:
    """`replaces` (what the analyst saw) makes the write conditional: a repeat is refused, a
    change must name the resolution it replaces, and the CLI's default still writes as told."""
    with demo_store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
    with demo_store.connect() as conn:
        did = meeting.list_discrepancies(conn, mid)[0]["id"]
    with demo_store.begin() as conn:
        meeting.resolve(conn, did, "ours", "first", replaces=None)
    for replaces, match in ((None, "already resolved"), ("theirs", "not 'theirs' as you saw")):
        with demo_store.begin() as conn, pytest.raises(ConflictError, match=match):
            meeting.resolve(conn, did, "defer", "again", replaces=replaces)
    with demo_store.begin() as conn, pytest.raises(ValidationError, match="replaces"):
        meeting.resolve(conn, did, "defer", "again", replaces="perhaps")
    with demo_store.begin() as conn:
        meeting.resolve(conn, did, "theirs", "changed", replaces="ours")
        meeting.resolve(conn, did, "defer", "cli says so")  # no replaces: as the CLI does
    with demo_store.connect() as conn:
        d = next(x for x in meeting.list_discrepancies(conn, mid) if x["id"] == did)
        logged = audit_log.entries(conn, limit=20, action="discrepancy.resolve")
    assert (d["resolution"], d["comment"]) == ("defer", "cli says so")
    assert [e["detail"]["comment"] for e in logged][::-1][-3:] == [
        "first",
        "changed",
        "cli says so",
    ]


def test_racing_resolutions_of_one_item_one_wins(demo_store: Store) -> None:
    """Two analysts (or a double submit) resolving the same open item at once: the second UPDATE
    waits for the first and then finds nothing open, so it is refused, not an overwrite.
    PostgreSQL only: SQLite locks the whole file for a writer, so the race cannot interleave."""
    import threading

    if demo_store.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers)")
    with demo_store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
    with demo_store.connect() as conn:
        did = meeting.list_discrepancies(conn, mid)[0]["id"]
    outcome: list[object] = []

    def second() -> None:
        try:
            with demo_store.begin() as c2:
                meeting.resolve(c2, did, "theirs", "second", actor="b", replaces=None)
            outcome.append("written")
        except ConflictError as exc:
            outcome.append(exc)

    with demo_store.begin() as c1:
        meeting.resolve(c1, did, "ours", "first", actor="a", replaces=None)
        t = threading.Thread(target=second)
        t.start()
        t.join(timeout=1.0)
        assert t.is_alive()  # blocked on the row the first transaction holds
    t.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError)
    assert "already resolved ('ours' by a)" in str(outcome[0])
    with demo_store.connect() as conn:
        d = next(x for x in meeting.list_discrepancies(conn, mid) if x["id"] == did)
    assert (d["resolution"], d["comment"]) == ("ours", "first")
