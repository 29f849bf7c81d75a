"""Pages, caches, error pages, the navigation, the import marking and request bodies (issue 19,
items 10 and the web half of 6)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import HTTPException

from liaison.store.schema.orbat import observation
from liaison.web.limits import DEFAULT_MAX

from .conftest import USERS, Web

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _get_routes(app: Any) -> list[str]:
    """Every GET path of the app without path parameters."""
    from .test_authz_matrix import _routes

    return [p for m, p in _routes(app) if m == "GET" and "{" not in p]


# ---------------------------------------------------------------- Cache-Control


@pytest.mark.parametrize("username", ["admin.pl", "analyst.jp"])
def test_every_page_and_api_response_is_no_store(web: Web, username: str) -> None:
    c = web.login(username)
    checked = 0
    for path in _get_routes(web.app):
        r = c.get(path, headers=HTML, follow_redirects=False)
        ctype = r.headers.get("content-type", "")
        if (
            ctype.startswith("text/html")
            or path.startswith("/api/v1/")
            and path != "/api/v1/basemap"
        ):
            assert r.headers.get("cache-control") == "no-store", (path, r.status_code)
            checked += 1
    assert checked >= 15


def test_back_after_sign_out_shows_no_cached_dashboard(web: Web) -> None:
    c = web.login("admin.pl")
    r = c.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    c.post("/logout", follow_redirects=False)
    again = c.get("/", headers=HTML, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


# ---------------------------------------------------------------- error pages


@pytest.fixture
def boom_web(web: Web) -> Iterator[Web]:
    """The app plus two routes that fail on purpose (a bug, and a store too busy to answer)."""

    @web.app.get("/test-boom")  # type: ignore[attr-defined]
    def boom() -> None:
        raise RuntimeError("a bug")

    @web.app.get("/test-busy")  # type: ignore[attr-defined]
    def busy() -> None:
        raise HTTPException(503, "the store is busy", headers={"Retry-After": "1"})

    yield web


def _is_error_page(r: Any, status: int) -> None:
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html"), r.text[:200]
    assert f'id="error-status">{status}' in r.text and "<!doctype html>" in r.text
    assert r.headers["cache-control"] == "no-store"


def test_browsers_get_html_error_pages_and_scripts_get_json(boom_web: Web) -> None:
    from fastapi.testclient import TestClient

    web = boom_web
    anon = TestClient(web.app, raise_server_exceptions=False)  # type: ignore[arg-type]
    _is_error_page(anon.get("/no/such/page", headers=HTML), 404)
    assert anon.get("/no/such/page").json() == {"detail": "Not Found"}
    _is_error_page(anon.get("/test-boom", headers=HTML), 500)
    assert anon.get("/test-boom").json()["detail"] == "something went wrong on the server"
    assert "a bug" not in anon.get("/test-boom", headers=HTML).text
    r = anon.get("/test-busy", headers=HTML)
    _is_error_page(r, 503)
    assert r.headers["retry-after"] == "1"
    _is_error_page(anon.post("/logout", headers=HTML), 401)
    assert anon.post("/logout").status_code == 401
    big = b"x" * (DEFAULT_MAX + 1)
    _is_error_page(anon.post("/login", content=big, headers=HTML), 413)
    viewer = web.login("viewer.pl")
    _is_error_page(viewer.get("/train/instructor", headers=HTML), 403)
    assert viewer.get("/api/v1/users").json() == {"detail": "not allowed"}
    # the API keeps JSON even when a browser asks for HTML
    assert viewer.get("/api/v1/users", headers=HTML).json() == {"detail": "not allowed"}
    # too many sign-ins: the sign-in page itself, with its 429
    c = web.client()
    for _ in range(6):
        c.cookies.clear()
        c.cookies.set("liaison_login_csrf", "t")
        form = {"username": "viewer.pl", "password": "wrong", "csrf_token": "t"}
        r = c.post("/login", data=form, headers=HTML)
    assert r.status_code == 429 and "Too many sign-in attempts" in r.text
    assert r.headers["cache-control"] == "no-store"


# ---------------------------------------------------------------- navigation

NAV = re.compile(r"<nav>(.*?)</nav>", re.S)


@pytest.mark.parametrize("username", sorted(USERS))
def test_navigation_shows_only_what_the_user_may_open(web: Web, username: str) -> None:
    c = web.login(username)
    nav = NAV.search(c.get("/", headers=HTML).text)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert "/" in links and "/map" in links
    for href in links:
        r = c.get(href, headers=HTML)  # the school sends instructors on to their own page
        assert r.status_code == 200 and "/login" not in str(r.url), (username, href, r.status_code)
    role, partner = USERS[username]
    assert ("/admin/users" in links) == (role == "admin")
    assert ("/import" in links) == (role != "viewer")
    assert ("/meetings" in links) == (partner == "PL")
    assert ("/alerts" in links) == (partner == "PL")
    assert ("/train" in links) == (partner == "PL" and role != "viewer")


# ---------------------------------------------------------------- the import marking

CSV = b"unit_id,designation,lat,lon\nm-1,7 Dywizja Piechoty,50.1,19.9\n"


def _marking_of(web: Web, partner: str, unit: str) -> tuple[str, str]:
    from liaison.store.schema.orbat import unit as unit_t

    with web.store.connect() as conn:
        row = conn.execute(
            sa.select(observation.c.tlp, observation.c.rel_to)
            .select_from(observation.join(unit_t, observation.c.unit_id == unit_t.c.id))
            .where(unit_t.c.partner_code == partner, unit_t.c.local_id == unit)
        ).one()
    return row.tlp, row.rel_to


def test_import_page_asks_for_the_marking_with_the_partners_own_default(web: Web) -> None:
    c = web.login("analyst.pl")
    page = c.get("/import").text
    assert 'name="tlp"' in page and 'name="rel_to"' in page
    # PL's own setting: the marking of its latest recorded observation (pl-3, TLP:GREEN)
    assert re.search(r'<option value="GREEN" selected>', page)


def test_import_uses_the_chosen_marking_and_a_policy_then_withholds_it(web: Web) -> None:
    from liaison.courier.pouch import set_policy

    with web.store.begin() as conn:
        set_policy(conn, "JP", "AMBER")
    c = web.login("analyst.pl")
    files = {"file": ("units.csv", CSV, "text/csv")}
    form = {"partner": "PL", "tlp": "RED", "rel_to": ""}
    pre = c.post("/api/v1/imports/preview", data=form, files=files).json()
    assert pre["ok"] and pre["marking"] == "TLP:RED"
    r = c.post("/api/v1/imports", data=form, files=files)
    assert r.status_code == 200 and r.json()["committed"], r.text
    assert _marking_of(web, "PL", "m-1") == ("RED", "")
    jp = web.login("analyst.jp")
    assert "m-1" not in jp.get("/api/v1/pictures/PL/units").text
    # REL TO is taken too, and a wrong TLP is refused naming the field
    form = {"partner": "PL", "tlp": "AMBER", "rel_to": "PL"}
    files = {"file": ("units.csv", CSV.replace(b"m-1", b"m-2"), "text/csv")}
    assert c.post("/api/v1/imports", data=form, files=files).status_code == 200
    assert _marking_of(web, "PL", "m-2") == ("AMBER", "PL")
    assert "m-2" not in jp.get("/api/v1/pictures/PL/units").text
    bad = c.post("/api/v1/imports", data={"partner": "PL", "tlp": "PURPLE"}, files=files)
    assert bad.status_code == 422 and "marking" in bad.json()["detail"]


def test_import_without_a_marking_takes_the_partners_own_not_amber(web: Web) -> None:
    from liaison.orbat.partners import add_partner

    with web.store.begin() as conn:
        add_partner(conn, "FR", "France", language="fr")
    c = web.login("analyst.pl")
    files = {"file": ("units.csv", CSV, "text/csv")}
    assert c.post("/api/v1/imports", data={"partner": "FR"}, files=files).status_code == 200
    assert _marking_of(web, "FR", "m-1") == ("AMBER+STRICT", "")  # nothing recorded yet
    assert c.post("/api/v1/imports", data={"partner": "JP"}, files=files).status_code == 200
    assert _marking_of(web, "JP", "m-1") == ("GREEN", "")  # JP's latest: jp-1, TLP:GREEN


# ---------------------------------------------------------------- request bodies


def _asgi(web: Web, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes):  # type: ignore[no-untyped-def]
    """Drive the app directly; returns (status, how many body chunks it read)."""
    reads = 0
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        if reads < len(chunks):
            reads += 1
            return {
                "type": "http.request",
                "body": chunks[reads - 1],
                "more_body": reads < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(web.app(scope, receive, send))  # type: ignore[operator]
    return sent[0]["status"], reads


def test_nobody_signed_in_is_refused_before_the_body_is_read(web: Web) -> None:
    body = b"{" + b" " * (512 * 1024) + b"}"
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    status, reads = _asgi(web, "POST", "/api/v1/users", hdrs, body)
    assert status == 401 and reads == 0


def test_a_cookie_without_csrf_or_origin_is_refused_before_the_body(web: Web) -> None:
    c = web.login("admin.pl")
    cookie = c.cookies.get("liaison_session")
    body = b"x" * 1000
    hdrs = [
        (b"cookie", f"liaison_session={cookie}".encode()),
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", b"1000"),
    ]
    status, reads = _asgi(web, "POST", "/meetings", hdrs, body)
    assert status == 403 and reads == 0
    evil = [*hdrs, (b"origin", b"https://evil.example")]
    assert _asgi(web, "POST", "/meetings", evil, body) == (403, 0)


def test_bodies_over_the_cap_get_413_without_being_read_beyond_it(web: Web) -> None:
    token = web.token("admin.pl")
    auth = [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")]
    big = b"x" * (DEFAULT_MAX + 200_000)
    # declared too large: refused before a byte is read
    status, reads = _asgi(
        web, "POST", "/api/v1/users", [*auth, (b"content-length", str(len(big)).encode())], big
    )
    assert status == 413 and reads == 0
    # chunked (no length): refused the moment the count passes the cap
    status, reads = _asgi(web, "POST", "/api/v1/users", auth, big)
    assert status == 413
    assert reads * 65536 <= DEFAULT_MAX + 65536
    # a lying Content-Length is counted the same way
    status, reads = _asgi(web, "POST", "/api/v1/users", [*auth, (b"content-length", b"10")], big)
    assert status in (400, 413) and reads * 65536 <= DEFAULT_MAX + 65536
