"""`liaison source …` beyond add: sources as people (aliases, cover names, handler,
intermediaries), compartments granted to users, burning a source. Registered on the `source`
group that `cli/orbat.py` creates.

The CLI user is LIAISON_USER (else the login name); a source in a compartment the user is not read
into is reported as not existing, by every command here.
"""

from __future__ import annotations

import os

import typer
from rich.table import Table

from liaison.cli.output import console, emit, option_time
from liaison.core.errors import ValidationError
from liaison.orbat import sources
from liaison.store import open_store


def cleared(conn) -> set[str]:  # type: ignore[no-untyped-def]
    """The compartments the CLI user is read into."""
    return sources.user_compartments(conn, sources.cli_user())


def register(source_app: typer.Typer) -> None:
    actor = os.environ.get("USER", "cli")

    @source_app.command("show")
    def source_show(
        codename: str,
        partner: str = typer.Option(..., "--partner"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """One source as a person: aliases, cover names, handler, intermediaries, burned."""
        with open_store().connect() as conn:
            rows = [
                s
                for s in sources.visible_sources(conn, partner, cleared(conn))
                if s["codename"] == codename
            ]
        if not rows:
            raise ValidationError(f"no source {codename!r} for partner {partner.upper()}")
        s = rows[0]

        def render() -> None:
            for k, v in s.items():
                console.print(f"{k}: {', '.join(v) if isinstance(v, list) else v or ''}")

        emit(s, json_, render)

    @source_app.command("alias")
    def source_alias(
        codename: str,
        alias: str,
        partner: str = typer.Option(..., "--partner"),
        cover: bool = typer.Option(False, "--cover", help="A cover name, not an alias."),
    ) -> None:
        """Add an alias (or, with --cover, a cover name) to a source."""
        with open_store().begin() as conn:
            sources.add_alias(
                conn,
                partner,
                codename,
                alias,
                "cover" if cover else "alias",
                compartments=cleared(conn),
                actor=actor,
            )
        console.print(f"{'Cover name' if cover else 'Alias'} added to {codename}")

    @source_app.command("person")
    def source_person(
        codename: str,
        partner: str = typer.Option(..., "--partner"),
        handler: str = typer.Option(None, "--handler"),
        via: list[str] = typer.Option(
            None, "--via", help="An intermediary, in order (repeat the option)."
        ),
    ) -> None:
        """Record a source's handler and the intermediaries its reports pass through."""
        with open_store().begin() as conn:
            sources.set_person(
                conn,
                partner,
                codename,
                handler=handler,
                intermediaries=via or None,
                compartments=cleared(conn),
                actor=actor,
            )
        console.print(f"{codename} updated")

    @source_app.command("grant")
    def source_grant(username: str, compartment: str) -> None:
        """Read a user into a compartment (web users by name; the CLI by LIAISON_USER)."""
        with open_store().begin() as conn:
            sources.grant(conn, username, compartment, actor=actor)
        console.print(f"{username} read into {compartment}")

    @source_app.command("revoke")
    def source_revoke(username: str, compartment: str) -> None:
        """Take a user out of a compartment."""
        with open_store().begin() as conn:
            sources.revoke(conn, username, compartment, actor=actor)
        console.print(f"{username} no longer read into {compartment}")

    @source_app.command("burn")
    def source_burn(
        codename: str,
        reason: str = typer.Option(..., "--reason", help="Why (kept here; never sent)."),
        partner: str = typer.Option(None, "--partner", help="Default: ourselves."),
        since: str = typer.Option(
            None, "--since", help="Burn what it reported from this date (valid time) on."
        ),
        reliability: str = typer.Option("F", "--reliability", help="The new grading, A–F."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Burn a compromised source: re-grade what it produced, raise alerts, and notify (in
        the next pouch to each) every partner that received derived items — never naming it."""
        when = option_time(since, "--since")
        with open_store().begin() as conn:
            if partner is None:
                from liaison.orbat.partners import get_self

                me = get_self(conn)
                if me is None:
                    raise ValidationError("no partner is marked as ourselves: give --partner")
                partner = me.code
            b = sources.burn(
                conn,
                partner,
                codename,
                reason,
                since=when,
                reliability=reliability,
                compartments=cleared(conn),
                actor=actor,
            )

        def render() -> None:
            console.print(
                f"{codename} burned: {b.observations} observations and {b.intercepts} "
                f"intercepts re-graded {b.reliability}; {len(b.alerts)} alerts"
            )
            t = Table("alert", "unit", "designation", "from", "to")
            for a in b.alerts:
                d = a["detail"]
                t.add_row(a["kind"], a["unit_id"], a["designation"], d["from"], d["to"] or "-")
            console.print(t)

        emit(b.to_dict(), json_, render)

    @source_app.command("burns")
    def source_burns(json_: bool = typer.Option(False, "--json")) -> None:
        """Burns: ours and partners' notices (a source named only if you may see it)."""
        with open_store().connect() as conn:
            rows = sources.list_burns(conn, cleared(conn))

        def render() -> None:
            t = Table("burned at", "partner", "source", "grading", "items", "notice")
            for r in rows:
                t.add_row(
                    r["burned_at"],
                    r["partner"],
                    r["source"] or "",
                    r["reliability"],
                    str(r["items"]),
                    "received" if r["notice"] else "",
                )
            console.print(t)

        emit(rows, json_, render)
