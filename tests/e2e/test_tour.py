"""The whole tour in the browser alone, at a desktop and a phone size (issue 22): sign in, import a
picture, open a meeting and work its items, read the minutes, export, seal a pouch and open one a
partner sent, add and solve an intercept, verify a transit document — asserting what the screen
shows at each step, markings included. With LIAISON_SCREENSHOTS set each step is also saved there
(tools/screenshots.sh)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from liaison.codebreak import ciphers
from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier.pouch import add_partner_key, inspect, seal, set_policy
from liaison.evac import demo
from liaison.orbat import observe, partners
from liaison.store import Store
from tests.e2e.conftest import screenshot
from tests.web.conftest import T0, add_disagreeing_jp

PLAIN = "приказываю дивизии наступать в направлении станции коростень противник отходит на запад"
PASS = "correct horse battery staple"
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def _partner_pouch(store: Store, tmp_path: Path) -> tuple[keys.KeyPair, Path]:
    """Our PL key pair and a pouch JP sealed for us from its own store (one unit, TLP:GREEN)."""
    pl_kp, jp_kp = keys.generate("PL"), keys.generate("JP")
    with store.begin() as conn:
        add_partner_key(conn, jp_kp.public)
    jp_store = Store(f"sqlite:///{tmp_path / 'jp.db'}")
    with jp_store.begin() as conn:
        partners.add_partner(conn, "JP", "Japan", is_self=True)
        partners.add_partner(conn, "PL", "Poland")
        add_partner_key(conn, pl_kp.public)
        set_policy(conn, "PL", "GREEN")
        observe.record(
            conn, "JP", "jp-7", valid_at=T0, designation="第7師団", lat=43.0, lon=141.3,
            marking=Marking("GREEN"),
        )  # fmt: skip
        data, _ = seal(conn, jp_kp, "PL", since="all")
    jp_store.dispose()
    path = tmp_path / "jp-to-pl-1.pouch"
    path.write_bytes(data)
    return pl_kp, path


def _banner(page: Any) -> str:
    return str(page.get_attribute("#page-marking", "data-tlp"))


@pytest.mark.parametrize("size", list(SIZES))
def test_the_whole_tour(
    size: str,
    sign_in: Any,
    live: tuple[str, Store],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, store = live
    width, height = SIZES[size]
    add_disagreeing_jp(store)
    pl_kp, pouch = _partner_pouch(store, tmp_path)
    keyfile = tmp_path / "PL.key"
    keys.save_private(pl_kp, keyfile, PASS)
    monkeypatch.setenv("LIAISON_KEY_FILE", str(keyfile))
    monkeypatch.setenv("LIAISON_PASSPHRASE", PASS)
    demo.load_demo(store, tmp_path / "evac")  # issues transit documents and the trust lists
    monkeypatch.setenv("LIAISON_EVAC_TRUST_DIR", str(tmp_path / "evac" / "verify"))
    qr = (tmp_path / "evac" / "seals.txt").read_text().splitlines()[0].split("\t")[1]

    # 1. sign in
    page = sign_in("analyst.pl")
    page.set_viewport_size({"width": width, "height": height})
    page.reload()
    assert "analyst.pl · analyst · PL" in page.inner_text("header .who")

    def shot(step: str) -> None:
        screenshot(page, f"tour-{step}-{width}")

    # 2. import a picture (preview, then commit)
    src = tmp_path / "units.csv"
    src.write_text(
        "unit_id,designation,echelon,lat,lon\npl-8,8 Dywizja Piechoty,division,51.0,31.0\n",
        encoding="utf-8",
    )
    page.click("nav >> text=Import")
    page.set_input_files("#import-file", str(src))
    page.click("#import-preview")
    page.wait_for_selector("#import-confirm", state="visible")
    assert "1 new units" in page.inner_text("#import-summary")
    page.click("#import-confirm")
    page.wait_for_selector("#import-done:has-text('Imported')")
    shot("import")
    page.fill("header input[name=q]", "8 Dywizja")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-hits")
    row = page.locator("#search-hits tbody tr", has_text="8 Dywizja Piechoty")
    assert row.locator(".badge").first.inner_text().startswith("TLP:")
    assert page.is_visible("#page-marking")

    # 3. open a meeting with JP and work an item, then the rest, and close it
    page.click("nav >> text=Meetings")
    page.select_option("select[name=theirs]", "JP")
    page.click("text=Open meeting")
    page.wait_for_selector("#meeting[data-ready=true]")
    # JP's four disagreements, and the division just imported that JP does not report
    assert page.inner_text("#progress-text") == "0 / 5 resolved"
    rows = page.locator("#worklist-table tbody tr")
    assert rows.count() == 5
    for i in range(5):  # every worklist row carries its marking
        assert rows.nth(i).locator(".badge").first.inner_text().startswith("TLP:")
    assert _banner(page) in ("GREEN", "AMBER")
    rows.nth(1).locator("button").click()
    assert "(2 of 5)" in page.inner_text("#item-title")
    page.check("input[name=resolution][value=theirs]")
    page.fill("#comment", "their report is newer")
    page.click("#resolve-form button[type=submit]")
    page.wait_for_selector("#progress-text:text-is('1 / 5 resolved')")
    shot("meeting")
    for n in (2, 3, 4, 5):
        page.locator("#item-title").click()
        page.keyboard.press("s")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#progress-text:text-is('{n} / 5 resolved')")
    page.click("#close-meeting")

    # 4. the minutes
    page.wait_for_url(base + "/meetings/*/minutes")
    minutes = page.inner_text("article.minutes")
    assert "Minutes of liaison meeting" in minutes and "their report is newer" in minutes
    shot("minutes")

    # 5. export: each picture with its highest marking, a CSV download carrying the import
    page.click("nav >> text=Exports")
    assert "TLP:" in page.inner_text("#export-PL")
    assert _banner(page) in ("GREEN", "AMBER")
    page.select_option("#picture-export select[name=partner]", "PL")
    page.select_option("#picture-export select[name=format]", "csv")
    with page.expect_download() as dl:
        page.click("#picture-export button[type=submit]")
    rows_csv = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text("utf-8-sig"))))
    assert "8 Dywizja Piechoty" in {r["designation"] for r in rows_csv}
    # the table of export links fits the screen (on a phone its format links wrap in one cell)
    right = page.evaluate(
        "() => { const t = document.getElementById('export-links');"
        " return t.getBoundingClientRect().left + t.scrollWidth; }"
    )
    assert right <= width + 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
    shot("exports")

    # 6. pouches: seal for JP, then open the pouch JP sent us
    page.click("nav >> text=Pouches")
    assert "REL TO JP" in page.inner_text("#pouch-partner-JP")
    page.select_option("#pouch-seal select[name=to]", "JP")
    page.select_option("#pouch-seal select[name=since]", "all")
    with page.expect_download() as dl:
        page.click("#pouch-seal button[type=submit]")
    info = inspect(Path(dl.value.path()).read_bytes())
    assert (info["from"], info["to"], info["seq"]) == ("PL", "JP", 1)
    page.set_input_files("#pouch-open input[name=file]", str(pouch))
    page.click("#pouch-open button[type=submit]")
    page.wait_for_selector("#pouch-opened")
    assert "Pouch #1 from JP: 1 units" in page.inner_text("#pouch-opened")
    assert "#1" in page.inner_text("#pouch-partner-JP")  # the ledger now shows both directions
    shot("pouches")

    # 7. an intercept: add, solve, see the solution; the list shows its marking
    page.click("nav >> text=Intercepts")
    page.fill("#intercept-add textarea[name=ciphertext]", ciphers.caesar(PLAIN, 3, "ru"))
    page.select_option("#intercept-add select[name=language]", "ru")
    page.fill("#intercept-add input[name=station]", "Wilno")
    page.fill("#intercept-add input[name=marking]", "TLP:RED")
    page.click("#intercept-add button[type=submit]")
    page.wait_for_selector("#no-solution")
    assert "stored intercept PL/I00001" in page.inner_text("[role=status]")
    assert _banner(page) == "RED" and "TLP:RED" in page.inner_text("h1")
    page.fill("#intercept-solve input[name=budget]", "5")
    page.click("#intercept-solve button[type=submit]")
    page.wait_for_selector("#solutions")
    assert page.inner_text("#solutions").count("ПРИКАЗЫВАЮДИВИЗИИ") == 1
    # ciphertext and solution wrap inside the screen (a 5-letter-group line or an unspaced
    # plaintext must not run off a phone's edge)
    widest = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('pre')].map("
        "e => e.getBoundingClientRect().left + e.scrollWidth))"
    )
    assert widest <= width + 1
    shot("intercept")
    page.click("nav >> text=Intercepts")
    assert "TLP:RED" in page.inner_text("#intercept-PL-I00001") and _banner(page) == "RED"

    # 8. verify a transit document in the public verifier
    page.goto(base + "/evac/verify")
    page.wait_for_function("() => document.body.dataset.ready", timeout=15000)
    assert page.get_attribute("#trust-status", "data-state") == "ready"
    page.fill("#seal-text", qr)
    page.fill("#check-date", "1940-08-05")
    page.click("#verify-button")
    page.wait_for_function("() => document.getElementById('verdict').dataset.reason")
    assert page.get_attribute("#verdict", "data-reason") == "ok"
    assert page.is_visible("#verdict")
    shot("verify")
    # nothing overflows the screen sideways on any step's last page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
    assert page.js_errors == []  # type: ignore[attr-defined]
