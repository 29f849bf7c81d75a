"""The meeting queue's keyboard, as a careless user drives it (issue 19, item 9).

A resolution is written only by an explicit action on the item shown: repeated Enter in the
comment box resolves that item once and never the next one with a suggestion nobody chose; Enter
on a focused control (Close meeting, the Minutes link, Sign out, Use suggestion) does what that
control does; arrow keys belong to the radio group and to scrolling. Each test reads the store,
not the page, to see what was written."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from liaison.reconcile.meeting import open_meeting
from liaison.store.schema.reconcile import discrepancy
from tests.web.conftest import add_disagreeing_jp


def _queue(sign_in: Any, live: Any, user: str = "analyst.pl") -> tuple[Any, str, int]:
    base, store = live
    add_disagreeing_jp(store)
    with store.begin() as conn:
        mid, _ = open_meeting(conn, "JP", actor="test")
    page = sign_in(user)
    page.goto(f"{base}/meetings/{mid}")
    page.wait_for_selector("#meeting[data-ready=true]")
    return page, base, mid


def _resolved(live: Any) -> list[tuple[int, str, str]]:
    """(id, resolution, comment) of every resolved discrepancy in the store."""
    _, store = live
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(discrepancy.c.id, discrepancy.c.resolution, discrepancy.c.comment)
            .where(discrepancy.c.resolution.is_not(None))
            .order_by(discrepancy.c.id)
        )
        return [(r.id, r.resolution, r.comment) for r in rows]


def _settle(page: Any) -> None:
    """Let any request the keys started reach the server before the store is read."""
    page.wait_for_timeout(400)
    page.wait_for_load_state("networkidle")


def test_repeated_enter_in_comment_resolves_only_the_item_shown(sign_in: Any, live: Any) -> None:
    page, _, _ = _queue(sign_in, live)
    first = int(page.get_attribute("#item", "data-disc"))
    page.keyboard.press("2")  # theirs
    page.keyboard.press("/")  # into the comment box
    page.keyboard.type("their report is newer")
    page.keyboard.press("Enter")
    page.wait_for_selector("#progress-text:text-is('1 / 4 resolved')")
    # the careless part: Enter again and again, then held down (auto-repeat)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.locator("#comment").focus()
    page.keyboard.press("Enter")
    page.keyboard.down("Enter")
    page.keyboard.down("Enter")
    page.keyboard.up("Enter")
    _settle(page)
    assert _resolved(live) == [(first, "theirs", "their report is newer")]
    assert page.inner_text("#progress-text") == "1 / 4 resolved"
    shown = int(page.get_attribute("#item", "data-disc"))
    assert shown != first
    # the next item offers nothing the analyst did not choose
    assert page.locator("input[name=resolution]:checked").count() == 0
    assert page.input_value("#comment") == ""
    assert "Pick a resolution" in page.inner_text("#status")
    # taking the suggestion is an explicit, visible step; only then does Enter write it
    page.locator("#item-title").click()
    page.keyboard.press("s")
    chosen = page.locator("input[name=resolution]:checked").get_attribute("value")
    assert chosen and page.input_value("#comment")
    page.keyboard.press("Enter")
    page.wait_for_selector("#progress-text:text-is('2 / 4 resolved')")
    assert [(i, r) for i, r, _ in _resolved(live)] == sorted([(first, "theirs"), (shown, chosen)])
    assert page.js_errors == []


def test_enter_on_focused_controls_never_resolves(sign_in: Any, live: Any) -> None:
    page, base, mid = _queue(sign_in, live)
    # a choice and a comment are ready, so a stray submit would certainly write something
    page.keyboard.press("1")
    page.fill("#comment", "ready but not sent")
    page.locator("#item-title").click()

    page.locator("#close-meeting").focus()
    page.keyboard.press("Enter")  # the button's own action: close, refused while items are open
    page.wait_for_selector("#status.error")
    assert "unresolved" in page.inner_text("#status")
    _settle(page)
    assert _resolved(live) == []

    page.locator("a[href$='/minutes']").first.focus()
    page.keyboard.press("Enter")  # the link's own action: open the minutes
    page.wait_for_url(f"{base}/meetings/{mid}/minutes")
    assert _resolved(live) == []

    page.go_back()
    page.wait_for_selector("#meeting[data-ready=true]")
    page.keyboard.press("1")
    page.fill("#comment", "ready but not sent")
    page.locator("#take-suggestion").focus()
    page.keyboard.press("Enter")  # the button's own action: fill in, never send
    _settle(page)
    assert _resolved(live) == []

    page.locator("header button", has_text="Sign out").focus()
    page.keyboard.press("Enter")  # sign out, nothing else
    page.wait_for_url(f"{base}/login*")
    assert _resolved(live) == []
    assert page.js_errors == []


def test_arrow_keys_move_between_radios_and_scroll(sign_in: Any, live: Any) -> None:
    page, _, _ = _queue(sign_in, live)
    page.set_viewport_size({"width": 900, "height": 300})
    shown = page.get_attribute("#item", "data-disc")
    page.locator("input[name=resolution][value=ours]").focus()
    page.keyboard.press("Space")
    assert page.is_checked("input[name=resolution][value=ours]")
    page.keyboard.press("ArrowRight")
    assert page.is_checked("input[name=resolution][value=theirs]")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name=resolution][value=neither]")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    assert page.is_checked("input[name=resolution][value=ours]")
    assert page.get_attribute("#item", "data-disc") == shown  # the queue did not move

    # on the page itself the arrows scroll, and the queue stays where it is
    page.locator("h1").click()
    page.mouse.wheel(0, -5000)
    page.wait_for_timeout(100)
    before = page.evaluate("window.scrollY")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") > before
    assert page.get_attribute("#item", "data-disc") == shown
    # j / k still move
    page.keyboard.press("j")
    assert page.get_attribute("#item", "data-disc") != shown
    assert _resolved(live) == []
    assert page.js_errors == []
