"""The meeting API and pages: open, the queue with both sides' facts, resolve, close, minutes,
alerts — with roles (viewers read only) and scoping (only the home partner's users see meetings)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from liaison.store import audit
from tests.web.conftest import Web


def _open(web: Web) -> tuple[Any, int]:
    c = web.login("analyst.pl")
    r = c.post("/api/v1/meetings", json={"theirs": "jp"})
    assert r.status_code == 201, r.text
    return c, r.json()["id"]


def test_open_list_and_summary(meet_web: Web) -> None:
    c, mid = _open(meet_web)
    listed = c.get("/api/v1/meetings").json()
    assert [m["id"] for m in listed] == [mid]
    m = c.get(f"/api/v1/meetings/{mid}").json()
    assert (m["ours"], m["theirs"], m["status"]) == ("PL", "JP", "open")
    assert m["progress"] == {"resolved": 0, "total": 4, "open": 4}
    assert m["by_kind"]["location"] == 1
    # a second open meeting with the same partner is a conflict, with a message
    again = c.post("/api/v1/meetings", json={"theirs": "JP"})
    assert again.status_code == 409 and "already open" in again.json()["detail"]
    assert c.post("/api/v1/meetings", json={"theirs": "XX"}).status_code == 404
    assert c.post("/api/v1/meetings", json={"theirs": "PL"}).status_code == 422


def test_discrepancies_side_by_side(meet_web: Web) -> None:
    c, mid = _open(meet_web)
    page = c.get(f"/api/v1/meetings/{mid}/discrepancies").json()
    assert page["total"] == 4 and len(page["items"]) == 4
    loc = next(d for d in page["items"] if d["kind"] == "location")
    assert loc["ours_facts"]["place"] == "Kijów"
    assert loc["theirs_facts"]["place"] == "Czernihów"
    assert loc["theirs_facts"]["source"] == "SAKURA"
    assert loc["theirs_facts"]["reliability"] == "C"
    assert loc["severity"] and loc["suggested"]["resolution"] in (
        "ours",
        "theirs",
        "neither",
        "defer",
    )
    assert "km apart" in loc["summary"]
    only = [d for d in page["items"] if d["kind"] == "only_theirs"]
    assert only and all(d["ours_facts"] is None and d["theirs_facts"] for d in only)
    kinds = c.get(f"/api/v1/meetings/{mid}/discrepancies?kind=only_theirs").json()
    assert kinds["total"] == 2
    assert c.get(f"/api/v1/meetings/{mid}/discrepancies?kind=bogus").status_code == 422
    assert c.get(f"/api/v1/meetings/{mid}/discrepancies?status=weird").status_code == 422
    one = c.get(f"/api/v1/meetings/{mid}/discrepancies/{loc['id']}").json()
    assert one["id"] == loc["id"] and one["ours_facts"] == loc["ours_facts"]
    assert c.get(f"/api/v1/meetings/{mid}/discrepancies/99999").status_code == 404
    assert c.get("/api/v1/meetings/99999").status_code == 404


def test_resolve_progress_and_bad_values(meet_web: Web) -> None:
    c, mid = _open(meet_web)
    items = c.get(f"/api/v1/meetings/{mid}/discrepancies?status=open").json()["items"]
    did = items[0]["id"]
    url = f"/api/v1/meetings/{mid}/discrepancies/{did}/resolve"
    bad = c.post(url, json={"resolution": "maybe", "comment": "x"})
    assert bad.status_code == 422 and "ours, theirs, neither, defer" in bad.json()["detail"]
    empty = c.post(url, json={"resolution": "ours", "comment": "  "})
    assert empty.status_code == 422 and "comment" in empty.json()["detail"]
    assert c.post(url, json={"comment": "no resolution"}).status_code == 422
    r = c.post(url, json={"resolution": "theirs", "comment": "their SIGINT is newer"})
    assert r.status_code == 200, r.text
    assert r.json()["progress"] == {"resolved": 1, "total": 4, "open": 3}
    page = c.get(f"/api/v1/meetings/{mid}/discrepancies?status=resolved").json()
    assert [(d["id"], d["resolution"], d["resolved_by"]) for d in page["items"]] == [
        (did, "theirs", "analyst.pl")
    ]
    assert c.get(f"/api/v1/meetings/{mid}/discrepancies?status=open").json()["total"] == 3
    # a changed resolution states the one it replaces, and shows at once (the queue's cached page
    # follows every resolution)
    change = {"resolution": "ours", "comment": "on reflection", "replaces": "theirs"}
    assert c.post(url, json=change).status_code == 200
    page = c.get(f"/api/v1/meetings/{mid}/discrepancies?status=resolved").json()
    assert [(d["resolution"], d["comment"]) for d in page["items"]] == [("ours", "on reflection")]
    # a discrepancy of another meeting is not reachable through this one
    assert (
        c.post(
            f"/api/v1/meetings/{mid + 1}/discrepancies/{did}/resolve",
            json={"resolution": "ours", "comment": "x"},
        ).status_code
        == 404
    )
    with meet_web.store.connect() as conn:
        acts = [e["action"] for e in audit.entries(conn, limit=20)]
    assert "discrepancy.resolve" in acts and "meeting.open" in acts


def test_resolve_refuses_a_repeat_or_a_stale_screen_with_409(meet_web: Web) -> None:
    """Issue 19 item 9, server side: the request says what the analyst saw; a repeated submit of
    the same item, or a decision taken on a screen that is no longer true, writes nothing."""
    c, mid = _open(meet_web)
    other = meet_web.login("admin.pl")
    items = c.get(f"/api/v1/meetings/{mid}/discrepancies?status=open").json()["items"]
    did, nxt = items[0]["id"], items[1]["id"]
    url = f"/api/v1/meetings/{mid}/discrepancies/{did}/resolve"
    first = {"resolution": "theirs", "comment": "their SIGINT is newer"}
    assert c.post(url, json=first).status_code == 200
    # the same submit again (double Enter, a retried request): refused, with a message
    again = c.post(url, json={**first, "comment": "pressed twice"})
    assert again.status_code == 409
    assert f"discrepancy {did} is already resolved" in again.json()["detail"]
    assert "'theirs' by analyst.pl" in again.json()["detail"]
    # null says "it was open when I saw it": the same as leaving it out
    assert c.post(url, json={**first, "replaces": None}).status_code == 409
    # another analyst's change in between makes an older screen stale
    moved = {"resolution": "defer", "comment": "ask them", "replaces": "theirs"}
    assert other.post(url, json=moved).status_code == 200
    stale = c.post(url, json={"resolution": "ours", "comment": "x", "replaces": "theirs"})
    assert stale.status_code == 409 and "now resolved 'defer' by admin.pl" in stale.json()["detail"]
    # an open item cannot be "changed" from a resolution it never had
    nurl = f"/api/v1/meetings/{mid}/discrepancies/{nxt}/resolve"
    ghost = c.post(nurl, json={"resolution": "ours", "comment": "x", "replaces": "theirs"})
    assert ghost.status_code == 409 and f"discrepancy {nxt} is open" in ghost.json()["detail"]
    bad = c.post(nurl, json={"resolution": "ours", "comment": "x", "replaces": "maybe"})
    assert bad.status_code == 422
    # nothing the refused requests carried was written or audited; "neither" raised nothing twice
    page = c.get(f"/api/v1/meetings/{mid}/discrepancies?status=resolved").json()
    assert [(d["id"], d["resolution"], d["comment"]) for d in page["items"]] == [
        (did, "defer", "ask them")
    ]
    with meet_web.store.connect() as conn:
        logged = audit.entries(conn, limit=50, action="discrepancy.resolve")
    assert sorted(e["detail"]["comment"] for e in logged) == ["ask them", "their SIGINT is newer"]
    assert {e["detail"]["replaces"] for e in logged} == {None, "theirs"}


def test_neither_raises_one_requirement_even_when_sent_twice(meet_web: Web) -> None:
    from liaison.store.schema.reconcile import collection_requirement

    c, mid = _open(meet_web)
    did = c.get(f"/api/v1/meetings/{mid}/discrepancies").json()["items"][0]["id"]
    url = f"/api/v1/meetings/{mid}/discrepancies/{did}/resolve"
    body = {"resolution": "neither", "comment": "nobody knows"}
    assert [c.post(url, json=body).status_code for _ in range(3)] == [200, 409, 409]
    with meet_web.store.connect() as conn:
        n = conn.execute(
            sa.select(sa.func.count()).where(collection_requirement.c.discrepancy_id == did)
        ).scalar()
    assert n == 1


def test_close_needs_every_resolution_then_minutes(meet_web: Web) -> None:
    c, mid = _open(meet_web)
    early = c.post(f"/api/v1/meetings/{mid}/close")
    assert early.status_code == 422 and "unresolved" in early.json()["detail"]
    draft = c.get(f"/api/v1/meetings/{mid}/minutes")
    assert draft.status_code == 200 and "| open |" in draft.text
    for d in c.get(f"/api/v1/meetings/{mid}/discrepancies").json()["items"]:
        r = c.post(
            f"/api/v1/meetings/{mid}/discrepancies/{d['id']}/resolve",
            json={"resolution": d["suggested"]["resolution"], "comment": "agreed: " + d["kind"]},
        )
        assert r.status_code == 200, r.text
    closed = c.post(f"/api/v1/meetings/{mid}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["agreed_units"] >= 2
    assert c.post(f"/api/v1/meetings/{mid}/close").status_code == 409
    first = c.get(f"/api/v1/meetings/{mid}/discrepancies").json()["items"][0]["id"]
    late = c.post(
        f"/api/v1/meetings/{mid}/discrepancies/{first}/resolve",
        json={"resolution": "ours", "comment": "too late"},
    )
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    md = c.get(f"/api/v1/meetings/{mid}/minutes?format=md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert "Minutes of liaison meeting" in md.text and "agreed: location" in md.text
    assert "Agreed picture" in md.text
    pdf = c.get(f"/api/v1/meetings/{mid}/minutes?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.get(f"/api/v1/meetings/{mid}/minutes?format=doc").status_code == 422
    with meet_web.store.connect() as conn:
        exports = audit.entries(conn, limit=50, action="minutes.export")
    assert {e["detail"]["format"] for e in exports} >= {"md", "pdf"}
    page = c.get(f"/meetings/{mid}/minutes")
    assert page.status_code == 200
    assert "<h1>Minutes of liaison meeting" in page.text and "<table" in page.text
    assert f"/api/v1/meetings/{mid}/minutes?format=pdf" in page.text


def test_viewer_reads_but_cannot_write(meet_web: Web) -> None:
    _, mid = _open(meet_web)
    v = meet_web.login("viewer.pl")
    assert v.get(f"/api/v1/meetings/{mid}/discrepancies").status_code == 200
    did = v.get(f"/api/v1/meetings/{mid}/discrepancies").json()["items"][0]["id"]
    r = v.post(
        f"/api/v1/meetings/{mid}/discrepancies/{did}/resolve",
        json={"resolution": "ours", "comment": "viewer tries"},
    )
    assert r.status_code == 403
    assert v.post(f"/api/v1/meetings/{mid}/close").status_code == 403
    assert v.post("/api/v1/meetings", json={"theirs": "US"}).status_code == 403
    assert v.get(f"/api/v1/meetings/{mid}/discrepancies?status=resolved").json()["total"] == 0
    page = v.get(f"/meetings/{mid}")
    assert page.status_code == 200 and 'data-can-write="false"' in page.text
    assert 'id="resolve-form"' not in page.text


@pytest.mark.parametrize("name", ["analyst.jp", "viewer.jp", "analyst.us"])
def test_other_partners_get_404(meet_web: Web, name: str) -> None:
    _, mid = _open(meet_web)
    c = meet_web.login(name)
    for url in (
        "/api/v1/meetings",
        f"/api/v1/meetings/{mid}",
        f"/api/v1/meetings/{mid}/discrepancies",
        f"/api/v1/meetings/{mid}/minutes",
        "/api/v1/alerts?since=1939-01-01",
        "/api/v1/alerts.atom?since=1939-01-01",
        "/meetings",
        f"/meetings/{mid}",
        f"/meetings/{mid}/minutes",
        "/alerts",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post("/api/v1/meetings", json={"theirs": "JP"}).status_code in (403, 404)
    assert c.post(f"/api/v1/meetings/{mid}/close").status_code in (403, 404)
    home = c.get("/")
    assert home.status_code == 200 and 'id="last-meeting"' not in home.text


def test_token_and_no_session(meet_web: Web) -> None:
    _, mid = _open(meet_web)
    anon = meet_web.client()
    assert anon.get(f"/api/v1/meetings/{mid}/discrepancies").status_code == 401
    assert anon.get(f"/meetings/{mid}", follow_redirects=False).status_code == 303
    tok = meet_web.token("analyst.pl")
    r = anon.get(
        f"/api/v1/meetings/{mid}/discrepancies", headers={"Authorization": f"Bearer {tok}"}
    )
    assert r.status_code == 200 and r.json()["total"] == 4


def test_pages_queue_and_open_form(meet_web: Web) -> None:
    c = meet_web.login("analyst.pl")
    page = c.get("/meetings")
    assert page.status_code == 200 and 'action="/meetings"' in page.text
    csrf = c.headers["X-CSRF-Token"]
    r = c.post("/meetings", data={"theirs": "JP", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/meetings/")
    mid = int(r.headers["location"].rsplit("/", 1)[1])
    again = c.post("/meetings", data={"theirs": "JP", "csrf_token": csrf}, follow_redirects=False)
    assert again.status_code == 303 and "error=" in again.headers["location"]
    assert "already open" in c.get(again.headers["location"]).text
    q = c.get(f"/meetings/{mid}")
    assert q.status_code == 200
    assert 'src="/static/js/meeting.js"' in q.text and "<kbd>j</kbd>" in q.text
    assert 'id="resolve-form"' in q.text and "0 / 4 resolved" in q.text
    assert c.get("/static/js/meeting.js").status_code == 200
    dash = c.get("/")
    assert 'id="open-count">4<' in dash.text
    assert f'href="/meetings/{mid}"' in dash.text


def test_dashboard_counts_pictures_as_seen(meet_web: Web) -> None:
    pl = meet_web.login("analyst.pl").get("/").text
    assert "<td>PL</td>" not in pl  # partner codes link to the map
    assert ">PL</a></td><td>3</td>" in pl and ">JP</a></td><td>5</td>" in pl
    jp = meet_web.login("analyst.jp").get("/").text
    # JP sees its own picture and what our GREEN policy releases of ours (not the AMBER pl-2)
    assert ">JP</a></td><td>5</td>" in jp and ">PL</a></td><td>2</td>" in jp
    assert ">US</a>" not in jp


def test_alerts_json_atom_and_page(meet_web: Web) -> None:
    c = meet_web.login("viewer.pl")
    # before any closed meeting and without a time: 404 with a message, page says so
    none = c.get("/api/v1/alerts")
    assert none.status_code == 404 and "closed meeting" in none.json()["detail"]
    assert "No meeting has closed yet" in c.get("/alerts").text
    r = c.get("/api/v1/alerts?since=1939-01-01T00:00:00Z")
    assert r.status_code == 200
    alerts = r.json()["alerts"]
    new = {(a["partner"], a["unit_id"]) for a in alerts if a["kind"] == "new"}
    assert ("JP", "jp-c9") in new and ("PL", "pl-1") in new
    assert c.get("/api/v1/alerts?since=1939-01-01&kind=moved").json()["alerts"] == []
    feed = c.get("/api/v1/alerts.atom?since=1939-01-01")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert b"<entry>" in feed.content and b"jp-c9" in feed.content
    assert c.get("/api/v1/alerts?since=yesterday").status_code == 422
    page = c.get("/alerts?since=1939-01-01T00:00:00Z")
    assert 'id="alerts"' in page.text and "9th Cavalry Division" in page.text


def test_demo_meeting_queue(demo_web: Web) -> None:
    c = demo_web.login("admin.pl")
    mid = c.post("/api/v1/meetings", json={"theirs": "JP"}).json()["id"]
    m = c.get(f"/api/v1/meetings/{mid}").json()
    assert m["matched"] > 100 and m["progress"]["total"] > 20
    page = c.get(f"/api/v1/meetings/{mid}/discrepancies?limit=10&offset=5").json()
    assert page["total"] == m["progress"]["total"] and len(page["items"]) == 10
    assert page["offset"] == 5
    matched = [d for d in page["items"] if d["ours"] and d["theirs"]]
    assert matched and all(d["ours_facts"] and d["theirs_facts"] for d in matched)
    assert all(d["ours_facts"]["designation"] for d in matched)
    by_kind = {k: n for k, n in m["by_kind"].items() if n}
    for k, n in by_kind.items():
        assert c.get(f"/api/v1/meetings/{mid}/discrepancies?kind={k}").json()["total"] == n
    # the JP liaison officer sees the released PL picture on the map, but not our meeting
    jp = demo_web.login("analyst.jp")
    assert jp.get(f"/api/v1/meetings/{mid}/discrepancies").status_code == 404
    assert c.get(f"/api/v1/meetings/{2**31}").status_code == 422


def test_times_out_of_range_are_422(meet_web: Web) -> None:
    c = meet_web.login("analyst.pl")
    r = c.get("/api/v1/alerts", params={"since": "0001-01-01T00:00:00+23:59"})
    assert r.status_code == 422 and "out of range" in r.json()["detail"]
    r = c.post("/api/v1/meetings", json={"theirs": "JP", "as_of": "0001-01-01T00:00:00+23:59"})
    assert r.status_code == 422
    assert c.get("/api/v1/meetings").json() == []  # nothing was opened
