"""`liaison coalition`: three or more pictures matched at once (nothing is stored)."""

from __future__ import annotations

import typer
from rich.table import Table

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError


def register(app: typer.Typer) -> None:
    @app.command("coalition")
    def coalition_cmd(
        pictures: list[str] = typer.Argument(
            ..., help="Two or more pictures: unit files, or partner codes in the store."
        ),
        json_: bool = typer.Option(
            False, "--json", help="JSON: clusters, findings (with the partners that disagree)."
        ),
    ) -> None:
        """Match N partners' pictures at once; each discrepancy names who departs from the rest."""
        from liaison.cli.reconcile import _picture
        from liaison.reconcile.coalition import reconcile_many

        pics = [_picture(spec, f"PICTURE {i + 1}") for i, spec in enumerate(pictures)]
        if len(pics) < 2:
            raise ValidationError("give two or more pictures")
        res = reconcile_many(pics)

        def render() -> None:
            s = res.summary
            console.print(
                f"{' – '.join(s['partners'])}: {s['clusters']} units, {s['held_by_all']} held by "
                f"all, {s['findings']} findings"
            )
            t = Table(title="Findings")
            for c in ("kind", "severity", "units", "disagreeing", "values"):
                t.add_column(c)
            for f in res.findings:
                units = ", ".join(f"{p}:{u}" for p, u in f.units.items())
                values = "; ".join(f"{p} {v}" for p, v in f.values.items())
                t.add_row(f.kind, f.severity, units, ", ".join(f.disagreeing), values[:120])
            console.print(t)
            for w in s["warnings"]:
                console.print(f"[yellow]warning:[/yellow] {w}")

        emit(res.to_dict(), json_, render)
