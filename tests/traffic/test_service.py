"""The stored flow: a generated week imported, call signs of one day identified, inferred
subordination offered graded against the picture (confirming, new, contradicting), accepted into
the picture; a DF fix on a call sign becomes a position observation with its ellipse."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from liaison.core.errors import ConflictError, ValidationError
from liaison.core.geo import haversine_km
from liaison.orbat import observe
from liaison.orbat.picture import get_picture
from liaison.store import Store
from liaison.store.schema.orbat import observation
from liaison.traffic import service

from .helpers import load, small


def test_subordination_offered_graded_and_accepted(store: Store) -> None:
    t = small(4)
    load(store, t)
    d0 = t.start.date()
    # The picture is wrong about one regiment: it puts F1.1.2 under F1.2.
    with store.begin() as conn:
        observe.record(conn, "PL", "F1.1.2", valid_at=t.start - timedelta(days=1), parent_id="F1.2")
        # A captured call-sign list gives day one's call signs of every unit (as the key knows them).
        for (day, cs), unit in t.callsigns.items():
            if day == 0:
                service.identify(conn, cs, d0.isoformat(), unit)
    with store.begin() as conn:
        props = service.infer(conn)
    by_unit = {p["unit"]: p for p in props}
    assert len(by_unit) >= 0.9 * (len(t.units) - 1)
    right = sum(1 for u, p in by_unit.items() if t.units[u].parent == p["parent"])
    assert right >= 0.9 * len(by_unit)
    wrong = by_unit["F1.1.2"]
    assert wrong["kind"] == "contradicts" and wrong["picture_parent"] == "F1.2"
    assert wrong["parent"] == "F1.1" and wrong["credibility"] in (3, 4)
    ok = by_unit["F1.1.1"]
    assert ok["kind"] == "confirms" and ok["credibility"] in (1, 2)
    assert len(ok["evidence"]["days"]) >= 2 and ok["evidence"]["call_signs"]
    # offered once: a second run adds nothing
    with store.begin() as conn:
        assert service.infer(conn) == []
    with store.begin() as conn:
        out = service.decide(conn, wrong["id"][-8:], accept=True, source="RADIO")
    assert out["status"] == "accepted" and out["observation_id"]
    with store.connect() as conn:
        pic = get_picture(conn, "PL")
        row = conn.execute(
            sa.select(observation).where(observation.c.id == out["observation_id"])
        ).one()
    assert pic.units["F1.1.2"].parent_id == "F1.1"
    assert row.credibility == wrong["credibility"] and row.reliability == "B"
    assert "traffic analysis" in (row.notes or "")
    with pytest.raises(ConflictError, match="already accepted"), store.begin() as conn:
        service.decide(conn, wrong["id"], accept=False)
    with store.begin() as conn:
        rej = service.decide(conn, ok["id"], accept=False)
    assert rej["status"] == "rejected" and rej["observation_id"] is None
    with store.connect() as conn:
        assert {p["status"] for p in service.inferences(conn, status="pending")} == {"pending"}


def test_nets_report_names_identified_units(store: Store) -> None:
    t = small(5)
    load(store, t, picture=False)
    d0 = t.start.date()
    with store.begin() as conn:
        service.identify(conn, t.callsign_of(1, "F1"), (d0 + timedelta(days=1)).isoformat(), "F1")
        with pytest.raises(ConflictError):
            service.identify(
                conn, t.callsign_of(1, "F1"), (d0 + timedelta(days=1)).isoformat(), "X"
            )
    with store.connect() as conn:
        out = service.nets(conn)
    assert len(out["nets"]) == len(t.nets)
    front = [n for n in out["nets"] if n["control_unit"] == "F1"]
    assert len(front) == 1 and len(front[0]["outstations"]) == 3


def test_fix_becomes_a_position_observation(store: Store) -> None:
    t = small(6, outlier=0.0)
    load(store, t)
    d0 = t.start.date()
    cs = t.callsign_of(0, "F1.2")
    with store.begin() as conn:
        f = service.compute_fix(conn, cs, d0.isoformat())
    truth = t.units["F1.2"]
    err = haversine_km(f["lat"], f["lon"], truth.lat, truth.lon)
    assert err < 3 * f["semi_major_km"] and f["bearings"] >= 4
    assert f["ellipse"][0] == f["ellipse"][-1]
    with store.begin() as conn:
        got = service.observe_fix(conn, f["id"][-8:], "F1.2")
    with store.connect() as conn:
        pic = get_picture(conn, "PL")
        assert service.fix_for_observation(conn, got["observation_id"])["id"] == f["id"]  # type: ignore[index]
        assert len(service.list_fixes(conn)) == 1
    u = pic.units["F1.2"]
    assert abs(u.lat - f["lat"]) < 1e-4 and "95% ellipse" in (u.notes or "")
    assert u.credibility == service.fix_credibility(f["semi_major_km"])
    with pytest.raises(ConflictError), store.begin() as conn:
        service.observe_fix(conn, f["id"], "F1.2")
    with pytest.raises(ValidationError, match="two or more"), store.begin() as conn:
        service.compute_fix(conn, "ZZZZ", d0.isoformat())
