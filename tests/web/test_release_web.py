"""Release policy page: home users read it, home analysts/admins set it (audited), others get 404."""

from __future__ import annotations

from liaison.courier.policy import get_policy
from liaison.store import audit
from tests.web.conftest import Web


def test_policy_shown_and_set_with_audit(web: Web) -> None:
    c = web.login("analyst.pl")
    page = c.get("/release")
    assert page.status_code == 200
    assert 'id="policy-JP"' in page.text and "tlp-GREEN" in page.text
    r = c.post(
        "/release",
        data={"partner": "JP", "max_tlp": "AMBER", "notes": "true"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=" in r.headers["location"]
    with web.store.connect() as conn:
        p = get_policy(conn, "JP")
        ent = audit.entries(conn, action="policy.set")
    assert p is not None and (p.max_tlp, p.release_sources, p.release_notes) == (
        "AMBER",
        False,
        True,
    )
    assert ent[0]["actor"] == "analyst.pl" and ent[0]["target"] == "JP"
    assert "tlp-AMBER" in c.get("/release").text


def test_red_is_refused_with_the_library_message(web: Web) -> None:
    c = web.login("admin.pl")
    r = c.post("/release", data={"partner": "JP", "max_tlp": "RED"})
    assert r.status_code == 200 and "TLP:RED never goes into a pouch" in r.text
    with web.store.connect() as conn:
        assert get_policy(conn, "JP").max_tlp == "GREEN"  # type: ignore[union-attr]


def test_viewers_read_only_and_partners_see_nothing(web: Web) -> None:
    v = web.login("viewer.pl")
    assert 'action="/release"' not in v.get("/release").text
    assert v.post("/release", data={"partner": "JP", "max_tlp": "AMBER"}).status_code == 403
    jp = web.login("analyst.jp")
    assert jp.get("/release").status_code == 404
    assert jp.post("/release", data={"partner": "JP", "max_tlp": "AMBER"}).status_code == 404
    with web.store.connect() as conn:
        assert get_policy(conn, "JP").max_tlp == "GREEN"  # type: ignore[union-attr]
