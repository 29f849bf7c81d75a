"""The requirements, agenda and force-level pages: thin over the library, home partner only,
plain forms with the CSRF token, writes audited, viewers read only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from liaison.orbat import observe
from liaison.reconcile import meeting, requirements
from liaison.store import audit
from tests.web.conftest import Web


def _raise(web: Web) -> str:
    with web.store.begin() as conn:
        mid, _ = meeting.open_meeting(conn, "JP", actor="analyst.pl")
        d = next(x for x in meeting.list_discrepancies(conn, mid) if x["kind"] == "subordination")
        meeting.resolve(conn, d["id"], "neither", "nobody knows", actor="analyst.pl")
        return requirements.list_requirements(conn)[0]["ref"]


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_rfi_page_answer_and_close_with_csrf(meet_web: Web) -> None:
    ref = _raise(meet_web)
    with meet_web.store.begin() as conn:
        oid = observe.record(
            conn, "JP", "jp-b3", valid_at=datetime(1939, 8, 25, tzinfo=UTC), parent_id="jp-d2"
        )
    c = meet_web.login("analyst.pl")
    page = c.get("/rfi")
    assert page.status_code == 200 and ref in page.text and "may answer: JP jp-b3" in page.text
    token = _csrf(page.text)
    # a form post without the CSRF token is refused, and nothing is written
    bare = meet_web.login("analyst.pl")
    bare.headers.pop("X-CSRF-Token")
    assert bare.post("/rfi/close", data={"ref": ref, "note": "x"}).status_code == 403
    r = c.post("/rfi/answer", data={"ref": ref, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and "answered" in r.headers["location"]
    r = c.post(
        "/rfi/close", data={"ref": ref, "note": "", "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and "error=" in r.headers["location"]  # a note is required
    r = c.post(
        "/rfi/close",
        data={"ref": ref, "note": "JP's count", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "closed" in r.headers["location"]
    got = c.get("/api/v1/rfi/one", params={"ref": ref}).json()
    assert got["status"] == "closed" and got["answers"][0]["observation_id"] == oid
    assert got["closed_by"] == "analyst.pl"
    with meet_web.store.connect() as conn:
        actions = [(e["actor"], e["action"]) for e in audit.entries(conn, action="requirement.")]
    assert ("analyst.pl", "requirement.close") in actions
    assert ("analyst.pl", "requirement.answer") in actions
    assert c.post("/rfi/close", data={"ref": "not a ref", "csrf_token": token}).status_code == 422
    rows = list(csv.DictReader(io.StringIO(c.get("/rfi/export.csv").text)))
    assert rows[0]["ref"] == ref and rows[0]["status"] == "closed"
    assert c.get("/rfi/export.json").json()[0]["ref"] == ref
    assert [r["ref"] for r in c.get("/api/v1/rfi?status=closed").json()] == [ref]


def test_viewer_reads_but_cannot_answer_or_close(meet_web: Web) -> None:
    ref = _raise(meet_web)
    v = meet_web.login("viewer.pl")
    page = v.get("/rfi")
    assert page.status_code == 200 and ref in page.text and 'action="/rfi/close"' not in page.text
    assert v.post("/rfi/close", data={"ref": ref, "note": "x"}).status_code == 403
    assert v.post("/rfi/answer", data={"ref": ref}).status_code == 403
    with meet_web.store.connect() as conn:
        assert requirements.show(conn, ref)["status"] == "open"


@pytest.mark.parametrize("name", ["analyst.jp", "analyst.us"])
def test_other_partners_get_404(meet_web: Web, name: str) -> None:
    ref = _raise(meet_web)
    c = meet_web.login(name)
    for url in ("/rfi", "/api/v1/rfi", f"/api/v1/rfi/one?ref={ref}", "/rfi/export.csv",
                "/agenda", "/api/v1/agenda?with=JP", "/forces", "/api/v1/forces?with=JP"):  # fmt: skip
        assert c.get(url).status_code == 404, url
    assert c.post("/rfi/close", data={"ref": ref, "note": "x"}).status_code == 404


def test_agenda_and_forces_pages(meet_web: Web) -> None:
    ref = _raise(meet_web)
    c = meet_web.login("viewer.pl")
    page = c.get("/agenda?with=JP")
    assert page.status_code == 200 and ref in page.text and 'id="deferred"' in page.text
    assert c.get("/api/v1/agenda", params={"with": "JP"}).json()["requirements"][0]["ref"] == ref
    page = c.get("/forces?with=JP&level=army")
    assert (
        page.status_code == 200
        and "<svg" in page.text
        and "<script" not in page.text.split("<main", 1)[-1]
    )
    api = c.get("/api/v1/forces", params={"with": "JP"}).json()
    assert set(api["this_week"]) == {"PL", "JP"} and "charts" not in api
    assert c.get("/forces?level=corps").status_code == 422
