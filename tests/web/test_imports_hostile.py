"""Hostile unit files through the web import (issue 19, items 4-6): the preview names the line,
a commit is refused with 422, nothing is written — never a 5xx."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from liaison.orbat import csvio
from tests.web.conftest import Web
from tests.web.test_imports import _counts


def _send(web: Web, name: str, data: bytes, url: str = "/api/v1/imports"):  # type: ignore[no-untyped-def]
    c = web.login("analyst.pl")
    files = {"file": (name, io.BytesIO(data), "application/octet-stream")}
    return c.post(url, data={"partner": "PL", "allow_unplaced": "true"}, files=files)


def test_unterminated_quote_is_refused_on_its_line(web: Web) -> None:
    rows = [f"pl-x{i},{i} Dywizja,division,infantry,,50.0,30.0" for i in range(100)]
    rows[1] = 'pl-x1,"1 Dywizja,division,infantry,,50.0,30.0'
    body = ("unit_id,designation,echelon,branch,parent_id,lat,lon\n" + "\n".join(rows)).encode()
    before = _counts(web)
    r = _send(web, "units.csv", body, "/api/v1/imports/preview")
    assert r.status_code == 200 and r.json()["ok"] is False
    assert r.json()["errors"][0]["line"] == 3 and "never closed" in r.json()["errors"][0]["message"]
    r = _send(web, "units.csv", body)
    assert r.status_code == 422 and _counts(web) == before


def test_xlsx_bomb_and_wide_header_are_refused(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvio, "MAX_XLSX_INFLATED", 2**20)  # 1 MiB, so the bomb stays small
    wb = Workbook()
    wb.active.append(["unit_id", "designation"])
    wb.active.append(["pl-b", "b"])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info), zipfile.ZIP_DEFLATED)
        dst.writestr("xl/pad.bin", b"\0" * (2 * 2**20), zipfile.ZIP_DEFLATED)
    before = _counts(web)
    r = _send(web, "bomb.xlsx", out.getvalue())
    assert r.status_code == 422 and "the limit is 1 MiB" in r.json()["detail"], r.text
    wide = ("unit_id,designation," + ",".join(f"c{i}" for i in range(50_000)) + "\n").encode()
    r = _send(web, "wide.csv", wide + b"pl-w,w\n")
    assert r.status_code == 422 and "50,002 columns" in r.json()["detail"], r.text
    assert _counts(web) == before
