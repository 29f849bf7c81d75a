"""A real browser signs in through the form, sees the dashboard, and signs out."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import screenshot


def test_sign_in_and_out_in_a_browser(sign_in: Any, live: Any) -> None:
    base, _ = live
    page = sign_in("analyst.pl")
    assert "analyst.pl" in page.inner_text("header")
    screenshot(page, "dashboard")
    page.click("text=Sign out")
    page.wait_for_url(base + "/login")
    assert page.js_errors == []
