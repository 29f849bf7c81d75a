"""`liaison partner …`, `liaison source …` and `liaison orbat …`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.tree import Tree

from liaison.cli.output import console, emit, option_time
from liaison.core.errors import ValidationError
from liaison.core.markings import parse_marking
from liaison.orbat import export as exporter
from liaison.orbat import importer, partners, picture
from liaison.orbat.model import Picture
from liaison.store import open_store


def picture_tree(p: Picture, title: str) -> Tree:
    tree = Tree(f"[bold]{title}[/bold] — {len(p)} units")
    kids = p.children()

    def add(node: Tree, uid: str, depth: int) -> None:
        u = p.units[uid]
        where = u.place or (f"{u.lat:.2f},{u.lon:.2f}" if u.has_position else "position unknown")
        eq = ", ".join(f"{k} {v}" for k, v in sorted(u.equipment.items()))
        label = f"{u.designation} [dim]({u.unit_id}; {u.echelon or '?'}; {where}{'; ' + eq if eq else ''})[/dim]"
        child = node.add(label)
        if depth < 60:
            for k in sorted(kids.get(uid, [])):
                add(child, k, depth + 1)

    for root in sorted(kids.get(None, [])):
        add(tree, root, 0)
    return tree


def register(app: typer.Typer) -> None:
    partner_app = typer.Typer(help="Partners taking part in the liaison.", no_args_is_help=True)
    source_app = typer.Typer(
        help="A partner's sources with Admiralty reliability.", no_args_is_help=True
    )
    orbat_app = typer.Typer(
        help="Order of battle: import, export, show, history.", no_args_is_help=True
    )
    app.add_typer(partner_app, name="partner")
    app.add_typer(source_app, name="source")
    app.add_typer(orbat_app, name="orbat")
    from liaison.cli import sources as source_cli

    source_cli.register(source_app)  # people, compartments, burning (issue 23)

    @partner_app.command("add")
    def partner_add(
        code: str,
        name: str = typer.Option(..., "--name", help="The service's name."),
        is_self: bool = typer.Option(False, "--self", help="This partner is us."),
        language: str = typer.Option(
            None, "--language", help="Working language (en, pl, ru, de, ja)."
        ),
        json_: bool = typer.Option(False, "--json"),
        key: Path = typer.Option(
            None, "--key", help="The partner's public key file (see liaison keys)."
        ),
    ) -> None:
        """Add a partner (with its public key, whose fingerprint to compare out of band)."""
        fp = None
        with open_store().begin() as conn:
            p = partners.add_partner(conn, code, name, is_self, language)
            if key is not None:
                from liaison.courier.pouch import import_partner_key

                fp = import_partner_key(conn, p.code, key).fingerprint
        note = f"\nKey fingerprint (compare out of band): {fp}" if fp else ""
        emit(
            {**p.to_dict(), "fingerprint": fp},
            json_,
            lambda: console.print(f"Partner {p.code} added: {p.name}{note}"),
        )

    @partner_app.command("list")
    def partner_list(json_: bool = typer.Option(False, "--json")) -> None:
        """List partners."""
        with open_store().connect() as conn:
            ps = partners.list_partners(conn)

        def render() -> None:
            t = Table("code", "name", "self", "language")
            for p in ps:
                t.add_row(p.code, p.name, "yes" if p.is_self else "", p.language or "")
            console.print(t)

        emit([p.to_dict() for p in ps], json_, render)

    @source_app.command("add")
    def source_add(
        codename: str,
        partner: str = typer.Option(..., "--partner"),
        kind: str = typer.Option(..., "--kind", help="HUMINT, SIGINT, OSINT, IMINT or LIAISON."),
        reliability: str = typer.Option(..., "--reliability", help="Admiralty A–F."),
        compartment: str = typer.Option(None, "--compartment"),
    ) -> None:
        """Add a source."""
        with open_store().begin() as conn:
            partners.add_source(conn, partner, codename, kind, reliability, compartment)
        console.print(f"Source {codename} added to {partner.upper()}")

    @source_app.command("list")
    def source_list(
        partner: str = typer.Option(..., "--partner"), json_: bool = typer.Option(False, "--json")
    ) -> None:
        """List a partner's sources."""
        from liaison.cli.sources import cleared
        from liaison.orbat.sources import visible_sources

        with open_store().connect() as conn:
            rows = visible_sources(conn, partner.upper(), cleared(conn))

        def render() -> None:
            t = Table("codename", "kind", "reliability", "compartment")
            for r in rows:
                t.add_row(
                    *(str(r[k] or "") for k in ("codename", "kind", "reliability", "compartment"))
                )
            console.print(t)

        emit(rows, json_, render)

    @orbat_app.command("import")
    def orbat_import(
        file: Path = typer.Argument(..., help="Unit file: .csv, .xlsx, .json, .geojson or .kml."),
        partner: str = typer.Option(..., "--partner"),
        allow_unplaced: bool = typer.Option(
            False, "--allow-unplaced", help="Keep units whose place is unknown, without position."
        ),
        marking: str = typer.Option(
            "TLP:AMBER", "--marking", help="Marking for every row, e.g. 'TLP:AMBER REL TO PL,JP'."
        ),
        source: str = typer.Option(None, "--source", help="Source codename for every row."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Import a unit file: all or nothing; re-importing the same file adds nothing."""
        if not file.is_file():
            raise ValidationError(f"{file}: no such file")
        try:
            mk = parse_marking(marking)
        except ValueError as exc:
            raise ValidationError(f"--marking: {exc}") from None
        with open_store().begin() as conn:
            rep = importer.import_file(
                conn, file, partner, allow_unplaced=allow_unplaced, marking=mk, source=source
            )

        def render() -> None:
            console.print(
                f"{rep.file}: {rep.rows} rows → {rep.units_new} new units, {rep.observations_new} new observations, "
                f"{rep.unchanged} unchanged"
                + (f"; without position: {', '.join(rep.unplaced)}" if rep.unplaced else "")
            )

        emit(rep.to_dict(), json_, render)

    @orbat_app.command("export")
    def orbat_export(
        partner: str = typer.Option(..., "--partner"),
        fmt: str = typer.Option("csv", "--format", help="csv, xlsx, geojson, kml or json."),
        as_of: str = typer.Option(None, "--as-of", help="Valid time (ISO 8601); default now."),
        recorded_as_of: str = typer.Option(
            None, "--recorded-as-of", help="As known at this time; default now."
        ),
        out: Path = typer.Option(None, "--out", help="Output file (default standard output)."),
        without_burned: bool = typer.Option(
            False, "--without-burned", help="Leave out facts from burned sources."
        ),
    ) -> None:
        """Export a partner's picture (never naming a compartmented source)."""
        if fmt.lower() not in exporter.FORMATS:
            raise ValidationError(f"--format must be one of {', '.join(exporter.FORMATS)}")
        if fmt.lower() == "xlsx" and out is None:
            raise ValidationError("--format xlsx needs --out FILE")
        with open_store().begin() as conn:
            pic = picture.get_picture(
                conn,
                partner,
                option_time(as_of, "--as-of"),
                option_time(recorded_as_of, "--recorded-as-of"),
                without_burned=without_burned,
            )
            data = exporter.export(pic, fmt)
            from liaison.store import audit

            audit.record(
                conn,
                "cli",
                "orbat.export",
                pic.partner,
                {"format": fmt, "units": len(pic), "out": str(out or "-")},
            )
        if out is None:
            typer.echo(data.decode("utf-8"), nl=False)
        else:
            out.write_bytes(data)
            console.print(f"Wrote {len(pic)} units to {out}", style="dim")

    @orbat_app.command("show")
    def orbat_show(
        partner: str = typer.Option(..., "--partner"),
        as_of: str = typer.Option(None, "--as-of"),
        recorded_as_of: str = typer.Option(None, "--recorded-as-of"),
        json_: bool = typer.Option(False, "--json"),
        without_burned: bool = typer.Option(
            False, "--without-burned", help="Leave out facts from burned sources."
        ),
    ) -> None:
        """Show a partner's picture as a hierarchy tree (burned facts re-graded, or left out)."""
        from liaison.cli.sources import cleared

        with open_store().connect() as conn:
            pic = picture.get_picture(
                conn,
                partner,
                option_time(as_of, "--as-of"),
                option_time(recorded_as_of, "--recorded-as-of"),
                compartments=cleared(conn),
                without_burned=without_burned,
            )
        emit(
            {
                "partner": pic.partner,
                "units": [
                    {**exporter.unit_json(pic.units[k]), "burned": pic.units[k].burned}
                    for k in sorted(pic.units)
                ],
            },
            json_,
            lambda: console.print(picture_tree(pic, f"{pic.partner} picture")),
        )

    @orbat_app.command("history")
    def orbat_history(
        unit_id: str,
        partner: str = typer.Option(..., "--partner"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Every observation and retraction of one unit."""
        from liaison.cli.sources import cleared

        with open_store().connect() as conn:
            rows = picture.history(conn, partner, unit_id, compartments=cleared(conn))

        def render() -> None:
            t = Table(
                "valid at", "recorded at", "kind", "designation", "position", "equipment", "grading"
            )
            for r in rows:
                pos = (
                    f"{r['lat']:.2f},{r['lon']:.2f}" if r["lat"] is not None else (r["place"] or "")
                )
                eq = ";".join(f"{k}={v}" for k, v in sorted(r["equipment"].items()))
                kind = r["kind"] + (" (retracted)" if r["retracted"] else "")
                grade = f"{r['reliability'] or '?'}{r['credibility'] or '?'}"
                t.add_row(
                    r["valid_at"], r["recorded_at"], kind, r["designation"] or "", pos, eq, grade
                )
            console.print(t)

        emit(rows, json_, render)
