"""The unit file formats analysts use (CSV, XLSX, JSON): read and validate every row.

Reading never writes: it returns rows plus every problem found, each naming file, line and
column, so an import can refuse the whole file and say everything that is wrong in one go.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from liaison.core.cells import unneutralise
from liaison.core.clock import parse_time, utcnow
from liaison.core.errors import ValidationError
from liaison.core.geo import check_lat_lon
from liaison.core.grading import parse_credibility, parse_reliability
from liaison.names.vocab import norm_branch, norm_echelon
from liaison.orbat import geoio
from liaison.orbat.model import Picture, UnitView

COLUMNS = (
    "unit_id",
    "designation",
    "echelon",
    "branch",
    "parent_id",
    "lat",
    "lon",
    "place",
    "observed_at",
    "equipment",
    "strength",
    "source_reliability",
    "info_credibility",
    "sidc",
    "notes",
)
REQUIRED = ("unit_id", "designation")
# Keys our JSON export adds for provenance; ignored on import (the importer records its own).
JSON_EXPORT_ONLY = ("recorded_at", "source", "marking")
FUTURE_SKEW = timedelta(minutes=5)
MAX_PROBLEMS = 200
# Limits (docs/formats.md): every check below is linear in the file.
MAX_COUNT = 10**7  # one equipment count
MAX_STRENGTH = 10**7  # personnel strength
MAX_EQUIPMENT_KINDS = 200
MAX_EQUIPMENT_NAME = 64
MAX_COLUMNS = 64  # the header (15 known columns; more is a hostile or broken file)
MAX_LINE_BYTES = 4 * 2**20  # one CSV line
MAX_XLSX_INFLATED = 256 * 2**20  # all parts of a workbook, inflated
MAX_XLSX_MEMBERS = 2000
# Only notes may hold a line break; anywhere else a break means a quote left open.
MULTILINE_COLUMNS = frozenset({"notes"})
_SCREEN = re.compile("[\x00\n\r']")  # what makes a cell need the slow checks


@dataclass(slots=True)
class UnitRow:
    line: int
    unit_id: str
    designation: str
    echelon: str | None = None
    branch: str | None = None
    parent_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    observed_at: datetime | None = None
    equipment: dict[str, int] = field(default_factory=dict)
    strength: int | None = None
    reliability: str | None = None
    credibility: int | None = None
    sidc: str | None = None
    notes: str | None = None
    unplaced: bool = False  # place given but not resolvable, imported without position
    bad_position: bool = False  # lat/lon given but wrong: reported, not guessed from the place


@dataclass
class Parsed:
    path: str
    rows: list[UnitRow]
    problems: list[str]

    def raise_if_problems(self) -> None:
        if self.problems:
            n = len(self.problems)
            shown = self.problems[:MAX_PROBLEMS]
            more = [f"… and {n - MAX_PROBLEMS} more"] if n > MAX_PROBLEMS else []
            raise ValidationError(f"{self.path}: {n} problem(s); nothing was written", shown + more)


def parse_quantity(text: str, what: str, maximum: int) -> int:
    """A count or strength: a whole number in 0..maximum (an integral float such as '120.0'
    from a spreadsheet is accepted). Huge or non-finite values are refused before conversion,
    so nothing is stored that a pouch (RFC 8785 JSON, integers < 2^53) could not carry."""
    s = text.strip()
    if len(s) > 32:
        raise ValueError(f"{what} {s[:12]}… ({len(s)} characters) is out of range 0–{maximum:,}")
    try:
        n = int(s)
    except ValueError:
        try:
            f = float(s)
        except ValueError:
            raise ValueError(f"{what} is not a whole number: {s!r}") from None
        if not math.isfinite(f) or not f.is_integer():
            raise ValueError(f"{what} is not a whole number: {s!r}") from None
        if abs(f) > maximum:
            raise ValueError(f"{what} {s} is out of range 0–{maximum:,}") from None
        n = int(f)
    if n < 0 or n > maximum:
        raise ValueError(f"{what} {s} is out of range 0–{maximum:,}")
    return n


def parse_equipment(text: str) -> dict[str, int]:
    """'tanks=120;guns=48' → {'tanks': 120, 'guns': 48}; each count in 0..MAX_COUNT."""
    out: dict[str, int] = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise ValueError(f"equipment item {part[:40]!r} is not name=count")
        if len(key) > MAX_EQUIPMENT_NAME:
            raise ValueError(f"equipment name {key[:20]!r}… is longer than {MAX_EQUIPMENT_NAME}")
        val = val.strip()
        if val.startswith("-") and val[1:].strip().isdigit():
            raise ValueError(f"equipment count for {key!r} is negative")
        n = parse_quantity(val, f"equipment count for {key!r}", MAX_COUNT)
        if key in out:
            raise ValueError(f"equipment {key!r} given twice")
        out[key] = n
    if len(out) > MAX_EQUIPMENT_KINDS:
        raise ValueError(f"{len(out)} equipment kinds; at most {MAX_EQUIPMENT_KINDS}")
    return out


def format_equipment(eq: dict[str, int]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(eq.items()))


@dataclass
class Table:
    """A unit file opened for reading: its header, its rows (line, cells) and the problems
    found while opening it (JSON elements that are not objects)."""

    kind: str  # csv, xlsx or json
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    problems: list[str] = field(default_factory=list)


def _check_columns(name: str, header: list[str]) -> None:
    if len(header) > MAX_COLUMNS:
        raise ValidationError(
            f"{name}, line 1: {len(header):,} columns; a unit file has at most {MAX_COLUMNS} "
            f"(allowed: {', '.join(COLUMNS)})"
        )


# --- XLSX ---------------------------------------------------------------------------------


def check_xlsx_size(name: str, src: Path | io.BytesIO) -> None:
    """Refuse a zip bomb before anything is inflated for parsing: the members' declared sizes
    must fit the cap, and then every member is inflated through a counter (a header may lie)
    that stops at the cap. Memory stays at one chunk."""
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(f"{name}: not a readable XLSX workbook ({exc})") from None
    mib = MAX_XLSX_INFLATED // (1024 * 1024)
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_XLSX_MEMBERS:
            raise ValidationError(
                f"{name}: {len(infos):,} parts in the workbook; at most {MAX_XLSX_MEMBERS:,}"
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_XLSX_INFLATED:
            raise ValidationError(
                f"{name}: the workbook would inflate to {declared / 2**20:,.0f} MiB; "
                f"the limit is {mib} MiB (refused before reading)"
            )
        counted = 0
        try:
            for info in infos:
                with zf.open(info) as member:
                    while chunk := member.read(1 << 20):
                        counted += len(chunk)
                        if counted > MAX_XLSX_INFLATED:
                            raise ValidationError(
                                f"{name}: the workbook inflates past the {mib} MiB limit "
                                f"(in part {info.filename!r})"
                            )
        except ValidationError:
            raise
        except Exception as exc:  # zipfile raises several kinds for a damaged member
            raise ValidationError(f"{name}: not a readable XLSX workbook ({exc})") from None
    if isinstance(src, io.BytesIO):
        src.seek(0)


def _read_xlsx(path: Path, data: bytes | None) -> Table:
    from openpyxl import load_workbook

    src: Path | io.BytesIO = io.BytesIO(data) if data is not None else path
    check_xlsx_size(path.name, src)
    try:
        wb = load_workbook(src, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # a forged <dimension> must not pad every row to 16,384 cells
        it = ws.iter_rows(values_only=True)
        first = list(next(it, ()))
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValidationError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    while first and (first[-1] is None or str(first[-1]).strip() == ""):
        first.pop()
    _check_columns(path.name, first)
    header = [str(h).strip() if h is not None else "" for h in first]

    def xrows() -> Iterator[tuple[int, list[Any]]]:
        i = 1
        try:
            for i, r in enumerate(it, start=2):  # noqa: B007 (i names the failing row)
                yield i, list(r)
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(f"{path.name}, line {i + 1}: unreadable row ({exc})") from None

    return Table("xlsx", header, xrows())


# --- JSON ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BadNumber:
    """A JSON number we refuse to convert (too many digits, not finite): kept as its text so
    the row check can name its line and field."""

    text: str


def _json_int(s: str) -> int | BadNumber:
    return BadNumber(s) if len(s) > 24 else int(s)


def _json_float(s: str) -> float | BadNumber:
    if len(s) > 64:
        return BadNumber(s)
    f = float(s)
    return f if math.isfinite(f) else BadNumber(s)


_JSON_WS = re.compile(r"[ \t\n\r]*")


class _JsonDoc:
    """Walk the top level of a unit JSON file by hand (list, or object with 'units') so each
    unit's real starting line is known; the values themselves go through the C decoder."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.s = text
        self.dec = json.JSONDecoder(
            parse_int=_json_int, parse_float=_json_float, parse_constant=BadNumber
        )
        self._nl_pos = 0
        self._nl_count = 0

    def line(self, pos: int) -> int:
        """1-based line of offset `pos` (positions asked in increasing order: linear)."""
        if pos < self._nl_pos:
            self._nl_pos, self._nl_count = 0, 0
        self._nl_count += self.s.count("\n", self._nl_pos, pos)
        self._nl_pos = pos
        return self._nl_count + 1

    def fail(self, pos: int, msg: str) -> ValidationError:
        col = pos - (self.s.rfind("\n", 0, pos) + 1) + 1
        return ValidationError(f"{self.name}, line {self.line(pos)}, column {col}: {msg}")

    def ws(self, i: int) -> int:
        m = _JSON_WS.match(self.s, i)
        return m.end() if m else i

    def value(self, i: int) -> tuple[Any, int]:
        try:
            return self.dec.raw_decode(self.s, i)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{self.name}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
            ) from None
        except RecursionError:
            raise self.fail(i, "not a unit file: values nested too deeply") from None

    def expect(self, i: int, ch: str) -> int:
        i = self.ws(i)
        if not self.s.startswith(ch, i):
            got = repr(self.s[i]) if i < len(self.s) else "the end of the file"
            raise self.fail(i, f"not valid JSON (expected {ch!r}, found {got})")
        return i + 1

    def units(self) -> Iterator[tuple[int, Any]]:
        i = self.ws(0)
        if self.s.startswith("[", i):
            end = yield from self.array(i)
        elif self.s.startswith("{", i):
            end = yield from self.obj(i)
        else:
            raise ValidationError(
                f"{self.name}: expected a list of unit objects (or {{'units': [...]}})"
            )
        end = self.ws(end)
        if end != len(self.s):
            raise self.fail(end, "not valid JSON (extra data after the document)")

    def array(self, i: int) -> Iterator[tuple[int, Any]]:
        i = self.ws(self.expect(i, "["))
        if self.s.startswith("]", i):
            return i + 1
        while True:
            i = self.ws(i)
            v, j = self.value(i)
            yield self.line(i), v
            j = self.ws(j)
            if self.s.startswith("]", j):
                return j + 1
            i = self.expect(j, ",")

    def obj(self, i: int) -> Iterator[tuple[int, Any]]:
        i = self.ws(self.expect(i, "{"))
        seen = False
        if self.s.startswith("}", i):
            i += 1
        else:
            while True:
                i = self.ws(i)
                key, j = self.value(i)
                if not isinstance(key, str):
                    raise self.fail(i, "not valid JSON (an object key must be a string)")
                j = self.ws(self.expect(j, ":"))
                if key == "units":
                    if seen:
                        raise self.fail(i, "'units' given twice")
                    seen = True
                    if not self.s.startswith("[", j):
                        raise self.fail(j, "'units' must be a list of unit objects")
                    j = yield from self.array(j)
                else:
                    _, j = self.value(j)
                j = self.ws(j)
                if self.s.startswith("}", j):
                    i = j + 1
                    break
                i = self.expect(j, ",")
        if not seen:
            raise ValidationError(
                f"{self.name}: expected a list of unit objects (or {{'units': [...]}})"
            )
        return i


def _read_json(path: Path, data: bytes | None) -> Table:
    raw = data if data is not None else path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValidationError(f"{path.name}, line {line}: not UTF-8 text") from None
    doc = _JsonDoc(path.name, text)
    units: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    keys: dict[str, None] = {}
    for line, u in doc.units():
        if not isinstance(u, dict):
            problems.append(
                f"{path.name}, line {line}: expected a unit object, found {_json_kind(u)}"
            )
            continue
        units.append((line, u))
        for k in u:
            if k not in JSON_EXPORT_ONLY:
                keys[k] = None
    header = list(keys)
    _check_columns(path.name, header)

    def jrows() -> Iterator[tuple[int, list[Any]]]:
        for line, u in units:
            yield line, [u.get(k) for k in header]

    return Table("json", header, jrows(), problems)


def _json_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, BadNumber):
        return "a number out of range"
    return "a number" if isinstance(v, int | float) else "null" if v is None else "text"


def json_cell(col: str, v: Any) -> str:
    """One JSON value as the cell text the row checks read; ValueError when the type is
    wrong for the column (never Python's repr of a list or object)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        raise ValueError("true/false where a value belongs")
    if isinstance(v, BadNumber):
        t = v.text if len(v.text) <= 24 else f"{v.text[:12]}… ({len(v.text)} digits)"
        raise ValueError(f"number {t} is out of range")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if col == "equipment" and isinstance(v, dict):
        parts = []
        for k, n in v.items():
            if any(c in k for c in "=;,") or not k.strip():
                raise ValueError(f"equipment name {k[:40]!r} is not allowed")
            if isinstance(n, bool) or not isinstance(n, int | float | str):
                raise ValueError(f"equipment count for {k[:40]!r} is {_json_kind(n)}")
            parts.append(f"{k}={n}")
        return ";".join(parts)
    raise ValueError(
        f"{_json_kind(v)} where a {'count list' if col == 'equipment' else 'value'} belongs"
    )


# --- CSV ----------------------------------------------------------------------------------


def _quote_spans(text: str, first_line: int) -> tuple[dict[int, int], int | None]:
    """For one CSV record spanning several lines (csv's default dialect): the fields whose
    quoted value crosses a line break → the line its quote opened on; and the line of a quote
    still open at the end of the record (unterminated), else None. Linear in the record."""
    crossing: dict[int, int] = {}
    field_no, line, i, n = 0, first_line, 0, len(text)
    at_start, quoted, opened = True, False, 0
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
            elif c == "\n":
                crossing.setdefault(field_no, opened)
                line += 1
        elif c == '"' and at_start:
            quoted, opened = True, line
        elif c == ",":
            field_no += 1
            at_start = True
            i += 1
            continue
        elif c == "\n":
            line += 1
        at_start = False
        i += 1
    return crossing, (opened if quoted else None)


def _read_csv(path: Path, data: bytes | None) -> Table:
    stream: BinaryIO = io.BytesIO(data) if data is not None else path.open("rb")
    name = path.name
    record: list[str] = []
    state = {"physical": 0}

    def lines() -> Iterator[str]:
        """Decode line by line, so bad UTF-8 is reported on its own line."""
        while True:
            b = stream.readline(MAX_LINE_BYTES + 1)
            if not b:
                return
            state["physical"] += 1
            n = state["physical"]
            if len(b) > MAX_LINE_BYTES:
                raise ValidationError(
                    f"{name}, line {n}: longer than {MAX_LINE_BYTES // 2**20} MiB"
                )
            try:
                t = b.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    f"{name}, line {n}: not UTF-8 text (byte {exc.start + 1} of the line)"
                ) from None
            record.append(t)
            yield t

    reader = csv.reader(lines())
    try:
        first = next(reader)
    except StopIteration:
        stream.close()
        raise ValidationError(f"{name}: the file is empty (a header row is required)") from None
    except ValidationError:
        stream.close()
        raise
    except csv.Error as exc:
        stream.close()
        raise ValidationError(f"{name}, line 1: {exc}") from None
    if len(record) > 1:
        stream.close()
        raise ValidationError(f"{name}, line 1: a quoted column name runs across lines")
    record.clear()
    _check_columns(name, first)
    header = [h.strip() for h in first]

    def crows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for r in reader:
                start = reader.line_num - len(record) + 1
                if len(record) > 1:
                    crossing, unterminated = _quote_spans("".join(record), start)
                    if unterminated is not None:
                        raise ValidationError(
                            f"{name}, line {unterminated}: a quote opened on line "
                            f"{unterminated} is never closed (it runs to the end of the file)"
                        )
                    r = [
                        CrossedLines(v, crossing[j]) if j in crossing else v
                        for j, v in enumerate(r)
                    ]
                record.clear()
                yield start, r
        except csv.Error as exc:
            if len(record) > 1:
                start = state["physical"] - len(record) + 1
                _, opened = _quote_spans("".join(record), start)
                if opened is not None:
                    raise ValidationError(
                        f"{name}, line {opened}: a quote opened on line {opened} is still open "
                        f"on line {state['physical']} ({exc})"
                    ) from None
            raise ValidationError(f"{name}, line {state['physical']}: {exc}") from None
        finally:
            stream.close()

    return Table("csv", header, crows())


class CrossedLines(str):
    """A CSV value whose quotes ran across a line break; remembers the line they opened on."""

    opened: int

    def __new__(cls, value: str, opened: int) -> CrossedLines:
        obj = super().__new__(cls, value)
        obj.opened = opened
        return obj


def _read_table(path: Path, data: bytes | None) -> Table:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data)
    if suffix == ".json":
        return _read_json(path, data)
    return _read_csv(path, data)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and not math.isnan(v):
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat()
    return str(v).strip()


PlaceResolver = Callable[[str, tuple[float, float] | None], tuple[float, float] | str]


class UnitReader:
    """Stream a unit file: `rows()` yields each valid row as it is read; `finish()` runs the
    whole-file checks (parents, cycles) on compact maps and places the rows that need the
    gazetteer. Memory stays bounded by those maps, not by the rows."""

    def __init__(
        self,
        path: str | Path,
        data: bytes | None = None,
        *,
        allow_unplaced: bool = False,
        resolve_place: PlaceResolver | None = None,
        known_parents: set[str] | None = None,
        now: datetime | None = None,
    ) -> None:
        p = Path(path)
        self.name = p.name
        geo = geoio.kind_of(p, data)
        # Map layers number features, not lines; problems say which.
        self.unit, self.field = ("feature", "field") if geo else ("line", "column")
        if geo:
            self.header, self._iter = geoio.read(p, data, geo)
            self.kind = "json" if geo == "geojson" else geo  # GeoJSON values are typed as JSON's
            self.problems: list[str] = []
        else:
            table = _read_table(p, data)
            self.kind = table.kind
            self.header, self._iter = table.header, table.rows
            self.problems = list(table.problems)
        self.allow_unplaced = allow_unplaced
        self.resolve_place = resolve_place
        self.known = known_parents or set()
        self.now = now or utcnow()
        self.lines: dict[str, int] = {}  # unit_id → line
        self.parents: dict[str, str | None] = {}
        self.positions: dict[str, tuple[float, float]] = {}
        self.deferred: list[UnitRow] = []  # rows whose position must come from the gazetteer
        self.count = 0
        unknown = [h for h in self.header if h not in COLUMNS]
        if unknown:
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            self.problems.append(
                f"{self.name}, {'line 1' if self.unit == 'line' else 'properties'}: unknown "
                f"{self.field}(s) {', '.join(repr(u[:40]) for u in unknown[:10])}{more} "
                f"(allowed: {', '.join(COLUMNS)})"
            )
        for req in REQUIRED:
            if req not in self.header:
                self.problems.append(f"{self.name}, line 1: required column {req!r} is missing")
        dupcols = {h for h, n in Counter(self.header).items() if n > 1 and h}
        if dupcols:
            self.problems.append(
                f"{self.name}, line 1: column(s) given twice: {', '.join(sorted(dupcols))}"
            )

    def bad(self, line: int, col: str, msg: str) -> None:
        self.problems.append(f"{self.name}, {self.unit} {line}, {self.field} {col}: {msg}")

    def rows(self) -> Iterator[UnitRow]:
        if self.problems:
            return
        idx = {h: i for i, h in enumerate(self.header)}
        width = len(self.header)
        for line, raw in self._iter:
            vals = self._cells(line, raw, idx)
            if vals is None:
                continue
            if not any(vals.values()) and self.unit == "line":
                continue  # blank line (an empty map feature is still a feature, and refused)
            if len(raw) > width and any(_cell(x) for x in raw[width:]):
                self.problems.append(
                    f"{self.name}, {self.unit} {line}: more cells than header columns"
                )
                continue
            before = len(self.problems)
            row = self._row(line, vals)
            if row is None or len(self.problems) > before:
                continue
            self.count += 1
            if row.lat is not None and row.lon is not None:
                self.positions[row.unit_id] = (row.lat, row.lon)
            if row.lat is None and row.place and not row.bad_position:
                self.deferred.append(row)
                continue
            yield row

    def _cells(self, line: int, raw: list[Any], idx: dict[str, int]) -> dict[str, str] | None:
        """The row's cells as text, or None when a cell cannot be a value at all (wrong JSON
        type, NUL, a line break outside notes): each such cell is reported."""
        if self.kind != "json":
            vals = {h: _cell(raw[i]) if i < len(raw) else "" for h, i in idx.items()}
            if _SCREEN.search("".join(vals.values())) is None:
                return vals  # the common row: one scan says no cell needs a closer look
        vals = {}
        ok = True
        for h, i in idx.items():
            v = raw[i] if i < len(raw) else None
            if self.kind == "json":
                try:
                    text = json_cell(h, v)
                except ValueError as exc:
                    self.bad(line, h, str(exc))
                    ok = False
                    continue
            else:
                text = _cell(v)
            if "\x00" in text:
                self.bad(line, h, "contains a NUL character (not a text value)")
                ok = False
                continue
            if h not in MULTILINE_COLUMNS and ("\n" in text or "\r" in text):
                if isinstance(v, CrossedLines):
                    self.problems.append(
                        f"{self.name}, line {v.opened}, column {h}: a quoted value opened on "
                        f"line {v.opened} runs across {text.count(chr(10)) + 1} lines; "
                        f"a {h} cannot hold a line break (is a closing quote missing?)"
                    )
                else:
                    self.bad(line, h, f"a {h} cannot hold a line break")
                ok = False
                continue
            vals[h] = unneutralise(text)
        return vals if ok else None

    def _row(self, line: int, vals: dict[str, str]) -> UnitRow | None:
        bad = self.bad
        uid = vals["unit_id"]
        if not uid:
            bad(line, "unit_id", "empty (every row needs a unit_id)")
            return None
        if uid in self.lines:
            bad(
                line,
                "unit_id",
                f"duplicate unit_id {uid!r} (first on {self.unit} {self.lines[uid]})",
            )
            return None
        self.lines[uid] = line
        row = UnitRow(line=line, unit_id=uid, designation=vals["designation"])
        if not row.designation:
            bad(line, "designation", "empty (every row needs a designation)")
        for col, norm in (("echelon", norm_echelon), ("branch", norm_branch)):
            if vals.get(col):
                try:
                    setattr(row, col, norm(vals[col]))
                except ValueError as exc:
                    bad(line, col, str(exc))
        row.parent_id = vals.get("parent_id") or None
        self.parents[uid] = row.parent_id
        if row.parent_id == uid:
            bad(line, "parent_id", "a unit cannot be its own parent")
        lat_s, lon_s = vals.get("lat", ""), vals.get("lon", "")
        if lat_s or lon_s:
            row.bad_position = True
            if not (lat_s and lon_s):
                bad(line, "lat" if not lat_s else "lon", "lat and lon must be given together")
            else:
                try:
                    lat, lon = float(lat_s.replace(",", ".")), float(lon_s.replace(",", "."))
                    check_lat_lon(lat, lon)
                    row.lat, row.lon = lat, lon
                    row.bad_position = False
                except ValueError as exc:
                    col = "lon" if "longitude" in str(exc) else "lat"
                    msg = str(exc) if "itude" in str(exc) else f"not a number: {lat_s!r}, {lon_s!r}"
                    bad(line, col, msg)
        row.place = vals.get("place") or None
        if vals.get("observed_at"):
            try:
                t = parse_time(vals["observed_at"])
                if t > self.now + FUTURE_SKEW:
                    bad(line, "observed_at", f"{vals['observed_at']} is in the future")
                else:
                    row.observed_at = t
            except ValueError as exc:
                bad(line, "observed_at", str(exc))
        if vals.get("equipment"):
            try:
                row.equipment = parse_equipment(vals["equipment"])
            except ValueError as exc:
                bad(line, "equipment", str(exc))
        if vals.get("strength"):
            try:
                row.strength = parse_quantity(vals["strength"], "strength", MAX_STRENGTH)
            except ValueError as exc:
                msg = str(exc).removeprefix("strength ")
                if vals["strength"].strip().startswith("-") or "whole" in msg:
                    msg = f"not a whole number ≥ 0: {vals['strength'][:40]!r}"
                bad(line, "strength", msg)
        if vals.get("source_reliability"):
            try:
                row.reliability = parse_reliability(vals["source_reliability"])
            except ValueError as exc:
                bad(line, "source_reliability", str(exc))
        if vals.get("info_credibility"):
            try:
                row.credibility = parse_credibility(vals["info_credibility"])
            except ValueError as exc:
                bad(line, "info_credibility", str(exc))
        if vals.get("sidc"):
            sidc = vals["sidc"].replace(" ", "")
            if not (len(sidc) == 20 and sidc.isdigit()):
                bad(line, "sidc", f"not a 20-digit APP-6D/2525D SIDC: {vals['sidc']!r}")
            else:
                row.sidc = sidc
        row.notes = vals.get("notes") or None
        if row.designation and (row.echelon is None or row.branch is None):
            from liaison.names import parse_designation

            d = parse_designation(row.designation)
            row.echelon = row.echelon or d.echelon
            row.branch = row.branch or d.branch
        return row

    def finish(self) -> list[UnitRow]:
        """Whole-file checks; returns the deferred rows, now placed (or marked unplaced)."""
        for uid, parent in self.parents.items():
            if parent and parent not in self.parents and parent not in self.known:
                self.bad(
                    self.lines[uid],
                    "parent_id",
                    f"parent {parent!r} is neither in this file nor in the store",
                )
        for cyc in find_cycles(self.parents):
            self.bad(
                self.lines[cyc[0]],
                "parent_id",
                "parent links make a cycle: " + " → ".join(cyc + [cyc[0]]),
            )
        self._place()
        return self.deferred

    def _place(self) -> None:
        """Position from the gazetteer when only `place` is given; parents first, so an
        ambiguous name can be settled by the parent's position."""
        if not self.deferred:
            return
        by_id = {r.unit_id: r for r in self.deferred}
        done: set[str] = set()
        places: dict[str, str] = {r.unit_id: r.place for r in self.deferred if r.place}
        from liaison.names.gazetteer import Context

        # the other units of the file that carry their own position: where this force is
        neighbours = Context.centre(list(self.positions.values()))

        def resolve(place: str, near: tuple[float, float] | None, uid: str) -> Any:
            if self.resolve_place is not None:
                return self.resolve_place(place, near)
            parent = self.parents.get(uid)
            ctx = Context(near, places.get(parent) if parent else None, neighbours)
            return default_place_resolver(place, near, context=ctx)

        def position(uid: str | None, depth: int = 0) -> tuple[float, float] | None:
            if uid is None:
                return None
            if uid in self.positions:
                return self.positions[uid]
            r = by_id.get(uid)
            if r is None or uid in done or depth > 50 or not r.place:
                return None
            done.add(uid)
            near = position(self.parents.get(uid), depth + 1)
            got = resolve(r.place, near, uid)
            if isinstance(got, tuple):
                r.lat, r.lon = got
                self.positions[uid] = got
                return got
            if self.allow_unplaced:
                r.unplaced = True
            else:
                self.bad(
                    r.line,
                    "place",
                    f"{got} — give lat/lon, or import with --allow-unplaced to keep it without position",
                )
            return None

        for r in self.deferred:
            position(r.unit_id)


def parse_file(
    path: str | Path,
    data: bytes | None = None,
    *,
    allow_unplaced: bool = False,
    resolve_place: PlaceResolver | None = None,
    known_parents: set[str] | None = None,
    now: datetime | None = None,
) -> Parsed:
    """Read and validate a whole unit file into memory (for files read without a store)."""
    reader = UnitReader(
        path,
        data,
        allow_unplaced=allow_unplaced,
        resolve_place=resolve_place,
        known_parents=known_parents,
        now=now,
    )
    rows = list(reader.rows())
    rows += reader.finish()
    rows.sort(key=lambda r: r.line)
    return Parsed(reader.name, rows, reader.problems)


def default_place_resolver(
    place: str, near: tuple[float, float] | None, *, context: Any = None
) -> tuple[float, float] | str:
    """The gazetteer's reading; `context` (a gazetteer.Context) settles far-off or ambiguous ones."""
    from liaison.names import gazetteer

    res = gazetteer.resolve(place, near=None if context else near, context=context)
    if res.status == "ok" and res.place is not None:
        return (res.place.lat, res.place.lon)
    if res.status == "ambiguous":
        opts = "; ".join(
            f"{c.name} ({c.country}, {c.lat:.2f},{c.lon:.2f})" for c in res.candidates[:4]
        )
        return f"place {place!r} is ambiguous: {opts}"
    return f"place {place!r} is not in the gazetteer"


def find_cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in a child → parent map, each reported once."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for start in parents:
        if state.get(start):
            continue
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and not state.get(node):
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1 and node in path:
            cycles.append(path[path.index(node) :])
        for n in path:
            state[n] = 2
    return cycles


def rows_to_picture(rows: list[UnitRow], partner: str) -> Picture:
    units = {
        r.unit_id: UnitView(
            partner=partner,
            unit_id=r.unit_id,
            designation=r.designation,
            echelon=r.echelon,
            branch=r.branch,
            parent_id=r.parent_id,
            sidc=r.sidc,
            lat=r.lat,
            lon=r.lon,
            place=r.place,
            observed_at=r.observed_at,
            equipment=dict(r.equipment),
            strength=r.strength,
            reliability=r.reliability,
            credibility=r.credibility,
            notes=r.notes,
        )
        for r in rows
    }
    return Picture(partner=partner, units=units)


def load_picture(
    path: str | Path, partner: str = "FILE", *, allow_unplaced: bool = True
) -> Picture:
    """A picture straight from a unit file, no store involved (for `liaison reconcile a.csv b.csv`)."""
    parsed = parse_file(path, allow_unplaced=allow_unplaced)
    parsed.raise_if_problems()
    return rows_to_picture(parsed.rows, partner)
