"""Exports page: scoped picture downloads and a STIX bundle released per partner, all audited."""

from __future__ import annotations

import json

from liaison.store import audit
from tests.web.conftest import Web


def test_exports_page_lists_visible_partners_and_formats(web: Web) -> None:
    c = web.login("analyst.jp")
    page = c.get("/exports")
    assert page.status_code == 200
    assert "/api/v1/pictures/JP/export?format=kml" in page.text
    assert "/api/v1/pictures/US/export" not in page.text  # not visible to JP
    assert 'action="/exports/stix"' not in page.text  # JP does not release our picture


def test_picture_form_redirects_to_audited_download(web: Web) -> None:
    c = web.login("analyst.pl")
    r = c.get("/exports/picture?partner=PL&format=geojson", follow_redirects=False)
    assert r.status_code == 303
    got = c.get(r.headers["location"])
    assert got.status_code == 200
    assert {f["properties"]["unit_id"] for f in got.json()["features"]} >= {"pl-1", "pl-2"}
    with web.store.connect() as conn:
        ent = audit.entries(conn, action="picture.export")
    assert ent and ent[0]["actor"] == "analyst.pl"
    jp = web.login("analyst.jp")
    leak = jp.get(jp.get("/exports/picture?partner=US", follow_redirects=False).headers["location"])
    assert leak.status_code in (403, 404)


def test_stix_bundle_is_released_by_policy_and_audited(web: Web) -> None:
    c = web.login("analyst.pl")
    page = c.get("/exports")
    assert 'action="/exports/stix"' in page.text
    r = c.post("/exports/stix", data={"to": "JP"})
    assert r.status_code == 200, r.text
    bundle = json.loads(r.content)
    assert bundle["type"] == "bundle"
    text = r.text
    assert "1 Armia" in text  # GREEN: within JP's policy
    assert "2 Dywizja" not in text and "secret note" not in text  # AMBER REL TO PL, notes
    with web.store.connect() as conn:
        ent = audit.entries(conn, action="stix.export")
    assert len(ent) == 1 and ent[0]["actor"] == "analyst.pl" and ent[0]["target"] == "JP"


def test_stix_refused_to_other_partners_and_viewers(web: Web) -> None:
    assert web.login("analyst.jp").post("/exports/stix", data={"to": "US"}).status_code == 403
    assert web.login("viewer.pl").post("/exports/stix", data={"to": "JP"}).status_code == 403
    no_csrf = web.login("analyst.pl")
    del no_csrf.headers["X-CSRF-Token"]
    assert no_csrf.post("/exports/stix", data={"to": "JP"}).status_code == 403
    with web.store.connect() as conn:
        assert audit.entries(conn, action="stix.export") == []
