"""`liaison serve --demo` set-up: scenario, users with random passwords kept 0600, an open meeting;
running it again changes nothing and shows the same passwords."""

from __future__ import annotations

import stat
from pathlib import Path

from fastapi.testclient import TestClient

from liaison.store import Store
from liaison.web.app import create_app
from liaison.web.demo import prepare


def test_demo_prepare_is_idempotent_and_users_can_sign_in(store: Store, tmp_path: Path) -> None:
    secrets_file = tmp_path / "demo-users.txt"
    users, done = prepare(store, secrets_file)
    assert any("opened meeting" in d for d in done)
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    again, done2 = prepare(store, secrets_file)
    assert done2 == [] and again == users
    jp = next(u for u in users if u["partner"] == "JP")
    c = TestClient(create_app(store=store))
    tok = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post(
        "/login",
        data={"username": jp["username"], "password": jp["password"], "csrf_token": tok},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert c.get("/api/v1/me").json()["partners"] == ["JP", "PL"]
