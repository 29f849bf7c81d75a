"""Memory in a meeting held by one side (issue 21 item 1): meeting 2 on the demo raises only what
changed, carries the settled items, marks what changed; its incremental match (only changed and
unmatched units searched) gives the same matches and discrepancies as a full one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liaison.orbat import observe, scenario
from liaison.orbat.picture import get_picture
from liaison.reconcile import meeting, reconcile
from liaison.store import Store


@pytest.fixture
def demo(store: Store) -> Store:
    with store.begin() as conn:
        scenario.load_demo(conn)
    return store


def test_meeting_two_raises_only_what_changed(demo: Store) -> None:
    with demo.begin() as conn:
        mid1, res1 = meeting.open_meeting(conn, "JP")
        discs = meeting.list_discrepancies(conn, mid1)
        for d in discs:
            accept = "defer" if d["kind"] == "stale" else meeting.suggest(d)[0]
            accept = "ours" if accept == "defer" and d["kind"] != "stale" else accept
            meeting.resolve(conn, d["id"], accept, "week 1")
        meeting.close_meeting(conn)
    loc = next(d for d in discs if d["kind"] == "location")
    strength = next(d for d in discs if d["kind"] == "strength")
    deferred = {d["key"] for d in discs if d["kind"] == "stale"}
    with demo.begin() as conn:  # a week: JP moves one unit further; PL's strength changes
        pic = get_picture(conn, "JP", only={loc["theirs"]}).units[loc["theirs"]]
        observe.record(
            conn, "JP", loc["theirs"], valid_at=datetime(1938, 7, 1, tzinfo=UTC),
            lat=(pic.lat or 0) + 1.0, lon=pic.lon,
        )  # fmt: skip
        observe.record(
            conn, "PL", strength["ours"], valid_at=datetime(1938, 7, 1, tzinfo=UTC), strength=1,
        )  # fmt: skip
        mid2, res2 = meeting.open_meeting(conn, "JP")
        items = meeting.list_discrepancies(conn, mid2)
        # the incremental match gives what a full match of the same pictures gives
        po, pt = get_picture(conn, "PL"), get_picture(conn, "JP")
        full = reconcile(po, pt)
    assert {(m.ours, m.theirs) for m in res2.matches} == {(m.ours, m.theirs) for m in full.matches}
    assert {d.key for d in res2.discrepancies} == {d.key for d in full.discrepancies}
    raised = {d["key"]: d for d in items if not d["settled"]}
    assert loc["key"] in raised and strength["key"] in raised
    assert raised[loc["key"]]["memory"]["state"] == "changed"
    assert any(c.startswith("JP lat") for c in raised[loc["key"]]["memory"]["changed"])
    assert raised[strength["key"]]["memory"]["changed"] == ["PL strength"]
    assert deferred <= set(raised)  # deferred items carry over
    assert all(raised[k]["memory"]["state"] == "deferred" for k in deferred)
    settled = [d for d in items if d["settled"]]
    assert settled and all(d["comment"] == f"settled in meeting PL/{mid1}" for d in settled)
    assert len(raised) == len(deferred) + 2 + sum(1 for d in raised.values() if d["memory"] is None)
    # the queue and the progress count what was raised; closing needs only those
    with demo.begin() as conn:
        for d in raised.values():
            meeting.resolve(conn, d["id"], "ours", "week 2")
        out = meeting.close_meeting(conn)
        agreed = {a["ours"]: a for a in meeting.agreed_picture(conn, mid2) if a["ours"]}
    assert out["agreed_units"] >= res1.summary["matched"] - 2
    # a settled "theirs" from meeting 1 still decides meeting 2's agreed picture
    took = [d for d in settled if d["resolution"] == "theirs" and d["kind"] == "location"]
    for d in took:
        assert agreed[d["ours"]]["facts"]["lat"]["partner"] == "JP"
