"""Right-to-left lines for the PDF: hand-worked UAX #9 cases, and Chromium's layout as an
independent reference for the display order (skipped, saying so, without Chromium)."""

from __future__ import annotations

import json
import shutil

import pytest

from liaison.evac import bidi, documents

CASES = {
    "רחל שפירא": "אריפש לחר",  # all Hebrew: words and letters reversed
    "שפירא, רחל": "לחר ,אריפש",  # the comma stays after the surname, visually on its left
    "Name: רחל שפירא": "Name: אריפש לחר",  # an RTL run inside LTR text is reversed as a whole
    "רחוב 15": "15 בוחר",  # numbers keep their own order
    'ת"א 1940-08-01': '1940-08-01 א"ת',  # a date is one number (W4)
    "שפירא (כהן)": "(ןהכ) אריפש",  # brackets are mirrored (L4)
    "Born 1921 in תל אביב": "Born 1921 in ביבא לת",
    "בן-דוד": "דוד-ןב",
    "פּאַ": "אַפּ",  # Yiddish pointed letters: marks stay after their base (L3)
    "Szapiro": "Szapiro",
    "": "",
}


@pytest.mark.parametrize("text", list(CASES))
def test_visual_order(text: str) -> None:
    assert bidi.visual(text) == CASES[text]
    assert documents.visual_order(text) == CASES[text]


def test_paragraph_direction() -> None:
    assert bidi.base_level("רחל Szapiro") == 1 and bidi.base_level("Szapiro רחל") == 0
    assert bidi.base_level("1940") == 0 and bidi.base_level("1940", "rtl") == 1
    assert bidi.visual("abc", "rtl") == "abc"


def test_pdf_with_hebrew_name_renders() -> None:
    from datetime import date

    from liaison.evac import numbers, registry, seal

    iss = seal.Issuer.generate("JP-KAUNAS", "קונסוליה")
    person = registry.Person("1", "שפירא", "רחל", date(1912, 3, 4))
    block = numbers.allocate(["KAU"], 10)["KAU"]
    (doc,) = documents.issue([person], iss, block, ["Kaunas"], date(1940, 8, 1), date(1940, 9, 1))
    pdf = documents.render_pdf(doc, iss.name)
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf


BROWSER_CASES = [
    "רחל שפירא",
    "שפירא, רחל",
    "Name: רחל שפירא",
    "רחוב 15",
    'ת"א 1940-08-01',
    "Born 1921 in תל אביב",
    "בן-דוד 3 Kaunas",
    "Moscow → ולדיווסטוק → Tsuruga",
    "אברהם לוין, 1898-05-05, Vilnius",
    "2,139 ויזות",
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed (apt-get install chromium): browser check skipped",
)
def test_display_order_matches_chromium() -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: browser check skipped"
    )
    js = """(texts) => texts.map((t) => {
      const d = document.createElement('div');
      d.dir = 'auto'; d.style.whiteSpace = 'pre'; d.style.font = '20px monospace';
      d.textContent = t; document.body.append(d);
      const node = d.firstChild, xs = [];
      for (let i = 0; i < t.length; i++) {
        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
        xs.push([r.getBoundingClientRect().left, i]);
      }
      return xs.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]);
    })"""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content("<!doctype html><meta charset=utf-8><body></body>")
        got = page.evaluate(js, BROWSER_CASES)
        browser.close()
    for text, order in zip(BROWSER_CASES, got, strict=True):
        assert bidi.reorder(text) == order, json.dumps(text, ensure_ascii=False)


def test_reorder_is_a_permutation_for_any_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(
        list("אבגדהוזחטשת abc XYZ 0123456789 -+.,:/()%$#\u05b7\u05bc\u0627\u0661\t")
    )

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, max_size=30))
    def check(text: str) -> None:
        order = bidi.reorder(text)
        assert sorted(order) == list(range(len(text)))
        assert len(bidi.visual(text)) == len(text)

    check()
