"""Evacuation web routes: the public verifier never lists people; the dashboard needs a
signed-in user; persons only for the home partner's users, role checked and audited by the
library."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.evac import demo, seal
from liaison.store.schema.audit import audit

from .conftest import Web

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def evac_web(web: Web, tmp_path: Path) -> Web:
    web.app.state.evac_trust_dir = tmp_path / "evac" / "verify"  # type: ignore[attr-defined]
    demo.load_demo(web.store, tmp_path / "evac")
    return web


def test_verifier_is_public_and_lists_nobody(evac_web: Web) -> None:
    c = evac_web.client()
    page = c.get("/evac/verify")
    assert page.status_code == 200 and "/static/verify/page.js" in page.text
    assert "Szapiro" not in page.text and "K001" not in page.text
    for name in ("trust.json", "revocations.json", "root.json"):
        r = c.get(f"/evac/trust/{name}")
        assert r.status_code == 200 and "Szapiro" not in r.text
    assert c.get("/evac/trust/persons.csv").status_code == 404
    assert c.get("/static/verify/verify.js").status_code == 200
    assert c.get("/api/v1/evac/status").status_code == 401
    assert c.get("/api/v1/evac/persons").status_code == 401
    r = c.get("/evac/status", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_dashboard_for_signed_in_users(evac_web: Web) -> None:
    c = evac_web.login("viewer.pl")  # the home partner's user: group ids, places, times
    board = c.get("/api/v1/evac/status", params={"today": "1940-08-05"}).json()
    assert board["by_leg"][1]["groups"] == ["F01"] and board["overdue"][0]["subject"] == "F03"
    html = c.get("/evac/status", params={"today": "1940-08-05"}).text
    assert "Moscow → Vladivostok" in html and "F03" in html and "Szapiro" not in html
    # another partner's liaison user sees head counts only (issue 24, item 4)
    j = evac_web.login("viewer.jp")
    other = j.get("/api/v1/evac/status", params={"today": "1940-08-05"}).json()
    assert other["by_leg"][1]["people"] == board["by_leg"][1]["people"] > 0
    assert other["by_leg"][1]["groups"] == [] and other["overdue"] == []
    assert other["overdue_people"] == sum(o["people"] for o in board["overdue"])
    text = j.get("/api/v1/evac/status", params={"today": "1940-08-05"}).text
    assert not any(g in text for g in ("F01", "F03", "K0"))
    html = j.get("/evac/status", params={"today": "1940-08-05"}).text
    assert "F03" not in html and "F01" not in html and "people overdue" in html
    journey = j.get("/api/v1/evac/journey", params={"today": "1940-08-05"}).json()
    assert journey["registered"] == 12 and journey["documented"] == 6
    assert 'id="evac-journey"' in html and "K0" not in json.dumps(journey)


def test_persons_need_home_partner_and_role_and_are_audited(evac_web: Web) -> None:
    assert evac_web.login("viewer.pl").get("/api/v1/evac/persons").status_code == 403
    assert evac_web.login("analyst.jp").get("/api/v1/evac/persons").status_code == 403
    r = evac_web.login("analyst.pl").get("/api/v1/evac/persons")
    assert r.status_code == 200 and len(r.json()) == 12
    assert evac_web.login("analyst.pl").get("/api/v1/evac/persons.csv").status_code == 403
    csv = evac_web.login("admin.pl").get("/api/v1/evac/persons.csv")
    assert csv.status_code == 200 and csv.text.count("\n") == 13
    with evac_web.store.connect() as conn:
        rows = conn.execute(sa.select(audit.c.actor, audit.c.action)).all()
    assert ("analyst.pl", "evac.persons.web") in rows and (
        "admin.pl",
        "evac.persons.export",
    ) in rows
    assert not {r for r in rows if r[0] in ("viewer.pl", "analyst.jp") and "evac" in r[1]}


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed (apt-get install chromium): browser test skipped",
)
def test_app_verifier_page_in_chromium(evac_web: Web, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    import uvicorn

    qr = (tmp_path / "evac" / "seals.txt").read_text().splitlines()[0].split("\t")[1]
    impostor = seal.Issuer.generate("JP-KAUNAS", "x")
    forged = seal.seal(
        impostor,
        seal.make_payload(
            "KAU0000011",
            "A",
            "B",
            "A",
            "B",
            date(1900, 1, 1),
            ["Kaunas"],
            date(1940, 8, 1),
            date(1940, 9, 1),
        ),
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(evac_web.app, host="127.0.0.1", port=port, log_level="error")  # type: ignore[arg-type]
    )
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    while not server.started:
        time.sleep(0.05)
    got, errors = [], []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "response",
                lambda r: (
                    errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            page.goto(f"http://127.0.0.1:{port}/evac/verify")
            page.wait_for_function("() => document.body.dataset.ready", timeout=15000)
            state = page.get_attribute("#trust-status", "data-state")
            for text in (qr, forged):
                page.fill("#seal-text", text)
                page.fill("#check-date", "1940-08-05")
                page.evaluate("() => { document.getElementById('verdict').dataset.reason = ''; }")
                page.click("#verify-button")
                page.wait_for_function("() => document.getElementById('verdict').dataset.reason")
                got.append(page.get_attribute("#verdict", "data-reason"))
            browser.close()
    finally:
        server.should_exit = True
        t.join(5)
    assert state == "ready" and errors == []  # the CSP lets the module and fetches through
    assert got == ["ok", "bad signature"]
