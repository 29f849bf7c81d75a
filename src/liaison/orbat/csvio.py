"""The unit file formats analysts use (CSV, XLSX, JSON): read and validate every row.

Reading never writes: it returns rows plus every problem found, each naming file, line and
column, so an import can refuse the whole file and say everything that is wrong in one go.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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


def parse_equipment(text: str) -> dict[str, int]:
    """'tanks=120;guns=48' → {'tanks': 120, 'guns': 48}."""
    out: dict[str, int] = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, val = part.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise ValueError(f"equipment item {part!r} is not name=count")
        try:
            n = int(val.strip())
        except ValueError:
            raise ValueError(
                f"equipment count for {key!r} is not a whole number: {val.strip()!r}"
            ) from None
        if n < 0:
            raise ValueError(f"equipment count for {key!r} is negative")
        if key in out:
            raise ValueError(f"equipment {key!r} given twice")
        out[key] = n
    return out


def format_equipment(eq: dict[str, int]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(eq.items()))


def _read_table(
    path: Path, data: bytes | None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(
                io.BytesIO(data) if data is not None else path, read_only=True, data_only=True
            )
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ValidationError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]

        def xrows() -> Iterator[tuple[int, list[Any]]]:
            for i, r in enumerate(it, start=2):
                yield i, list(r)

        return header, xrows()
    if suffix == ".json":
        raw = data if data is not None else path.read_bytes()
        try:
            doc = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path.name}: not valid JSON ({exc})") from None
        units = doc.get("units") if isinstance(doc, dict) else doc
        if not isinstance(units, list) or not all(isinstance(u, dict) for u in units):
            raise ValidationError(
                f"{path.name}: expected a list of unit objects (or {{'units': [...]}})"
            )
        keys: list[str] = []
        for u in units:
            for k in u:
                if k not in keys and k not in JSON_EXPORT_ONLY:
                    keys.append(k)

        def jrows() -> Iterator[tuple[int, list[Any]]]:
            for i, u in enumerate(units, start=1):
                yield i, [u.get(k) for k in keys]

        return keys, jrows()
    stream: io.TextIOBase
    if data is not None:
        stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    else:
        stream = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(stream)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValidationError(
            f"{path.name}: the file is empty (a header row is required)"
        ) from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name}, line 1: not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise ValidationError(f"{path.name}, line 1: {exc}") from None

    def crows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for r in reader:
                yield reader.line_num, r
        except UnicodeDecodeError:
            raise ValidationError(
                f"{path.name}, line {reader.line_num + 1}: not UTF-8 text"
            ) from None
        except csv.Error as exc:
            raise ValidationError(f"{path.name}, line {reader.line_num}: {exc}") from None
        finally:
            stream.close()

    return header, crows()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and not math.isnan(v):
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, dict):  # JSON equipment object
        return format_equipment({str(k): int(x) for k, x in v.items()})
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
        self.header, self._iter = geoio.read(p, data, geo) if geo else _read_table(p, data)
        self.problems: list[str] = []
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
            self.problems.append(
                f"{self.name}, {'line 1' if self.unit == 'line' else 'properties'}: unknown "
                f"{self.field}(s) {', '.join(repr(u) for u in unknown)} "
                f"(allowed: {', '.join(COLUMNS)})"
            )
        for req in REQUIRED:
            if req not in self.header:
                self.problems.append(f"{self.name}, line 1: required column {req!r} is missing")
        dupcols = {h for h in self.header if self.header.count(h) > 1 and h}
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
            vals = {h: _cell(raw[i]) if i < len(raw) else "" for h, i in idx.items()}
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
                if str(vals["strength"]).strip().startswith("-"):
                    raise ValueError
                row.strength = int(float(vals["strength"]))
            except ValueError:
                bad(line, "strength", f"not a whole number ≥ 0: {vals['strength']!r}")
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
