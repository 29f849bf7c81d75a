"""`liaison meet coalition …`: the meeting of three or more partners held in the store.

Thin over `liaison.courier.coalition_meetings` and `liaison.reconcile.coalition_meeting`; the
meeting travels in the ordinary pouches (`liaison pouch seal/open`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from liaison.cli.output import console, emit, option_time, read_presented
from liaison.core.clock import utcnow
from liaison.core.errors import ValidationError
from liaison.store import open_store


def register(app: typer.Typer) -> None:
    meet = typer.Typer(help="The liaison meeting held in the store.", no_args_is_help=True)
    app.add_typer(meet, name="meet")
    co_app = typer.Typer(
        help="A meeting of three or more partners: one queue, one agreed picture signed by all.",
        no_args_is_help=True,
    )
    meet.add_typer(co_app, name="coalition")

    @co_app.command("open")
    def co_open(
        with_: list[str] = typer.Option(..., "--with", help="A partner (twice or more)."),
        as_of: str = typer.Option(None, "--as-of", help="Valid time of every picture."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Open a coalition meeting we host; our next pouch to each partner carries it."""
        from liaison.courier import coalition_meetings as ccm

        when = option_time(as_of, "--as-of")
        with open_store().begin() as conn:
            m = ccm.open_coalition(conn, with_, as_of=when, actor="cli")
            out = ccm.state(conn, m.ref)
        emit(
            out,
            json_,
            lambda: console.print(
                f"Coalition meeting {out['meeting']} opened with {', '.join(out['participants'][1:])}:"
                f" waiting for the pictures of {', '.join(out['waiting_for'])}"
            ),
        )

    @co_app.command("show")
    def co_show(
        ref: str = typer.Argument(..., help="The meeting's reference, e.g. PL/C1."),
        status: str = typer.Option(None, "--status", help="Only agreed, disputed or pending."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """The meeting as we hold it: the queue, each item's disagreeing partners and positions."""
        from liaison.courier import coalition_meetings as ccm
        from liaison.reconcile import coalition_meeting as co

        if status is not None and status not in co.STATUSES:
            raise ValidationError(f"--status: one of {', '.join(co.STATUSES)}")
        with open_store().connect() as conn:
            st = ccm.state(conn, ref)
            m = co.by_ref(conn, ref)
            its = co.items(conn, m) if m.queue_digest else []
        its = [it for it in its if status is None or it["status"] == status]

        def render() -> None:
            console.print(
                f"{st['meeting']} ({st['status']}), {' – '.join(st['participants'])}; "
                + (f"waiting for {', '.join(st['waiting_for'])}" if st["waiting_for"] else "")
                + ", ".join(f"{n} {s}" for s, n in st["items"].items())
            )
            if st["note"]:
                console.print(f"[yellow]{st['note']}[/yellow]")
            t = Table(title="Items")
            for c in ("key", "kind", "disagreeing", "positions", "status"):
                t.add_column(c)
            for it in its:
                pos = ", ".join(f"{p}:{v}" for p, v in it["positions"].items())
                state = it["status"]
                if it["dissenting"]:
                    state += " (" + ", ".join(it["dissenting"]) + " differ)"
                t.add_row(it["key"], it["kind"], ", ".join(it["disagreeing"]), pos, state)
            console.print(t)
            if st["agreed_digest"]:
                console.print(
                    f"Agreed picture {st['agreed_digest'][:16]}…, signed by "
                    f"{', '.join(st['signed_by']) or 'nobody yet'}"
                    + (" — complete" if st["complete"] else "")
                )
            for r in st["refused"]:
                console.print(f"[red]refused[/red] {r['partner']}: {r['reason']}")

        emit({**st, "queue": its}, json_, render)

    @co_app.command("position")
    def co_position(
        ref: str = typer.Argument(..., help="The meeting's reference."),
        key: str = typer.Argument(..., help="The item's key (see `show`)."),
        position: str = typer.Argument(
            ..., help="A participant's code (take its report), neither, or defer."
        ),
        comment: str = typer.Option(None, "--comment"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """State our position on an item (travels with the next pouches)."""
        from liaison.courier.keyring import self_code
        from liaison.reconcile import coalition_meeting as co

        with open_store().begin() as conn:
            m = co.by_ref(conn, ref)
            co.take_position(
                conn, m, self_code(conn), key, position, comment=comment, actor="cli", now=utcnow()
            )
        out = {"meeting": ref, "key": key, "position": position}
        emit(out, json_, lambda: console.print(f"{ref}: {key} → {position}"))

    @co_app.command("close")
    def co_close(
        ref: str = typer.Argument(..., help="The meeting's reference."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Close a meeting we host (every participant has stated a position on every item)."""
        from liaison.courier import coalition_meetings as ccm

        with open_store().begin() as conn:
            out = ccm.close(conn, ref, actor="cli")
        emit(
            out,
            json_,
            lambda: console.print(
                f"{ref} closed: agreed picture {out['agreed_digest'][:16]}…, items {out['items']}"
            ),
        )

    @co_app.command("agreed")
    def co_agreed(
        ref: str = typer.Argument(..., help="The meeting's reference."),
        output: Path = typer.Option(..., "-o", "--output", help="Write the canonical JSON here."),
    ) -> None:
        """The agreed picture as we computed it: the exact bytes every participant signs."""
        from liaison.reconcile import coalition_meeting as co

        with open_store().connect() as conn:
            data = co.agreed_bytes(conn, co.by_ref(conn, ref).id)
        output.write_bytes(data)
        console.print(f"wrote {output} ({len(data):,} bytes)")

    @co_app.command("verify")
    def co_verify(
        ref: str = typer.Argument(..., help="The meeting's reference."),
        document: Path = typer.Argument(..., help="The agreed picture presented (JSON)."),
        signature: Path = typer.Option(
            None, "--signature", help='A JSON file {"partner", "key", "sig"} to check over it.'
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Accept an agreed picture only if it is the one we computed, and a signature only a
        participant's over our own computation (exit 2 with the reason otherwise)."""
        from liaison.courier import coalition_meetings as ccm

        data, sig = read_presented(document, signature)
        with open_store().connect() as conn:
            got = ccm.verify_document(conn, ref, data, sig)
        emit(got, json_, lambda: console.print(f"verified: {got['digest']}"))
