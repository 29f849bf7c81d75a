"""The onward planner on a small network, the courier's evacuation kind under release rules,
and the persons-at-risk rules (roles, exports)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.core.errors import SecurityError, ValidationError
from liaison.courier import keys as ckeys
from liaison.courier import records
from liaison.courier.kinds import evac as evac_kind
from liaison.courier.kinds.base import Incoming, Outgoing
from liaison.courier.pouch import PouchRejected
from liaison.evac import onward, protection
from liaison.evac.people import Actor

D0 = date(1940, 9, 1)


def _dep(i: str, a: str, b: str, day: int, dur: int, seats: int) -> onward.Departure:
    return onward.Departure(
        i, a, b, D0 + timedelta(days=day), D0 + timedelta(days=day + dur), seats
    )


NET = [
    _dep("R1", "Kaunas", "Kobe", 0, 20, 10),
    _dep("S1", "Kobe", "Seattle", 21, 14, 2),
    _dep("S2", "Kobe", "Seattle", 40, 14, 2),
    _dep("H1", "Kobe", "Haifa", 22, 38, 5),
    _dep("B1", "Kobe", "Balboa", 25, 25, 5),
    _dep("C1", "Balboa", "Curaçao", 52, 5, 5),
]


def _g(gid: str, size: int, dest: str, until: int = 90, priority: int = 0) -> onward.Group:
    return onward.Group(gid, size, "Kaunas", dest, D0, D0 + timedelta(days=until), priority)


def test_routes_branch_and_connect() -> None:
    plan = onward.greedy([_g("A", 2, "Curaçao"), _g("B", 1, "Haifa")], NET)
    assert plan.assigned == {"A": ["R1", "B1", "C1"], "B": ["R1", "H1"]}
    assert plan.placed_people == 3 and not plan.waits


def test_at_risk_first_and_who_waits_where_and_why() -> None:
    # two groups for Seattle, two seats per ship; the later ship arrives after B's documents expire
    groups = [_g("A", 2, "Seattle", until=50), _g("B", 2, "Seattle", until=50, priority=1)]
    plan = onward.greedy(groups, NET)
    assert plan.assigned == {"B": ["R1", "S1"]}  # the group with a person at risk goes first
    w = plan.waits["A"]
    assert w["place"] == "Kobe" and w["legs"] == "R1"
    assert "no seats for 2 onward to Seattle from Kobe" in w["why"]
    # with a longer validity A takes the second ship
    later = onward.greedy([_g("A", 2, "Seattle"), _g("B", 2, "Seattle", priority=1)], NET)
    assert later.assigned["A"] == ["R1", "S2"]
    # no route at all: waits at the origin, saying so
    nowhere = onward.greedy([_g("C", 1, "Sydney")], NET)
    assert nowhere.waits["C"]["place"] == "Kaunas" and "no route" in nowhere.waits["C"]["why"]


def test_optimal_never_worse_than_greedy() -> None:
    groups = [_g(f"G{i}", 1 + i % 3, ["Seattle", "Haifa", "Curaçao"][i % 3]) for i in range(8)]
    g, o = onward.greedy(groups, NET), onward.optimal(groups, NET)
    assert o.placed_people >= g.placed_people and o.gap is not None
    assert o.placed_people + o.waiting_people == sum(x.size for x in groups)
    assert all(o.assigned.values())  # seats are never exceeded:
    used: dict[str, int] = {}
    size = {x.group_id: x.size for x in groups}
    for gid, legs in o.assigned.items():
        for d in legs:
            used[d] = used.get(d, 0) + size[gid]
    assert all(used[d.dep_id] <= d.seats for d in NET if d.dep_id in used)


def test_protection_is_for_registrars_and_admins(store) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from liaison.evac import people

    data = Path(__file__).parents[2] / "src/liaison/data/evac/persons.csv"
    with store.begin() as conn:
        people.import_persons(conn, data, "reg")
        with pytest.raises(SecurityError):
            protection.protect(conn, Actor("ann", "analyst"), "K008", "medical")
        with pytest.raises(ValidationError):
            protection.protect(conn, Actor("reg", "registrar"), "K008", "vip")
        protection.protect(conn, Actor("reg", "registrar"), "K008", "medical")
        assert protection.protected_ids(conn) == {"K008"}
        everyone = people.list_persons(conn, Actor("ann", "analyst"))
        assert "K008" in {p.person_id for p in everyone}  # listed, but the flag is not on it
        assert "K008" not in {p.person_id for p in people.exportable(conn, everyone)}
        protection.unprotect(conn, Actor("adm", "admin"), "K008")
        assert protection.protected_ids(conn) == set()


def test_courier_kind_denies_by_default_and_refuses_forgeries(store) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from liaison.courier.policy import Policy

    kp = ckeys.generate("PL")
    now = datetime(1940, 9, 1, tzinfo=UTC)
    with store.begin() as conn:
        out = Outgoing(conn, kp, "US", None, None, now)
        assert evac_kind.collect(out).records == []  # no policy: nothing, not even revocations
        out = Outgoing(conn, kp, "US", Policy("US", "GREEN"), None, now)
        assert evac_kind.collect(out).records == []  # nothing revoked, persons not released
        # a record signed by someone other than the sender refuses the pouch
        mallory = ckeys.generate("US")
        body = {"type": evac_kind.REVOCATION, "issuer": "US", "kid": "NL", "number": "X",
                "revoked_at": "1940-09-01T00:00:00Z"}  # fmt: skip
        inc = Incoming(conn, "US", "PL", now, now, "t", {"keys": []})
        with pytest.raises(PouchRejected):
            evac_kind.receive(inc, [records.sign(mallory, body)])


def test_migration_0051_downgrades_and_upgrades(store) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa
    from alembic import command

    from liaison.store.engine import alembic_config

    def tables() -> set[str]:
        return set(sa.inspect(store.engine).get_table_names())

    def doc_columns() -> set[str]:
        return {c["name"] for c in sa.inspect(store.engine).get_columns("evac_document")}

    assert {"evac_protection", "evac_reception", "evac_release"} <= tables()
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0050_evac")
    assert not {"evac_protection", "evac_foreign_person"} & tables()
    assert "rests_on" not in doc_columns() and "evac_document" in tables()
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "heads")
    assert "evac_protection" in tables() and "rests_on" in doc_columns()
