"""`liaison reconcile`, `liaison meet …` and `liaison alerts`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from liaison.cli.output import console, emit, option_time, read_presented
from liaison.core.errors import ValidationError
from liaison.orbat.csvio import load_picture
from liaison.orbat.model import Picture
from liaison.store import open_store


def _picture(spec: str, label: str) -> Picture:
    """A unit file path, or a partner code in the store."""
    p = Path(spec)
    if p.suffix.lower() in (".csv", ".xlsx", ".json") or p.exists():
        if not p.is_file():
            raise ValidationError(f"{label}: no such file {spec}")
        return load_picture(p, partner=p.stem.upper())
    from liaison.orbat.picture import get_picture

    with open_store().connect() as conn:
        return get_picture(conn, spec)


def _disc_table(rows: list[dict], title: str) -> Table:  # type: ignore[type-arg]
    from liaison.reconcile.minutes import _detail

    t = Table(title=title)
    for c in ("#", "kind", "severity", "ours", "theirs", "detail", "resolution"):
        t.add_column(c)
    for d in rows:
        t.add_row(
            str(d.get("id", "")),
            d["kind"],
            d["severity"],
            d["ours"] or "—",
            d["theirs"] or "—",
            _detail(d),
            d.get("resolution") or "",
        )
    return t


def register(app: typer.Typer) -> None:
    @app.command("reconcile")
    def reconcile_cmd(
        ours: str = typer.Argument(
            ..., help="Our picture: a unit file, or a partner code in the store."
        ),
        theirs: str = typer.Argument(..., help="Their picture: a unit file, or a partner code."),
        json_: bool = typer.Option(
            False, "--json", help="The stable JSON contract: matches, discrepancies, summary."
        ),
        map_file: Path = typer.Option(
            None, "--map", help="Write a self-contained offline HTML map."
        ),
        minutes: Path = typer.Option(
            None, "--minutes", help="Write a Markdown report (.md) or PDF (.pdf)."
        ),
    ) -> None:
        """Match two pictures and list every discrepancy (nothing is stored)."""
        from liaison.reconcile import reconcile
        from liaison.reconcile.maps import map_html
        from liaison.reconcile.minutes import result_markdown

        po, pt = _picture(ours, "OURS"), _picture(theirs, "THEIRS")
        if po.partner == pt.partner:
            pt.partner = pt.partner + "-2"
        res = reconcile(po, pt)
        if map_file:
            map_file.write_text(
                map_html(po, pt, res, f"{po.partner} – {pt.partner}"), encoding="utf-8"
            )
        if minutes:
            _write_minutes(
                result_markdown(res, f"Reconciliation {po.partner} – {pt.partner}"),
                minutes,
                po,
                pt,
                res,
            )

        def render() -> None:
            s = res.summary
            console.print(
                f"{po.partner} – {pt.partner}: {s['matched']} matched, {s['discrepancies']} discrepancies"
            )
            console.print(_disc_table([d.to_dict() for d in res.discrepancies], "Discrepancies"))
            for w in res.warnings:
                console.print(f"[yellow]warning:[/yellow] {w}")

        emit(res.to_dict(), json_, render)

    meet = typer.Typer(help="The liaison meeting held in the store.", no_args_is_help=True)
    app.add_typer(meet, name="meet")

    @meet.command("open")
    def meet_open(
        with_: str = typer.Option(..., "--with", help="The partner we meet."),
        as_of: str = typer.Option(
            None, "--as-of", help="Valid time of both pictures (default: now)."
        ),
        share: bool = typer.Option(
            None,
            "--share/--local",
            help="Hold it with the partner (the next pouch carries it) or alone. Default: with "
            "the partner when they exchange pouches with us under a release policy.",
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Reconcile both pictures into a new meeting that starts from the last one."""
        from liaison.courier import meetings

        when = option_time(as_of, "--as-of")
        with open_store().begin() as conn:
            mid, res = meetings.open_meeting(conn, with_, as_of=when, share=share)
            m = meetings.mt.current_meeting(conn, mid)
        emit(
            {"meeting": mid, "ref": m.ref, "shared": m.shared, **m.summary},
            json_,
            lambda: console.print(
                f"Meeting {mid} ({m.ref}) opened: {res.summary['matched']} matched, "
                f"{m.summary.get('raised')} discrepancies raised, "
                f"{m.summary.get('memory', {}).get('settled', 0)} settled earlier"
                + (f"; goes to {m.theirs_partner} in the next pouch" if m.shared else "")
            ),
        )

    @meet.command("show")
    def meet_show(
        meeting_id: int = typer.Option(None, "--meeting", help="Meeting id (default: the latest)."),
        open_only: bool = typer.Option(False, "--open", help="Only unresolved discrepancies."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """The meeting and its discrepancy queue."""
        from liaison.reconcile import meeting

        with open_store().connect() as conn:
            mi = meeting.info(conn, meeting_id)
            rows = meeting.list_discrepancies(conn, mi.id, open_only=open_only)

        def render() -> None:
            console.print(
                f"Meeting {mi.id}: {mi.ours} – {mi.theirs}, {mi.status}; {mi.open_discrepancies} open of "
                f"{mi.summary.get('discrepancies')}"
            )
            if mi.shared:
                states: dict[str, int] = {}
                for d in rows:
                    states[d["state"]] = states.get(d["state"], 0) + 1
                console.print(
                    f"Held with {mi.theirs} ({mi.ref}, {mi.shared}"
                    + (f": {mi.share_note}" if mi.share_note else "")
                    + "): "
                    + ", ".join(f"{n} {k}" for k, n in sorted(states.items()))
                )
            console.print(_disc_table(rows, "Discrepancies"))

        emit({**mi.to_dict(), "discrepancies": rows}, json_, render)

    @meet.command("resolve")
    def meet_resolve(
        disc_id: int = typer.Argument(..., help="Discrepancy number (see meet show)."),
        accept: str = typer.Option(
            ...,
            "--accept",
            help="ours, theirs, neither (creates a collection requirement) or defer.",
        ),
        comment: str = typer.Option(..., "--comment", help="Why."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Resolve one discrepancy."""
        from liaison.reconcile import meeting

        with open_store().begin() as conn:
            out = meeting.resolve(conn, disc_id, accept, comment)
        emit(out, json_, lambda: console.print(f"Discrepancy {disc_id}: {accept}"))

    @meet.command("pair")
    def meet_pair(
        ours_unit: str,
        theirs_unit: str,
        with_: str = typer.Option(..., "--with", help="Their partner code."),
        confirm: bool = typer.Option(False, "--confirm"),
        reject: bool = typer.Option(False, "--reject"),
        withdraw: bool = typer.Option(
            False, "--withdraw", help="Undo an earlier confirm or reject."
        ),
        comment: str = typer.Option(None, "--comment"),
    ) -> None:
        """Confirm or reject a pairing; the next meeting remembers it. Never a merge."""
        from liaison.orbat.partners import get_self
        from liaison.reconcile import meeting

        if [confirm, reject, withdraw].count(True) != 1:
            raise ValidationError("give exactly one of --confirm, --reject, --withdraw")
        status = "confirmed" if confirm else "rejected" if reject else "withdrawn"
        with open_store().begin() as conn:
            me = get_self(conn)
            if me is None:
                raise ValidationError("no partner is marked as ourselves")
            meeting.decide_pair(
                conn, me.code, with_.upper(), ours_unit, theirs_unit, status, comment=comment
            )
        console.print(f"{ours_unit} ~ {theirs_unit}: {status}")

    @meet.command("close")
    def meet_close(
        minutes: Path = typer.Option(
            None, "--minutes", help="Also write the minutes (.md or .pdf)."
        ),
        map_file: Path = typer.Option(None, "--map", help="Also write the offline HTML map."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Make the agreed picture and the minutes (a meeting held with the partner: its host
        closes it once both sides stated a position on every item)."""
        from liaison.courier import meetings

        store = open_store()
        with store.begin() as conn:
            out = meetings.close(conn)
        if minutes or map_file:
            write_outputs(store, out["meeting"], minutes, map_file)
        emit(
            out,
            json_,
            lambda: console.print(
                f"Meeting {out['meeting']} closed: agreed picture of {out['agreed_units']} units ({out['agreed_digest'][:16]}…)"
            ),
        )

    @meet.command("agreed")
    def meet_agreed(
        meeting_id: int = typer.Option(None, "--meeting", help="Meeting id (default: the latest)."),
        fmt: str = typer.Option(
            "json", "--format", help="json (the signed document), csv, xlsx, geojson, kml, stix."
        ),
        out: Path = typer.Option(..., "--out", help="File to write."),
    ) -> None:
        """Export the agreed picture of a closed meeting."""
        from liaison.courier import meetings

        with open_store().begin() as conn:
            mid = meetings.mt.current_meeting(conn, meeting_id).id
            data = meetings.export_agreed(conn, mid, fmt)
        out.write_bytes(data)
        console.print(f"Agreed picture of meeting {mid} written to {out} ({fmt})")

    @meet.command("verify")
    def meet_verify(
        ref: str = typer.Argument(..., help="The meeting's reference, e.g. PL/3."),
        document: Path = typer.Argument(..., help="The agreed picture presented (JSON)."),
        signature: Path = typer.Option(
            None, "--signature", help='A JSON file {"partner", "key", "sig"} to check over it.'
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Accept an agreed picture only if it is the one we computed ourselves, and a
        signature only over our own computation (exit 2 with the reason otherwise)."""
        from liaison.courier import meetings

        data, sig = read_presented(document, signature)
        with open_store().connect() as conn:
            got = meetings.verify_document(conn, ref, data, sig)
        emit(got, json_, lambda: console.print(f"{ref}: the same agreed picture as ours"))

    @meet.command("signatures")
    def meet_signatures(
        meeting_id: int = typer.Option(None, "--meeting", help="Meeting id (default: the latest)."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Signatures over the agreed picture: ours, the partner's (verified or refused, why)."""
        from liaison.courier import meetings

        with open_store().connect() as conn:
            mid = meetings.mt.current_meeting(conn, meeting_id).id
            sigs = meetings.signatures(conn, mid)

        def render() -> None:
            for s_ in sigs:
                console.print(
                    f"{s_['partner']}: {s_['status']}"
                    + (f" — {s_['reason']}" if s_["reason"] else "")
                )

        emit(sigs, json_, render)

    @app.command("alerts")
    def alerts_cmd(
        since: str = typer.Option(None, "--since", help="Default: the last closed meeting."),
        json_: bool = typer.Option(False, "--json"),
        atom_file: Path = typer.Option(None, "--atom", help="Also write an Atom feed file."),
    ) -> None:
        """What changed in either picture since the last meeting."""
        from liaison.reconcile.alerts import alerts_since, atom

        when = option_time(since, "--since")
        with open_store().connect() as conn:
            since_t, alerts = alerts_since(conn, when)
        if atom_file:
            atom_file.write_bytes(atom(alerts, since_t))

        def render() -> None:
            t = Table(title=f"Changes since {since_t.isoformat()}")
            for c in ("kind", "partner", "unit", "designation", "detail"):
                t.add_column(c)
            for a in alerts:
                t.add_row(a.kind, a.partner, a.unit_id, a.designation, str(a.detail))
            console.print(t)

        emit([a.to_dict() for a in alerts], json_, render)


def write_outputs(store, meeting_id: int, minutes: Path | None, map_file: Path | None) -> None:  # type: ignore[no-untyped-def]
    """Minutes (Markdown or PDF with the static map) and the HTML map of a meeting."""
    from liaison.reconcile import meeting
    from liaison.reconcile.maps import map_html
    from liaison.reconcile.match import reconcile
    from liaison.reconcile.minutes import minutes_markdown

    with store.connect() as conn:
        m = meeting.current_meeting(conn, meeting_id)
        po, pt = meeting.pictures_for(
            conn, m.ours_partner, m.theirs_partner, m.as_of, m.snapshot_at
        )
        confirmed, rejected = meeting.decisions(conn, m.ours_partner, m.theirs_partner)
        text = m.minutes or minutes_markdown(conn, m.id)
    res = reconcile(po, pt, confirmed=confirmed, rejected=rejected)
    if map_file:
        map_file.write_text(
            map_html(po, pt, res, f"Meeting {meeting_id}: {po.partner} – {pt.partner}"),
            encoding="utf-8",
        )
    if minutes:
        _write_minutes(text, minutes, po, pt, res)


def _write_minutes(text: str, path: Path, po: Picture, pt: Picture, res) -> None:  # type: ignore[no-untyped-def]
    """Markdown as is; PDF with the static map (written beside it as PNG)."""
    from liaison.reconcile.maps import map_png
    from liaison.reconcile.minutes import minutes_pdf

    if path.suffix.lower() == ".pdf":
        png = path.with_suffix(".png")
        map_png(po, pt, res, str(png))
        minutes_pdf(text, str(path), str(png))
    else:
        path.write_text(text, encoding="utf-8")
