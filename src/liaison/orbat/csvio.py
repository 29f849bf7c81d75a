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
    raw = data if data is not None else path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValidationError(
            f"{path.name}: the file is empty (a header row is required)"
        ) from None
    except csv.Error as exc:
        raise ValidationError(f"{path.name}, line 1: {exc}") from None

    def crows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for r in reader:
                yield reader.line_num, r
        except csv.Error as exc:
            raise ValidationError(f"{path.name}, line {reader.line_num}: {exc}") from None

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


def parse_file(
    path: str | Path,
    data: bytes | None = None,
    *,
    allow_unplaced: bool = False,
    resolve_place: PlaceResolver | None = None,
    known_parents: set[str] | None = None,
    now: datetime | None = None,
) -> Parsed:
    """Read and validate a unit file. `known_parents` are ids already in the store for this partner."""
    p = Path(path)
    name = p.name
    header, rows_iter = _read_table(p, data)
    problems: list[str] = []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append(
            f"{name}, line 1: unknown column(s) {', '.join(repr(u) for u in unknown)} "
            f"(allowed: {', '.join(COLUMNS)})"
        )
    for req in REQUIRED:
        if req not in header:
            problems.append(f"{name}, line 1: required column {req!r} is missing")
    dupcols = {h for h in header if header.count(h) > 1 and h}
    if dupcols:
        problems.append(f"{name}, line 1: column(s) given twice: {', '.join(sorted(dupcols))}")
    if problems:
        return Parsed(name, [], problems)
    idx = {h: i for i, h in enumerate(header)}
    now = now or utcnow()
    rows: list[UnitRow] = []
    seen: dict[str, int] = {}

    def bad(line: int, col: str, msg: str) -> None:
        problems.append(f"{name}, line {line}, column {col}: {msg}")

    for line, raw in rows_iter:
        vals = {h: _cell(raw[i]) if i < len(raw) else "" for h, i in idx.items()}
        if not any(vals.values()):
            continue  # blank line
        if len(raw) > len(header) and any(_cell(x) for x in raw[len(header) :]):
            problems.append(f"{name}, line {line}: more cells than header columns")
            continue
        uid = vals["unit_id"]
        if not uid:
            bad(line, "unit_id", "empty (every row needs a unit_id)")
            continue
        if uid in seen:
            bad(line, "unit_id", f"duplicate unit_id {uid!r} (first on line {seen[uid]})")
            continue
        seen[uid] = line
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
                if t > now + FUTURE_SKEW:
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
                s = int(float(vals["strength"]))
                if s < 0 or str(vals["strength"]).strip().startswith("-"):
                    raise ValueError
                row.strength = s
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
        rows.append(row)

    _infer_from_designation(rows)
    by_id = {r.unit_id: r for r in rows}
    known = known_parents or set()
    for r in rows:
        if r.parent_id and r.parent_id not in by_id and r.parent_id not in known:
            bad(
                r.line,
                "parent_id",
                f"parent {r.parent_id!r} is neither in this file nor in the store",
            )
    for cyc in find_cycles({r.unit_id: r.parent_id for r in rows}):
        first = by_id[cyc[0]]
        bad(first.line, "parent_id", "parent links make a cycle: " + " → ".join(cyc + [cyc[0]]))
    _place_rows(rows, by_id, name, bad, allow_unplaced, resolve_place)
    return Parsed(name, rows, problems)


def _infer_from_designation(rows: list[UnitRow]) -> None:
    """Echelon and branch come from the designation when the columns are empty."""
    missing = [r for r in rows if r.designation and (r.echelon is None or r.branch is None)]
    if not missing:
        return
    from liaison.names import parse_designation

    for r in missing:
        d = parse_designation(r.designation)
        r.echelon = r.echelon or d.echelon
        r.branch = r.branch or d.branch


def _place_rows(
    rows: list[UnitRow],
    by_id: dict[str, UnitRow],
    name: str,
    bad: Callable[[int, str, str], None],
    allow_unplaced: bool,
    resolve_place: PlaceResolver | None,
) -> None:
    """Position from the gazetteer when only `place` is given; parents first, so a child's
    ambiguous place can be settled by its parent's position."""
    todo = [r for r in rows if r.lat is None and r.place and not r.bad_position]
    if not todo:
        return
    if resolve_place is None:
        resolve_place = default_place_resolver
    done: set[str] = set()

    def position(r: UnitRow, depth: int = 0) -> tuple[float, float] | None:
        if r.lat is not None and r.lon is not None:
            return (r.lat, r.lon)
        if r.unit_id in done or depth > 50 or not r.place:
            return None
        done.add(r.unit_id)
        parent = by_id.get(r.parent_id or "")
        near = position(parent, depth + 1) if parent else None
        got = resolve_place(r.place, near)
        if isinstance(got, tuple):
            r.lat, r.lon = got
            return got
        if allow_unplaced:
            r.unplaced = True
        else:
            bad(
                r.line,
                "place",
                f"{got} — give lat/lon, or import with --allow-unplaced to keep it without position",
            )
        return None

    for r in todo:
        position(r)


def default_place_resolver(
    place: str, near: tuple[float, float] | None
) -> tuple[float, float] | str:
    from liaison.names import gazetteer

    res = gazetteer.resolve(place, near=near)
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
