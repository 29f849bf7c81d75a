"""Browser: Japanese is drawn with the shipped web font (not empty boxes), and the layout holds
on a phone (390 × 844): navigation inside the screen, the map most of it."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import screenshot

# Draw two different kanji in a font and compare the pixels: missing glyphs are the same empty
# box (or nothing), real glyphs differ. Returns [ink pixels of each, whether they differ].
GLYPHS = """async ([font, a, b]) => {
  await document.fonts.ready;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const x = c.getContext('2d'); x.font = font; x.fillStyle = '#000'; x.textBaseline = 'top';
    x.fillText(ch, 4, 4);
    return x.getImageData(0, 0, 48, 48).data;
  };
  const p = draw(a), q = draw(b);
  let inkA = 0, inkB = 0, diff = 0;
  for (let i = 3; i < p.length; i += 4) { inkA += p[i] > 0; inkB += q[i] > 0; diff += p[i] !== q[i]; }
  return [inkA, inkB, diff];
}"""


def test_japanese_designations_are_drawn_as_glyphs(sign_in: Any, live: Any) -> None:
    base, _ = live
    page = sign_in("analyst.pl")
    page.goto(base + "/orbat/JP")
    label = page.locator("li.node .label", has_text="第1軍")
    label.wait_for()
    # the page's own font stack loads the shipped font for Japanese text …
    page.wait_for_function(
        "() => [...document.fonts].some(f => f.family.includes('Liaison JP') && f.status === 'loaded')"
    )
    font = label.evaluate(
        "e => getComputedStyle(e).fontSize + ' ' + getComputedStyle(e).fontFamily"
    )
    ink_a, ink_b, diff = page.evaluate(GLYPHS, [font, "第", "軍"])
    assert ink_a > 40 and ink_b > 40 and diff > 40, (font, ink_a, ink_b, diff)
    # … and the glyphs are the font's: the same kanji in a family that has none are boxes
    _a, _b, tofu_diff = page.evaluate(GLYPHS, ["15px 'No Such Font', monospace", "第", "軍"])
    assert diff > tofu_diff
    assert page.js_errors == []


def test_phone_layout_keeps_navigation_and_map_on_screen(sign_in: Any, live: Any) -> None:
    base, _ = live
    page = sign_in("analyst.pl")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/map")
    page.wait_for_selector(".leaflet-marker-icon.unit-symbol svg", timeout=15000)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing pushes the page sideways
    nav = page.locator("header.top nav").bounding_box()
    assert nav is not None and nav["x"] >= 0 and nav["x"] + nav["width"] <= 390
    box = page.locator("#map").bounding_box()
    assert box is not None and box["height"] >= 0.5 * 844 and box["width"] >= 370
    assert page.locator("header.top button[type=submit]").is_visible()  # sign out reachable
    screenshot(page, "map-390")
    assert page.js_errors == []
