"""Parsed designations kept in the store: a new process reads them instead of parsing again."""

from __future__ import annotations

import sqlalchemy as sa

from liaison.names.designation import parse_designation
from liaison.reconcile import designations, match
from liaison.store import Store
from liaison.store.schema.reconcile import designation_parse

TEXTS = [
    "27 Dywizja Strzelców",
    "第27狙撃師団",
    "27-я гвардейская Краснознамённая стрелковая дивизия",
    "101st Guards Rifle Regiment",
    "Особая Краснознамённая Дальневосточная армия",
    "3. Panzer-Division",
    "",
    "HQ",
]


def _forget() -> None:
    match.PARSED.clear()


def test_prime_stores_parses_and_a_new_process_reads_them_back(store: Store) -> None:
    _forget()
    with store.begin() as conn:
        designations.prime(conn, TEXTS)
        stored = {
            r.text
            for r in conn.execute(
                sa.select(designation_parse.c.text).where(
                    designation_parse.c.parser == designations.PARSER
                )
            )
        }
    assert stored == set(TEXTS)
    _forget()  # a new process: nothing parsed yet
    with store.begin() as conn:
        designations.prime(conn, TEXTS)
    for t in TEXTS:
        assert match.PARSED[t] == parse_designation(t), t
        assert hash(match.PARSED[t]) == hash(parse_designation(t)), t
    _forget()


def test_many_parses_are_read_in_one_sweep_alike(store: Store) -> None:
    """More texts than are looked up one by one: the parser's rows are all read, and each parse
    read back is the parser's own (equal, same hash, usable as a key)."""
    texts = [f"{i} Gwardyjska Dywizja Strzelców" for i in range(designations._BY_TEXT + 50)]
    texts += TEXTS
    _forget()
    with store.begin() as conn:
        designations.prime(conn, texts)
    _forget()
    with store.begin() as conn:
        designations.prime(conn, texts)
    for t in texts:
        d = parse_designation(t)
        assert match.PARSED[t] == d, t
        assert hash(match.PARSED[t]) == hash(d) and {match.PARSED[t]: 1}[d] == 1
    assert match.PARSED[texts[7]].number == 7 and match.PARSED[texts[7]].honorifics
    _forget()


def test_what_is_read_comes_from_the_store(store: Store) -> None:
    _forget()
    text = "27 Dywizja Strzelców"
    with store.begin() as conn:
        conn.execute(
            designation_parse.insert().values(
                parser=designations.PARSER, text=text, number=99, honorifics="guards"
            )
        )
        designations.prime(conn, [text])
    assert match.PARSED[text].number == 99
    assert match.PARSED[text].honorifics == frozenset({"guards"})
    _forget()


def test_rows_of_another_parser_are_ignored(store: Store) -> None:
    _forget()
    text = "第27狙撃師団"
    with store.begin() as conn:
        conn.execute(
            designation_parse.insert().values(parser="0" * 16, text=text, number=99, honorifics="")
        )
        designations.prime(conn, [text])
        n = conn.execute(
            sa.select(sa.func.count()).where(designation_parse.c.text == text)
        ).scalar_one()
    assert match.PARSED[text] == parse_designation(text)
    assert match.PARSED[text].number == 27
    assert n == 2  # ours stored beside the other parser's
    _forget()


def test_many_missing_texts_read_in_one_go(store: Store) -> None:
    texts = [f"{i} Dywizja Strzelców" for i in range(1, 700)]
    _forget()
    with store.begin() as conn:
        designations.prime(conn, texts)
    _forget()
    with store.begin() as conn:
        designations.prime(conn, texts)
    assert all(match.PARSED[t] == parse_designation(t) for t in texts)
    assert match.PARSED["650 Dywizja Strzelców"].number == 650
    _forget()
