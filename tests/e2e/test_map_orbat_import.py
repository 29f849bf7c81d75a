"""Browser: the map draws milsymbol symbols, a unit's history opens on click, the ORBAT tree
renders and collapses, and an import with a bad row shows the row's line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import screenshot


def test_map_draws_symbols_and_opens_history(sign_in: Any, live: Any) -> None:
    base, _ = live
    page = sign_in("analyst.pl")
    page.goto(base + "/map")
    page.wait_for_selector(".leaflet-marker-icon.unit-symbol svg", timeout=15000)
    page.wait_for_selector("body[data-symbols]")
    drawn = int(page.get_attribute("body", "data-symbols") or 0)
    covered = int(page.get_attribute("body", "data-covered") or 0)
    assert drawn + covered == 5  # three PL, one JP, one US unit
    assert page.locator(".leaflet-marker-icon.unit-symbol svg").count() == drawn
    # zoomed in on the two PL units 13 km apart, nothing covers anything
    page.evaluate("() => document.getElementById('mapview').liaisonMap.setView([49.95, 36.25], 10)")
    page.wait_for_selector("body[data-covered='0']")
    assert page.locator(".leaflet-marker-icon.unit-symbol svg").count() == 5
    page.wait_for_selector(
        "path.leaflet-interactive, .leaflet-overlay-pane svg path", state="attached"
    )
    screenshot(page, "map")
    page.select_option("#f-echelon", "army")
    page.wait_for_selector("body[data-symbols='3']")
    page.select_option("#f-echelon", "")
    page.uncheck("input.f-partner[value=US]")
    page.wait_for_selector("body[data-symbols='4']")
    page.locator(".leaflet-marker-icon[title='PL 3 Brygada Pancerna']").click()
    page.wait_for_selector("#unit-history tbody tr")
    assert "KOMAR" in page.inner_text("#unit-panel")
    page.fill("#f-time", "0")
    page.dispatch_event("#f-time", "input")
    page.wait_for_selector("#f-time-label:has-text('as of')")
    assert page.js_errors == []


def test_map_for_a_partner_user_shows_only_released(sign_in: Any, live: Any) -> None:
    base, _ = live
    page = sign_in("viewer.jp")
    page.goto(base + "/map")
    page.wait_for_selector(".leaflet-marker-icon.unit-symbol svg", timeout=15000)
    page.evaluate("() => document.getElementById('mapview').liaisonMap.setView([50.2, 33.4], 7)")
    page.wait_for_selector("body[data-covered='0']", state="attached")
    titles = page.eval_on_selector_all(
        ".leaflet-marker-icon.unit-symbol", "els => els.map(e => e.title).sort()"
    )
    assert titles == ["JP 第1軍", "PL 1 Armia", "PL 3 Brygada Pancerna"]
    assert page.js_errors == []


def test_orbat_tree(sign_in: Any, live: Any) -> None:
    base, _ = live
    page = sign_in("viewer.pl")
    page.goto(base + "/orbat/PL")
    page.wait_for_selector("li.node[data-unit=pl-3]")
    assert page.locator("#orbat-tree .unit-symbol svg").count() == 3
    # each unit with its marking, the banner with the highest (pl-2 is AMBER REL TO PL)
    marks = page.locator("li.node[data-unit=pl-2] > .marks").inner_text()
    assert "TLP:AMBER" in marks and "REL TO PL" in marks
    assert page.get_attribute("#page-marking", "data-tlp") == "AMBER"
    assert page.is_visible("li.node[data-unit=pl-3]")
    page.click("li.node[data-unit=pl-1] > .toggle")
    assert not page.is_visible("li.node[data-unit=pl-3]")
    screenshot(page, "orbat")
    assert page.js_errors == []


def test_import_with_an_error_is_reported(sign_in: Any, live: Any, tmp_path: Path) -> None:
    base, _ = live
    bad = tmp_path / "units.csv"
    bad.write_text(
        "unit_id,designation,echelon,lat,lon\npl-8,8 Dywizja,division,51.0,31.0\n"
        "pl-7,7 Dywizja,division,95.0,31.0\n",
        encoding="utf-8",
    )
    page = sign_in("analyst.pl")
    page.goto(base + "/import")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-preview")
    page.wait_for_selector("#import-errors tbody tr")
    cells = page.locator("#import-errors tbody tr").first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "lat"
    assert not page.is_visible("#import-confirm")
    screenshot(page, "import-error")
    good = tmp_path / "good.csv"
    good.write_text("unit_id,designation,echelon,lat,lon\npl-8,8 Dywizja,division,51.0,31.0\n")
    page.set_input_files("#import-file", str(good))
    page.click("#import-preview")
    page.wait_for_selector("#import-confirm", state="visible")
    assert "1 new units" in page.inner_text("#import-summary")
    page.click("#import-confirm")
    page.wait_for_selector("#import-done:has-text('Imported')")
    assert page.js_errors == []
