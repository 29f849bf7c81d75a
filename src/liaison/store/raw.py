"""Rows as the database driver gives them, for the few reads of tens of thousands of rows.

SQLAlchemy turns every row into a `Row` and runs each value through its column type's result
conversion; for a picture's or a meeting's rows that handling costs more than the query. The
statement is still built and executed by SQLAlchemy Core (parameters bound and converted as
always, on every dialect); only the rows are taken from the driver's cursor as plain tuples.
The caller converts the values that need it (`converter`): times, JSON and booleans arrive in
the driver's form (on SQLite: text, text and 0/1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def driver_rows(conn: Connection, stmt: sa.Executable) -> list[tuple[Any, ...]]:
    """Execute `stmt` and return its rows as the driver's tuples, values unconverted."""
    result = conn.execute(stmt)
    try:
        return list(result.cursor.fetchall())  # type: ignore[union-attr]
    finally:
        result.close()


def converter(col: sa.ColumnElement[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """SQLAlchemy's result conversion for `col`'s type on `dialect`, done once per distinct
    value (many rows share a few times, a few JSON documents): the values it returns are
    shared between rows, so callers copy what they change."""
    convert = col.type.dialect_impl(dialect).result_processor(dialect, None)
    if convert is None:
        return _same
    seen: dict[Any, Any] = {}

    def memo(value: Any) -> Any:
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = convert(value)
            return out
        except TypeError:  # a value the driver already decoded (a dict): converted each time
            return convert(value)

    return memo


def _same(value: Any) -> Any:
    return value
