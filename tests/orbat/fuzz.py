"""Hostile unit files for fuzzing the importers (CSV, XLSX, JSON) and the one check every
example must pass: an import either succeeds and writes exactly what it reports (within the
stated ranges), or raises a LiaisonError and writes nothing. Shared by the bounded test in
`make test` (tests/orbat/test_import_fuzz.py) and the longer run in benchmarks/import_fuzz.py."""

from __future__ import annotations

import io
import json
import traceback
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st

from liaison.core.errors import LiaisonError
from liaison.orbat.csvio import COLUMNS, MAX_COUNT, MAX_STRENGTH
from liaison.orbat.importer import import_file
from liaison.store import Store
from liaison.store.schema.audit import audit
from liaison.store.schema.orbat import observation, unit

HOSTILE = [
    '"',
    '""',
    '"a\nb"',
    "\n",
    "\r\n",
    "\r",
    "\x00",
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "9" * 30,
    "9" * 5000,
    "100000000000000000000000",
    '=HYPERLINK("http://x","y")',
    "'=1+1",
    "\t",
    ",",
    ";",
    "=",
    "tanks=9007199254740993",
    "tanks=5;guns=2",
    "tanks=-1",
    "50.1",
    "-200",
    "1938-06-01",
    "2999-01-01",
    "A1",
    "B",
    "2",
    "\ufeff",
    "\u202e",
    "Ω",
    "",
]
COLS = list(COLUMNS)
cell_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=12),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
header = st.one_of(
    st.just(["unit_id", "designation"]),
    st.lists(st.sampled_from(COLS), min_size=1, max_size=8, unique=True).map(
        lambda h: ["unit_id", "designation", *[c for c in h if c not in ("unit_id", "designation")]]
    ),
    st.lists(st.sampled_from([*COLS, "x", "", "unit_id"]), min_size=0, max_size=8),
)


@st.composite
def mutate(draw: st.DrawFn, data: bytes) -> bytes:
    """Sometimes insert, overwrite or cut a few bytes (bad UTF-8, broken quotes, truncation)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["insert", "overwrite", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=4))
        if op == "insert":
            out[i:i] = chunk
        elif op == "overwrite":
            out[i : i + len(chunk)] = chunk
        else:
            del out[i:]
    return bytes(out)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    h = draw(header)
    rows = draw(st.lists(st.lists(cell_text, max_size=len(h) + 1), max_size=6))
    sep = draw(st.sampled_from(["\n", "\r\n"]))

    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if draw(st.booleans()) else v

    text = sep.join([",".join(h), *(",".join(cell(v) for v in r) for r in rows)]) + sep
    return "units.csv", draw(mutate(text.encode("utf-8")))


json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        cell_text,
    ),
    lambda c: st.one_of(
        st.lists(c, max_size=3), st.dictionaries(st.text(max_size=6), c, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def json_files(draw: st.DrawFn) -> tuple[str, bytes]:
    keys = draw(header)
    units: list[Any] = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.integers(0, 9)) == 0:
            units.append(draw(json_value))  # not an object at all
            continue
        u = {k: draw(json_value) for k in keys}
        if "equipment" in u and draw(st.booleans()):
            u["equipment"] = draw(st.dictionaries(st.sampled_from(["tanks", "guns"]), json_value))
        units.append(u)
    doc: Any = units if draw(st.booleans()) else {"partner": "PL", "units": units}
    text = json.dumps(
        doc, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    depth = draw(st.sampled_from([0, 0, 0, 5000]))
    if depth:
        text = text.replace('"unit_id"', '"x": ' + "[" * depth + "]" * depth + ', "unit_id"', 1)
    return "units.json", draw(mutate(text.encode("utf-8")))


@st.composite
def xlsx_files(draw: st.DrawFn) -> tuple[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    head = draw(header)
    value = st.one_of(
        cell_text.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False),
        st.none(),
    )
    rows = draw(st.lists(st.lists(value, max_size=10), max_size=6))
    damage = draw(st.integers(0, 4)) == 0  # a damaged workbook now and then
    # every draw happens before the workbook exists, so an aborted example leaves none half-built
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("units")
    ws.append(head)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if damage:
        data = draw(mutate(data))
    return "units.xlsx", data


def counts(store: Store) -> tuple[int, int, int]:
    with store.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0)
            for t in (unit, observation, audit)
        )


def check_import(store: Store, name: str, data: bytes) -> str | None:
    """Import one file; None when it behaved, else a description of what went wrong."""
    before = counts(store)
    try:
        with store.begin() as conn:
            rep = import_file(
                conn,
                name,
                "PL",
                data=data,
                allow_unplaced=True,
                resolve_place=lambda place, near: f"place {place!r} is not in the gazetteer",
            )
    except LiaisonError:
        after = counts(store)
        return None if after == before else f"partial write {before} → {after}"
    except Exception:
        return traceback.format_exc(limit=8)
    after = counts(store)
    expect = (before[0] + rep.units_new, before[1] + rep.observations_new, before[2] + 1)
    if after != expect:
        return f"wrote {after}, reported {expect}"
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(
                observation.c.strength, observation.c.equipment, observation.c.designation
            ).where(observation.c.batch == rep.batch)
        ).all()
    for strength, equipment, designation in rows:
        if strength is not None and not 0 <= strength <= MAX_STRENGTH:
            return f"stored strength {strength}"
        if any(not 0 <= n <= MAX_COUNT for n in (equipment or {}).values()):
            return f"stored equipment {equipment}"
        if "\x00" in designation or "\n" in designation:
            return f"stored designation {designation!r}"
    return None


FILES = st.one_of(csv_files(), json_files(), xlsx_files())
