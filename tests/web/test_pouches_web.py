"""Pouches page: seal for a partner and download the file (the partner opens it with the library);
upload a partner's pouch and see what was added; a replayed pouch is refused with its reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier.pouch import add_partner_key, open_file, seal, set_policy
from liaison.orbat import observe, partners, picture
from liaison.store import Store, audit
from tests.web.conftest import T0, Web

PASS = "correct horse battery staple"


@pytest.fixture
def jp(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, keys.KeyPair]:
    """A Japanese partner with its own store; the web server's PL key in a file it can unlock."""
    pl_kp, jp_kp = keys.generate("PL"), keys.generate("JP")
    keyfile = tmp_path / "PL.key"
    keys.save_private(pl_kp, keyfile, PASS)
    monkeypatch.setenv("LIAISON_KEY_FILE", str(keyfile))
    monkeypatch.setenv("LIAISON_PASSPHRASE", PASS)
    with web.store.begin() as conn:
        add_partner_key(conn, jp_kp.public)
    jp_store = Store(f"sqlite:///{tmp_path / 'jp.db'}")
    with jp_store.begin() as conn:
        partners.add_partner(conn, "JP", "Japan", is_self=True)
        partners.add_partner(conn, "PL", "Poland")
        add_partner_key(conn, pl_kp.public)
        set_policy(conn, "PL", "GREEN")
        observe.record(
            conn,
            "JP",
            "jp-7",
            valid_at=T0,
            designation="第7師団",
            lat=43.0,
            lon=141.3,
            marking=Marking("GREEN"),
        )
    return jp_store, jp_kp


def test_seal_download_opens_at_the_partner(web: Web, jp) -> None:  # type: ignore[no-untyped-def]
    jp_store, jp_kp = jp
    c = web.login("analyst.pl")
    assert 'id="pouch-seal"' in c.get("/pouches").text
    r = c.post("/pouches/seal", data={"to": "JP", "since": "all"})
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="pl-to-jp-1.pouch"'
    out = open_file(jp_store, jp_kp, r.content)
    assert out["from"] == "PL" and out["units"] >= 1
    with jp_store.connect() as conn:
        got = picture.get_picture(conn, "PL")
    assert "pl-1" in got.units and "pl-2" not in got.units  # AMBER REL TO PL stays home
    with web.store.connect() as conn:
        assert audit.entries(conn, action="pouch.seal")[0]["actor"] == "analyst.pl"


def test_open_upload_shows_added_then_refuses_replay(web: Web, jp) -> None:  # type: ignore[no-untyped-def]
    jp_store, jp_kp = jp
    with jp_store.begin() as conn:
        data, _ = seal(conn, jp_kp, "PL", since="all")
    c = web.login("analyst.pl")
    files = {"file": ("jp-to-pl-1.pouch", io.BytesIO(data), "application/octet-stream")}
    r = c.post("/pouches/open", files=files)
    assert r.status_code == 200 and 'id="pouch-opened"' in r.text
    assert "Pouch #1 from JP: 1 units, 1 new observations" in r.text
    with web.store.connect() as conn:
        assert "jp-7" in picture.get_picture(conn, "JP").units
    again = c.post("/pouches/open", files={"file": ("x.pouch", io.BytesIO(data), "x/y")})
    assert again.status_code == 422 and 'id="pouch-refused"' in again.text
    with web.store.connect() as conn:
        rejected = audit.entries(conn, action="pouch.reject")
    assert rejected and rejected[0]["actor"] == "analyst.pl"
    assert rejected[0]["target"] in again.text  # the reason shown is the one audited


def test_roles_partners_and_missing_key(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_KEY_FILE", "/nonexistent/PL.key")
    c = web.login("admin.pl")
    r = c.post("/pouches/seal", data={"to": "JP"})
    assert r.status_code == 422 and "no private key" in r.text
    v = web.login("viewer.pl")
    assert 'id="pouch-seal"' not in v.get("/pouches").text
    assert v.post("/pouches/seal", data={"to": "JP"}).status_code == 403
    jp = web.login("analyst.jp")
    assert jp.get("/pouches").status_code == 404
    up = {"file": ("a.pouch", io.BytesIO(b"LIAISONPOUCH"), "x/y")}
    assert jp.post("/pouches/open", files=up).status_code == 404
