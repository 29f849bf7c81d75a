"""`liaison traffic …`: intercept stations, operators' logs, nets and call signs, inferred
subordination and DF fixes. Thin over liaison.traffic (stations, logs, service, diagram, school)."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

import typer

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError

ACTOR = typer.Option(
    None, "--actor", help="Who does this (audit log); default LIAISON_ACTOR or the login name."
)
PARTNER = typer.Option(None, "--partner", help="Whose stations and logs (default: ourselves).")
JSON = typer.Option(False, "--json", help="Machine-readable output.")
SINCE = typer.Option(None, "--since", help="First day or time (ISO 8601).")
UNTIL = typer.Option(None, "--until", help="Last day (inclusive) or time (ISO 8601).")

traffic = typer.Typer(
    help="Radio traffic: our stations, operators' logs, nets, call signs, subordination, DF.",
    no_args_is_help=True,
)
station = typer.Typer(help="Our intercept stations.", no_args_is_help=True)
traffic.add_typer(station, name="station")


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("LIAISON_ACTOR") or getpass.getuser()


def _store():  # type: ignore[no-untyped-def]
    from liaison.store import open_store

    return open_store()


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read ({exc})") from None


@station.command("add")
def station_add(
    name: str,
    place: str = typer.Option(None, "--place", help="Place name (gazetteer) when no --lat/--lon."),
    lat: float = typer.Option(None, "--lat"),
    lon: float = typer.Option(None, "--lon"),
    equipment: str = typer.Option("", "--equipment", help="e.g. receiver=4;df=1"),
    bearing_error: float = typer.Option(
        None, "--bearing-error", help="The DF set's stated error (degrees, 1σ)."
    ),
    partner: str = PARTNER,
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Register one of our intercept stations."""
    from liaison.traffic.stations import add_station

    with _store().begin() as conn:
        s = add_station(
            conn, name, place=place, lat=lat, lon=lon, equipment=equipment,
            bearing_error=bearing_error, partner=partner, actor=_actor(actor),
        )  # fmt: skip
    emit(
        s,
        as_json,
        lambda: console.print(f"station {s.name} at {s.lat:.4f}, {s.lon:.4f}", markup=False),
    )


@station.command("list")
def station_list(partner: str = PARTNER, as_json: bool = JSON) -> None:
    """Our intercept stations."""
    from liaison.traffic.stations import list_stations

    with _store().connect() as conn:
        rows = list_stations(conn, partner)
    emit(
        [s.to_dict() for s in rows],
        as_json,
        lambda: [
            console.print(
                f"{s.name:<16} {s.lat:>9.4f} {s.lon:>9.4f}  "
                f"{';'.join(f'{k}={v}' for k, v in s.equipment.items()) or '—'}"
                + (f"  ±{s.bearing_error:g}°" if s.bearing_error else ""),
                markup=False,
            )
            for s in rows
        ],
    )


@traffic.command("import")
def import_(
    log: Path = typer.Argument(..., help="Operator's log (CSV; see docs/traffic.md)."),
    partner: str = PARTNER,
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Import an operator's log: every line or none (bad lines are named, exit 2)."""
    from liaison.traffic.logs import import_log

    text = _read(log)
    with _store().begin() as conn:
        out = import_log(conn, text, name=log.name, partner=partner, actor=_actor(actor))
    emit(
        out,
        as_json,
        lambda: console.print(
            f"{out['lines']} line(s) from {len(out['stations'])} station(s), "
            f"{out['bearings']} bearing(s)"
        ),
    )


@traffic.command("nets")
def nets_(
    since: str = SINCE,
    until: str = UNTIL,
    svg: Path = typer.Option(None, "--svg", help="Write the net diagram (SVG) here."),
    net: int = typer.Option(None, "--net", help="Only this net (diagram and listing)."),
    partner: str = PARTNER,
    as_json: bool = JSON,
) -> None:
    """Nets from the logs: members, control station, schedule, call signs by day."""
    from liaison.traffic import diagram, service

    with _store().connect() as conn:
        rep = service.nets(conn, partner, since, until)
    if net is not None:
        rep["nets"] = [n for n in rep["nets"] if n["net"] == net]
        if not rep["nets"]:
            raise ValidationError(f"no net {net}")
    if svg is not None:
        svg.write_text(diagram.svg(rep, net=net, title="Nets"), "utf-8")

    def show() -> None:
        console.print(f"{rep['lines']} line(s), {rep['transmissions']} transmission(s)")
        for n in rep["nets"]:
            ctl = n["control_unit"] or f"#{n['control']}"
            console.print(
                f"net {n['net']:>3}  {n['frequency_khz']:>8.1f} kHz  hours {n['hours_utc']}  "
                f"control {ctl}  outstations {len(n['outstations'])}  "
                f"{n['transmissions']} tx",
                markup=False,
            )

    emit(rep, as_json, show)


@traffic.command("identify")
def identify_(
    call_sign: str,
    day: str = typer.Option(..., "--day", help="The day the call sign was in use (YYYY-MM-DD)."),
    unit: str = typer.Option(..., "--unit", help="The unit's id in the picture."),
    partner: str = PARTNER,
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Name a call sign as a unit (from a captured list, a solved message, a fix)."""
    from liaison.traffic import service

    with _store().begin() as conn:
        out = service.identify(conn, call_sign, day, unit, partner=partner, actor=_actor(actor))
    emit(out, as_json, lambda: console.print(f"{out['call_sign']} on {out['day']} = {out['unit']}"))


@traffic.command("infer")
def infer_(
    since: str = SINCE, until: str = UNTIL, partner: str = PARTNER, actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:  # fmt: skip
    """Offer inferred subordination (control → outstations) as graded observations."""
    from liaison.traffic import service

    with _store().begin() as conn:
        rows = service.infer(conn, partner, since, until, actor=_actor(actor))
    emit(rows, as_json, lambda: _show_inferences(rows))


def _show_inferences(rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print("no new inferences")
    for r in rows:
        was = f" (picture: {r['picture_parent']})" if r["kind"] == "contradicts" else ""
        console.print(
            f"{r['id'][-8:]}  {r['status']:<8} {r['kind']:<11} {r['unit']} → {r['parent']}"
            f"{was}  credibility {r['credibility']}, {len(r['evidence']['days'])} day(s)",
            markup=False,
        )


@traffic.command("inferences")
def inferences_(
    status: str = typer.Option(None, "--status", help="pending, accepted or rejected"),
    partner: str = PARTNER,
    as_json: bool = JSON,
) -> None:
    """Inferred subordination on record."""
    from liaison.traffic import service

    with _store().connect() as conn:
        rows = service.inferences(conn, partner, status)
    emit(rows, as_json, lambda: _show_inferences(rows))


def _decide(
    inference: str, accept: bool, source: str | None, actor: str | None, as_json: bool
) -> None:
    from liaison.traffic import service

    with _store().begin() as conn:
        out = service.decide(conn, inference, accept, source=source, actor=_actor(actor))
    emit(out, as_json, lambda: _show_inferences([out]))


@traffic.command("accept")
def accept_(
    inference: str,
    source: str = typer.Option(None, "--source", help="Our SIGINT source's codename."),
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Accept an inference: the unit's parent is recorded in the picture."""
    _decide(inference, True, source, actor, as_json)


@traffic.command("reject")
def reject_(inference: str, actor: str = ACTOR, as_json: bool = JSON) -> None:
    """Reject an inference (kept on record, never offered again)."""
    _decide(inference, False, None, actor, as_json)


@traffic.command("fix")
def fix_(
    call_sign: str,
    day: str = typer.Option(..., "--day", help="YYYY-MM-DD"),
    save: bool = typer.Option(True, "--save/--no-save", help="Keep the fix on record."),
    partner: str = PARTNER,
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """DF fix on a call sign from every bearing taken that day, with its 95 % error ellipse."""
    from liaison.traffic import service

    if save:
        with _store().begin() as conn:
            out = service.compute_fix(conn, call_sign, day, partner=partner, actor=_actor(actor))
    else:
        with _store().connect() as conn:
            out = service.compute_fix(conn, call_sign, day, partner=partner, save=False)
    data = {k: v for k, v in out.items() if k != "ellipse"} if not as_json else out
    emit(
        data,
        as_json,
        lambda: console.print(
            f"{out['call_sign']} {out['day']}: {out['lat']:.4f}, {out['lon']:.4f}  95% ellipse "
            f"{out['semi_major_km']:.1f} × {out['semi_minor_km']:.1f} km at {out['orientation_deg']:.0f}°"
            f"  ({len(out['used'])} of {out['bearings']} bearings used)"
            + (f"  fix {out['id'][-8:]}" if "id" in out else ""),
            markup=False,
        ),
    )


@traffic.command("fixes")
def fixes_(partner: str = PARTNER, as_json: bool = JSON) -> None:
    """Fixes on record."""
    from liaison.traffic import service

    with _store().connect() as conn:
        rows = service.list_fixes(conn, partner)
    emit(
        rows,
        as_json,
        lambda: [
            console.print(
                f"{r['id'][-8:]}  {r['day']} {r['call_sign']:<6} {r['lat']:.4f}, {r['lon']:.4f}  "
                f"{r['semi_major_km']:.1f} × {r['semi_minor_km']:.1f} km  {r['unit'] or ''}",
                markup=False,
            )
            for r in rows
        ],
    )


@traffic.command("observe-fix")
def observe_fix_(
    fix: str,
    unit: str = typer.Option(..., "--unit", help="The unit the fix places."),
    source: str = typer.Option(None, "--source", help="Our SIGINT source's codename."),
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Record a fix as the unit's position (an observation carrying its ellipse)."""
    from liaison.traffic import service

    with _store().begin() as conn:
        out = service.observe_fix(conn, fix, unit, source=source, actor=_actor(actor))
    emit(
        out,
        as_json,
        lambda: console.print(f"{out['unit']} placed at {out['lat']:.4f}, {out['lon']:.4f}"),
    )


@traffic.command("generate")
def generate_(
    out: Path = typer.Argument(..., help="Folder for log.csv, stations.csv and key.json."),
    seed: int = typer.Option(0, "--seed"),
    shape: str = typer.Option("5,4,4,3", "--shape", help="Fan-out per echelon below the front."),
    days: int = typer.Option(7, "--days"),
    as_json: bool = JSON,
) -> None:
    """Generated traffic from a known order of battle (for exercises and trials)."""
    from liaison.traffic.generate import generate, write

    try:
        sh = tuple(int(x) for x in shape.split(","))
    except ValueError:
        raise ValidationError("--shape: whole numbers separated by commas") from None
    if not sh or any(not 1 <= k <= 12 for k in sh) or len(sh) > 4 or not 1 <= days <= 31:
        raise ValidationError("--shape: 1–4 numbers of 1–12; --days: 1–31")
    t = generate(seed, shape=sh, days=days)
    info = write(t, out)
    emit(info, as_json, lambda: console.print(json.dumps(info)))


@station.command("import")
def station_import(
    csv_path: Path = typer.Argument(..., help="CSV: name,place,lat,lon,equipment,bearing_error"),
    partner: str = PARTNER,
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Register several stations from a CSV (all or none)."""
    from liaison.traffic.stations import import_stations

    text = _read(csv_path)
    with _store().begin() as conn:
        rows = import_stations(conn, text, partner=partner, actor=_actor(actor))
    emit(
        [s.to_dict() for s in rows],
        as_json,
        lambda: console.print(f"{len(rows)} station(s) registered"),
    )


school = typer.Typer(
    help="Traffic-analysis and DF exercises (classes and trainees are `liaison train`'s).",
    no_args_is_help=True,
)
traffic.add_typer(school, name="school")


@school.command("new")
def school_new(
    kind: str = typer.Argument(..., help="nets or df"),
    class_name: str = typer.Option(..., "--class"),
    seed: int = typer.Option(None, "--seed", help="Generator seed (default: the exercise number)."),
    max_answers: int = typer.Option(3, "--max-answers"),
    actor: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Set a generated exercise for a class."""
    from liaison.traffic import school as sc

    with _store().begin() as conn:
        out = sc.new_exercise(
            conn, kind, class_name=class_name, seed=seed, actor=_actor(actor),
            max_answers=max_answers,
        )  # fmt: skip
    emit(
        out,
        as_json,
        lambda: console.print(f"traffic exercise {out['number']} ({kind}) for {out['class']}"),
    )


@school.command("list")
def school_list(class_name: str = typer.Option(None, "--class"), as_json: bool = JSON) -> None:
    """Traffic exercises."""
    from liaison.traffic import school as sc

    with _store().connect() as conn:
        rows = sc.list_exercises(conn, class_name)
    emit(rows, as_json, lambda: [console.print(f"{r['number']:>3}  {r['kind']}") for r in rows])


@school.command("take")
def school_take(
    number: int,
    trainee: str = typer.Option(..., "--trainee"),
    out: Path = typer.Option(
        None, "--out", help="Write the material (log.csv or bearings.csv) here."
    ),
    as_json: bool = JSON,
) -> None:
    """The brief and the material (never the key)."""
    from liaison.traffic import school as sc

    with _store().connect() as conn:
        data = sc.take(conn, number, trainee)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        m = data["material"]
        if "log" in m:
            (out / "log.csv").write_text(m["log"], "utf-8")
        else:
            (out / "stations.csv").write_text(
                "name,lat,lon,bearing_error\n"
                + "".join(
                    f"{s['name']},{s['lat']},{s['lon']},{s['bearing_error']}\n"
                    for s in m["stations"]
                ),
                "utf-8",
            )
            (out / "bearings.csv").write_text(
                "target,station,bearing,bearing_error\n"
                + "".join(
                    f"{b['target']},{b['station']},{b['bearing']},{b['bearing_error']}\n"
                    for b in m["bearings"]
                ),
                "utf-8",
            )
    emit(data, as_json, lambda: console.print(data["brief"], markup=False))


@school.command("answer")
def school_answer(
    number: int,
    answer_csv: Path = typer.Argument(..., help="The answer (CSV; the brief names its columns)."),
    trainee: str = typer.Option(..., "--trainee"),
    as_json: bool = JSON,
) -> None:
    """Submit an answer; graded at once against the key."""
    from liaison.traffic import school as sc

    text = _read(answer_csv)
    with _store().begin() as conn:
        g = sc.answer(conn, number, trainee, text)
    emit(
        g,
        as_json,
        lambda: console.print(
            f"points {g['points']} (answer {g['answers_used']} of {g['max_answers']})", markup=False
        ),
    )


@school.command("progress")
def school_progress(class_name: str = typer.Option(..., "--class"), as_json: bool = JSON) -> None:
    """Per trainee: traffic exercises answered and points."""
    from liaison.traffic import school as sc

    with _store().connect() as conn:
        rows = sc.progress(conn, class_name)
    emit(
        rows,
        as_json,
        lambda: [
            console.print(
                f"{r['trainee']:<16} {r['answered']}/{r['assigned']}  points {r['points']}"
            )
            for r in rows
        ],
    )


def register(app: typer.Typer) -> None:
    app.add_typer(traffic, name="traffic")
