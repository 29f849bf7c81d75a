"""Operators' logs in CSV: one line per transmission heard, imported all or nothing.

Columns (header row, UTF-8, any order; unknown columns are refused so a misspelt one is not lost):
``station, heard_at, frequency_khz, call_from`` are required; ``call_to, msg_number, groups,
precedence, bearing, bearing_error, intercept, notes`` are optional. ``station`` names one of our
registered stations; ``bearing`` (degrees true) takes the station's stated error when the line gives
none; ``intercept`` names a stored intercept (``PARTNER/local id``) whose text this line carries.

Every line is checked before anything is written; the error lists every bad line and field, and the
store is left as it was. The same file imported twice is refused (its SHA-256 is kept).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import parse_time, utcnow
from liaison.core.errors import ConflictError, ValidationError
from liaison.core.ids import new_id
from liaison.store import audit
from liaison.store.schema.codebreak import intercept
from liaison.store.schema.traffic import traffic_log, traffic_message, traffic_station
from liaison.traffic.stations import partner_code

REQUIRED = ("station", "heard_at", "frequency_khz", "call_from")
OPTIONAL = (
    "call_to",
    "msg_number",
    "groups",
    "precedence",
    "bearing",
    "bearing_error",
    "intercept",
    "notes",
)
PRECEDENCE = {"R": "ROUTINE", "P": "PRIORITY", "O": "IMMEDIATE", "Z": "FLASH"}
CALLSIGN = re.compile(r"^[A-Z0-9/]{1,20}$")
MAX_BYTES = 64 * 1024 * 1024
MAX_PROBLEMS = 50
MAX_STATION = 100


@dataclass
class LogLine:
    line: int
    station: str
    heard_at: datetime
    frequency_khz: float
    call_from: str
    call_to: str | None
    msg_number: int | None
    groups: int | None
    precedence: str | None
    bearing: float | None
    bearing_error: float | None
    intercept: str | None
    notes: str | None


def _callsign(v: str) -> str:
    s = v.strip().upper()
    if not CALLSIGN.match(s):
        raise ValueError(f"call sign {v!r}: 1–20 letters, digits or '/'")
    return s


def _int(v: str, lo: int, hi: int) -> int:
    try:
        n = int(v.strip())
    except ValueError:
        raise ValueError(f"{v!r} is not a whole number") from None
    if not lo <= n <= hi:
        raise ValueError(f"{n} is outside {lo}..{hi}")
    return n


def _float(v: str, lo: float, hi: float, what: str) -> float:
    try:
        x = float(v.strip())
    except ValueError:
        raise ValueError(f"{v!r} is not a number") from None
    if not (math.isfinite(x) and lo <= x <= hi):
        raise ValueError(f"{what} {x} is outside {lo}..{hi}")
    return x


def _precedence(v: str) -> str:
    s = v.strip().upper()
    if s in PRECEDENCE:
        return PRECEDENCE[s]
    if s in PRECEDENCE.values():
        return s
    raise ValueError(f"{v!r}: one of ROUTINE, PRIORITY, IMMEDIATE, FLASH (or R, P, O, Z)")


PARSERS: tuple[tuple[str, Any], ...] = (
    ("station", lambda v: v.strip()[:MAX_STATION]),
    ("heard_at", parse_time),
    ("frequency_khz", lambda v: _float(v, 1.0, 1_000_000.0, "frequency")),
    ("call_from", _callsign),
    ("call_to", _callsign),
    ("msg_number", lambda v: _int(v, 0, 1_000_000)),
    ("groups", lambda v: _int(v, 0, 100_000)),
    ("precedence", _precedence),
    ("bearing", lambda v: _float(v, 0.0, 360.0, "bearing")),
    ("bearing_error", lambda v: _float(v, 0.01, 45.0, "bearing error")),
    ("intercept", lambda v: v.strip()[:300]),
    ("notes", lambda v: v.strip()[:2000]),
)


def parse_log(text: str, name: str = "log") -> list[LogLine]:
    """Check every line; ValidationError names each bad line and field (nothing is half-read)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ValidationError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB; split the log")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationError(f"{name}: empty file (a header row is needed)") from None
    except csv.Error as exc:
        raise ValidationError(f"{name}: line 1: {exc}") from None
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    missing = [h for h in REQUIRED if h not in header]
    dup = sorted({h for h in header if header.count(h) > 1})
    problems = []
    if unknown:
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    if dup:
        problems.append(f"line 1: repeated column(s) {', '.join(dup)}")
    if problems:
        raise ValidationError(f"{name}: the header is wrong", problems)
    out: list[LogLine] = []
    line = 1
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(f"line {line}: {len(cells)} fields, the header has {len(header)}")
                continue
            row = dict(zip(header, cells, strict=True))
            got: dict[str, Any] = dict.fromkeys(REQUIRED + OPTIONAL)
            bad = False
            for fld, fn in PARSERS:
                v = row.get(fld, "")
                if v is None or not v.strip():
                    if fld in REQUIRED:
                        problems.append(f"line {line}, field {fld}: required")
                        bad = True
                    continue
                try:
                    got[fld] = fn(v)
                except ValueError as exc:
                    problems.append(f"line {line}, field {fld}: {exc}")
                    bad = True
            if got["bearing_error"] is not None and got["bearing"] is None:
                problems.append(f"line {line}, field bearing: an error is given without a bearing")
                bad = True
            if not bad:
                out.append(LogLine(line=line, **got))
            if len(problems) >= MAX_PROBLEMS:
                problems.append("… (more problems not listed)")
                break
    except csv.Error as exc:
        problems.append(f"line {line}: {exc}")
    if problems:
        raise ValidationError(f"{name}: {len(problems)} problem(s); nothing imported", problems)
    if not out:
        raise ValidationError(f"{name}: no log lines")
    return out


def import_log(
    conn: Connection,
    text: str,
    *,
    name: str = "log",
    partner: str | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Import an operator's log into the caller's transaction: every line or none."""
    code = partner_code(conn, partner)
    lines = parse_log(text, name)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if conn.execute(
        sa.select(traffic_log.c.id).where(
            traffic_log.c.partner_code == code, traffic_log.c.sha256 == digest
        )
    ).first():
        raise ConflictError(f"{name}: this log is already imported")
    stations = {
        r.name: r
        for r in conn.execute(
            sa.select(traffic_station).where(traffic_station.c.partner_code == code)
        )
    }
    refs = {ln.intercept for ln in lines if ln.intercept}
    found: dict[str, str] = {}
    for ref in refs:
        p, sep, local = ref.partition("/")
        row = (
            conn.execute(
                sa.select(intercept.c.id).where(
                    intercept.c.partner_code == p.strip().upper(), intercept.c.local_id == local
                )
            ).first()
            if sep
            else None
        )
        if row is not None:
            found[ref] = row.id
    problems = []
    for ln in lines:
        st = stations.get(ln.station)
        if st is None:
            problems.append(
                f"line {ln.line}, field station: {ln.station!r} is not a registered station of {code}"
            )
        elif ln.bearing is not None and ln.bearing_error is None and st.bearing_error is None:
            problems.append(
                f"line {ln.line}, field bearing_error: needed (station {st.name} states none)"
            )
        if ln.intercept and ln.intercept not in found:
            problems.append(f"line {ln.line}, field intercept: no intercept {ln.intercept!r}")
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ValidationError(f"{name}: {len(problems)} problem(s); nothing imported", problems)
    log_id = new_id()
    conn.execute(
        traffic_log.insert().values(
            id=log_id, partner_code=code, name=name[:300], sha256=digest, lines=len(lines),
            imported_at=utcnow(), imported_by=actor,
        )
    )  # fmt: skip
    batch = []
    for ln in lines:
        st = stations[ln.station]
        batch.append(
            {
                "id": new_id(),
                "log_id": log_id,
                "line": ln.line,
                "station_id": st.id,
                "heard_at": ln.heard_at,
                "frequency_khz": ln.frequency_khz,
                "call_from": ln.call_from,
                "call_to": ln.call_to,
                "msg_number": ln.msg_number,
                "groups": ln.groups,
                "precedence": ln.precedence,
                "bearing": ln.bearing,
                "bearing_error": (
                    (ln.bearing_error or st.bearing_error) if ln.bearing is not None else None
                ),
                "intercept_id": found.get(ln.intercept) if ln.intercept else None,
                "notes": ln.notes,
            }
        )
        if len(batch) >= 5000:
            conn.execute(traffic_message.insert(), batch)
            batch = []
    if batch:
        conn.execute(traffic_message.insert(), batch)
    first = min(ln.heard_at for ln in lines)
    last = max(ln.heard_at for ln in lines)
    audit.record(
        conn, actor, "traffic.log.import", f"{code}/{name[:200]}",
        {"lines": len(lines), "sha256": digest},
    )  # fmt: skip
    return {
        "log": log_id,
        "name": name,
        "partner": code,
        "lines": len(lines),
        "stations": sorted({ln.station for ln in lines}),
        "first": first,
        "last": last,
        "bearings": sum(1 for ln in lines if ln.bearing is not None),
    }
