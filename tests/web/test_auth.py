"""Sign-in, sessions, CSRF, API tokens, rate limit, roles and partner scoping."""

from __future__ import annotations

from liaison.store import audit
from liaison.web import auth

from .conftest import PASSWORD, USERS, Web


def _login_form(c) -> str:  # type: ignore[no-untyped-def]
    return c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]


def test_pages_redirect_to_sign_in_and_api_says_401(web: Web) -> None:
    c = web.client()
    r = c.get("/admin/audit", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fadmin%2Faudit")
    assert c.get("/api/v1/me").status_code == 401


def test_sign_in_sets_a_secure_session_and_sign_out_ends_it(web: Web) -> None:
    c = web.login("analyst.pl")
    me = c.get("/api/v1/me").json()
    assert me == {
        "username": "analyst.pl",
        "role": "analyst",
        "partner": "PL",
        "partners": ["PL", "JP", "US"],
    }
    cookie = c.cookies.get("liaison_session")
    with web.store.connect() as conn:
        # only a digest is stored, never the token itself
        assert auth.session_user(conn, cookie) is not None
        assert cookie not in str(conn.exec_driver_sql("select * from web_session").all())
    assert c.post("/logout", follow_redirects=False).status_code == 303
    c.cookies.set("liaison_session", cookie)
    assert c.get("/api/v1/me").status_code == 401


def test_wrong_password_and_forged_form_are_refused_and_audited(web: Web) -> None:
    c = web.client()
    tok = _login_form(c)
    r = c.post("/login", data={"username": "analyst.pl", "password": "nope", "csrf_token": tok})
    assert r.status_code == 401 and "Wrong username or password" in r.text
    r = c.post("/login", data={"username": "analyst.pl", "password": PASSWORD, "csrf_token": "x"})
    assert r.status_code == 403
    with web.store.connect() as conn:
        actions = [e["action"] for e in audit.entries(conn, limit=5)]
    assert "session.failed" in actions


def test_sign_in_is_rate_limited(web: Web) -> None:
    c = web.client()
    for _ in range(5):
        tok = _login_form(c)
        c.post("/login", data={"username": "viewer.pl", "password": "bad", "csrf_token": tok})
    tok = _login_form(c)
    r = c.post("/login", data={"username": "viewer.pl", "password": PASSWORD, "csrf_token": tok})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_cookie_writes_need_csrf_but_token_writes_do_not(web: Web) -> None:
    c = web.login("analyst.pl")
    bare = web.client()
    bare.cookies.set("liaison_session", c.cookies.get("liaison_session"))
    assert bare.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
    r = c.post("/api/v1/tokens", json={"name": "script"})
    assert r.status_code == 201
    token = r.json()["token"]
    api = web.client()
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get("/api/v1/me").json()["username"] == "analyst.pl"
    # a token cannot mint more tokens, and a revoked one stops working
    assert api.post("/api/v1/tokens", json={"name": "y"}).status_code == 403
    tid = c.get("/api/v1/tokens").json()[0]["id"]
    assert c.delete(f"/api/v1/tokens/{tid}").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_roles_guard_admin_routes(web: Web) -> None:
    for name, status in (("admin.pl", 200), ("analyst.pl", 403), ("viewer.pl", 403)):
        c = web.login(name)
        assert c.get("/api/v1/audit").status_code == status
        assert c.get("/api/v1/users").status_code == status
    admin = web.login("admin.pl")
    log = admin.get("/api/v1/audit", params={"action": "user."}).json()
    assert log["chain"]["ok"] and len(log["entries"]) == len(USERS)
    page = admin.get("/admin/audit")
    assert "Hash chain verified" in page.text


def test_disabled_user_loses_sessions_and_tokens(web: Web) -> None:
    c = web.login("viewer.jp")
    token = web.token("viewer.jp")
    admin = web.login("admin.pl")
    assert admin.post("/api/v1/users/viewer.jp/disable").status_code == 204
    assert c.get("/api/v1/me").status_code == 401
    api = web.client()
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get("/api/v1/me").status_code == 401


def test_partner_scoping_of_visible_partners(web: Web) -> None:
    assert web.login("analyst.jp").get("/api/v1/me").json()["partners"] == ["JP", "PL"]
    # no release policy for US: they see only their own material
    assert web.login("analyst.us").get("/api/v1/me").json()["partners"] == ["US"]


def test_released_view_strips_withheld_units_links_sources_and_notes(web: Web) -> None:
    from liaison.web.scope import history_for, picture_for

    jp = auth.User("analyst.jp", "analyst", "JP")
    with web.store.connect() as conn:
        pic = picture_for(conn, jp, "PL")
        assert set(pic.units) == {"pl-1", "pl-3"}  # pl-2 is REL TO PL only
        assert pic.units["pl-3"].parent_id is None  # its parent is withheld
        assert pic.units["pl-3"].source is None and pic.units["pl-3"].notes is None
        hist = history_for(conn, jp, "PL", "pl-3")
        assert hist and all(h["source"] is None and h["notes"] is None for h in hist)
        assert all(h["parent_id"] is None for h in hist)
        pl = auth.User("analyst.pl", "analyst", "PL")
        assert picture_for(conn, pl, "PL").units["pl-3"].source == "KOMAR"


def test_security_headers_on_every_response(web: Web) -> None:
    r = web.client().get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_open_redirect_is_refused(web: Web) -> None:
    c = web.client()
    tok = _login_form(c)
    r = c.post(
        "/login",
        data={
            "username": "viewer.pl",
            "password": PASSWORD,
            "csrf_token": tok,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_taxii_in_the_web_app_takes_web_api_tokens_and_releases_by_policy(web: Web) -> None:
    from liaison.courier.taxii import API_ROOT, collection_id

    api = web.client()
    assert api.get("/taxii2/").status_code == 401
    api.headers["Authorization"] = f"Bearer {web.token('analyst.jp')}"
    api.headers["Accept"] = "application/taxii+json;version=2.1"
    assert api.get("/taxii2/").status_code == 200
    r = api.get(f"/taxii2/{API_ROOT}/collections/{collection_id('JP')}/objects/")
    assert r.status_code == 200
    text = r.text
    assert "3 Brygada Pancerna" in text and "pl-2" not in text and "KOMAR" not in text
    # another partner's collection is not there for this caller
    other = api.get(f"/taxii2/{API_ROOT}/collections/{collection_id('US')}/objects/")
    assert other.status_code == 404


def test_nul_characters_are_refused_not_a_server_error(web: Web) -> None:
    # PostgreSQL text cannot hold NUL: a query or a body carrying one is the client's error (4xx)
    c = web.login("admin.pl")
    assert c.get("/api/v1/audit", params={"action": "\x00"}).status_code == 400
    r = c.get("/api/v1/audit", params={"action": "session.start"})
    assert r.status_code == 200 and r.json()["entries"]
    # in a JSON body: refused by validation or the database, never a 500
    r = c.post("/api/v1/meetings", json={"theirs": "J\x00P"}, headers={"X-CSRF-Token": "x"})
    assert 400 <= r.status_code < 500
