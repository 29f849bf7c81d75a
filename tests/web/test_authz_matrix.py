"""The authorization matrix: every route × every role × every partner × every *target* partner
(and nobody signed in).

Routes, and the body fields each takes, are enumerated from the app itself, so a route added later
is covered without editing this test. Checked for each: nobody signed in gets nothing (except the
public allow-list); viewers never change anything; only admins reach admin routes; a user of
another partner never changes anything of a partner not its own — whatever partner the path or the
body names (a user account, a picture, a session: compared row by row before and after); and no
response body of any route carries material the caller's partner may not see (a withheld unit, a
source, an analyst's note, a third partner's units, another partner's accounts or audit entries)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.dependencies.utils import _get_flat_body_params
from fastapi.routing import APIRoute
from pydantic import BaseModel

from liaison.store import audit
from liaison.store.schema import metadata
from liaison.store.schema.web import api_token, web_session, web_user

from .conftest import PASSWORD, USERS, Web

PUBLIC = {"/api/v1/health", "/login", "/api/v1/openapi.json"}
PUBLIC_PREFIXES = ("/static", "/evac/verify", "/evac/trust/", "/taxii2")
SELF_SERVICE = {
    ("POST", "/logout"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{token_id}"),
}
ADMIN = re.compile(r"^/(api/v1/(users|audit)|admin)(/|$)")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# What each partner's users must never read anywhere (see the world in conftest.py: pl-2 is
# REL TO PL only; KOMAR is PL's source; notes never leave; US has no release policy).
# Another partner's accounts are not for a partner's users either (nor its users' audit entries).
FORBIDDEN = {
    "PL": [],
    "JP": ["pl-2", "KOMAR", "secret note", "us-1", "2 Dywizja", "viewer.pl", "analyst.us"],
    "US": ["pl-1", "pl-2", "pl-3", "KOMAR", "secret note", "jp-1", "第1軍", "1 Armia", "viewer.jp"],
}
HOME = "PL"
TARGETS = ("PL", "JP", "US")

PARAM_VALUES = {
    "partner": list(TARGETS),
    "code": list(TARGETS),
    "unit_id": ["pl-1", "pl-2", "pl-3", "jp-1", "us-1"],
    # one account of each partner (never the signed-in user, who would lock itself out)
    "username": ["viewer.pl", "viewer.jp", "analyst.us"],
}
#: Which partner a path value belongs to (the target of the request).
OWNER = {v: v[:2].upper() for v in PARAM_VALUES["unit_id"]} | {
    "viewer.pl": "PL",
    "viewer.jp": "JP",
    "analyst.us": "US",
}
#: Body fields that name the partner acted on; the matrix sends each target partner in turn.
TARGET_FIELDS = {"partner", "theirs"}
FIELD_VALUES: dict[str, Any] = {
    "password": PASSWORD,
    "role": "admin",
    "name": "matrix",
    "resolution": "defer",
    "comment": "matrix",
    "revision": 1,
}
UNIT_FILE = ("units.csv", b"unit_id,designation\nm-1,1 Matrix Army\n", "text/csv")


def _contexts(app):  # type: ignore[no-untyped-def]
    """Every route of the app, through included routers (FastAPI ≥ 0.16x wraps them)."""
    for r in app.routes:
        if hasattr(r, "effective_route_contexts"):
            yield from r.effective_route_contexts()
        elif isinstance(r, APIRoute):
            yield r


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route."""
    out = [
        (m, c.path)
        for c in _contexts(app)
        if getattr(c, "methods", None)
        for m in sorted(c.methods)
        if m != "HEAD"
    ]
    return sorted(set(out))


def _body_fields(app) -> dict[tuple[str, str], list[Any]]:  # type: ignore[no-untyped-def]
    """(method, path) → the route's body parameters (JSON models, form fields, files)."""
    out: dict[tuple[str, str], list[Any]] = {}
    for c in _contexts(app):
        dep = getattr(c, "dependant", None)
        if dep is None:
            continue
        for m in c.methods:
            out[(m, c.path)] = _get_flat_body_params(dep)
    return out


_serial = itertools.count()


def _value(name: str, annotation: Any, target: str) -> Any:
    if name in TARGET_FIELDS:
        return target
    if name == "username":
        return f"matrix-{next(_serial)}"
    if name in FIELD_VALUES:
        return FIELD_VALUES[name]
    return 1 if annotation in (int, float) else "x"


def _requests(params: list[Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """(target partner or None, request keyword arguments) for a route's body: one request per
    target partner when a body field names the partner, else one."""
    names = set()
    for p in params:
        model = p.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names |= set(model.model_fields)
        else:
            names.add(p.name)
    targets: list[str | None] = list(TARGETS) if names & TARGET_FIELDS else [None]
    out = []
    for t in targets:
        kw: dict[str, Any] = {}
        for p in params:
            kind = type(p.field_info).__name__
            model = p.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                kw["json"] = {
                    n: _value(n, f.annotation, t or HOME)
                    for n, f in model.model_fields.items()
                    if f.is_required() or n in TARGET_FIELDS
                }
            elif kind == "File":
                kw.setdefault("files", {})[p.name] = UNIT_FILE
            else:
                kw.setdefault("data", {})[p.name] = _value(p.name, model, t or HOME)
        if not params:
            kw["json"] = {}
        out.append((t, kw))
    return out


def _others_state(web: Web, partner: str) -> list[Any]:
    """Every row that belongs to a partner other than `partner`: each table's rows with another
    partner_code, and the sessions and API tokens of other partners' accounts."""
    rows: list[Any] = []
    with web.store.connect() as conn:
        for t in metadata.sorted_tables:
            if "partner_code" in t.c:
                q = sa.select(t).where(t.c.partner_code != partner)
                rows += sorted(repr((t.name, tuple(r))) for r in conn.execute(q))
        theirs = sa.select(web_user.c.username).where(web_user.c.partner_code != partner)
        for t in (web_session, api_token):
            q = sa.select(t).where(t.c.username.in_(theirs))
            rows += sorted(repr((t.name, tuple(r))) for r in conn.execute(q))
    return rows


def _paths(path: str) -> list[str]:
    names = re.findall(r"{(\w+)(?::\w+)?}", path)
    choices = [PARAM_VALUES.get(n, ["1"]) for n in names]
    out = []
    for combo in itertools.product(*choices):
        p = path
        for n, v in zip(names, combo, strict=True):
            p = re.sub(r"{" + n + r"(?::\w+)?}", v, p, count=1)
        out.append(p)
    return out


def _public(path: str) -> bool:
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def test_nobody_signed_in_gets_nothing(web: Web) -> None:
    c = web.client()
    checked = 0
    for method, path in _routes(web.app):
        if _public(path):
            continue
        for p in _paths(path):
            r = c.request(method, p, follow_redirects=False)
            checked += 1
            if r.status_code == 303:
                assert r.headers["location"].startswith("/login"), (method, p)
            else:
                assert r.status_code in (401, 403), (method, p, r.status_code)
    assert checked >= 10


def _path_target(path: str) -> str | None:
    """The partner a concrete path names (a partner code, a unit or an account), if any."""
    for seg in path.split("/"):
        if seg in TARGETS:
            return seg
        if seg in OWNER:
            return OWNER[seg]
    return None


@pytest.fixture
def matrix_web(web: Web) -> Web:
    """The web world plus audit entries by PL's users naming PL's source (what JP must not read)."""
    with web.store.begin() as conn:
        audit.record(conn, "analyst.pl", "orbat.import", "PL", {"source": "KOMAR"})
        audit.record(conn, "admin.pl", "user.add", "viewer.pl", {"partner": "PL"})
    return web


@pytest.mark.parametrize("username", sorted(USERS))
def test_every_route_for_every_user(matrix_web: Web, username: str) -> None:
    """Every route × this user (role, partner) × every target partner of the path or body."""
    web = matrix_web
    role, partner = USERS[username]
    home_user = partner == HOME
    c = web.login(username)
    bodies = _body_fields(web.app)
    checked = 0
    for method, path in _routes(web.app):
        if (method, path) in {("POST", "/logout"), ("POST", "/login")}:
            continue
        for p in _paths(path):
            for body_target, kw in _requests(bodies.get((method, path), [])):
                target = body_target or _path_target(p)
                before = None if home_user else _others_state(web, partner)
                r = c.request(method, p, follow_redirects=False, **kw)
                checked += 1
                ok = 200 <= r.status_code < 300
                what = (username, method, p, target, r.status_code, r.text[:300])
                assert r.status_code < 500, what
                if ADMIN.match(path) and role != "admin":
                    assert not ok, (*what, "admin route reached")
                if method in UNSAFE and role == "viewer" and (method, path) not in SELF_SERVICE:
                    assert not ok, (*what, "viewer changed something")
                if not home_user and method in UNSAFE and target not in (None, partner):
                    assert not ok, (*what, "acted on another partner")
                if before is not None:
                    assert _others_state(web, partner) == before, (*what, "changed another partner")
                body = r.text
                for marker in FORBIDDEN[partner]:
                    if marker in p:  # an error may echo what the caller asked for; that is no leak
                        continue
                    assert marker not in body, (*what, marker)
    assert checked >= 100


def test_partner_admin_cannot_manage_another_partner(matrix_web: Web) -> None:
    """The reproduced attack: JP's admin creates a PL admin, disables PL's admin, reads PL's audit."""
    jp = matrix_web.login("admin.jp")
    new = {"username": "mole", "password": PASSWORD, "role": "admin", "partner": "PL"}
    assert jp.post("/api/v1/users", json=new).status_code == 403
    assert jp.post("/api/v1/users/admin.pl/disable").status_code == 404
    listed = {u["username"] for u in jp.get("/api/v1/users").json()}
    assert listed == {"admin.jp", "analyst.jp", "viewer.jp"}
    entries = jp.get("/api/v1/audit").json()["entries"]
    assert entries and {e["actor"] for e in entries} <= listed
    assert "KOMAR" not in jp.get("/admin/audit").text
    # its own partner's accounts it does manage
    own = {**new, "username": "jp-officer", "partner": "JP", "role": "viewer"}
    assert jp.post("/api/v1/users", json=own).status_code == 201
    assert jp.post("/api/v1/users/jp-officer/disable").status_code == 204
    # and the home partner's admin manages every partner
    pl = matrix_web.login("admin.pl")
    assert pl.post("/api/v1/users", json={**new, "partner": "JP"}).status_code == 201
    assert pl.post("/api/v1/users/viewer.jp/disable").status_code == 204
    assert "KOMAR" in pl.get("/api/v1/audit").text
