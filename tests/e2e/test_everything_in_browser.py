"""The browser alone: add and solve an intercept, download a STIX bundle, seal a pouch — through
the navigation and forms (CSRF tokens included), asserting what the screen shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from liaison.codebreak import ciphers
from liaison.courier import keys
from liaison.courier.pouch import add_partner_key, inspect
from liaison.store import Store

PLAIN = "приказываю дивизии наступать в направлении станции коростень противник отходит на запад"
PASS = "correct horse battery staple"


def test_intercept_stix_and_pouch_in_the_browser(
    sign_in: Any, live: tuple[str, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyfile = tmp_path / "PL.key"
    keys.save_private(keys.generate("PL"), keyfile, PASS)
    monkeypatch.setenv("LIAISON_KEY_FILE", str(keyfile))
    monkeypatch.setenv("LIAISON_PASSPHRASE", PASS)
    with live[1].begin() as conn:
        add_partner_key(conn, keys.generate("JP").public)
    page = sign_in("analyst.pl")

    page.click("nav >> text=Intercepts")
    page.fill("#intercept-add textarea[name=ciphertext]", ciphers.caesar(PLAIN, 3, "ru"))
    page.select_option("#intercept-add select[name=language]", "ru")
    page.fill("#intercept-add input[name=station]", "Wilno")
    page.click("#intercept-add button[type=submit]")
    page.wait_for_selector("#no-solution")
    assert "stored intercept PL/I00001" in page.inner_text("[role=status]")
    page.fill("#intercept-solve input[name=budget]", "5")
    page.click("#intercept-solve button[type=submit]")
    page.wait_for_selector("#solutions")
    assert page.inner_text("#solutions").count("ПРИКАЗЫВАЮДИВИЗИИ") == 1
    assert "caesar" in page.inner_text("#solutions")

    page.click("nav >> text=Exports")
    with page.expect_download() as dl:
        page.click("#stix-export button[type=submit]")
    bundle = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert bundle["type"] == "bundle" and dl.value.suggested_filename == "stix-for-jp.json"

    page.click("nav >> text=Pouches")
    page.select_option("#pouch-seal select[name=to]", "JP")
    page.select_option("#pouch-seal select[name=since]", "all")
    with page.expect_download() as dl:
        page.click("#pouch-seal button[type=submit]")
    info = inspect(Path(dl.value.path()).read_bytes())
    assert (info["from"], info["to"], info["seq"]) == ("PL", "JP", 1)
    assert page.js_errors == []  # type: ignore[attr-defined]
