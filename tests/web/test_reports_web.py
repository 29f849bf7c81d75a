"""Reports page: add with attachments (size-capped, audited, all or nothing), list with TLP/REL TO
badges, one report with its attachments; other partners' users see nothing."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from liaison.store import audit
from liaison.store.schema.courier import report, report_attachment
from tests.web.conftest import Web


def _add(c, rid: str, files: list[tuple[str, bytes]], marking: str = "TLP:AMBER REL TO PL,JP"):  # type: ignore[no-untyped-def]
    data = {
        "report_id": rid,
        "title": f"Title {rid}",
        "body": "Tanks seen <b>near</b> Kijów",
        "marking": marking,
    }
    up = [("files", (n, io.BytesIO(b), "text/plain")) for n, b in files]
    return c.post("/reports", data=data, files=up or None)


def _n(web: Web) -> tuple[int, int]:
    with web.store.connect() as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(report)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(report_attachment)).scalar_one(),
        )


def test_add_list_show_and_download(web: Web) -> None:
    c = web.login("analyst.pl")
    r = _add(c, "R-1", [("a.txt", b"first"), ("b.html", b"<script>x</script>")])
    assert r.status_code == 200 and "recorded with 2 attachment(s)" in r.text
    assert 'class="badge tlp-AMBER"' in r.text and "REL TO JP" in r.text
    one = c.get("/reports/one?partner=PL&id=R-1")
    assert one.status_code == 200
    assert "Tanks seen &lt;b&gt;near&lt;/b&gt; Kijów" in one.text  # escaped
    assert "b.html" in one.text
    dl = c.get("/reports/attachment?partner=PL&id=R-1&name=b.html")
    assert dl.content == b"<script>x</script>"
    assert dl.headers["content-type"] == "application/octet-stream"
    assert dl.headers["content-disposition"].startswith("attachment")
    with web.store.connect() as conn:
        ent = audit.entries(conn, action="report.add")
    assert ent[0]["actor"] == "analyst.pl" and ent[0]["target"] == "PL/R-1"


def test_oversized_attachment_and_duplicate_id_write_nothing(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIAISON_ATTACHMENT_MAX_BYTES", "10")
    c = web.login("analyst.pl")
    before = _n(web)
    r = _add(c, "R-2", [("big.bin", b"x" * 11)])
    assert "over the 10-byte limit" in r.text
    assert _n(web) == before
    assert "recorded" in _add(c, "R-3", [("ok.txt", b"small")]).text
    again = _add(c, "R-3", [("ok2.txt", b"small")])
    assert "exists; reports are append-only" in again.text
    assert _n(web) == (before[0] + 1, before[1] + 1)
    bad = _add(c, "R-4", [], marking="TLP:PURPLE")
    assert "marking:" in bad.text and _n(web)[0] == before[0] + 1


def test_roles_and_partners(web: Web) -> None:
    v = web.login("viewer.pl")
    assert v.get("/reports").status_code == 200
    assert 'id="report-add"' not in v.get("/reports").text
    assert _add(v, "R-5", []).status_code == 403
    jp = web.login("analyst.jp")
    assert jp.get("/reports").status_code == 404
    assert _add(jp, "R-6", []).status_code == 404
    assert _n(web)[0] == 0
