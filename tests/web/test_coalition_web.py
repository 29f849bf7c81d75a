"""The coalition meeting page: thin over the library, home partner only, positions by plain form
with the CSRF token (audited), viewers read only. The other participants' pictures are put in
the store directly here (the pouch path is tested in tests/courier/test_coalition_meeting.py)."""

from __future__ import annotations

from liaison.core.clock import utcnow
from liaison.courier import coalition_meetings as ccm
from liaison.courier.policy import set_policy
from liaison.reconcile import coalition_meeting as co
from liaison.store import audit
from tests.web.conftest import Web


def _meeting(web: Web) -> tuple[str, str]:
    with web.store.begin() as conn:
        set_policy(conn, "US", "GREEN")
        m = ccm.open_coalition(conn, ["JP", "US"], actor="analyst.pl")
        pl_units = co.inputs(conn, m.id)["PL"].units
        for code, moved in (("JP", 0.0), ("US", 3.0)):  # US puts every unit 330 km north
            units = [
                {
                    **u,
                    "unit_id": f"{code}-{u['unit_id']}",
                    "parent_id": None,
                    "lat": u["lat"] + moved,
                }
                for u in pl_units
            ]
            co.add_input(conn, m, code, units, ccm.input_digest(units), utcnow())
        m = ccm.advance(conn, co.get(conn, m.id), actor="test", now=utcnow())
        key = next(it["key"] for it in co.items(conn, m) if it["kind"] == "location")
    return m.ref, key


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_analyst_states_a_position_viewer_reads_partner_sees_nothing(web: Web) -> None:
    ref, key = _meeting(web)
    c = web.login("analyst.pl")
    listing = c.get("/coalition")
    assert listing.status_code == 200 and ref in listing.text and "PL, JP, US" in listing.text
    page = c.get("/coalition", params={"ref": ref})
    assert page.status_code == 200 and key in page.text and "take US" in page.text
    one = c.get("/api/v1/coalition/one", params={"ref": ref}).json()
    item = next(it for it in one["queue"] if it["key"] == key)
    assert item["disagreeing"] == ["US"] and item["status"] == "pending"
    token = _csrf(page.text)
    bare = web.login("analyst.pl")
    bare.headers.pop("X-CSRF-Token")
    form = {"ref": ref, "key": key, "position": "PL"}
    assert bare.post("/coalition/position", data=form).status_code == 403
    r = c.post("/coalition/position", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and "done=" in r.headers["location"]
    r = c.post(
        "/coalition/position",
        data={**form, "position": "SE", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "error=" in r.headers["location"]
    assert "position%3A%20one%20of%20PL%2C%20JP%2C%20US" in r.headers["location"]
    one = c.get("/api/v1/coalition/one", params={"ref": ref, "status": "pending"}).json()
    item = next(it for it in one["queue"] if it["key"] == key)
    assert item["positions"] == {"PL": "PL"}
    assert (
        c.post("/coalition/position", data={**form, "ref": "bad", "csrf_token": token}).status_code
        == 422
    )
    with web.store.connect() as conn:
        acts = [(e["actor"], e["action"]) for e in audit.entries(conn, action="coalition.")]
    assert ("analyst.pl", "coalition.position") in acts

    v = web.login("viewer.pl")
    page = v.get("/coalition", params={"ref": ref})
    assert page.status_code == 200 and key in page.text and "take US" not in page.text
    assert v.post(
        "/coalition/position", data={**form, "csrf_token": _csrf(page.text)}
    ).status_code in (403, 404)
    jp = web.login("analyst.jp")
    assert jp.get("/api/v1/coalition").status_code == 404
    assert jp.get("/coalition", params={"ref": ref}).status_code == 404
