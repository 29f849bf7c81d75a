"""Hostile and careless unit files (issue 19, items 4, 5, 6 and 8): each is refused with its
line and column named, nothing is written, and the CLI exits 2 without a traceback."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from tests.orbat.test_cli import run
from tests.orbat.test_import import HEADER, counts

from liaison.core.errors import ValidationError
from liaison.core.markings import Marking
from liaison.courier import keys
from liaison.courier.pouch import add_partner_key, seal, set_policy
from liaison.orbat import csvio, importer, partners, picture
from liaison.store import Store

SHORT = "unit_id,designation,strength,equipment,notes"


@pytest.fixture
def pl(store: Store) -> Store:
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "Polish General Staff", is_self=True, language="pl")
    return store


def refused(store: Store, path: Path) -> str:
    """Import `path`; it must fail with a ValidationError that wrote nothing. Returns the text."""
    before = counts(store)
    with pytest.raises(ValidationError) as ei, store.begin() as conn:
        importer.import_file(conn, path, "PL", allow_unplaced=True)
    assert counts(store) == before
    return str(ei.value)


def rows_csv(n: int) -> list[str]:
    return [f"U{i},{i + 1} Dywizja Strzelców,{1000 + i},tanks={i},ok" for i in range(n)]


# --- item 4: a quote that runs across lines ------------------------------------------------


def test_unterminated_quote_on_row_2_of_100_is_refused(pl: Store, tmp_path: Path) -> None:
    lines = rows_csv(100)
    lines[1] = 'U1,"2 Dywizja Strzelców,1001,tanks=1,ok'  # line 3 of the file; never closed
    f = tmp_path / "units.csv"
    f.write_text("\n".join([SHORT, *lines]) + "\n", encoding="utf-8")
    msg = refused(pl, f)
    assert "units.csv, line 3" in msg and "never closed" in msg, msg


def test_quote_closed_far_below_names_the_line_it_opened(pl: Store, tmp_path: Path) -> None:
    lines = rows_csv(100)
    lines[1] = 'U1,"2 Dywizja Strzelców,1001,tanks=1,ok'  # opens on line 3 …
    lines[60] = 'U60,61 Dywizja" Strzelców,1060,tanks=60,ok'  # … and a stray quote closes it
    f = tmp_path / "units.csv"
    f.write_text("\n".join([SHORT, *lines]) + "\n", encoding="utf-8")
    msg = refused(pl, f)
    assert "line 3, column designation: a quoted value opened on line 3 runs across 60" in msg


def test_line_break_in_an_id_or_number_is_refused(pl: Store, tmp_path: Path) -> None:
    f = tmp_path / "units.csv"
    f.write_text(f'{SHORT}\nU0,A,1,,\n"U\n1",B,2,,\nU2,C,"3\n",,\n', encoding="utf-8")
    msg = refused(pl, f)
    assert "line 3, column unit_id: a quoted value opened on line 3" in msg, msg


def test_notes_may_span_lines_and_later_lines_stay_right(pl: Store, tmp_path: Path) -> None:
    f = tmp_path / "units.csv"
    f.write_text(
        f'{SHORT}\nU0,A Dywizja,1,,"first\nsecond\nthird"\nU1,B Dywizja,-5,,\n', encoding="utf-8"
    )
    msg = refused(pl, f)  # U1 (line 5, after a note over three lines) has a bad strength
    assert "line 5, column strength" in msg, msg
    f.write_text(f'{SHORT}\nU0,A Dywizja,1,,"first\nsecond"\nU1,B Dywizja,5,,\n')
    with pl.begin() as conn:
        rep = importer.import_file(conn, f, "PL", allow_unplaced=True)
        assert rep.rows == 2
        assert picture.get_picture(conn, "PL").units["U0"].notes == "first\nsecond"


# --- item 5: tracebacks and garbage --------------------------------------------------------


def write_json(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "units.json"
    f.write_text(text, encoding="utf-8")
    return f


def test_deeply_nested_json_is_refused_with_its_line(pl: Store, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    f = write_json(tmp_path, '{"units": [\n{"unit_id": "A", "designation": "x"},\n' + deep + "]}")
    msg = refused(pl, f)
    assert "units.json, line 3" in msg and "nested too deeply" in msg, msg


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('{"x": 1}', "column designation: an object where a value belongs"),
        ('["a", "b"]', "column designation: a list where a value belongs"),
        ("true", "column designation: true/false"),
    ],
)
def test_json_object_or_list_where_text_belongs(
    pl: Store, tmp_path: Path, value: str, expected: str
) -> None:
    doc = '[\n {"unit_id": "A", "designation": "ok"},\n {"unit_id": "B",\n  "designation": %s}\n]'
    msg = refused(pl, write_json(tmp_path, doc % value))
    assert f"units.json, line 3, {expected}" in msg, msg


@pytest.mark.parametrize(
    "strength", ["1e400", "1E400", "-1e400", "100000000000000000000000", "1" * 5000, "NaN"]
)
def test_json_huge_numbers_are_refused_naming_the_field(
    pl: Store, tmp_path: Path, strength: str
) -> None:
    doc = '[{"unit_id": "A", "designation": "a"},\n{"unit_id": "B", "designation": "b", "strength": %s}]'
    msg = refused(pl, write_json(tmp_path, doc % strength))
    assert "units.json, line 2, column strength" in msg, msg
    assert "Traceback" not in msg


@pytest.mark.parametrize("strength", ["1e400", "100000000000000000000000", "9" * 5000])
def test_csv_huge_numbers_are_refused(pl: Store, tmp_path: Path, strength: str) -> None:
    f = tmp_path / "units.csv"
    f.write_text(f"{SHORT}\nU0,A,1,,\nU1,B,{strength},,\n", encoding="utf-8")
    msg = refused(pl, f)
    assert "units.csv, line 3, column strength" in msg, msg


def test_json_equipment_counts_are_checked(pl: Store, tmp_path: Path) -> None:
    doc = '[{"unit_id": "A", "designation": "a",\n "equipment": {"tanks": %s}}]'
    for bad in ("1e400", "1" * 5000, "true", '{"a": 1}', "-3"):
        msg = refused(pl, write_json(tmp_path, doc % bad))
        assert "units.json, line 1, column equipment" in msg, (bad, msg)


def test_nul_bytes_are_refused_in_every_format(pl: Store, tmp_path: Path) -> None:
    f = tmp_path / "units.csv"
    f.write_bytes(f"{SHORT}\nU0,A,1,,\nU1,B\x00x,2,,\n".encode())
    assert "line 3, column designation: contains a NUL" in refused(pl, f)
    doc = '[{"unit_id": "A", "designation": "a"},\n{"unit_id": "B", "designation": "b\\u0000"}]'
    assert "line 2, column designation: contains a NUL" in refused(pl, write_json(tmp_path, doc))


@pytest.mark.parametrize("bad_line", [3, 3000])
def test_bad_utf8_is_reported_on_its_real_line(pl: Store, tmp_path: Path, bad_line: int) -> None:
    lines = [SHORT.encode()] + [f"U{i},Dywizja {i},1,,".encode() for i in range(bad_line + 50)]
    lines[bad_line - 1] = b"U-bad,Dywizja \xff\xfe,1,,"
    f = tmp_path / "units.csv"
    f.write_bytes(b"\n".join(lines) + b"\n")
    msg = refused(pl, f)
    assert f"units.csv, line {bad_line}: not UTF-8" in msg, msg
    lines = [b'[{"unit_id": "A", "designation": "a"},'] * (bad_line - 1)
    lines.append(b'{"unit_id": "B", "designation": "\xff"}]')
    f = tmp_path / "units.json"
    f.write_bytes(b"\n".join(lines))
    assert f"units.json, line {bad_line}: not UTF-8" in refused(pl, f)


def test_json_lines_are_real_lines(pl: Store, tmp_path: Path) -> None:
    doc = {"partner": "PL", "units": [{"unit_id": f"U{i}", "designation": "x"} for i in range(5)]}
    doc["units"][3]["lat"] = 95.0
    doc["units"][3]["lon"] = 30.0
    msg = refused(pl, write_json(tmp_path, json.dumps(doc, indent=1)))
    # indent=1: '{', '"partner"…', '"units": [', then 4 lines per unit
    assert "units.json, line 16, column lat" in msg, msg


def test_cli_exits_2_without_traceback(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["partner", "add", "PL", "--name", "Polish GS", "--self"], capsys)
    cases = {
        "deep.json": ('[{"unit_id": "A", "designation": ' + "[" * 50_000 + "]" * 50_000 + "}]"),
        "obj.json": '[{"unit_id": "A", "designation": {"a": 1}}]',
        "big.json": '[{"unit_id": "A", "designation": "a", "strength": 1e400}]',
        "digits.json": '[{"unit_id": "A", "designation": "a", "strength": %s}]' % ("7" * 5000),
        "nul.csv": f"{SHORT}\nU0,A\x00,1,,\n",
        "tanks.csv": f"{SHORT}\nU0,A,1,tanks=9007199254740993,\n",
    }
    for name, text in cases.items():
        f = tmp_path / name
        f.write_text(text, encoding="utf-8")
        code, out, err = run(["orbat", "import", str(f), "--partner", "PL"], capsys)
        assert code == 2 and "Traceback" not in err and f"{name}, line " in err, (name, err)
        assert "nothing was written" in err or "line 1" in err
    code, out, _ = run(["orbat", "show", "--partner", "PL", "--json"], capsys)
    assert code == 0 and json.loads(out)["units"] == []


# --- item 6: resource exhaustion -----------------------------------------------------------


def test_xlsx_bomb_is_refused_before_inflating(pl: Store, tmp_path: Path) -> None:
    """A workbook whose part inflates past the cap (300 MiB of zeros, ~300 KB on disk)."""
    wb = Workbook()
    wb.active.append(["unit_id", "designation"])
    wb.active.append(["A", "a"])
    buf = io.BytesIO()
    wb.save(buf)
    f = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(f, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                continue
            dst.writestr(info, data, zipfile.ZIP_DEFLATED)
        big = zipfile.ZipInfo("xl/sharedStrings.xml")
        big.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(big, "w", force_zip64=True) as out:
            zinfo_chunk = b"\0" * (1 << 20)
            for _ in range(300):
                out.write(zinfo_chunk)
    assert f.stat().st_size < 2_000_000
    msg = refused(pl, f)
    assert "bomb.xlsx: the workbook would inflate to 300 MiB; the limit is 256 MiB" in msg, msg


def test_xlsx_header_lying_about_size_is_refused(pl: Store, tmp_path: Path) -> None:
    """Declared sizes small, real stream larger: the counter (or the CRC) stops it."""
    wb = Workbook()
    wb.active.append(["unit_id", "designation"])
    wb.active.append(["A", "a"])
    buf = io.BytesIO()
    wb.save(buf)
    raw = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    # patch the uncompressed size (central directory and local header) to 10 bytes
    size = info.file_size.to_bytes(4, "little")
    raw = raw.replace(size, (10).to_bytes(4, "little"))
    f = tmp_path / "lies.xlsx"
    f.write_bytes(bytes(raw))
    msg = refused(pl, f)
    assert "lies.xlsx" in msg and "not a readable XLSX" in msg, msg


def test_xlsx_forged_dimension_does_not_pad_rows(pl: Store, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["unit_id", "designation"])
    ws.append(["A", "a Dywizja"])
    buf = io.BytesIO()
    wb.save(buf)
    f = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(f, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD9"/>')
            dst.writestr(info, data, zipfile.ZIP_DEFLATED)
    with pl.begin() as conn:
        assert importer.import_file(conn, f, "PL", allow_unplaced=True).rows == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_fifty_thousand_columns_are_refused(pl: Store, tmp_path: Path, fmt: str) -> None:
    n = 16_000 if fmt == "xlsx" else 50_000  # a sheet has at most 16,384 columns
    cols = ["unit_id", "designation"] + [f"c{i}" for i in range(n)]
    f = tmp_path / f"wide.{fmt}"
    if fmt == "csv":
        f.write_text(",".join(cols) + "\nA,a\n", encoding="utf-8")
    elif fmt == "json":
        f.write_text(json.dumps([dict.fromkeys(cols, "x")]), encoding="utf-8")
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("u")
        ws.append(cols)
        ws.append(["A", "a"])
        wb.save(f)
    msg = refused(pl, f)
    assert f"line 1: {n + 2:,} columns; a unit file has at most 64" in msg, msg


def test_duplicate_columns_reported_once_each(pl: Store, tmp_path: Path) -> None:
    f = tmp_path / "dup.csv"
    f.write_text("unit_id,designation,notes,notes,designation\nA,a,,,\n", encoding="utf-8")
    assert "column(s) given twice: designation, notes" in refused(pl, f)


# --- item 8: quantities in a stated range ------------------------------------------------


def test_quantity_range(tmp_path: Path) -> None:
    assert csvio.parse_equipment(f"tanks={csvio.MAX_COUNT};guns=0") == {
        "tanks": csvio.MAX_COUNT,
        "guns": 0,
    }
    for bad in (f"tanks={csvio.MAX_COUNT + 1}", "tanks=9007199254740993", "tanks=1e400"):
        with pytest.raises(ValueError, match="tanks"):
            csvio.parse_equipment(bad)


def test_huge_count_is_refused_and_pouch_seal_still_works(pl: Store, tmp_path: Path) -> None:
    kp_pl, kp_jp = keys.generate("PL"), keys.generate("JP")
    with pl.begin() as conn:
        partners.add_partner(conn, "JP", "Japan")
        add_partner_key(conn, kp_jp.public)
        set_policy(conn, "JP", "AMBER")
    f = tmp_path / "units.csv"
    f.write_text(
        f"{HEADER}\nD27,27 Dywizja,division,infantry,,50,30,,1938-06-01,"
        "tanks=9007199254740993,12000,B,2,,\n",
        encoding="utf-8",
    )
    msg = refused(pl, f)
    assert "line 2, column equipment: equipment count for 'tanks'" in msg
    assert "out of range 0–10,000,000" in msg
    f.write_text(
        f"{HEADER}\nD27,27 Dywizja,division,infantry,,50,30,,1938-06-01,"
        f"tanks={csvio.MAX_COUNT},{csvio.MAX_STRENGTH},B,2,,\n",
        encoding="utf-8",
    )
    with pl.begin() as conn:
        importer.import_file(conn, f, "PL", marking=Marking("AMBER", ("JP", "PL")))
    with pl.begin() as conn:
        data, info = seal(conn, kp_pl, "JP", now=datetime(1938, 7, 1, tzinfo=UTC))
    assert data and info
