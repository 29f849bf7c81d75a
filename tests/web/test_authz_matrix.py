"""The authorization matrix: every route × every role × every partner (and nobody signed in).

Routes are enumerated from the app itself, so a route added later is covered without editing this
test. Checked for each: nobody signed in gets nothing (except the public allow-list); viewers
never change anything; only admins reach admin routes; and no response body of any route carries
material the caller's partner may not see (a withheld unit, a source, an analyst's note, a third
partner's units)."""

from __future__ import annotations

import itertools
import re

import pytest
from fastapi.routing import APIRoute

from .conftest import USERS, Web

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
FORBIDDEN = {
    "PL": [],
    "JP": ["pl-2", "KOMAR", "secret note", "us-1", "2 Dywizja"],
    "US": ["pl-1", "pl-2", "pl-3", "KOMAR", "secret note", "jp-1", "第1軍", "1 Armia"],
}

PARAM_VALUES = {
    "partner": ["PL", "JP", "US"],
    "code": ["PL", "JP", "US"],
    "unit_id": ["pl-1", "pl-2", "pl-3", "jp-1", "us-1"],
}


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route, through included routers (FastAPI ≥ 0.16x wraps them)."""
    out = []
    for r in app.routes:
        if hasattr(r, "effective_route_contexts"):
            pairs = [(c.methods, c.path) for c in r.effective_route_contexts()]
        elif isinstance(r, APIRoute):
            pairs = [(r.methods, r.path)]
        else:
            continue
        out.extend((m, path) for methods, path in pairs for m in sorted(methods) if m != "HEAD")
    return sorted(set(out))


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


@pytest.mark.parametrize("username", sorted(USERS))
def test_every_route_for_every_user(web: Web, username: str) -> None:
    role, partner = USERS[username]
    c = web.login(username)
    for method, path in _routes(web.app):
        if (method, path) in {("POST", "/logout")}:
            continue
        for p in _paths(path):
            r = c.request(method, p, json={}, follow_redirects=False)
            ok = 200 <= r.status_code < 300
            assert r.status_code < 500, (username, method, p, r.status_code, r.text[:300])
            if ADMIN.match(path) and role != "admin":
                assert not ok, (username, method, p, "admin route reached")
            if method in UNSAFE and role == "viewer" and (method, path) not in SELF_SERVICE:
                assert not ok, (username, method, p, "viewer changed something")
            body = r.text
            for marker in FORBIDDEN[partner]:
                if marker in p:  # an error may echo what the caller asked for; that is no leak
                    continue
                assert marker not in body, (username, method, p, marker)
