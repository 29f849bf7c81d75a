"""The sign-in limit under parallel guessing (issue 19, item 2): the attempt is counted atomically
before the password is checked, so of 40 simultaneous guesses at most 5 reach the password check,
the rest answer 429 and none 5xx — on SQLite and, with LIAISON_TEST_DATABASE_URL, PostgreSQL.

The guesses run concurrently through the real ASGI app (its thread pool runs the sign-in handler),
with no sleeps; the password checks are counted by wrapping the argon2 verifier."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

import httpx
import pytest

from liaison.web import auth

from .conftest import PASSWORD, Web

N = 40
LIMIT = 5


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the verifier checks (thread-safe), so the test counts real checks."""
    seen: list[str] = []
    lock = threading.Lock()
    real = auth._hasher

    class Counting:
        def verify(self, hash_: Any, password: Any) -> Any:
            with lock:
                seen.append(password)
            return real.verify(hash_, password)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(auth, "_hasher", Counting())
    return seen


def _form(username: str, password: str) -> dict[str, str]:
    return {"username": username, "password": password, "csrf_token": "t", "next": "/"}


async def _storm(web: Web, forms: list[dict[str, str]]) -> list[int]:
    transport = httpx.ASGITransport(app=web.app, client=("10.0.0.7", 4711))  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies={"liaison_login_csrf": "t"}
    ) as client:
        rs = await asyncio.gather(*(client.post("/login", data=f) for f in forms))
    return [r.status_code for r in rs]


def test_parallel_guesses_at_one_account(web: Web, checks: list[str]) -> None:
    forms = [_form("admin.pl", f"wrong guess {i:02d}") for i in range(N - 1)]
    forms.append(_form("admin.pl", PASSWORD))  # the right one, last: it must not get through
    statuses = asyncio.run(_storm(web, forms))
    assert not [s for s in statuses if s >= 500], Counter(statuses)
    assert len(checks) <= LIMIT, len(checks)
    assert set(statuses) <= {401, 429, 303}, Counter(statuses)
    assert statuses.count(429) >= N - LIMIT, Counter(statuses)
    assert statuses.count(303) <= 1


def test_parallel_guesses_from_one_address_across_accounts(web: Web, checks: list[str]) -> None:
    forms = [_form(f"nobody-{i}", "wrong guess") for i in range(N)]
    statuses = asyncio.run(_storm(web, forms))
    assert not [s for s in statuses if s >= 500], Counter(statuses)
    assert len(checks) <= LIMIT, len(checks)
    assert statuses.count(429) >= N - LIMIT, Counter(statuses)


def test_after_the_limit_even_the_right_password_waits(web: Web, checks: list[str]) -> None:
    c = web.client()

    def post(password: str) -> Any:
        c.cookies.clear()  # each refusal hands out a fresh form token; send ours
        c.cookies.set("liaison_login_csrf", "t")
        return c.post("/login", data=_form("viewer.pl", password), follow_redirects=False)

    for i in range(LIMIT):
        assert post(f"wrong {i}").status_code == 401
    r = post(PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert len(checks) == LIMIT  # the sixth password was never checked


def test_successful_sign_ins_do_not_use_up_the_address(web: Web) -> None:
    """A successful sign-in gives its attempt back: a team behind one address keeps working."""
    for name in ["admin.pl", "analyst.pl", "viewer.pl", "analyst.jp", "viewer.jp", "admin.jp"] * 2:
        web.login(name)
