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


def test_back_after_sign_out_shows_no_data(sign_in: Any, live: Any) -> None:
    """Pages are `Cache-Control: no-store`: Back after signing out asks the server again, which
    sends the browser to sign-in, instead of showing the dashboard from the cache (issue 19)."""
    base, _ = live
    page = sign_in("admin.pl")
    page.goto(base + "/orbat/PL")
    assert "2 Dywizja" in page.content()
    page.click("text=Sign out")
    page.wait_for_url(base + "/login")
    page.go_back()
    page.wait_for_load_state()
    assert "2 Dywizja" not in page.content()
    assert page.url.startswith(base + "/login")


def test_navigation_offers_only_what_opens(sign_in: Any, live: Any) -> None:
    """A partner's viewer sees only the links it may open, and each one opens; an unknown page is
    an HTML error page, not raw JSON."""
    base, _ = live
    page = sign_in("viewer.jp")
    links = page.eval_on_selector_all("header nav a", "els => els.map(e => e.getAttribute('href'))")
    for hidden in ("/import", "/meetings", "/alerts", "/admin/users", "/admin/audit", "/train"):
        assert hidden not in links
    for href in links:
        resp = page.goto(base + href)
        assert resp is not None and resp.status == 200, href
    resp = page.goto(base + "/meetings")
    assert resp is not None and resp.status == 404
    assert "404 · Not found" in page.inner_text("h1")
    assert page.js_errors == []
