"""Cheap cached reads (issue 22, load benchmark) that are never a way around a security check.

A warm read costs one query (the caller, checked in the store every time, with the home partner
and the store version); scope facts and versions are remembered per store version. These tests
warm every cache first and then change things the way the CLI or another server would — in the
store, not through this app — and assert the very next request sees the change."""

from __future__ import annotations

import time
from typing import Any

import orjson
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liaison.courier.pouch import set_policy
from liaison.web import auth
from tests.web.conftest import Web

MAP = "/api/v1/pictures/PL/units"


def _api(web: Web, username: str) -> tuple[TestClient, str]:
    token = web.token(username)
    c = web.client()
    c.headers["Authorization"] = f"Bearer {token}"
    return c, token


def _warm(c: TestClient, path: str = MAP) -> Any:
    first = c.get(path)
    assert first.status_code == 200, first.text
    assert c.get(path).json() == first.json()  # now served from the caches
    return first.json()


def _units(doc: dict[str, Any]) -> set[str]:
    feats = {f["properties"]["unit_id"] for f in doc["features"]}
    return feats | {u["unit_id"] for u in doc["unplaced"]}


def test_revoked_token_is_refused_on_the_next_request(web: Web) -> None:
    c, _ = _api(web, "analyst.pl")
    _warm(c)
    with web.store.begin() as conn:
        (tid,) = [t["id"] for t in auth.list_tokens(conn, "analyst.pl")]
        auth.revoke_token(conn, tid, actor="cli")
    assert c.get(MAP).status_code == 401


def test_revocation_written_without_an_audit_entry_still_counts_at_once(web: Web) -> None:
    """The caller is looked up in the store on every request, not remembered: even a revocation
    that bypasses the library (no audit entry, so the store version does not move) is honoured."""
    c, token = _api(web, "analyst.pl")
    s = web.login("analyst.pl")
    _warm(c)
    _warm(s)
    with web.store.begin() as conn:
        conn.exec_driver_sql("UPDATE api_token SET revoked_at = created_at")
        conn.exec_driver_sql("UPDATE web_session SET revoked_at = created_at")
    assert c.get(MAP).status_code == 401
    assert s.get(MAP).status_code == 401


def test_signed_out_session_and_disabled_account_are_refused_at_once(web: Web) -> None:
    s = web.login("analyst.jp")
    _warm(s)
    cookie = s.cookies.get("liaison_session")
    with web.store.begin() as conn:
        auth.end_session(conn, cookie, actor="analyst.jp")
    assert s.get(MAP).status_code == 401
    c, _ = _api(web, "analyst.jp")
    _warm(c)
    with web.store.begin() as conn:
        auth.disable_user(conn, "analyst.jp", actor="cli")
    assert c.get(MAP).status_code == 401


def test_tightened_release_policy_counts_on_the_next_request(web: Web) -> None:
    jp, _ = _api(web, "analyst.jp")
    assert _units(_warm(jp)) == {"pl-1", "pl-3"}  # GREEN released, AMBER REL TO PL not
    with web.store.begin() as conn:
        set_policy(conn, "JP", "CLEAR", actor="cli")  # nothing GREEN goes to JP any more
    assert _units(jp.get(MAP).json()) == set()
    assert _units(jp.get(MAP + "?echelon=army").json()) == set()


def test_a_write_outside_the_library_shows_within_the_age_limit(web: Web) -> None:
    """A write with no audit entry does not move the store version; remembered facts are read
    again after `memo.TTL` at the latest (here shortened)."""
    jp, _ = _api(web, "analyst.jp")
    web.app.state.memo.ttl = 0.2  # type: ignore[attr-defined]
    _warm(jp)
    with web.store.begin() as conn:
        conn.exec_driver_sql("DELETE FROM release_policy")  # nothing is released to JP
    time.sleep(0.3)
    assert jp.get(MAP).status_code == 404  # no policy: PL's picture is not JP's to see


def test_a_cached_read_costs_one_query(web: Web) -> None:
    c, _ = _api(web, "analyst.pl")
    _warm(c)
    _warm(c, "/api/v1/units/PL/pl-1")
    statements: list[str] = []

    def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    sa.event.listen(web.store.engine, "before_cursor_execute", seen)
    try:
        assert c.get(MAP).status_code == 200
        assert c.get("/api/v1/units/PL/pl-1").status_code == 200
    finally:
        sa.event.remove(web.store.engine, "before_cursor_execute", seen)
    # the caller (with home partner and version), each in its own read; no transaction begun
    # for the handler (SQLite's BEGIN is a statement; PostgreSQL's is implicit)
    queries = [s for s in statements if s.strip().upper() != "BEGIN"]
    assert len(queries) == 2 and all("web_user" in q for q in queries), statements
    assert len(statements) <= 4, statements


def test_large_cached_bodies_are_sent_gzipped_to_clients_that_accept_it(web: Web) -> None:
    from liaison.orbat import observe
    from liaison.web.cache import GZIP_MIN
    from tests.web.conftest import T0

    with web.store.begin() as conn:
        for i in range(40):  # enough units for a body worth compressing
            observe.record(
                conn, "PL", f"pl-x{i}", valid_at=T0, designation=f"{i} Pułk", lat=50.0, lon=20.0
            )
    c, _ = _api(web, "analyst.pl")
    plain = c.get(MAP, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) >= GZIP_MIN
    assert plain.headers["vary"] == "Accept-Encoding"
    zipped = c.get(MAP, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert orjson.loads(zipped.content) == plain.json()  # httpx decoded it
    assert (
        c.get(MAP, headers={"Accept-Encoding": "gzip;q=0"}).headers.get("content-encoding") is None
    )
    # a search echoes its query beside the hits: never compressed (BREACH)
    r = c.get("/api/v1/search", params={"q": "Pułk"}, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "content-encoding" not in r.headers
    assert len(r.content) >= GZIP_MIN  # so it would have been, were it not a search
