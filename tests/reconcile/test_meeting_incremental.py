"""Opening meeting 2 incrementally gives the queue a full recomputation gives (issue 21).

A generated case (reconcile/cases.py) in a store: meeting 1 is held (every kind of resolution)
and closed; then a week of changes on both sides — moves, strength, a division re-subordinated,
a renumbered unit that loses its match (its children's subordination items change though the
children did not), a new twin of a matched unit (a conflict a full match finds), a burned source
(facts re-graded without a new observation), a pairing rejected and another confirmed.
Meeting 2 is opened incrementally (kept matches, carried discrepancies) and, in a transaction
rolled back, from scratch; the two queues must be the same item for item, in the same order.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from liaison.core.clock import utcnow
from liaison.courier.kinds.observations import receive_units
from liaison.orbat.model import Picture
from liaison.orbat.partners import add_partner
from liaison.orbat.picture import get_picture
from liaison.reconcile import match, meeting
from liaison.reconcile.cases import coalition
from liaison.store import Store
from liaison.store.schema.orbat import observation, unit
from liaison.store.schema.reconcile import meeting_match
from liaison.store.schema.sources import burned_item, source_burn


def _records(pic: Picture, code: str) -> list[dict[str, Any]]:
    return [
        {
            "unit_id": u.unit_id,
            "designation": u.designation,
            "parent_id": u.parent_id,
            "lat": u.lat,
            "lon": u.lon,
            "observed_at": u.observed_at.isoformat() if u.observed_at else None,
            "equipment": dict(u.equipment),
            "strength": u.strength,
            "source_reliability": "B" if code == "PL" else "C",
            "info_credibility": 2,
            "marking": {"tlp": "AMBER", "rel_to": []},
        }
        for u in pic.units.values()
    ]


def _queue(conn: sa.Connection, mid: int) -> dict[str, Any]:
    """Everything the meeting holds about its queue, without row ids and times."""
    items = [
        {k: v for k, v in d.items() if k not in ("id", "resolved_at")}
        for d in meeting.list_discrepancies(conn, mid)
    ]
    matches = sorted(
        (r.ours_unit, r.theirs_unit, r.confirmed)
        for r in conn.execute(sa.select(meeting_match).where(meeting_match.c.meeting_id == mid))
    )
    return {
        "summary": meeting.current_meeting(conn, mid).summary,
        "matches": matches,
        "items": items,
    }


def _resolve_all(conn: sa.Connection, mid: int) -> None:
    choices = ("ours", "theirs", "ours", "defer", "theirs", "neither")
    for i, d in enumerate(meeting.list_discrepancies(conn, mid)):
        meeting.resolve(conn, d["id"], choices[i % len(choices)], "week 1", actor="test")


def _burn(conn: sa.Connection, partner: str, unit_id: str) -> None:
    """Re-grade one unit's facts (its source burned) without a new observation."""
    oid = conn.execute(
        sa.select(observation.c.id)
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
        .where(unit.c.partner_code == partner, unit.c.local_id == unit_id)
    ).scalar_one()
    conn.execute(
        source_burn.insert().values(
            id="burn-test", partner_code=partner, reliability="F", reason="test",
            burned_at=utcnow(),
        )
    )  # fmt: skip
    conn.execute(
        burned_item.insert().values(
            burn_id="burn-test", kind="observation", item_id=oid, reliability="F",
            burned_at=utcnow(),
        )
    )  # fmt: skip


@pytest.mark.parametrize("seed", [3, 11])
def test_incremental_meeting_two_equals_a_full_recomputation(
    store: Store, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ours, theirs), _labels = coalition(700, {"PL": ["en", "pl"], "JP": ["ja", "en"]}, seed=seed)
    with store.begin() as conn:
        add_partner(conn, "PL", "Poland", is_self=True)
        add_partner(conn, "JP", "Japan")
        receive_units(conn, "PL", _records(ours, "PL"), utcnow())
        receive_units(conn, "JP", _records(theirs, "JP"), utcnow())
        mid1, _ = meeting.open_meeting(conn, "JP", actor="test")
        sub = next(
            d for d in meeting.list_discrepancies(conn, mid1) if d["kind"] == "subordination"
        )
        _resolve_all(conn, mid1)
        meeting.close_meeting(conn, meeting_id=mid1, actor="test")
    # a week of changes
    rng = random.Random(seed)
    jp, pl = _records(theirs, "JP"), _records(ours, "PL")
    later = (max(u.observed_at for u in theirs.units.values()) + timedelta(days=7)).isoformat()
    changed_jp = []
    for r in rng.sample(jp, 40):  # strength halved, or moved 3°
        if r["strength"] and rng.random() < 0.5:
            changed_jp.append(r | {"strength": r["strength"] // 2, "observed_at": later})
        elif r["lat"] is not None:
            changed_jp.append(r | {"lat": r["lat"] + 3.0, "observed_at": later})
    # a division re-subordinated to another army: its regiments' subordination items change
    divisions = [r for r in jp if r["parent_id"] and "師団" in r["designation"]]
    armies = sorted({r["parent_id"] for r in divisions})
    moved = divisions[0]
    other = next(a for a in armies if a != moved["parent_id"])
    changed_jp.append(moved | {"parent_id": other, "observed_at": later})
    # the unit our parent of a subordination item is matched to loses its match (renumbered): the
    # child's item changes though neither child changed
    renamed = next(r for r in jp if r["unit_id"] == sub["detail"]["ours_parent_matches"])
    changed_jp.append(renamed | {"designation": "987th Army", "observed_at": later})
    new = jp[-1] | {"unit_id": "JP999999", "observed_at": later}  # a twin of a matched unit
    changed_jp.append(new)
    changed_pl = [r | {"strength": 1, "observed_at": later} for r in rng.sample(pl, 15)]
    with store.begin() as conn:
        receive_units(conn, "JP", changed_jp, utcnow())
        receive_units(conn, "PL", changed_pl, utcnow())
        _burn(conn, "JP", rng.choice(jp)["unit_id"])
        # an analyst rejects one of meeting 1's pairings and confirms another
        pairs = conn.execute(
            sa.select(meeting_match.c.ours_unit, meeting_match.c.theirs_unit)
            .where(meeting_match.c.meeting_id == mid1)
            .order_by(meeting_match.c.ours_unit)
        ).all()
        meeting.decide_pair(conn, "PL", "JP", *pairs[5], "rejected", actor="test")
        meeting.decide_pair(conn, "PL", "JP", *pairs[9], "confirmed", actor="test")
    carried: list[int] = []
    pair = match._Reuse.pair

    def counting(self: Any, *a: Any) -> Any:
        out = pair(self, *a)
        carried.append(out is not None)
        return out

    monkeypatch.setattr(match._Reuse, "pair", counting)
    copied: list[int] = []  # settled items copied in the database from meeting 1's rows
    links = meeting._copy_links

    def spying() -> sa.Table:
        copied.append(1)
        return links()

    monkeypatch.setattr(meeting, "_copy_links", spying)
    monkeypatch.setattr(meeting, "_COPY_MIN", 1)  # a large meeting's path, on this small one
    # from scratch, in a transaction rolled back; then incrementally
    with store.connect() as conn:
        trans = conn.begin()
        mid_full, _ = meeting.open_meeting(conn, "JP", actor="test", incremental=False)
        full = _queue(conn, mid_full)
        trans.rollback()
    assert not carried and not copied  # the full recomputation carries nothing
    with store.begin() as conn:
        mid2, _ = meeting.open_meeting(conn, "JP", actor="test")
        incremental = _queue(conn, mid2)
        po, pt = get_picture(conn, "PL"), get_picture(conn, "JP")
    # the incremental path did carry most pairs (the comparison is not vacuous), copying its
    # settled items in the database …
    assert copied
    assert sum(carried) > len(incremental["matches"]) // 2
    assert sum(carried) < len(carried)  # … and compared again those that changed
    # … and the queue is the full recomputation's, item for item, in the same order
    assert incremental["matches"] == full["matches"]
    assert incremental["summary"] == full["summary"]
    assert len(incremental["items"]) == len(full["items"])
    for a, b in zip(incremental["items"], full["items"], strict=True):
        assert a == b
    # the changes show: raised again with what changed, new items for the new unit
    raised = {d["key"]: d for d in incremental["items"] if not d["settled"]}
    assert any((d["memory"] or {}).get("state") == "changed" for d in raised.values())
    # the unit they add as a twin of a matched one: a conflict, as the full match finds
    assert any("JP999999" in d["key"] + str(d["detail"]) for d in raised.values())
    assert sum(d["settled"] for d in incremental["items"]) > len(raised)
    assert "JP999999" in pt.units and len(po.units) > 600
