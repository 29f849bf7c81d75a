"""Intercepts: stored with provenance and markings, listed and filtered, solved (by the solver or
an analyst), retracted — every write audited, bad input refused with nothing stored."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.cli.app import main
from liaison.codebreak import ciphers, intercepts
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.orbat.partners import add_partner, add_source
from liaison.store import Store, audit
from liaison.store.schema.audit import audit as audit_table
from liaison.store.schema.codebreak import intercept, intercept_solution

PLAIN = "приказываю дивизии наступать в направлении станции коростень противник отходит на запад"


def _partners(store: Store) -> None:
    with store.begin() as conn:
        add_partner(conn, "PL", "Oddział II", is_self=True)
        add_partner(conn, "JP", "Japanese General Staff")
        add_source(conn, "PL", "WILNO-RADIO", "SIGINT", "B")


def _caesar() -> str:
    return ciphers.caesar(PLAIN, 3, "ru")


def test_add_keeps_provenance_markings_and_grouping(store: Store) -> None:
    _partners(store)
    grouped = "ТУЛНГ КЮЕГБ\nЗЛЕЛК"
    with store.begin() as conn:
        it = intercepts.add(
            conn,
            grouped,
            "pl",
            datetime(1920, 8, 12, 4, 30, tzinfo=UTC),
            station="Wilno",
            callsign="RAB",
            frequency_khz=412.5,
            language="ru",
            cipher_hint="caesar",
            source_codename="WILNO-RADIO",
            marking="TLP:AMBER REL TO JP ORCON",
            received_from="JP",
            actor="rozycki",
        )
    assert it.ref == "PL/I00001" and it.ciphertext == grouped
    assert (it.tlp, it.rel_to, it.orcon) == ("AMBER", ["JP"], True)
    assert it.source == "WILNO-RADIO" and it.received_from == "JP"
    with store.connect() as conn:
        row = conn.execute(sa.select(intercept)).one()
        assert row.rel_to == "JP" and row.frequency_khz == 412.5 and row.station == "Wilno"
        entry = conn.execute(sa.select(audit_table)).all()[-1]
        assert (entry.action, entry.target, entry.actor) == (
            "intercept.add",
            "PL/I00001",
            "rozycki",
        )
        assert audit.verify(conn).ok
        # the three ways to name it
        assert intercepts.get(conn, it.id).id == it.id
        assert intercepts.get(conn, "pl/I00001").id == it.id
        assert intercepts.get(conn, "I00001").id == it.id


def test_bad_input_lists_every_problem_and_stores_nothing(store: Store) -> None:
    _partners(store)
    with pytest.raises(ValidationError) as ei, store.begin() as conn:
        intercepts.add(
            conn,
            "   ",
            "PL",
            datetime(2999, 1, 1, tzinfo=UTC),
            language="xx",
            cipher_hint="enigma",
            marking="TLP:BLUE",
            source_codename="NOBODY",
            frequency_khz=-5,
        )
    text = str(ei.value)
    for part in (
        "ciphertext",
        "language",
        "cipher_hint",
        "marking",
        "intercepted_at",
        "source",
        "frequency",
    ):
        assert part in text, part
    with pytest.raises(NotFoundError), store.begin() as conn:
        intercepts.add(conn, "ABC", "XX")
    with store.begin() as conn:
        intercepts.add(conn, "ABC", "PL", local_id="42")
    with pytest.raises(ConflictError), store.begin() as conn:
        intercepts.add(conn, "DEF", "PL", local_id="42")
    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(intercept)).scalar() == 1


def test_list_filters_partner_since_solved(store: Store) -> None:
    _partners(store)
    with store.begin() as conn:
        a = intercepts.add(conn, _caesar(), "PL", datetime(1920, 8, 1, tzinfo=UTC), language="ru")
        intercepts.add(conn, "XYZAB", "JP", datetime(1920, 8, 20, tzinfo=UTC))
        intercepts.add(conn, "QWERT", "PL", datetime(1920, 9, 1, tzinfo=UTC))
        intercepts.record_solution(conn, a.ref, "rozycki", "caesar", key="3")
    with store.connect() as conn:
        assert [i.ref for i in intercepts.list_intercepts(conn)] == [
            "PL/I00002",
            "JP/I00001",
            "PL/I00001",
        ]
        assert [i.ref for i in intercepts.list_intercepts(conn, "PL")] == ["PL/I00002", "PL/I00001"]
        since = datetime(1920, 8, 15, tzinfo=UTC)
        assert len(intercepts.list_intercepts(conn, since=since)) == 2
        assert [i.ref for i in intercepts.list_intercepts(conn, solved=True)] == ["PL/I00001"]
        assert len(intercepts.list_intercepts(conn, solved=False)) == 2
        with pytest.raises(ValidationError):  # local id used by two partners
            intercepts.get(conn, "I00001")


def test_solver_and_analyst_solutions_are_appended(store: Store) -> None:
    _partners(store)
    with store.begin() as conn:
        it = intercepts.add(conn, _caesar(), "PL", language="ru")
    _, sol = intercepts.solve(store, it.ref, budget=3, actor="bot")
    assert sol is not None and sol.cipher == "caesar" and sol.key == 3
    assert sol.solved_by == "solver:bot" and sol.confidence is not None and sol.confidence > 0.5
    assert sol.plaintext.startswith("ПРИКАЗЫВАЮДИВИЗИИ")
    # an impossible bar: the answer is returned but nothing stored
    _, none = intercepts.solve(store, it.ref, budget=3, min_confidence=1.01)
    assert none is None
    with store.begin() as conn:
        manual = intercepts.record_solution(
            conn, it.ref, "rozycki", "caesar", key="3", plaintext=PLAIN
        )
        assert manual.plaintext == sol.plaintext and manual.key == 3 and manual.confidence is None
        with pytest.raises(ValidationError, match="first difference"):
            intercepts.record_solution(conn, it.ref, "rozycki", "caesar", key="4", plaintext=PLAIN)
        with pytest.raises(ValidationError, match="unknown cipher"):
            intercepts.record_solution(conn, it.ref, "rozycki", "enigma", plaintext=PLAIN)
        only_text = intercepts.record_solution(
            conn, it.ref, "zygalski", "substitution", plaintext="приказ"
        )
        assert only_text.key is None and only_text.plaintext == "ПРИКАЗ"
    with store.connect() as conn:
        got = intercepts.get(conn, it.ref)
        assert [s.solved_by for s in got.solutions] == ["solver:bot", "rozycki", "zygalski"]
        assert got.best is not None and got.best.solved_by in ("rozycki", "zygalski")
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(intercept_solution)).scalar() == 3
        )


def test_retract_hides_keeps_and_blocks_solving(store: Store) -> None:
    _partners(store)
    with store.begin() as conn:
        it = intercepts.add(conn, _caesar(), "PL", language="ru")
        with pytest.raises(ValidationError):
            intercepts.retract(conn, it.ref, "  ")
        intercepts.retract(conn, it.ref, "duplicate of PL/7", actor="rozycki")
    with store.connect() as conn:
        assert intercepts.list_intercepts(conn) == []
        kept = intercepts.list_intercepts(conn, include_retracted=True)
        assert kept[0].retracted_at is not None
        assert (
            conn.execute(sa.select(audit_table.c.action)).scalars().all()[-1] == "intercept.retract"
        )
    with pytest.raises(ConflictError):
        intercepts.solve(store, it.ref, budget=1)
    with pytest.raises(ConflictError), store.begin() as conn:
        intercepts.retract(conn, it.ref, "again")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def test_cli_add_list_show_solve_retract(
    cli_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(["partner", "add", "PL", "--name", "Oddział II", "--self"], capsys)[0] == 0
    f = tmp_path / "ct.txt"
    f.write_text(intercepts.groups(_caesar()), encoding="utf-8")
    code, out, err = run(
        ["intercepts", "add", str(f), "--partner", "PL", "--lang", "ru", "--station", "Wilno",
         "--at", "1920-08-12T04:30Z", "--marking", "TLP:GREEN", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["intercepted_at"] == "1920-08-12T04:30:00Z"
    monkeypatch.setattr("sys.stdin", io.StringIO("12345 67890"))
    assert run(["intercepts", "add", "--partner", "PL", "--id", "D-7"], capsys)[0] == 0
    code, out, _ = run(["intercepts", "list", "--unsolved", "--json"], capsys)
    assert sorted(i["local_id"] for i in json.loads(out)) == ["D-7", "I00001"]
    code, out, err = run(["intercepts", "solve", "PL/I00001", "--budget", "3", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["solution"]["plaintext"].startswith("ПРИКАЗЫВАЮ")
    code, out, _ = run(["intercepts", "list", "--solved", "--json"], capsys)
    assert [i["local_id"] for i in json.loads(out)] == ["I00001"]
    code, out, _ = run(["intercepts", "show", "PL/I00001"], capsys)
    assert "Wilno" in out and "ТУЛНГ" in out and "solver:cli" in out
    assert run(["intercepts", "retract", "PL/D-7", "--reason", "noise"], capsys)[0] == 0
    code, out, _ = run(["intercepts", "list", "--json"], capsys)
    assert [i["local_id"] for i in json.loads(out)] == ["I00001"]


CLI_ERRORS = [
    (["intercepts", "add", "--partner", "PL", "--text", ""], "ciphertext"),
    (["intercepts", "add", "--partner", "ZZ", "--text", "ABC"], "no partner"),
    (["intercepts", "add", "--partner", "PL", "--text", "ABC", "--at", "yesterday"], "--at"),
    (["intercepts", "add", "/no/such/file", "--partner", "PL"], "no such file"),
    (["intercepts", "show", "PL/404"], "no intercept"),
    (["intercepts", "solve", "PL/404"], "no intercept"),
    (["intercepts", "solve", "PL/404", "--key", "3"], "--analyst"),
    (["intercepts", "list", "--since", "last week"], "--since"),
]


def test_cli_errors_exit_2_with_a_message(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["partner", "add", "PL", "--name", "Oddział II", "--self"], capsys)[0] == 0
    for args, needle in CLI_ERRORS:
        code, out, err = run(args, capsys)
        assert code == 2 and needle in err and "Traceback" not in err + out, (args, err)
