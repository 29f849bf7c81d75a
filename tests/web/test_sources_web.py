"""Compartments enforced on the web: a home user not read into a source's compartment sees
neither the source (list, 404 elsewhere) nor its codename (pictures, unit history, map data);
a liaison officer of another partner sees no sources at all; burned facts show re-graded, or not
at all with `without_burned`."""

from __future__ import annotations

import sqlalchemy as sa

from liaison.orbat import observe, partners, sources
from liaison.store.schema.orbat import source
from tests.web.conftest import T0, Web


def test_compartments_and_burns_on_the_web(web: Web) -> None:
    with web.store.begin() as conn:
        partners.add_source(conn, "PL", "NIGHTJAR", "HUMINT", "B", compartment="RIGA")
        observe.record(
            conn, "PL", "pl-9", valid_at=T0, designation="9 Dywizja", lat=51.0, lon=22.0,
            source="NIGHTJAR",
        )  # fmt: skip
        sources.add_alias(conn, "PL", "NIGHTJAR", "Kowalski")
        sources.grant(conn, "analyst.pl", "RIGA")
    cleared, uncleared = web.login("analyst.pl"), web.login("viewer.pl")

    names = [s["codename"] for s in cleared.get("/api/v1/sources/PL").json()]
    assert names == ["KOMAR", "NIGHTJAR"]
    assert cleared.get("/api/v1/sources/PL").json()[1]["aliases"] == ["Kowalski"]
    assert [s["codename"] for s in uncleared.get("/api/v1/sources/PL").json()] == ["KOMAR"]
    assert web.login("analyst.jp").get("/api/v1/sources/PL").status_code == 404

    hist = "/api/v1/pictures/PL/units/pl-9/history"
    assert cleared.get(hist).json()["history"][0]["source"] == "NIGHTJAR"
    assert uncleared.get(hist).json()["history"][0]["source"] is None
    for c, seen in ((cleared, True), (uncleared, False)):
        body = c.get("/api/v1/pictures/PL/export?format=json").text
        assert ("NIGHTJAR" in body) is seen
        assert "Kowalski" not in body

    with web.store.begin() as conn:
        assert conn.execute(sa.select(source.c.id).where(source.c.codename == "NIGHTJAR")).first()
        sources.burn(conn, "PL", "NIGHTJAR", "arrested")
    feats = cleared.get("/api/v1/pictures/PL/units").json()
    props = {f["properties"]["unit_id"]: f["properties"] for f in feats["features"]}
    assert (props["pl-9"]["reliability"], props["pl-9"]["burned"]) == ("F", True)
    feats = cleared.get("/api/v1/pictures/PL/units?without_burned=true").json()
    assert "pl-9" not in {f["properties"]["unit_id"] for f in feats["features"]}
