"""Browser tests for the meeting both sides hold (issue 21): JP's analyst works PL's meeting in
JP's own web app (a second server on its own store, pouches between the two stores), and the
agreed picture appears on PL's map as a third picture. Screenshots go to test-artifacts/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier import meetings as cm
from liaison.courier.pouch import add_partner_key, open_file, seal, set_policy
from liaison.orbat import observe
from liaison.orbat.partners import add_partner
from liaison.reconcile import meeting as mt
from liaison.store import Store
from liaison.web import auth
from tests.e2e.conftest import _free_port, screenshot
from tests.web.conftest import PASSWORD, T0


def _serve(store: Store) -> Iterator[str]:
    import uvicorn

    from liaison.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


class Pair:
    """PL's store (the web-test world, served by `live`) and JP's own store and server."""

    def __init__(self, pl_store: Store, jp_store: Store) -> None:
        self.pl, self.jp = pl_store, jp_store
        self.pl_kp, self.jp_kp = keys.generate("PL"), keys.generate("JP")
        with jp_store.begin() as conn:
            add_partner(conn, "JP", "Japan", is_self=True, language="ja")
            add_partner(conn, "PL", "Poland", language="pl")
            auth.add_user(conn, "analyst.jp", PASSWORD, "analyst", "JP", actor="test")
            green = Marking("GREEN")
            observe.record(
                conn, "JP", "jp-1", valid_at=T0, marking=green, designation="第1軍",
                echelon="army", branch="infantry", lat=48.0, lon=34.0, strength=50000,
            )  # fmt: skip
            observe.record(
                conn, "JP", "jp-3", valid_at=T0, marking=green, designation="第3戦車旅団",
                echelon="brigade", branch="armour", lat=49.9, lon=36.3, strength=3000,
            )  # fmt: skip
            set_policy(conn, "PL", "GREEN")
            add_partner_key(conn, self.jp_kp.public)
            add_partner_key(conn, self.pl_kp.public)
        with pl_store.begin() as conn:
            observe.record(
                conn, "PL", "pl-3", valid_at=T0, marking=Marking("GREEN"),
                designation="3 Brygada Pancerna", echelon="brigade", branch="armour",
                parent_id="pl-2", lat=49.9, lon=36.3, strength=1500,
            )  # fmt: skip
            add_partner_key(conn, self.pl_kp.public)
            add_partner_key(conn, self.jp_kp.public)

    def to_jp(self) -> dict[str, Any]:
        with self.pl.begin() as conn:
            data = seal(conn, self.pl_kp, "JP")[0]
        return open_file(self.jp, [self.jp_kp], data)

    def to_pl(self) -> dict[str, Any]:
        with self.jp.begin() as conn:
            data = seal(conn, self.jp_kp, "PL")[0]
        return open_file(self.pl, [self.pl_kp], data)

    def open_meeting(self) -> str:
        self.to_jp()
        self.to_pl()
        with self.pl.begin() as conn:
            mid, _ = cm.open_shared(conn, "JP", actor="analyst.pl")
            ref = cm.by_ref(conn, f"PL/{mid}").ref
        assert self.to_jp()["items"]["meetings"] == 1
        return str(ref)


@pytest.fixture
def pair(live: Any, tmp_path: Path) -> Iterator[tuple[Pair, str]]:
    _, pl_store = live
    jp_store = Store(f"sqlite:///{tmp_path / 'jp-live.db'}")
    p = Pair(pl_store, jp_store)
    for base in _serve(jp_store):
        yield p, base
    jp_store.dispose()


def _sign_in(page: Any, base: str, user: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_partner_analyst_works_the_shared_queue(page: Any, pair: Any) -> None:
    p, jp_base = pair
    ref = p.open_meeting()
    with p.jp.connect() as conn:
        m = cm.by_ref(conn, ref)
        raised = [d for d in mt.list_discrepancies(conn, m.id) if not d["settled"]]
    assert m.shared == "joined" and raised
    _sign_in(page, jp_base, "analyst.jp")  # JP's own web app, JP's own analyst
    page.goto(jp_base + "/meetings")
    assert ref in page.inner_text("body") or page.locator(f"a[href='/meetings/{m.id}']").count()
    page.goto(f"{jp_base}/meetings/{m.id}")
    page.wait_for_selector("#meeting[data-ready=true]")
    assert f"meeting {ref}, hosted by PL" in page.inner_text("#shared-line")
    n = len(raised)
    assert page.inner_text("#progress-text") == f"0 / {n} resolved"
    assert page.inner_text("#sides-text") == f"PL: 0 / {n} · agreed 0 · disputed 0"
    assert page.inner_text("#partner-line") == "PL: no position yet"
    screenshot(page, "joint-meeting-jp-queue")
    for i in range(1, n + 1):
        page.locator("#item-title").click()
        page.keyboard.press("1")  # ours: JP holds its own report
        page.fill("#comment", "JP's report stands")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#progress-text:text-is('{i} / {n} resolved')")
    # JP's positions travel to PL in JP's next pouch
    assert p.to_pl()["items"]["positions"] == n
    with p.pl.connect() as conn:
        items = mt.list_discrepancies(conn, cm.by_ref(conn, ref).id)
    assert {d["partner_position"] for d in items if not d["settled"]} == {"theirs"}
    assert {d["state"] for d in items if not d["settled"]} == {"awaiting"}
    # PL disagrees on one item; its position travels back and JP's page shows the dispute
    with p.pl.begin() as conn:
        first = next(d for d in items if not d["settled"])
        mt.resolve(conn, first["id"], "ours", "PL's report stands", actor="analyst.pl")
    assert p.to_jp()["items"]["positions"] == 1
    page.reload()
    page.wait_for_selector("#meeting[data-ready=true]")
    assert page.inner_text("#sides-text") == f"PL: 1 / {n} · agreed 0 · disputed 1"
    screenshot(page, "joint-meeting-jp-dispute")
    assert page.js_errors == []


def test_agreed_picture_on_the_map(page: Any, pair: Any, live: Any) -> None:
    p, _ = pair
    pl_base, _ = live
    ref = p.open_meeting()
    for store, who in ((p.jp, "JP"), (p.pl, "PL")):
        with store.begin() as conn:
            mid = cm.by_ref(conn, ref).id
            for d in mt.list_discrepancies(conn, mid):
                if not d["settled"]:
                    # both accept JP's report of the brigade and PL's of the army
                    jp_unit = d["ours"] if who == "JP" else d["theirs"]
                    pick = "ours" if (jp_unit == "jp-3") == (who == "JP") else "theirs"
                    mt.resolve(conn, d["id"], pick, "agreed at the table", actor=who)
        if who == "JP":
            p.to_pl()
    with p.pl.begin() as conn:
        closed = cm.close(conn, cm.by_ref(conn, ref).id, actor="analyst.pl")
    p.to_jp()
    p.to_pl()
    with p.pl.connect() as conn:
        sigs = cm.signatures(conn, closed["meeting"])
    assert {(s["partner"], s["status"]) for s in sigs} == {("PL", "verified"), ("JP", "verified")}
    _sign_in(page, pl_base, "analyst.pl")
    page.goto(pl_base + "/map")
    page.wait_for_selector("body[data-symbols]", state="attached", timeout=15000)
    assert page.js_errors == []
    assert page.locator(".f-partner[value=AGREED]").count() == 1
    assert "AGREED" in page.inner_text("#map-legend")
    for box in page.locator(".f-partner").all():  # only the agreed picture
        if box.get_attribute("value") != "AGREED":
            box.uncheck()
    page.wait_for_function(
        "document.querySelectorAll('.unit-symbol').length > 0 && "
        "document.querySelectorAll('.unit-symbol').length === "
        "document.querySelectorAll('.agreed-symbol').length"
    )
    # every agreed unit is drawn or counted on the symbol covering it (the map declutters)
    drawn = int(page.evaluate("document.body.dataset.symbols"))
    covered = sum(
        int(t.strip("+") or 0) for t in page.locator(".agreed-symbol .covered").all_inner_texts()
    )
    assert drawn + covered == closed["agreed_units"] > 0
    for _ in range(6):  # a click on a symbol covering others zooms in first
        page.locator(".agreed-symbol").first.dispatch_event("click")
        if page.locator("#agreed-notes").count():
            break
        page.wait_for_timeout(300)
    page.wait_for_selector("#agreed-notes")
    assert f"meeting {ref}" in page.inner_text("#agreed-notes")
    screenshot(page, "agreed-picture-map")
    assert page.js_errors == []
