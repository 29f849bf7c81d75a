"""Parsed designations kept in the store, so that a new process need not parse them all again.

Opening a meeting on two large pictures parses every designation (tens of thousands, most of a
new process's time). The parse depends on the text and on the parser only, so it is kept in
`designation_parse` under a digest of the parser's code and data (`PARSER`): a changed parser
reads nothing its predecessor wrote. The process keeps what it parsed or read (`match.PARSED`);
only texts it does not hold are looked up, and the ones found nowhere are parsed and stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison import names
from liaison.names.designation import Designation, parse_designation
from liaison.reconcile import match
from liaison.store.raw import driver_rows
from liaison.store.schema.reconcile import designation_parse


def _parser_digest() -> str:
    """A digest of every file of `liaison.names` (code and vocabularies)."""
    root = Path(names.__file__).parent
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


PARSER = _parser_digest()
#: Texts longer than this, or with fields too wide for the table, are parsed but not stored.
_TEXT_MAX = 1000
_INT_MAX = 2**31 - 1
#: Up to this many missing texts are looked up by text; more, and the parser's rows are all read.
_BY_TEXT = 500


def _storable(d: Designation) -> bool:
    return (
        len(d.raw) <= _TEXT_MAX
        and (d.number is None or abs(d.number) <= _INT_MAX)
        and len(d.echelon or "") <= 40
        and len(d.branch or "") <= 40
        and len(d.name or "") <= 200
        and len(d.language or "") <= 8
        and sum(len(h) + 1 for h in d.honorifics) <= 400
        and not any(" " in h for h in d.honorifics)
    )


def prime(conn: Connection, texts: Iterable[str]) -> None:
    """Make the parses of `texts` known to this process (`match.PARSED`): read from the store
    where kept, else parsed here and stored for the next process."""
    memo = match.PARSED
    missing = {t for t in texts if t not in memo}
    if not missing:
        return
    t = designation_parse.c
    cols = (t.text, t.number, t.echelon, t.branch, t.honorifics, t.name, t.language)
    q = sa.select(*cols).where(t.parser == PARSER)
    if len(missing) > _BY_TEXT:
        batches = [q]
    else:
        ordered = sorted(missing)
        batches = [q.where(t.text.in_(ordered[i : i + 100])) for i in range(0, len(ordered), 100)]
    limit = match.PARSED_MAX
    if len(memo) + len(missing) >= limit:
        memo.clear()
    none: frozenset[str] = frozenset()
    honorifics: dict[str, frozenset[str]] = {}  # few distinct sets among many rows
    new = object.__new__
    for b in batches:
        # the driver's rows (plain text and numbers: nothing to convert, and SQLAlchemy's
        # per-row handling was half the time of reading a picture's parses)
        rows = driver_rows(conn, b)
        full = len(memo) + len(rows) >= limit
        # rows read are kept while there is room (a text not asked for now may be next time)
        for text, number, echelon, branch, hon, name, language in rows:
            if full and len(memo) >= limit and text not in missing:
                continue
            hs = none
            if hon:
                hs = honorifics.get(hon)
                if hs is None:
                    hs = honorifics[hon] = frozenset(hon.split())
            # a Designation without its frozen __init__ (a guarded __setattr__ per field):
            # equal, with the same hash, to Designation(text, number, …) (a test checks it)
            d = new(Designation)
            f = d.__dict__
            f["raw"], f["number"], f["echelon"], f["branch"] = text, number, echelon, branch
            f["honorifics"], f["name"], f["language"] = hs, name, language
            memo[text] = d
    rows = []
    for text in [t for t in missing if t not in memo]:
        d = parse_designation(text)
        memo[text] = d
        if _storable(d):
            rows.append(
                {
                    "parser": PARSER,
                    "text": text,
                    "number": d.number,
                    "echelon": d.echelon,
                    "branch": d.branch,
                    "honorifics": " ".join(sorted(d.honorifics)),
                    "name": d.name,
                    "language": d.language,
                }
            )
    if rows:
        conn.execute(_insert_ignoring_duplicates(conn), rows)


def _insert_ignoring_duplicates(conn: Connection) -> sa.Insert:
    """Another process may store the same text meanwhile: its row is as good as ours."""
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(designation_parse).on_conflict_do_nothing()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(designation_parse).on_conflict_do_nothing()
    return designation_parse.insert()
