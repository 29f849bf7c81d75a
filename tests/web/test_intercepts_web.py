"""Intercepts page: add (audited, nothing stored on error), solve with the library's solver, see
the solution; analysts' own solutions; roles and partners."""

from __future__ import annotations

import sqlalchemy as sa

from liaison.codebreak import ciphers
from liaison.store import audit
from liaison.store.schema.codebreak import intercept, intercept_solution
from tests.web.conftest import Web

PLAIN = "приказываю дивизии наступать в направлении станции коростень противник отходит на запад"


def _n(web: Web, table: sa.Table) -> int:
    with web.store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _add(c, text: str, **kw: str):  # type: ignore[no-untyped-def]
    data = {"partner": "PL", "ciphertext": text, "language": "ru", "marking": "TLP:GREEN REL TO JP"}
    return c.post("/intercepts", data={**data, **kw})


def test_add_solve_and_see_the_solution(web: Web) -> None:
    c = web.login("analyst.pl")
    r = _add(c, ciphers.caesar(PLAIN, 3, "ru"), station="Wilno")
    assert r.status_code == 200 and "stored intercept PL/I00001" in r.text
    assert 'id="no-solution"' in r.text and "tlp-GREEN" in r.text and "REL TO JP" in r.text
    listing = c.get("/intercepts")
    assert 'href="/intercepts/one?ref=PL/I00001"' in listing.text and "Wilno" in listing.text
    solved = c.post("/intercepts/solve", data={"ref": "PL/I00001", "budget": "5", "language": "ru"})
    assert solved.status_code == 200 and "solved:" in solved.text, solved.text[-2000:]
    assert "ПРИКАЗЫВАЮДИВИЗИИ" in solved.text and "caesar" in solved.text
    with web.store.connect() as conn:
        assert audit.entries(conn, action="intercept.add")[0]["actor"] == "analyst.pl"
    assert _n(web, intercept_solution) == 1


def test_manual_solution_is_checked_by_the_library(web: Web) -> None:
    c = web.login("analyst.pl")
    _add(c, ciphers.caesar(PLAIN, 3, "ru"))
    ok = c.post("/intercepts/manual", data={"ref": "PL/I00001", "cipher": "caesar", "key": "3"})
    assert "solution recorded" in ok.text and "ПРИКАЗЫВАЮДИВИЗИИ" in ok.text
    assert "by analyst.pl" in ok.text


def test_bad_input_stores_nothing(web: Web) -> None:
    c = web.login("analyst.pl")
    r = _add(c, "ТУЛНГ", partner="XX")
    assert r.status_code == 200 and 'role="alert"' in r.text
    assert _n(web, intercept) == 0
    assert c.post("/intercepts/solve", data={"ref": "PL/I00001", "budget": "99"}).status_code == 422


def test_roles_and_partners(web: Web) -> None:
    v = web.login("viewer.pl")
    assert v.get("/intercepts").status_code == 200
    assert 'id="intercept-add"' not in v.get("/intercepts").text
    assert _add(v, "ТУЛНГ").status_code == 403
    jp = web.login("analyst.jp")
    assert jp.get("/intercepts").status_code == 404
    assert _add(jp, "ТУЛНГ").status_code == 404
    assert jp.post("/intercepts/solve", data={"ref": "PL/I00001"}).status_code == 404
    assert _n(web, intercept) == 0
