"""Writing many received rows fast: increasing ids made in bulk, and multi-row statements.

Any kind that imports records by the thousand (observations today; evacuation records, relayed
items tomorrow) prepares its rows as a `Batch` and writes it with `bulk_insert`, inside the
pouch's transaction.
"""

from __future__ import annotations

import operator
import os
import sqlite3
import time
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

STATEMENT_ROWS = 500


def new_ids(n: int) -> list[str]:
    """n UUIDv7 strings at once, increasing (RFC 9562's counter method: one clock read, random
    rand_a, rand_b counting up from a random start). Increasing keys append to the indexes instead
    of landing at random places — per-row ids were a tenth of the import time, random ones more."""
    ms = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    rand = int.from_bytes(os.urandom(10), "big")
    base = (ms << 80) | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64 | (0b10 << 62)
    start = rand & ((1 << 61) - 1)  # room to count up without touching the variant bits
    h = f"{base:032x}"
    head = f"{h[:8]}-{h[8:12]}-{h[12:16]}-"  # the counter lives in the low 64 bits only
    x = (base & ((1 << 64) - 1)) | start
    out: list[str] = []
    while len(out) < n:  # one format per id: the top 16 bits of the counter change rarely
        top = x >> 48
        stop = min(x + n - len(out), (top + 1) << 48)
        out += map(f"{head}{top:04x}-%012x".__mod__, range(x - (top << 48), stop - (top << 48)))
        x = stop
    return out


@dataclass(frozen=True)
class Batch:
    """Rows for one table: `cols` name what each row holds, `fixed` the columns that have the
    same value in every row of the import (on SQLite bound once per statement, not per row)."""

    cols: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    fixed: dict[str, Any]

    def dicts(self) -> list[dict[str, Any]]:
        """Every row as a full column → value mapping."""
        return [{**self.fixed, **dict(zip(self.cols, r, strict=True))} for r in self.rows]


def bulk_insert(conn: Connection, table: sa.Table, batch: Batch) -> None:
    """Write prepared rows: through SQLAlchemy Core, or on SQLite straight to the driver (the
    values are already in stored form) as multi-row statements of up to `STATEMENT_ROWS` rows,
    one step per statement instead of one per row. What is the same in every row — the batch's
    fixed values, and any column that happens to hold one value throughout (often null) — is
    bound once per statement instead of once per row: binding is most of the driver's work, and
    binding None costs it several times what a number does (it looks for an adapter each time).
    The statement text never holds a value, only placeholders."""
    if not batch.rows:
        return
    if conn.dialect.name != "sqlite":
        dicts = batch.dicts()
        for i in range(0, len(dicts), 10_000):
            conn.execute(table.insert(), dicts[i : i + 10_000])
        return
    rows, width = batch.rows, len(batch.cols)
    same = [i for i in range(width) if one_value(rows, i)] if len(rows) > 1 else []
    shared = batch.fixed | {batch.cols[i]: rows[0][i] for i in same}
    vary = [i for i in range(width) if i not in same]  # never empty: ids differ between rows
    # INSERT … SELECT column1, …, ?1, … FROM (VALUES (?, …), …): the shared values are the
    # numbered parameters, bound once; each row's own values follow them
    select = [f"column{k}" for k in range(1, len(vary) + 1)]
    select += [f"?{k}" for k in range(1, len(shared) + 1)]
    names = [batch.cols[i] for i in vary] + list(shared)
    head = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(select)} FROM (VALUES "
    one = "(" + ", ".join("?" * len(vary)) + ")"
    limit = getattr(conn.connection.dbapi_connection, "getlimit", None)
    most = limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if limit else 999
    per = max(1, min(STATEMENT_ROWS, (most - len(shared)) // len(vary)))
    values = tuple(shared.values())
    pick = operator.itemgetter(*vary)
    for i in range(0, len(rows), per):
        chunk = rows[i : i + per]
        if len(vary) == width:
            flat = tuple(chain.from_iterable(chunk))
        elif len(vary) == 1:  # itemgetter of one index gives the value, not a tuple
            flat = tuple(map(pick, chunk))
        else:
            flat = tuple(chain.from_iterable(map(pick, chunk)))
        conn.exec_driver_sql(head + ", ".join([one] * len(chunk)) + ")", values + flat)


def one_value(rows: list[tuple[Any, ...]], i: int) -> bool:
    """Whether column i holds one value in every row: a string, an integer or null (floats are
    left out — 0.0 equals -0.0 — and integers must all be ints: 1 equals True and 1.0). Stops
    at the first row that differs, so a varying column costs next to nothing."""
    v = rows[0][i]
    if v is not None and type(v) is not str and type(v) is not int:
        return False
    at = operator.itemgetter(i)
    if not all(map(operator.eq, map(at, rows), repeat(v))):
        return False
    return type(v) is not int or all(map(operator.is_, map(type, map(at, rows)), repeat(int)))
