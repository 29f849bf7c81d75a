"""Cadence and agenda (schedule, the next meeting's agenda, this week against last in the
minutes) and the force-level view (totals by front and army, per partner and agreed, charts)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from liaison.cli.app import main
from liaison.core.errors import ValidationError
from liaison.orbat import observe, partners
from liaison.orbat.model import Picture, UnitView
from liaison.reconcile import cadence, forces, meeting, requirements
from liaison.store import Store

DAY = datetime(1938, 6, 1, tzinfo=UTC)


def seed(store: Store) -> None:
    """A front with one army and two divisions (each with a regiment) on both sides; JP sees the
    2nd Division 300 km off and weaker."""
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "Poland", is_self=True)
        partners.add_partner(conn, "JP", "Japan")
        for code, off, st2 in (("PL", 0.0, 12000), ("JP", 2.7, 8000)):
            rec = observe.record
            rec(conn, code, f"{code}-F", valid_at=DAY, designation="Far Eastern Front",
                echelon="front", lat=48.5, lon=135.1)  # fmt: skip
            rec(conn, code, f"{code}-A1", valid_at=DAY, designation="1st Army", echelon="army",
                parent_id=f"{code}-F", lat=43.8, lon=131.9)  # fmt: skip
            rec(conn, code, f"{code}-D1", valid_at=DAY, designation="1st Rifle Division",
                echelon="division", branch="infantry", parent_id=f"{code}-A1", lat=43.1,
                lon=131.9, strength=10000, equipment={"tanks": 20, "guns": 40})  # fmt: skip
            rec(conn, code, f"{code}-R1", valid_at=DAY, designation="1st Rifle Regiment",
                echelon="regiment", branch="infantry", parent_id=f"{code}-D1", lat=43.1,
                lon=131.9, strength=3000, equipment={"mortars": 12})  # fmt: skip
            rec(conn, code, f"{code}-D2", valid_at=DAY, designation="2nd Rifle Division",
                echelon="division", branch="infantry", parent_id=f"{code}-A1", lat=44.0 + off,
                lon=132.0, strength=st2, equipment={"tanks": 10})  # fmt: skip


def hold_meeting(store: Store, accept: str = "theirs") -> int:
    with store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP")
        for d in meeting.list_discrepancies(conn, mid):
            meeting.resolve(conn, d["id"], accept if d["kind"] != "stale" else "ours", "test")
        meeting.close_meeting(conn)
    return mid


def test_totals_count_a_figure_once_at_the_highest_level() -> None:
    u = {
        "F": UnitView("X", "F", "Front", echelon="front"),
        "A": UnitView("X", "A", "Army", echelon="army", parent_id="F"),
        "D": UnitView(
            "X",
            "D",
            "Div",
            echelon="division",
            parent_id="A",
            strength=10000,
            equipment={"tanks": 20},
        ),  # fmt: skip
        "R": UnitView(
            "X",
            "R",
            "Reg",
            echelon="regiment",
            parent_id="D",
            strength=3000,
            equipment={"tanks": 5, "mortars": 12},
        ),  # fmt: skip
        "Z": UnitView("X", "Z", "Lost", echelon="division", strength=7),
    }
    t = forces.totals(Picture("X", u), "front")
    # the regiment's strength and tanks are in the division's; its mortars are not
    assert t["Front"].strength == 10000 and t["Front"].equipment == {"tanks": 20, "mortars": 12}
    assert t[forces.UNASSIGNED].strength == 7 and t["Front"].units == 4
    assert forces.totals(Picture("X", u), "army")["Army"].strength == 10000
    with pytest.raises(ValueError):
        forces.totals(Picture("X", u), "corps")


def test_svg_is_well_formed_and_escapes_names() -> None:
    rows = forces.diff_rows(
        {"<script>alert(1)</script>": forces.Totals(strength=5)},
        {"<script>alert(1)</script>": forces.Totals(strength=9)},
    )
    svg = forces.svg_bars(rows, "strength", "t & <b>")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg") and "<script>" not in svg
    assert "9 (+4)" in svg
    line = forces.svg_lines(["2026-01-01", "2026-01-08"], {"PL": [1, 2]}, "over time")
    assert ET.fromstring(line).tag.endswith("svg")


def test_schedule_and_next_meeting(store: Store) -> None:
    seed(store)
    for bad in ("7", "0d", "x7d", "99999w"):
        with pytest.raises(ValidationError):
            cadence.parse_every(bad)
    first = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with store.begin() as conn:
        out = cadence.schedule(conn, "JP", cadence.parse_every("7d"), first_at=first)
        assert out["every"] == "7d"
        assert cadence.next_meeting_at(conn, "JP", after=first - timedelta(days=3)) == first
        assert cadence.next_meeting_at(conn, "JP", after=first + timedelta(days=1)) == first + (
            timedelta(days=7)
        )
        assert cadence.next_meeting_at(conn, "JP", after=first + timedelta(days=7)) == first + (
            timedelta(days=7)
        )
        cadence.schedule(conn, "JP", cadence.parse_every("2w"), first_at=first)
        assert [s["every"] for s in cadence.schedules(conn)] == ["14d"]  # replaced, one in force
        with pytest.raises(ValidationError, match="ourselves"):
            cadence.schedule(conn, "PL", cadence.parse_every("7d"))


def test_agenda_then_minutes_compare_this_week_with_last(store: Store) -> None:
    seed(store)
    with store.connect() as conn:
        a = cadence.agenda(conn, "JP")
    assert a["last_meeting"] is None and a["changes"] == [] and a["requirements"] == []
    # meeting 1: the 2nd Division's location is neither side's: a requirement; the rest theirs
    with store.begin() as conn:
        m1, _ = meeting.open_meeting(conn, "JP")
        for d in meeting.list_discrepancies(conn, m1):
            accept = "neither" if d["kind"] == "location" else "defer"
            meeting.resolve(conn, d["id"], accept, "wk1")
        meeting.close_meeting(conn)
    # during the week: JP moves its 1st Division; the 2nd Division is reported anew
    with store.begin() as conn:
        observe.record(conn, "JP", "JP-D1", valid_at=DAY + timedelta(days=7), lat=46.0, lon=134.0)
        observe.record(conn, "JP", "JP-D2", valid_at=DAY + timedelta(days=7), lat=44.05,
                       lon=132.0, strength=11500)  # fmt: skip
        a = cadence.agenda(conn, "JP")
    assert a["last_meeting"] == m1
    assert ("moved", "JP", "JP-D1") in {
        (c["kind"], c["partner"], c["unit_id"]) for c in a["changes"]
    }
    assert {d["kind"] for d in a["deferred"]} == {"strength"}
    assert [r["kind"] for r in a["requirements"]] == ["location"]
    assert [x["kind"] for x in a["alerts"]] == ["may-answer"]  # JP's new fix of the 2nd Division
    text = cadence.agenda_markdown(a)
    assert "## Deferred items (1)" in text and a["requirements"][0]["ref"] in text
    # meeting 2: the minutes compare with meeting 1, and carry the forces chart
    with store.begin() as conn:
        requirements.sweep(conn)
    m2 = hold_meeting(store)
    with store.connect() as conn:
        minutes = meeting.current_meeting(conn, m2).minutes
    assert f"Meeting {m2} against meeting {m1}." in minutes
    assert "## Forces by front, last week and this week (agreed)" in minutes
    img = next(x for x in minutes.splitlines() if x.startswith("![Strength by front"))
    svg = base64.b64decode(img.split("base64,")[1].rstrip(")")).decode()
    assert ET.fromstring(svg).tag.endswith("svg") and "Far Eastern Front" in svg
    with store.connect() as conn:
        first = meeting.current_meeting(conn, m1).minutes
    assert "First meeting with this partner" in first


def test_force_view_ours_theirs_agreed(store: Store) -> None:
    seed(store)
    hold_meeting(store, "theirs")
    with store.begin() as conn:
        observe.record(conn, "JP", "JP-D2", valid_at=DAY + timedelta(days=7), strength=9000)
    hold_meeting(store, "theirs")
    with store.connect() as conn:
        v = forces.view(conn, "JP", level="front", measure="strength")
    pl = {r["formation"]: r for r in v["this_week"]["PL"]}
    assert pl["Far Eastern Front"]["strength"]["after"] == 22000  # 10,000 + 12,000 (regiment in)
    agreed = {r["formation"]: r for r in v["this_week"]["agreed"]}
    # the agreed strength took JP's 8,000 then 9,000 for the 2nd Division
    assert agreed["Far Eastern Front"]["strength"] == {"before": 18000, "after": 19000}
    assert [p["total"] for p in v["agreed_meetings"]] == [18000, 19000]
    assert set(v["charts"]) == {"PL", "JP", "agreed", "over_time"}
    with store.connect() as conn, pytest.raises(ValidationError):
        forces.view(conn, "JP", level="battalion")


def test_cli_schedule_agenda_forces(cli_env: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    store = Store(cli_env)
    seed(store)
    store.dispose()

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("meet", "schedule", "--with", "JP", "--every", "7d", "--json")
    assert code == 0 and json.loads(out)["every"] == "7d"
    code, _, err = run("meet", "schedule", "--with", "JP", "--every", "weekly")
    assert code == 2 and "--every" in err and "Traceback" not in err
    code, out, _ = run("meet", "agenda", "--with", "JP", "--json")
    assert code == 0 and json.loads(out)["next_at"] is not None
    code, out, _ = run("forces", "--with", "JP", "--json", "--svg", str(tmp_path / "f.svg"))
    assert code == 0 and json.loads(out)["level"] == "front"
    assert ET.parse(tmp_path / "f-PL.svg").getroot().tag.endswith("svg")
