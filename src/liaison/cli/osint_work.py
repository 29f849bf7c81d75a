"""`liaison osint ingest | worker | queue | compile | documents | review | provenance`: the
stateful half of open-source compilation, thin over liaison.osint (archive, ingest, workqueue,
compile, review). Attached to the `osint` command group by cli/osint.py.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

import typer

from liaison.cli.output import console, emit, err
from liaison.core.errors import ValidationError

ACTOR = typer.Option(
    None, "--actor", help="Who does this (audit log); default LIAISON_ACTOR or the login name."
)
PARTNER = typer.Option(
    None, "--partner", help="Whose picture the documents feed (default: our own partner)."
)
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("LIAISON_ACTOR") or getpass.getuser()


def _store():  # type: ignore[no-untyped-def]
    from liaison.store import open_store

    return open_store()


def _partner(conn: Any, partner: str | None) -> str:
    from liaison.orbat.partners import get_partner, get_self

    if partner:
        return get_partner(conn, partner).code
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves; give --partner")
    return me.code


def attach(osint: typer.Typer) -> None:
    """Add the stateful commands to the `osint` group."""
    review = typer.Typer(
        help="Review candidate observations: list, show, accept, edit, reject.",
        no_args_is_help=True,
    )
    osint.add_typer(review, name="review")

    @osint.command("ingest")
    def ingest_cmd(
        inputs: list[str] = typer.Argument(
            ..., help="Files, folders, URL lists (.urls/.list or one URL a line) or file:// URLs."
        ),
        source: str = typer.Option(
            None, "--source", help="Codename of the partner's source these documents come from."
        ),
        lang: str = typer.Option("auto", "--lang", help="auto|ru|uk|pl|de|en|ja"),
        partner: str = PARTNER,
        queue: bool = typer.Option(
            False, "--queue", help="Only queue the inputs for `liaison osint worker` processes."
        ),
        fetch: bool = typer.Option(
            False, "--fetch", help="Allow http(s) URLs to be fetched (capped); off by default."
        ),
        workers: int = typer.Option(None, "--workers", help="Processes (default: every core)."),
        no_compile: bool = typer.Option(False, "--no-compile", help="Skip the compile step."),
        actor: str = ACTOR,
        as_json: bool = JSON,
    ) -> None:
        """Store documents once by SHA-256 with their mentions; each input all or nothing."""
        from liaison.osint import ingest, workqueue
        from liaison.osint.archive import source_for

        ingest.check_lang(lang)
        items = ingest.expand(inputs, fetch=fetch)
        store = _store()
        who = _actor(actor)
        if queue:
            with store.begin() as conn:
                code = _partner(conn, partner)
                n = workqueue.enqueue(
                    conn,
                    code,
                    items,
                    source_id=source_for(conn, code, source),
                    lang=lang,
                    actor=who,
                )
            data = {"queued": n, "inputs": len(items), "already_waiting": len(items) - n}
            emit(data, as_json, lambda: console.print(f"queued {n} of {len(items)} input(s)"))
            return
        with store.connect() as conn:
            code = _partner(conn, partner)
        if as_json or len(items) < 2:
            rep = ingest.ingest(
                store, code, items, source=source, lang=lang, actor=who, workers=workers,
                compile_after=not no_compile,
            )  # fmt: skip
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("ingest", total=len(items))
                rep = ingest.ingest(
                    store, code, items, source=source, lang=lang, actor=who, workers=workers,
                    compile_after=not no_compile,
                    progress=lambda i, n, origin: bar.update(task, completed=i),
                )  # fmt: skip
        data = rep.to_dict()

        def show() -> None:
            console.print(
                f"{data['documents']} new document(s), {data['mentions']} mention(s); "
                f"{data['skipped']} already held; {len(rep.failed)} input(s) failed "
                f"({data['seconds']:.1f} s)"
            )
            if rep.compiled:
                c = rep.compiled
                console.print(
                    f"compiled: {c['new']} new, {c['updated']} updated, {c['removed']} removed "
                    f"candidate(s); {c['duplicates']} document(s) repeat another report"
                )
            for origin, error in rep.failed:
                err.print(
                    f"[red]failed[/red] {error}"
                    if origin in error
                    else f"[red]failed[/red] {origin}: {error}"
                )

        emit(data, as_json, show)
        if rep.failed:
            raise typer.Exit(2)

    @osint.command("worker")
    def worker_cmd(
        forever: bool = typer.Option(
            False, "--forever", help="Keep polling when the queue is empty (default: drain, exit)."
        ),
        max_items: int = typer.Option(None, "--max-items", help="Stop after this many items."),
        poll: float = typer.Option(2.0, "--poll", help="Seconds between polls with --forever."),
        name: str = typer.Option(None, "--name", help="Worker name (default host:pid)."),
        no_compile: bool = typer.Option(False, "--no-compile"),
        actor: str = ACTOR,
        as_json: bool = JSON,
    ) -> None:
        """Take inputs from the queue (FOR UPDATE SKIP LOCKED on PostgreSQL) until it is empty."""
        from liaison.osint import workqueue

        store = _store()

        def said(c: Any, stored: Any, error: str | None) -> None:
            if not as_json:
                if error:
                    err.print(f"[red]failed[/red] {error}")
                else:
                    console.print(f"{c.origin}: {len(stored.documents)} new document(s)")

        rep = workqueue.run_worker(
            store,
            name=name,
            actor=_actor(actor),
            drain=not forever,
            max_items=max_items,
            poll_seconds=poll,
            compile_after=not no_compile,
            on_item=said,
        )
        emit(
            rep.to_dict(),
            as_json,
            lambda: console.print(
                f"worker {rep.worker}: {rep.items} item(s), {rep.documents} document(s), "
                f"{rep.failed} failed"
            ),
        )

    @osint.command("queue")
    def queue_cmd(as_json: bool = JSON) -> None:
        """How many inputs wait, are being worked on, are done or failed (and why)."""
        from liaison.osint import workqueue

        with _store().connect() as conn:
            data = workqueue.status(conn)

        def show() -> None:
            c = data["counts"]
            console.print(
                f"queued {c['queued']} · taken {c['taken']} · done {c['done']} · failed {c['failed']}"
            )
            for f in data["failed"]:
                console.print(f"  failed {f['origin']}: {f['error']}")

        emit(data, as_json, show)

    @osint.command("compile")
    def compile_cmd(partner: str = PARTNER, actor: str = ACTOR, as_json: bool = JSON) -> None:
        """Refresh candidate observations from every mention not yet decided on."""
        from liaison.osint.compile import compile_partner

        with _store().begin() as conn:
            s = compile_partner(conn, _partner(conn, partner), actor=_actor(actor))
        emit(s.to_dict(), as_json, lambda: console.print(s.to_dict()))

    @osint.command("documents")
    def documents_cmd(
        partner: str = PARTNER,
        limit: int = typer.Option(50, "--limit"),
        as_json: bool = JSON,
    ) -> None:
        """The documents held, newest first."""
        from liaison.osint.archive import list_documents

        with _store().connect() as conn:
            rows = list_documents(conn, [_partner(conn, partner)], limit=limit)

        def show() -> None:
            for r in rows:
                dup = f" (repeats {r['duplicate_of'][:8]})" if r["duplicate_of"] else ""
                console.print(
                    f"{r['id'][:8]}  {r['kind']:<8} {r['language'] or '?':<3} "
                    f"{r['mentions']:>3} mention(s)  {r['title'] or r['origin']}{dup}"
                )

        emit(rows, as_json, show)

    @osint.command("provenance")
    def provenance_cmd(observation_id: str, as_json: bool = JSON) -> None:
        """Where an accepted observation came from: document, offsets and quote."""
        from liaison.osint.review import provenance

        with _store().connect() as conn:
            rows = provenance(conn, observation_id)
        if not rows:
            raise ValidationError(f"observation {observation_id!r} has no open-source provenance")
        emit(
            rows,
            as_json,
            lambda: [
                console.print(
                    f"{r['title'] or r['origin']} [{r['start']}–{r['end']}]: «{r['quote']}»"
                )
                for r in rows
            ],
        )

    # ------------------------------------------------------------ review

    @review.command("list")
    def review_list(
        status: str = typer.Option("pending", "--status", help="pending|accepted|rejected|all"),
        unit: str = typer.Option(None, "--unit", help="Only candidates for this unit id."),
        partner: str = PARTNER,
        limit: int = typer.Option(50, "--limit"),
        as_json: bool = JSON,
    ) -> None:
        """Candidates, best graded first."""
        from liaison.osint import review as rv

        with _store().connect() as conn:
            rows = rv.list_candidates(
                conn, [_partner(conn, partner)], status=status, unit_id=unit, limit=limit
            )

        def show() -> None:
            from rich.table import Table

            t = Table("id", "grade", "unit", "designation", "place", "date", "sources", "status")
            for r in rows:
                t.add_row(
                    r["id"][-8:],
                    r["grade"],
                    r["unit"] or "new",
                    r["designation"],
                    r["place"] or "—",
                    (r["valid_at"] or "")[:10],
                    str(r["corroboration"]),
                    r["status"],
                )
            console.print(t)

        emit(rows, as_json, show)

    @review.command("show")
    def review_show(candidate: str, as_json: bool = JSON) -> None:
        """One candidate: its mentions in their documents, the unit's current facts, decisions."""
        from liaison.osint import review as rv

        with _store().connect() as conn:
            data = rv.show(conn, rv.resolve_id(conn, candidate))

        def show() -> None:
            console.print(
                f"[bold]{data['designation']}[/bold]  {data['grade']}  {data['status']} "
                f"(revision {data['revision']})"
            )
            console.print(
                f"unit: {data['unit'] or 'new'}  place: {data['place'] or '—'} "
                f"({data['lat']}, {data['lon']})  date: {(data['valid_at'] or '')[:10]}"
            )
            for r in data["reasons"] + data["contradictions"]:
                console.print(f"  · {r}")
            if data["unit_facts"]:
                f = data["unit_facts"]
                console.print(
                    f"picture: {f['designation']} at {f['place'] or '—'} "
                    f"({f['observed_at'] or '?'}) {f['reliability'] or '?'}{f['credibility'] or '?'}"
                )
            for m in data["mentions_detail"]:
                where = m["document_title"] or m["document_origin"] or ""
                where = where if len(where) <= 60 else where[:59] + "…"
                console.print(f"  {where} [{m['start']}–{m['end']}]: «{m['quote']}»", markup=False)

        emit(data, as_json, show)

    def _edits(
        unit: str | None,
        designation: str | None,
        echelon: str | None,
        branch: str | None,
        place: str | None,
        lat: float | None,
        lon: float | None,
        date: str | None,
        credibility: int | None,
    ) -> dict[str, Any]:
        raw = {
            "unit": unit,
            "designation": designation,
            "echelon": echelon,
            "branch": branch,
            "place": place,
            "lat": lat,
            "lon": lon,
            "date": date,
            "credibility": credibility,
        }
        return {k: v for k, v in raw.items() if v is not None}

    UNIT = typer.Option(None, "--unit", help="An existing unit id of the picture, or 'new'.")
    DESIG = typer.Option(None, "--designation")
    ECH = typer.Option(None, "--echelon")
    BR = typer.Option(None, "--branch")
    PLACE = typer.Option(None, "--place", help="Place name (gazetteer) unless --lat/--lon given.")
    LAT = typer.Option(None, "--lat")
    LON = typer.Option(None, "--lon")
    DATE = typer.Option(None, "--date", help="YYYY-MM-DD")
    CRED = typer.Option(None, "--credibility", help="1–6")
    REV = typer.Option(
        None, "--revision", help="The revision you looked at; refused if it changed since."
    )
    COMMENT = typer.Option(None, "--comment")

    @review.command("accept")
    def review_accept(
        candidate: str,
        unit: str = UNIT,
        designation: str = DESIG,
        echelon: str = ECH,
        branch: str = BR,
        place: str = PLACE,
        lat: float = LAT,
        lon: float = LON,
        date: str = DATE,
        credibility: int = CRED,
        revision: int = REV,
        comment: str = COMMENT,
        actor: str = ACTOR,
        as_json: bool = JSON,
    ) -> None:
        """Accept: the observation enters the picture with its provenance (audited)."""
        from liaison.osint import review as rv

        edits = _edits(unit, designation, echelon, branch, place, lat, lon, date, credibility)
        with _store().begin() as conn:
            out = rv.accept(
                conn,
                rv.resolve_id(conn, candidate),
                actor=_actor(actor),
                revision=revision,
                edits=edits,
                comment=comment,
            )
        emit(
            out,
            as_json,
            lambda: console.print(
                f"accepted: {out['unit']} {out['designation']} observation {out['observation_id']}"
            ),
        )

    @review.command("edit")
    def review_edit(
        candidate: str,
        unit: str = UNIT,
        designation: str = DESIG,
        echelon: str = ECH,
        branch: str = BR,
        place: str = PLACE,
        lat: float = LAT,
        lon: float = LON,
        date: str = DATE,
        credibility: int = CRED,
        revision: int = REV,
        comment: str = COMMENT,
        actor: str = ACTOR,
        as_json: bool = JSON,
    ) -> None:
        """Correct a candidate's facts; it stays pending (and compiles leave it alone)."""
        from liaison.osint import review as rv

        edits = _edits(unit, designation, echelon, branch, place, lat, lon, date, credibility)
        with _store().begin() as conn:
            out = rv.edit(
                conn,
                rv.resolve_id(conn, candidate),
                edits,
                actor=_actor(actor),
                revision=revision,
                comment=comment,
            )
        emit(out, as_json, lambda: console.print(f"edited: revision {out['revision']}"))

    @review.command("reject")
    def review_reject(
        candidate: str,
        revision: int = REV,
        comment: str = COMMENT,
        actor: str = ACTOR,
        as_json: bool = JSON,
    ) -> None:
        """Reject a candidate (audited; its mentions are not proposed again)."""
        from liaison.osint import review as rv

        with _store().begin() as conn:
            out = rv.reject(
                conn,
                rv.resolve_id(conn, candidate),
                actor=_actor(actor),
                revision=revision,
                comment=comment,
            )
        emit(out, as_json, lambda: console.print(f"rejected {out['id']}"))


def attach_school(osint: typer.Typer) -> None:
    """`liaison osint school …`: open-source exercises (classes and trainees are `liaison train`'s)."""
    school = typer.Typer(
        help="Open-source exercises: documents, the trainee compiles, graded against the key.",
        no_args_is_help=True,
    )
    osint.add_typer(school, name="school")

    @school.command("new")
    def school_new(
        folder: Path = typer.Argument(None, help="Folder of documents (any kind ingest reads)."),
        key: Path = typer.Option(
            None, "--key", help="The key: CSV designation,place,lat,lon,date."
        ),
        class_name: str = typer.Option(..., "--class"),
        title: str = typer.Option("", "--title"),
        brief: str = typer.Option("", "--brief", help="What the trainee is asked to do."),
        demo: bool = typer.Option(False, "--demo", help="The shipped exercise (five languages)."),
        max_answers: int = typer.Option(3, "--max-answers"),
        actor: str = ACTOR,
        as_json: bool = JSON,
    ) -> None:
        """Set an exercise for a class."""
        from liaison.osint import school as sc

        with _store().begin() as conn:
            if demo:
                out = sc.new_demo(conn, class_name=class_name, actor=_actor(actor))
            else:
                if folder is None or key is None:
                    raise ValidationError("give a folder of documents and --key (or --demo)")
                out = sc.new_exercise(
                    conn, folder, key, class_name=class_name, title=title, brief=brief,
                    actor=_actor(actor), max_answers=max_answers,
                )  # fmt: skip
        emit(
            out,
            as_json,
            lambda: console.print(
                f"open-source exercise {out['number']} for {out['class']}: "
                f"{out['documents']} document(s), {out['key_items']} key item(s)"
            ),
        )

    @school.command("list")
    def school_list(class_name: str = typer.Option(None, "--class"), as_json: bool = JSON) -> None:
        """Open-source exercises."""
        from liaison.osint import school as sc

        with _store().connect() as conn:
            rows = sc.list_exercises(conn, class_name)
        emit(
            rows,
            as_json,
            lambda: [
                console.print(
                    f"{r['number']:>3}  {r['class']}  {r['title']}  "
                    f"({r['documents']} document(s), {r['key_items']} to find)"
                )
                for r in rows
            ],
        )

    @school.command("take")
    def school_take(
        number: int,
        trainee: str = typer.Option(..., "--trainee"),
        out: Path = typer.Option(
            None, "--out", help="Write the documents here (to read, or to run `osint extract` on)."
        ),
        as_json: bool = JSON,
    ) -> None:
        """The brief and the documents (never the key)."""
        from liaison.osint import school as sc

        with _store().connect() as conn:
            data = sc.take(conn, number, trainee)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for d in data["documents"]:
                name = f"{d['position']:02d}-{Path(d['name']).stem}.txt"
                (out / name).write_text(d["text"] + "\n", "utf-8")

        def show() -> None:
            console.print(f"[bold]{data['title']}[/bold]\n{data['brief']}\n", markup=True)
            for d in data["documents"]:
                console.print(f"--- {d['name']} ({d['language']})", markup=False)
                console.print(d["text"], markup=False)
            console.print(f"Answer: CSV with columns {', '.join(data['columns'])}")

        emit(data, as_json, show)

    @school.command("answer")
    def school_answer(
        number: int,
        answer_csv: Path = typer.Argument(..., help="CSV: designation,place,lat,lon,date"),
        trainee: str = typer.Option(..., "--trainee"),
        as_json: bool = JSON,
    ) -> None:
        """Submit observations; graded at once against the key."""
        from liaison.osint import school as sc

        try:
            text = answer_csv.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{answer_csv}: cannot read ({exc})") from None
        with _store().begin() as conn:
            g = sc.answer(conn, number, trainee, text)

        def show() -> None:
            console.print(
                f"points {g['points']} · precision {g['precision']:.2f} · recall {g['recall']:.2f} "
                f"· F1 {g['f1']:.2f} ({g['right']} of {g['key_items']} right; "
                f"answer {g['answers_used']} of {g['max_answers']})"
            )
            for i in g["items"]:
                mark = "✓" if i["score"] >= 0.999 else ("~" if i["unit"] else "✗")
                console.print(
                    f"  {mark} {i['key']}: place {'ok' if i['place'] else '—'}, date {'ok' if i['date'] else '—'}"
                )
            for e in g["extras"]:
                console.print(f"  + extra: {e}")

        emit(g, as_json, show)

    @school.command("progress")
    def school_progress(
        class_name: str = typer.Option(..., "--class"), as_json: bool = JSON
    ) -> None:
        """Per trainee: exercises answered, points, mean F1."""
        from liaison.osint import school as sc

        with _store().connect() as conn:
            rows = sc.progress(conn, class_name)
        emit(
            rows,
            as_json,
            lambda: [
                console.print(
                    f"{r['trainee']:<16} {r['answered']}/{r['assigned']}  points {r['points']}  "
                    f"F1 {r['mean_f1'] if r['mean_f1'] is not None else '—'}"
                )
                for r in rows
            ],
        )
