"""A real browser works the meeting: open it, resolve with the keyboard, watch progress, close it
and read the minutes. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import screenshot
from tests.web.conftest import add_disagreeing_jp


def test_meeting_queue_keyboard_close_and_minutes(sign_in: Any, live: Any) -> None:
    base, store = live
    add_disagreeing_jp(store)
    page = sign_in("analyst.pl")
    page.goto(base + "/meetings")
    page.select_option("select[name=theirs]", "JP")
    page.click("text=Open meeting")
    page.wait_for_selector("#meeting[data-ready=true]")
    assert page.inner_text("#progress-text") == "0 / 4 resolved"
    first = page.get_attribute("#item", "data-disc")
    assert "(1 of 4)" in page.inner_text("#item-title")
    # both sides' facts side by side
    assert page.locator("#facts tr").count() >= 10
    screenshot(page, "meeting-queue")

    # keyboard: next and back, then 2 = theirs, a comment, Enter
    page.keyboard.press("j")
    assert page.get_attribute("#item", "data-disc") != first
    page.keyboard.press("k")
    assert page.get_attribute("#item", "data-disc") == first
    page.keyboard.press("2")
    assert page.is_checked("input[name=resolution][value=theirs]")
    page.fill("#comment", "their report is newer")
    page.keyboard.press("Enter")
    page.wait_for_selector("#progress-text:text-is('1 / 4 resolved')")  # (CSP: no eval)
    assert page.get_attribute("#progress", "value") == "1"
    assert page.get_attribute("#item", "data-disc") != first  # moved on to the next open one
    screenshot(page, "meeting-resolved-one")

    # the rest: take the suggestion (s: an explicit step, never pre-filled) and Enter, from the
    # page (not the textarea)
    for n in (2, 3, 4):
        page.locator("#item-title").click()
        page.keyboard.press("s")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#progress-text:text-is('{n} / 4 resolved')")
    page.click("#close-meeting")
    page.wait_for_url(base + "/meetings/*/minutes")
    text = page.inner_text("article.minutes")
    assert "Minutes of liaison meeting" in text and "their report is newer" in text
    assert page.locator("article.minutes table").count() >= 2
    assert page.locator("#draft").count() == 0
    screenshot(page, "minutes")
    assert page.js_errors == []


def test_viewer_sees_queue_read_only(sign_in: Any, live: Any) -> None:
    base, store = live
    add_disagreeing_jp(store)
    from liaison.reconcile.meeting import open_meeting

    with store.begin() as conn:
        mid, _ = open_meeting(conn, "JP", actor="test")
    page = sign_in("viewer.pl")
    page.goto(f"{base}/meetings/{mid}")
    page.wait_for_selector("#meeting[data-ready=true]")
    assert page.locator("#resolve-form").count() == 0
    page.keyboard.press("j")
    assert "(2 of 4)" in page.inner_text("#item-title")
    assert "Read only" in page.inner_text("#status")
    assert page.js_errors == []
