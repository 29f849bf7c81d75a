"""Burned sources across the coalition, and sources as people that never leave.

PL burns a compartmented HUMINT source: its observations and intercept are re-graded at PL,
alerts fire, and after one exchange JP (which received the observations) and EE (which received
the intercept) hold them re-graded too, with alerts of their own. Every pouch is decrypted and
searched: the codename, aliases, cover name, handler and intermediaries never appear in one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from liaison.core.errors import NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier.envelope import inspect, unseal
from liaison.courier.policy import set_policy
from liaison.courier.pouch import add_partner_key, open_file, seal
from liaison.orbat import observe, partners, sources
from liaison.orbat.picture import get_picture, history
from liaison.reconcile.alerts import alerts_since
from liaison.store import Store
from liaison.store.schema.audit import audit
from liaison.store.schema.codebreak import intercept
from liaison.store.schema.sources import burned_item

T0 = datetime(1938, 6, 1, tzinfo=UTC)
SECRETS = ("NIGHTJAR", "Kowalski", "the Baker", "Maj. Zych", "courier Anna", "Vilnius post")


class Desk:
    def __init__(self, store: Store, code: str) -> None:
        self.store, self.code, self.kp = store, code, keys.generate(code)
        self.pouches: list[bytes] = []

    def seal(self, to: str) -> bytes:
        with self.store.begin() as conn:
            data = seal(conn, self.kp, to)[0]
        self.pouches.append(data)
        return data

    def open(self, data: bytes) -> dict[str, Any]:
        return open_file(self.store, self.kp, data)


def plaintext(data: bytes, sender: Desk, recipient: Desk) -> bytes:
    env = inspect(data)["envelope"]
    return bytes(unseal(env, sender.kp.public.verify_key, recipient.kp))


@pytest.fixture
def desks(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    out = {
        c: Desk(Store(store_url if c == "PL" else f"sqlite:///{tmp_path / c}.db"), c)
        for c in ("PL", "JP", "EE")
    }
    for d in out.values():
        with d.store.begin() as conn:
            for c in out:
                partners.add_partner(conn, c, c, is_self=c == d.code)
            for other in out.values():
                add_partner_key(conn, other.kp.public)
            for c in out:
                if c != d.code:  # PL even releases source names: a compartment still holds
                    set_policy(conn, c, "AMBER", sources=True, notes=True)
    yield out
    for d in out.values():
        d.store.dispose()


def test_burn_regrades_here_and_at_every_partner_and_nothing_of_the_source_leaves(desks) -> None:  # type: ignore[no-untyped-def]
    pl, jp, ee = desks["PL"], desks["JP"], desks["EE"]
    with pl.store.begin() as conn:
        partners.add_source(conn, "PL", "NIGHTJAR", "HUMINT", "B", compartment="RIGA")
        partners.add_source(conn, "PL", "ORIOLE", "HUMINT", "A")
        sources.add_alias(conn, "PL", "NIGHTJAR", "Kowalski")
        sources.add_alias(conn, "PL", "NIGHTJAR", "the Baker", "cover")
        sources.set_person(
            conn,
            "PL",
            "NIGHTJAR",
            handler="Maj. Zych",
            intermediaries=["courier Anna", "Vilnius post"],
        )
        for i, src in ((1, "NIGHTJAR"), (2, "NIGHTJAR"), (3, "ORIOLE")):
            for day in (0, 5):
                observe.record(
                    conn, "PL", f"U{i}", valid_at=T0 + timedelta(days=day),
                    designation=f"{i} Dywizja Strzelców", lat=52.0 + i / 10, lon=21.0,
                    strength=9000, source=src, marking=Marking("AMBER"),
                )  # fmt: skip
        sid = sources._source_row(conn, "PL", "NIGHTJAR", None).id
        conn.execute(
            intercept.insert().values(
                id=new_id(), partner_code="PL", local_id="I-7", intercepted_at=T0,
                recorded_at=datetime.now(UTC), ciphertext="QWERT", source_id=sid, tlp="AMBER",
                rel_to="", orcon=False,
            )
        )  # fmt: skip
    # first exchange: the observations to JP, the intercept to EE (and the observations too)
    for to in (jp, ee):
        out = to.open(pl.seal(to.code))
        assert out["new_observations"] == 3
    with ee.store.connect() as conn:
        assert conn.execute(sa.select(intercept.c.local_id)).scalars().all() == ["I-7"]
    with jp.store.connect() as conn:
        assert {u.reliability for u in get_picture(conn, "PL").units.values()} == {"B", "A"}
    mid = datetime.now(UTC)

    # compartments: without RIGA, neither the source nor its codename
    with pl.store.connect() as conn:
        assert [s["codename"] for s in sources.visible_sources(conn, "PL", ())] == ["ORIOLE"]
        seen = sources.visible_sources(conn, "PL", {"RIGA"})
        assert seen[0]["handler"] == "Maj. Zych" and seen[0]["cover_names"] == ["the Baker"]
        assert {u.source for u in get_picture(conn, "PL").units.values()} == {None, "ORIOLE"}
        assert "NIGHTJAR" in {
            u.source for u in get_picture(conn, "PL", compartments={"RIGA"}).units.values()
        }
        assert all(h["source"] is None for h in history(conn, "PL", "U1"))
    with pl.store.begin() as conn, pytest.raises(NotFoundError):
        sources.burn(conn, "PL", "NIGHTJAR", "found out", compartments=())

    # the burn, from day 3: the day-5 facts of U1 and U2, and the intercept
    with pl.store.begin() as conn:
        with pytest.raises(ValidationError):
            sources.burn(conn, "PL", "NIGHTJAR", " ")
        b = sources.burn(conn, "PL", "NIGHTJAR", "arrested in Riga", since=T0 + timedelta(days=3))
    assert (b.observations, b.intercepts, b.units) == (2, 1, ["U1", "U2"])
    assert {(a["kind"], a["unit_id"]) for a in b.alerts} == {("regraded", "U1"), ("regraded", "U2")}
    with pl.store.connect() as conn:
        pic = get_picture(conn, "PL")
        assert (pic.units["U1"].reliability, pic.units["U1"].burned) == ("F", True)
        assert (pic.units["U3"].reliability, pic.units["U3"].burned) == ("A", False)
        clean = get_picture(conn, "PL", without_burned=True)
        assert clean.units["U1"].observed_at == T0 and clean.units["U1"].reliability == "B"
        assert {a.unit_id for a in alerts_since(conn, mid)[1] if a.kind == "regraded"} == {
            "U1",
            "U2",
        }

    # one exchange: JP's and EE's copies re-graded, alerts there too
    for to in (jp, ee):
        got = to.open(pl.seal(to.code))["items"]
        assert got["burn_notices"] == 1
    with jp.store.connect() as conn:
        pic = get_picture(conn, "PL")
        assert {uid: u.reliability for uid, u in pic.units.items()} == {
            "U1": "F",
            "U2": "F",
            "U3": "A",
        }
        # JP holds only the day-5 facts it was sent: without them, U1 and U2 have none
        assert set(get_picture(conn, "PL", without_burned=True).units) == {"U3"}
        assert {a.unit_id for a in alerts_since(conn, mid)[1] if a.kind == "regraded"} == {
            "U1",
            "U2",
        }
        logged = conn.execute(
            sa.select(audit.c.target).where(audit.c.action == "alert.regraded")
        ).scalars()
        assert set(logged) == {"PL/U1", "PL/U2"}
    with ee.store.connect() as conn:
        kinds = conn.execute(sa.select(burned_item.c.kind)).scalars().all()
    assert sorted(kinds) == ["intercept", "observation", "observation"]
    # sent once: the next exchange carries no notice
    assert jp.open(pl.seal("JP"))["items"].get("burn_notices", 0) == 0

    # every pouch, decrypted: nothing of the source
    assert len(pl.pouches) == 5
    for data in pl.pouches:
        to = jp if inspect(data)["to"] == "JP" else ee
        text = plaintext(data, pl, to).decode()
        assert "Dywizja" in text  # the decryption worked
        for secret in SECRETS:
            assert secret not in text, secret
        assert "arrested" not in text  # nor the burn's reason
    with pl.store.connect() as conn:
        assert set(SECRETS) <= sources.secret_strings(conn)
        trail = " ".join(str(r) for r in conn.execute(sa.select(audit)))
    for secret in SECRETS[1:]:  # the people behind the codename are not even in the audit log
        assert secret not in trail, secret
