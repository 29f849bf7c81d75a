"""The unit dossier API is cached (issue 22, load benchmark) but never stale: any audited write —
a report naming the unit, a new observation, a meeting — shows on the next request; another user
never gets someone else's dossier."""

from __future__ import annotations

from datetime import UTC, datetime

from liaison.core.markings import Marking
from liaison.courier.kinds.reports import add_report
from liaison.orbat import observe
from tests.web.conftest import Web


def test_unit_dossier_follows_writes(web: Web) -> None:
    c = web.login("analyst.pl")
    first = c.get("/api/v1/units/PL/pl-1").json()
    assert first["reports"] == [] and first["unit"]["place"] == "Kijów"
    assert c.get("/api/v1/units/PL/pl-1").json() == first  # served again, unchanged
    with web.store.begin() as conn:
        add_report(conn, "R-9", "1 Armia moves north", "text", marking=Marking("GREEN"))
    assert [r["report_id"] for r in c.get("/api/v1/units/PL/pl-1").json()["reports"]] == ["R-9"]
    with web.store.begin() as conn:
        observe.record(
            conn, "PL", "pl-1", valid_at=datetime(1939, 9, 1, tzinfo=UTC), place="Lwów",
            lat=49.84, lon=24.03, marking=Marking("GREEN"), designation="1 Armia",
        )  # fmt: skip
    assert c.get("/api/v1/units/PL/pl-1").json()["unit"]["place"] == "Lwów"


def test_unit_dossier_is_per_user(web: Web) -> None:
    home = web.login("analyst.pl").get("/api/v1/units/PL/pl-3").json()
    jp = web.login("analyst.jp").get("/api/v1/units/PL/pl-3").json()
    assert any(h.get("source") == "KOMAR" for h in home["history"])
    assert not any(h.get("source") for h in jp["history"])  # JP's policy releases no sources
    assert web.login("analyst.jp").get("/api/v1/units/PL/pl-2").status_code == 404  # AMBER
