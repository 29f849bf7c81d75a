"""Users and classes in the browser (issue 22): thin pages over `auth.add_user`/`disable_user`
and `training.add_class`/`add_trainee`, each write audited, CSRF as every form, and a partner's
admin confined to its own partner's accounts as in the CLI and the API."""

from __future__ import annotations

from liaison.codebreak import training
from liaison.store import audit
from liaison.web import auth
from tests.web.conftest import PASSWORD, Web

NEW_PASSWORD = "a long enough password"


def _users(web: Web) -> dict[str, dict]:  # type: ignore[type-arg]
    with web.store.connect() as conn:
        return {u["username"]: u for u in auth.list_users(conn)}


def test_home_admin_adds_and_disables_users(web: Web) -> None:
    c = web.login("admin.pl")
    page = c.get("/admin/users")
    assert 'id="user-add"' in page.text and '<option value="US">' in page.text
    r = c.post(
        "/admin/users",
        data={"username": "clerk.us", "password": NEW_PASSWORD, "role": "viewer", "partner": "US"},
    )
    assert r.status_code == 200 and "added clerk.us (viewer, US)" in r.text
    assert 'id="user-clerk.us"' in r.text
    assert _users(web)["clerk.us"]["partner"] == "US"
    r = c.post("/admin/users/clerk.us/disable")
    assert "disabled clerk.us" in r.text and _users(web)["clerk.us"]["disabled"]
    with web.store.connect() as conn:
        acts = [(e["action"], e["target"]) for e in audit.entries(conn, actor="admin.pl")]
    assert ("user.add", "clerk.us") in acts and ("user.disable", "clerk.us") in acts


def test_bad_input_is_shown_and_nothing_written(web: Web) -> None:
    c = web.login("admin.pl")
    r = c.post(
        "/admin/users",
        data={"username": "shorty", "password": "short", "role": "viewer", "partner": "PL"},
    )
    assert r.status_code == 200 and 'id="users-error"' in r.text and "shorty" not in _users(web)
    r = c.post("/admin/users/admin.pl/disable")
    assert "cannot disable your own account" in r.text and not _users(web)["admin.pl"]["disabled"]


def test_partner_admin_manages_only_its_own_partner(web: Web) -> None:
    c = web.login("admin.jp")
    page = c.get("/admin/users").text
    assert "analyst.pl" not in page and "viewer.jp" in page
    assert '<option value="PL">' not in page and '<option value="JP">' in page
    r = c.post(
        "/admin/users",
        data={"username": "spy.pl", "password": NEW_PASSWORD, "role": "admin", "partner": "PL"},
    )
    assert r.status_code == 403 and "spy.pl" not in _users(web)
    r = c.post("/admin/users/analyst.pl/disable")
    assert r.status_code == 404 and not _users(web)["analyst.pl"]["disabled"]
    assert c.post("/admin/users/nobody/disable").status_code == 404
    r = c.post("/admin/users/viewer.jp/disable")
    assert "disabled viewer.jp" in r.text and _users(web)["viewer.jp"]["disabled"]


def test_users_page_needs_admin_and_csrf(web: Web) -> None:
    analyst = web.login("analyst.pl")
    assert analyst.get("/admin/users").status_code == 403
    assert 'href="/admin/users"' not in analyst.get("/").text
    form = {"username": "x.pl", "password": NEW_PASSWORD, "role": "viewer", "partner": "PL"}
    assert analyst.post("/admin/users", data=form).status_code == 403
    admin = web.login("admin.pl")
    del admin.headers["X-CSRF-Token"]
    assert admin.post("/admin/users", data=form).status_code == 403
    assert "x.pl" not in _users(web)


def test_classes_create_and_enrol(web: Web) -> None:
    c = web.login("analyst.pl")
    assert 'href="/train/classes"' in c.get("/").text
    r = c.post("/train/classes", data={"name": "Kurs 1"})
    assert "class Kurs 1 added" in r.text and 'id="class-enrol"' in r.text
    r = c.post(
        "/train/classes/enrol",
        data={"class_name": "Kurs 1", "username": "viewer.pl", "name": "Anna K"},
    )
    assert "viewer.pl enrolled in Kurs 1" in r.text and "viewer.pl (Anna K)" in r.text
    again = c.post("/train/classes/enrol", data={"class_name": "Kurs 1", "username": "viewer.pl"})
    assert 'id="classes-error"' in again.text and "already exists" in again.text
    dup = c.post("/train/classes", data={"name": "Kurs 1"})
    assert "already exists" in dup.text
    with web.store.connect() as conn:
        k = training.list_classes(conn)
        acts = [e["action"] for e in audit.entries(conn, actor="analyst.pl")]
    assert [(x.name, x.instructor, x.trainees) for x in k] == [("Kurs 1", "analyst.pl", 1)]
    assert "train.class.add" in acts and "train.trainee.add" in acts
    # the enrolled viewer now has the School link and the trainee page
    v = web.login("viewer.pl", PASSWORD)
    assert v.get("/train").status_code == 200


def test_classes_are_for_instructors_only(web: Web) -> None:
    for name in ("viewer.pl", "analyst.jp"):
        c = web.login(name)
        assert c.get("/train/classes").status_code in (403, 404)
        assert c.post("/train/classes", data={"name": "X"}).status_code in (403, 404)
        assert 'href="/train/classes"' not in c.get("/").text
    with web.store.connect() as conn:
        assert training.list_classes(conn) == []
