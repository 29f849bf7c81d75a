"""Web import: preview writes nothing and names line/column of every problem; commit is all or nothing."""

from __future__ import annotations

import io

import sqlalchemy as sa

from liaison.store import audit
from liaison.store.schema.orbat import observation, unit
from tests.web.conftest import Web

GOOD = (
    "unit_id,designation,echelon,branch,parent_id,lat,lon\n"
    "pl-1,1 Armia,army,infantry,,50.45,30.52\n"
    "pl-9,9 Dywizja,division,infantry,pl-1,51.0,31.0\n"
    "pl-3,3 Brygada Pancerna,brigade,armour,pl-2,49.5,36.0\n"
)
BAD = (
    "unit_id,designation,echelon,branch,parent_id,lat,lon\n"
    "pl-8,8 Dywizja,division,infantry,,51.0,31.0\n"
    "pl-7,7 Dywizja,division,infantry,,95.0,31.0\n"
)


def _counts(web: Web) -> tuple[int, int]:
    with web.store.connect() as conn:
        n_units = conn.execute(sa.select(sa.func.count()).select_from(unit)).scalar()
        n_obs = conn.execute(sa.select(sa.func.count()).select_from(observation)).scalar()
    return int(n_units or 0), int(n_obs or 0)


def _post(c, url: str, text: str, partner: str = "PL", name: str = "units.csv"):  # type: ignore[no-untyped-def]
    files = {"file": (name, io.BytesIO(text.encode()), "text/csv")}
    return c.post(url, data={"partner": partner, "allow_unplaced": "true"}, files=files)


def test_preview_counts_and_writes_nothing(web: Web) -> None:
    c = web.login("analyst.pl")
    before = _counts(web)
    r = _post(c, "/api/v1/imports/preview", GOOD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] and body["rows"] == 3
    assert body["new"] == 1  # pl-9
    assert body["changed"] == 2  # pl-1 (unchanged facts but new observed time), pl-3 moved
    assert _counts(web) == before
    with web.store.connect() as conn:
        assert audit.entries(conn, action="orbat.import") == []


def test_preview_reports_line_and_column(web: Web) -> None:
    c = web.login("analyst.pl")
    before = _counts(web)
    body = _post(c, "/api/v1/imports/preview", BAD).json()
    assert body["ok"] is False
    assert body["errors"] and body["errors"][0]["line"] == 3
    assert body["errors"][0]["column"] == "lat"
    assert _counts(web) == before


def test_commit_all_or_nothing_with_audit(web: Web) -> None:
    c = web.login("analyst.pl")
    before = _counts(web)
    r = _post(c, "/api/v1/imports", BAD)
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 3
    assert _counts(web) == before  # the good first row was rolled back too
    r = _post(c, "/api/v1/imports", GOOD)
    assert r.status_code == 200 and r.json()["committed"]
    assert _counts(web)[0] == before[0] + 1
    with web.store.connect() as conn:
        ent = audit.entries(conn, action="orbat.import")
    assert len(ent) == 1 and ent[0]["actor"] == "analyst.pl"
    units = c.get("/api/v1/pictures/PL/units").json()
    assert "pl-9" in {f["properties"]["unit_id"] for f in units["features"]}
    again = _post(c, "/api/v1/imports/preview", GOOD).json()
    assert again["new"] == 0 and again["unchanged"] == 3


def test_who_may_import_what(web: Web) -> None:
    jp_file = "unit_id,designation,echelon,lat,lon\njp-5,第5師団,division,43.0,131.0\n"
    assert _post(web.login("viewer.pl"), "/api/v1/imports/preview", GOOD).status_code == 403
    assert _post(web.login("viewer.jp"), "/api/v1/imports", jp_file, "JP").status_code == 403
    jp = web.login("analyst.jp")
    assert _post(jp, "/api/v1/imports/preview", GOOD).status_code == 403  # PL is not theirs
    assert _post(jp, "/api/v1/imports/preview", jp_file, "US").status_code == 404
    assert _post(jp, "/api/v1/imports/preview", jp_file, "JP").json()["new"] == 1
    home = web.login("analyst.pl")
    assert _post(home, "/api/v1/imports/preview", jp_file, "JP").json()["ok"]
    assert _post(home, "/api/v1/imports/preview", GOOD, name="units.exe").status_code == 422
    assert _post(home, "/api/v1/imports/preview", GOOD, "XX").status_code == 404
    anon = web.client()
    assert _post(anon, "/api/v1/imports/preview", GOOD).status_code == 401
    nocsrf = web.login("analyst.pl")
    del nocsrf.headers["X-CSRF-Token"]
    assert _post(nocsrf, "/api/v1/imports/preview", GOOD).status_code == 403


def test_size_limit_is_413(web: Web, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from liaison.web.routers import imports

    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    r = _post(web.login("analyst.pl"), "/api/v1/imports/preview", GOOD)
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_import_page(web: Web) -> None:
    page = web.login("analyst.jp").get("/import").text
    assert 'id="import-form"' in page and '<option value="JP"' in page
    assert '<option value="PL"' not in page
    assert "Viewers may not import" in web.login("viewer.pl").get("/import").text


def test_nul_bytes_rejected(web: Web) -> None:
    r = _post(web.login("analyst.pl"), "/api/v1/imports/preview", "unit_id,designation\nx\x00,y\n")
    assert r.status_code == 422 and "NUL" in r.json()["detail"]
