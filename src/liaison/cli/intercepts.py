"""`liaison intercepts add|list|show|solve|retract`: thin over liaison.codebreak.intercepts."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from liaison.cli.output import console, emit, option_time
from liaison.codebreak import DEFAULT_BUDGET
from liaison.core.errors import ValidationError

intercepts_app = typer.Typer(help="Intercepts: ciphertexts with provenance and markings, solved.")

MAX_BYTES = 2_000_000


def _read(file: str | None, text: str | None) -> str:
    if text is not None:
        if file is not None:
            raise ValidationError("give the ciphertext as FILE or --text, not both")
        return text
    if file in (None, "-"):
        data = sys.stdin.read(MAX_BYTES + 1)
    else:
        p = Path(file)
        if not p.is_file():
            raise ValidationError(f"no such file: {file}")
        try:
            data = p.read_bytes()[: MAX_BYTES + 1].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    if len(data) > MAX_BYTES:
        raise ValidationError(f"input is larger than {MAX_BYTES} bytes")
    return data


def _store():  # type: ignore[no-untyped-def]
    from liaison.store import open_store

    return open_store()


def _row(it) -> list[str]:  # type: ignore[no-untyped-def]
    from liaison.core.clock import iso

    best = it.best
    return [
        it.ref,
        iso(it.intercepted_at) or "",
        it.station or "",
        it.callsign or "",
        it.language or "?",
        f"{len(''.join(it.ciphertext.split()))}",
        "retracted" if it.retracted_at else (f"{best.cipher} {_conf(best)}" if best else "—"),
        f"TLP:{it.tlp}"
        + (f" REL TO {','.join(it.rel_to)}" if it.rel_to else "")
        + (" ORCON" if it.orcon else ""),
    ]


def _conf(sol) -> str:  # type: ignore[no-untyped-def]
    return "analyst" if sol.confidence is None else f"{sol.confidence:.2f}"


def _show(it) -> None:  # type: ignore[no-untyped-def]
    from liaison.codebreak.intercepts import groups
    from liaison.core.clock import iso

    console.print(f"[bold]{it.ref}[/bold]  id {it.id}")
    for label, value in (
        ("intercepted", iso(it.intercepted_at)),
        ("recorded", iso(it.recorded_at)),
        ("received from", it.received_from),
        ("station", it.station),
        ("callsign", it.callsign),
        ("frequency kHz", it.frequency_khz),
        ("source", it.source),
        ("language", it.language),
        ("cipher hint", it.cipher_hint),
        ("marking", _row(it)[-1]),
        ("notes", it.notes),
        ("retracted", iso(it.retracted_at)),
    ):
        if value not in (None, ""):
            console.print(f"  {label}: {value}", highlight=False)
    console.print(groups(it.ciphertext), highlight=False, markup=False)
    for s in it.solutions:
        console.print(
            f"solution by {s.solved_by} at {iso(s.solved_at)}: {s.cipher} key {s.key} "
            f"confidence {_conf(s)}",
            highlight=False,
            markup=False,
        )
        console.print(f"  {s.plaintext}", highlight=False, markup=False)


@intercepts_app.command("add")
def add_cmd(
    file: str = typer.Argument(None, help="Ciphertext file; stdin when omitted or '-'."),
    text: str = typer.Option(None, "--text", help="The ciphertext itself instead of a file."),
    partner: str = typer.Option(..., "--partner", help="Who intercepted it (partner code)."),
    local_id: str = typer.Option(None, "--id", help="The partner's own number (default I00001…)."),
    at: str = typer.Option(None, "--at", help="Intercepted at (ISO 8601; default now)."),
    received_from: str = typer.Option(None, "--received-from", help="Partner who passed it on."),
    station: str = typer.Option(None, "--station", help="Intercept station."),
    callsign: str = typer.Option(None, "--callsign"),
    frequency: float = typer.Option(None, "--frequency", help="Frequency in kHz."),
    lang: str = typer.Option(None, "--lang", help="ru, pl, de or en if known."),
    alphabet: str = typer.Option(
        None,
        "--alphabet",
        help="Alphabet as sent if known: pl26, de26, ru31, ru26, or with --lang: native, 26, 31.",
    ),
    cipher: str = typer.Option(None, "--cipher", help="Cipher if known (a hint for the solver)."),
    source: str = typer.Option(None, "--source", help="Source codename of the partner."),
    marking: str = typer.Option(None, "--marking", help="e.g. 'TLP:AMBER REL TO PL,JP ORCON'."),
    notes: str = typer.Option(None, "--notes"),
    actor: str = typer.Option("cli", "--actor"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Store an intercept with its provenance and markings (audited)."""
    from liaison.codebreak import intercepts

    ct = _read(file, text)
    with _store().begin() as conn:
        it = intercepts.add(
            conn,
            ct,
            partner,
            option_time(at, "--at"),
            local_id=local_id,
            received_from=received_from,
            station=station,
            callsign=callsign,
            frequency_khz=frequency,
            language=lang,
            cipher_hint=cipher,
            source_codename=source,
            marking=marking,
            notes=notes,
            actor=actor,
            alphabet=alphabet,
        )
    emit(it.to_dict(), as_json, lambda: console.print(f"stored intercept {it.ref} ({it.id})"))


@intercepts_app.command("list")
def list_cmd(
    partner: str = typer.Option(None, "--partner"),
    since: str = typer.Option(None, "--since", help="Intercepted at or after (ISO 8601)."),
    solved: bool = typer.Option(None, "--solved/--unsolved", help="Only solved / unsolved ones."),
    retracted: bool = typer.Option(False, "--retracted", help="Include retracted intercepts."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Intercepts, newest first, with their best solution."""
    from rich.table import Table

    from liaison.codebreak import intercepts

    with _store().connect() as conn:
        items = intercepts.list_intercepts(
            conn, partner, option_time(since, "--since"), solved, include_retracted=retracted
        )

    def render() -> None:
        t = Table(
            "intercept",
            "intercepted",
            "station",
            "callsign",
            "lang",
            "chars",
            "solution",
            "marking",
        )
        for it in items:
            t.add_row(*_row(it))
        console.print(t)
        console.print(f"{len(items)} intercept(s)")

    emit([it.to_dict() for it in items], as_json, render)


@intercepts_app.command("show")
def show_cmd(
    ref: str = typer.Argument(..., help="PARTNER/ID, an id, or a local id."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One intercept: provenance, markings, ciphertext in groups, every solution."""
    from liaison.codebreak import intercepts

    with _store().connect() as conn:
        it = intercepts.get(conn, ref)
    emit(it.to_dict(), as_json, lambda: _show(it))


@intercepts_app.command("solve")
def solve_cmd(
    ref: str = typer.Argument(..., help="PARTNER/ID, an id, or a local id."),
    budget: float = typer.Option(DEFAULT_BUDGET, "--budget", help="Solver seconds at most."),
    lang: str = typer.Option(None, "--lang"),
    alphabet: str = typer.Option(
        None, "--alphabet", help="pl26, de26, ru31, ru26, or with --lang: native, 26, 31."
    ),
    cipher: str = typer.Option(None, "--cipher"),
    key: str = typer.Option(None, "--key", help="Manual: the key found by an analyst."),
    plaintext: str = typer.Option(None, "--plaintext", help="Manual: the plaintext."),
    analyst: str = typer.Option(None, "--analyst", help="Manual: who solved it."),
    confidence: float = typer.Option(None, "--confidence", help="Manual: 0–1 (optional)."),
    min_confidence: float = typer.Option(0.2, "--min-confidence", help="Solver: store only above."),
    actor: str = typer.Option("cli", "--actor"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Solve an intercept with the solver, or record an analyst's key/plaintext (--analyst)."""
    from liaison.codebreak import intercepts

    if analyst is not None or key is not None or plaintext is not None:
        if not analyst:
            raise ValidationError("a manual solution needs --analyst NAME")
        if not cipher:
            raise ValidationError("a manual solution needs --cipher NAME")
        with _store().begin() as conn:
            sol = intercepts.record_solution(
                conn, ref, analyst, cipher, key, plaintext, lang, confidence, alphabet
            )
        stored = True
    else:
        _, found = intercepts.solve(
            _store(),
            ref,
            budget,
            lang,
            cipher,
            min_confidence=min_confidence,
            actor=actor,
            alphabet=alphabet,
        )
        if found is None:
            msg = f"no solution above confidence {min_confidence}; nothing stored"
            emit({"stored": False, "solution": None}, as_json, lambda: console.print(msg))
            return
        sol, stored = found, True

    def render() -> None:
        console.print(
            f"stored solution {sol.id}: {sol.cipher} key {sol.key} confidence {_conf(sol)}",
            highlight=False,
            markup=False,
        )
        console.print(sol.plaintext, highlight=False, markup=False)

    emit({"stored": stored, "solution": sol.to_dict()}, as_json, render)


@intercepts_app.command("retract")
def retract_cmd(
    ref: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    actor: str = typer.Option("cli", "--actor"),
) -> None:
    """Withdraw an intercept (kept for the record, gone from listings; audited)."""
    from liaison.codebreak import intercepts

    with _store().begin() as conn:
        it = intercepts.retract(conn, ref, reason, actor)
    console.print(f"retracted {it.ref}")


def register(app: typer.Typer) -> None:
    app.add_typer(intercepts_app, name="intercepts")
