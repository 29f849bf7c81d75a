"""`liaison rfi …` (collection requirements), `liaison meet schedule|agenda`, `liaison forces`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from liaison.cli.output import console, emit, option_time
from liaison.core.errors import ValidationError
from liaison.store import open_store


def _req_table(rows: list[dict], title: str) -> Table:  # type: ignore[type-arg]
    t = Table(title=title)
    for c in ("ref", "status", "kind", "units", "due", "collector", "question"):
        t.add_column(c)
    for r in rows:
        t.add_row(
            r["ref"],
            r["status"] + (" (overdue)" if r["overdue"] else ""),
            r["kind"],
            ", ".join(f"{u['partner']}:{u['unit_id']}" for u in r["units"]),
            r["due_at"] or "",
            r["collector"],
            r["question"],
        )
    return t


def register(app: typer.Typer) -> None:
    rfi = typer.Typer(
        help="Collection requirements raised by meetings: list, show, answer, close.",
        no_args_is_help=True,
    )
    app.add_typer(rfi, name="rfi")

    @rfi.command("list")
    def rfi_list(
        status: str = typer.Option(None, "--status", help="open, answered or closed."),
        partner: str = typer.Option(None, "--with", help="Only those with this partner."),
        export: Path = typer.Option(
            None, "--export", help="Write them to a file (.csv or .json by its suffix)."
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Every requirement, ours and the partners', newest first."""
        from liaison.reconcile import requirements

        with open_store().connect() as conn:
            rows = requirements.list_requirements(conn, status=status, partner=partner)
        if export:
            fmt = export.suffix.lower().lstrip(".")
            text = requirements.export(rows, fmt)
            export.write_text(text, encoding="utf-8")
        emit(rows, json_, lambda: console.print(_req_table(rows, "Collection requirements")))

    @rfi.command("show")
    def rfi_show(
        ref: str = typer.Argument(..., help="The requirement's reference, e.g. PL/RFI-3."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """One requirement, its answers, and later observations that may answer it."""
        from liaison.reconcile import requirements

        with open_store().connect() as conn:
            r = requirements.show(conn, ref)

        def render() -> None:
            console.print(_req_table([r], r["ref"]))
            for a in r["answers"]:
                console.print(
                    f"answered by {a['partner']} {a['unit_id']} observation {a['observation_id']} "
                    f"({a['valid_at']}): {a['note'] or ''}"
                )
            for c in r["candidates"]:
                console.print(
                    f"[yellow]may answer:[/yellow] {c['partner']} {c['unit_id']} observation "
                    f"{c['observation_id']} ({c['valid_at']})"
                )

        emit(r, json_, render)

    @rfi.command("answer")
    def rfi_answer(
        ref: str = typer.Argument(None, help="The requirement (omit with --all)."),
        observation: str = typer.Option(
            None,
            "--observation",
            help="The observation that answers it (default: every later one).",
        ),
        note: str = typer.Option(None, "--note"),
        all_: bool = typer.Option(
            False, "--all", help="Link every later observation to every open requirement."
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Link a later observation as the answer (an alert records it)."""
        from liaison.reconcile import requirements

        if all_ == bool(ref):
            raise ValidationError("give a requirement's reference, or --all")
        with open_store().begin() as conn:
            if all_:
                alerts = requirements.sweep(conn, actor="cli")
            else:
                alerts = requirements.answer(conn, ref, observation_id=observation, note=note)
        emit(
            alerts,
            json_,
            lambda: (
                [
                    console.print(f"{a['ref']}: answered by {a['partner']} {a['unit_id']}")
                    for a in alerts
                ]
                or console.print("nothing to link")
            ),
        )

    @rfi.command("close")
    def rfi_close(
        ref: str = typer.Argument(...),
        note: str = typer.Option("", "--note", help="Why it is closed (required)."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Close a requirement we issued."""
        from liaison.reconcile import requirements

        with open_store().begin() as conn:
            r = requirements.close(conn, ref, note)
        emit(r, json_, lambda: console.print(f"{ref}: closed"))

    @app.command("forces")
    def forces_cmd(
        with_: str = typer.Option(..., "--with", help="The partner we meet."),
        level: str = typer.Option("front", "--level", help="front (and districts) or army."),
        measure: str = typer.Option("strength", "--measure", help="strength or an equipment type."),
        svg: Path = typer.Option(None, "--svg", help="Write the charts (one .svg per picture)."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Totals by front or army, ours, theirs and agreed: this week against last, over time."""
        from liaison.reconcile import forces

        with open_store().connect() as conn:
            v = forces.view(conn, with_, level=level, measure=measure)
        charts = v.pop("charts")
        if svg:
            for name, text in charts.items():
                svg.with_name(f"{svg.stem}-{name}.svg").write_text(text, encoding="utf-8")

        def render() -> None:
            for picture, rows in v["this_week"].items():
                t = Table(title=f"{picture}: by {level}, last week → this week")
                for c in ("formation", "strength", "change", "equipment"):
                    t.add_column(c)
                for r in rows:
                    s = r["strength"]
                    t.add_row(
                        r["formation"],
                        f"{s['after']:,}",
                        f"{s['after'] - s['before']:+,}",
                        ", ".join(
                            f"{k} {e['before']}→{e['after']}" for k, e in r["equipment"].items()
                        ),
                    )
                console.print(t)

        emit(v, json_, render)

    meet = next((g.typer_instance for g in app.registered_groups if g.name == "meet"), None)
    if meet is None:  # loaded on its own (the lazy CLI): its commands join cli/reconcile.py's group
        meet = typer.Typer(help="The liaison meeting held in the store.", no_args_is_help=True)
        app.add_typer(meet, name="meet")

    @meet.command("schedule")
    def meet_schedule(
        with_: str = typer.Option(..., "--with", help="The partner we meet."),
        every: str = typer.Option("7d", "--every", help="Period: 7d, 2w, 12h."),
        first: str = typer.Option(
            None, "--first", help="The first meeting (default: a period after the last one)."
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Meet a partner on a cadence; requirements fall due at the next meeting."""
        from liaison.reconcile import cadence

        period = cadence.parse_every(every)
        when = option_time(first, "--first")
        with open_store().begin() as conn:
            out = cadence.schedule(conn, with_, period, first_at=when)
        emit(
            out,
            json_,
            lambda: console.print(
                f"Meeting {out['partner']} every {out['every']}; next {out['next_at']}"
            ),
        )

    @meet.command("agenda")
    def meet_agenda(
        with_: str = typer.Option(..., "--with", help="The partner we meet."),
        markdown: Path = typer.Option(None, "--markdown", help="Also write it as Markdown."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """The next meeting's agenda: changes, deferred items, open requirements, alerts."""
        from liaison.reconcile import cadence

        with open_store().connect() as conn:
            a = cadence.agenda(conn, with_)
        text = cadence.agenda_markdown(a)
        if markdown:
            markdown.write_text(text, encoding="utf-8")
        emit(a, json_, lambda: console.print(text))
