"""A real browser reviews open-source candidates with the keyboard: the document beside the
candidate with its mentions highlighted; keys do nothing while a field has the focus; a decision
applies to the candidate shown. Screenshot to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import screenshot
from tests.web.test_osint_web import add_osint


def test_review_with_the_keyboard(sign_in: Any, live: Any, tmp_path: Path) -> None:
    base, store = live
    add_osint(store, tmp_path / "in")
    page = sign_in("analyst.pl")
    page.goto(base + "/osint")
    page.wait_for_selector("#osint[data-ready=true]")
    first = page.get_attribute("#osint", "data-shown")
    assert page.locator("#documents mark.this").count() >= 1
    assert "(1 of " in page.inner_text("#cand-title")
    screenshot(page, "osint-review")
    page.keyboard.press("j")
    page.wait_for_selector(f"#osint:not([data-shown='{first}'])")  # (CSP: no eval)
    second = page.get_attribute("#osint", "data-shown")
    page.keyboard.press("k")
    page.wait_for_selector(f"#osint[data-shown='{first}']")
    # typing in a field is typing, not a decision
    page.click("#f-comment")
    page.keyboard.type("a reasoned comment")
    page.keyboard.press("Escape")
    assert page.input_value("#f-comment") == "a reasoned comment"
    assert "pending 2" in page.inner_text("#counts")
    page.keyboard.press("a")
    page.wait_for_selector("#status:has-text('Accepted')")
    # the counts are fetched again after the decision: wait for them, don't race them
    page.wait_for_selector("#counts:has-text('accepted 1')")
    assert "pending 1" in page.inner_text("#counts")
    assert page.get_attribute("#osint", "data-shown") == second
    page.keyboard.press("r")
    page.wait_for_selector("#status:has-text('Rejected')")
    page.wait_for_selector("#counts:has-text('rejected 1')")
    from liaison.osint import review

    with store.connect() as conn:
        decided = {c["id"]: c for c in review.list_candidates(conn, status="all")}
    assert decided[first]["status"] == "accepted" and decided[first]["decided_by"] == "analyst.pl"
    assert decided[second]["status"] == "rejected"
    assert page.js_errors == []
