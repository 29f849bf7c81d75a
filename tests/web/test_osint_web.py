"""The open-source review over the web: the queue and one candidate with its documents (mentions
highlighted by offsets) and the unit's facts; decisions by analysts only, on the revision shown,
audited under the user's name; a partner's liaison officer sees nothing of ours (404)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from liaison.osint import ingest
from liaison.store import Store
from liaison.store.schema.audit import audit

from .conftest import Web

REPORT = (
    "Сводка за 5 марта 2024 года. Штаб 1-й армии находится в Киеве. "
    "В Житомир прибыли части 12-й танковой дивизии.\n"
)


def add_osint(store: Store, folder: Path) -> None:
    """One Russian report in PL's store, compiled: a candidate for pl-1 and a new division."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "svodka.txt").write_text(REPORT, "utf-8")
    rep = ingest.ingest(
        store, "PL", ingest.expand([str(folder)]), source="KOMAR", actor="test", workers=1
    )
    assert not rep.failed and rep.compiled and rep.compiled["new"] >= 2


def test_queue_candidate_and_accept(web: Web, tmp_path: Path) -> None:
    add_osint(web.store, tmp_path / "in")
    c = web.login("analyst.pl")
    assert "Open sources" in c.get("/osint").text
    page = c.get("/api/v1/osint/candidates").json()
    assert page["counts"]["pending"] >= 2
    army = next(i for i in page["items"] if i["unit"] == "pl-1")
    one = c.get(f"/api/v1/osint/candidates/{army['id']}").json()
    (doc,) = one["documents_detail"]
    mine = [m for m in doc["mentions"] if m["this"]]
    assert mine and all(doc["text"][m["start"] : m["end"]] == m["text"] for m in mine)
    assert one["unit_facts"]["designation"] == "1 Armia"
    stale = c.post(
        f"/api/v1/osint/candidates/{army['id']}/accept", json={"revision": one["revision"] + 1}
    )
    assert stale.status_code == 409
    r = c.post(
        f"/api/v1/osint/candidates/{army['id']}/accept",
        json={"revision": one["revision"], "comment": "as reported"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["observation_id"]
    again = c.post(
        f"/api/v1/osint/candidates/{army['id']}/reject", json={"revision": one["revision"]}
    )
    assert again.status_code == 409
    with web.store.connect() as conn:
        who = (
            conn.execute(sa.select(audit.c.actor).where(audit.c.action == "osint.accept"))
            .scalars()
            .all()
        )
    assert who == ["analyst.pl"]


def test_roles_and_partners(web: Web, tmp_path: Path) -> None:
    add_osint(web.store, tmp_path / "in")
    items = web.login("analyst.pl").get("/api/v1/osint/candidates").json()["items"]
    cid = items[0]["id"]
    viewer = web.login("viewer.pl")
    assert viewer.get(f"/api/v1/osint/candidates/{cid}").status_code == 200
    r = viewer.post(f"/api/v1/osint/candidates/{cid}/reject", json={"revision": 1})
    assert r.status_code == 403
    jp = web.login("analyst.jp")
    assert jp.get("/api/v1/osint/candidates").json()["items"] == []
    assert jp.get("/api/v1/osint/documents").json() == []
    assert jp.get(f"/api/v1/osint/candidates/{cid}").status_code == 404
    assert (
        jp.post(f"/api/v1/osint/candidates/{cid}/accept", json={"revision": 1}).status_code == 404
    )
    doc = items[0]
    detail = web.login("analyst.pl").get(f"/api/v1/osint/candidates/{doc['id']}").json()
    did = detail["documents_detail"][0]["id"]
    assert jp.get(f"/api/v1/osint/documents/{did}").status_code == 404
    assert "Житомир" not in jp.get("/osint").text
