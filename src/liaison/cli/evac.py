"""`liaison evac …`: registry in the store, duplicates and merges, number blocks, sealed documents,
offline verification, route and planning, checkpoint tracking and the status dashboard.

Keys and trust lists stay files (a checkpoint verifies from a trust list and the root public key
alone, with no store); everything else lives in the store.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import typer

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError
from liaison.store import open_store

evac = typer.Typer(
    help="Evacuation: registry, sealed transit documents, offline verification, routes, tracking.",
    no_args_is_help=True,
)
track = typer.Typer(help="Checkpoint events: record, export, import (device logs).")
evac.add_typer(track, name="track")

ACTOR = typer.Option(
    None, "--actor", help="Who does this (audit log); default LIAISON_ACTOR or the login name."
)
AS_ROLE = typer.Option(..., "--as-role", help="Your role: registrar, admin or analyst.")


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("LIAISON_ACTOR") or getpass.getuser()


def _who(actor: str | None, role: str):  # type: ignore[no-untyped-def]
    from liaison.evac.people import Actor

    return Actor(_actor(actor), role)


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{what}: not a date YYYY-MM-DD ({text!r})") from None


def _load_key(path: Path):  # type: ignore[no-untyped-def]
    from nacl.signing import SigningKey

    try:
        data = json.loads(Path(path).read_text())
        return data["kid"], data.get("name", ""), SigningKey(bytes.fromhex(data["seed"]))
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(f"{path}: not an evac key file ({exc})") from None


def _load_pub(path: Path) -> tuple[str, str, bytes]:
    try:
        d = json.loads(Path(path).read_text())
        return d["kid"], d.get("name", ""), bytes.fromhex(d["pub"])
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(f"{path}: not an evac public key file ({exc})") from None


@evac.command("keys")
def keys_cmd(
    kid: str = typer.Argument(..., help="Key id, e.g. JP-KAUNAS (ROOT for a trust-list root)."),
    out: Path = typer.Option(..., "--out", help="Directory for <kid>.key and <kid>.pub."),
    name: str = typer.Option("", "--name", help="Issuing office's name."),
) -> None:
    """Create a signing key pair (Ed25519)."""
    from liaison.evac.keys import write_key_pair

    key, pub = write_key_pair(out, kid, name)
    console.print(f"wrote {key} and {pub}")


@evac.command("trust")
def trust_cmd(
    root: Path = typer.Option(..., "--root", help="Root key file."),
    issuer: list[Path] = typer.Option(..., "--issuer", help="Issuer .pub files (repeat)."),
    revoked: Path = typer.Option(None, "--revoked", help="Extra JSON {kid: [numbers]}."),
    out: Path = typer.Option(..., "--out", help="The trust list for `evac verify` (COSE)."),
    web: Path = typer.Option(
        None, "--web", help="Also write trust.json, revocations.json, root.json for the web page."
    ),
    publish: bool = typer.Option(
        False, "--publish", help="Keep it in the store for partners' checkpoints (pouches)."
    ),
) -> None:
    """Sign a trust list (issuers and revoked numbers: the store's plus --revoked) with the root."""
    from liaison.evac import issuing, keys

    _, _, rk = _load_key(root)
    rev: dict[str, list[str]] = json.loads(revoked.read_text()) if revoked else {}
    with open_store().connect() as conn:
        for kid, numbers in issuing.revoked(conn).items():
            rev[kid] = sorted(set(rev.get(kid, [])) | set(numbers))
    pubs = [_load_pub(p) for p in issuer]
    n = keys.write_trust_files(rk, pubs, rev, out, web)
    console.print(f"trust list with {n} issuer(s) → {out}" + (f" and {web}/" if web else ""))
    if publish:
        from liaison.evac import care

        with open_store().begin() as conn:
            care.publish_trust(conn, out.read_bytes(), bytes(rk.verify_key), "cli")
        console.print("published: the next pouch carries it to every partner with a policy")


@evac.command("check")
def check_cmd(
    persons: Path = typer.Argument(...), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Validate a persons CSV without importing (all problems listed). Prints counts, never people."""
    from liaison.evac import registry

    people = registry.read_csv(persons)
    kids = registry.unaccompanied(people, date.today())
    data = {"persons": len(people), "unaccompanied_minors_without_guardian": len(kids)}
    emit(data, as_json, lambda: console.print(data))


@evac.command("import")
def import_cmd(
    persons: Path = typer.Argument(..., help="Persons CSV (columns in docs/evac.md)."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import persons into the registry, all-or-nothing (every problem named by line and column)."""
    from liaison.evac import people

    with open_store().begin() as conn:
        rep = people.import_persons(conn, persons, _actor(actor))
    emit(
        rep.to_dict(),
        as_json,
        lambda: console.print(
            f"imported {rep.new} person(s) ({rep.unchanged} already held, "
            f"{rep.groups_new} new families)"
        ),
    )


@evac.command("persons")
def persons_cmd(
    as_role: str = AS_ROLE, actor: str = ACTOR, as_json: bool = typer.Option(False, "--json")
) -> None:
    """List persons (needs a reading role; the listing is written to the audit log)."""
    from liaison.evac import people

    with open_store().begin() as conn:
        ps = people.list_persons(conn, _who(actor, as_role))
    data = [
        {
            "person_id": p.person_id,
            "surname": p.surname,
            "given_names": p.given_names,
            "icao": f"{p.surname_icao} {p.given_names_icao}",
            "birth_date": p.birth_date.isoformat(),
            "group": p.family_id,
            "guardian": p.guardian_id,
            "status": p.status,
        }
        for p in ps
    ]

    def show() -> None:
        for d in data:
            console.print(
                f"{d['person_id']}  {d['surname']}, {d['given_names']}  ({d['icao']})  "
                f"{d['birth_date']}  {d['group']}  {d['status']}"
            )

    emit(data, as_json, show)


@evac.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out"),
    as_role: str = typer.Option(..., "--as-role", help="registrar or admin."),
    actor: str = ACTOR,
) -> None:
    """Export the registry as the persons CSV; needs role registrar or admin; audited."""
    from liaison.evac import people

    with open_store().begin() as conn:
        n = people.export_persons(conn, out, _who(actor, as_role))
    console.print(f"exported {n} person(s) → {out}")


@evac.command("children")
def children_cmd(
    group: str = typer.Argument(..., help="New group id, e.g. C01."),
    guardian: str = typer.Option(..., "--guardian", help="The guardian's person id."),
    child: list[str] = typer.Option(..., "--child", help="A child's person id (repeat)."),
    actor: str = ACTOR,
) -> None:
    """Put unaccompanied children into a group travelling with a guardian."""
    from liaison.evac import people

    with open_store().begin() as conn:
        people.add_children_group(conn, group, guardian, child, _actor(actor))
    console.print(f"group {group}: {len(child)} child(ren) with guardian {guardian}")


@evac.command("dups")
def dups_cmd(
    as_role: str = AS_ROLE,
    actor: str = ACTOR,
    threshold: float = typer.Option(
        0.52,
        "--threshold",
        help="Offer pairs scoring at least this (default calibrated: docs/evac.md).",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Duplicate candidates for review (never merged automatically); the listing is audited."""
    from liaison.evac import people

    with open_store().begin() as conn:
        cands = people.duplicate_candidates(conn, _who(actor, as_role), threshold)
    data = [c.__dict__ for c in cands]
    emit(
        data, as_json, lambda: [console.print(f"{c.a} ~ {c.b}  {c.score}  {c.why}") for c in cands]
    )


@evac.command("merge")
def merge_cmd(
    keep: str = typer.Argument(..., help="Person id kept."),
    drop: str = typer.Argument(..., help="Person id found to be the same person."),
    note: str = typer.Option("", "--note"),
    actor: str = ACTOR,
) -> None:
    """Record a reviewer's merge (reversible with `evac unmerge MERGE_ID`)."""
    from liaison.evac import people

    with open_store().begin() as conn:
        mid = people.merge(conn, keep, drop, _actor(actor), note=note)
    console.print(f"merged {drop} into {keep}: merge {mid}")


@evac.command("unmerge")
def unmerge_cmd(
    merge_id: str = typer.Argument(...),
    note: str = typer.Option("", "--note"),
    actor: str = ACTOR,
) -> None:
    """Undo a merge (a new record; the original decision stays in the log)."""
    from liaison.evac import people

    with open_store().begin() as conn:
        uid = people.undo_merge(conn, merge_id, _actor(actor), note)
    console.print(f"undone {merge_id} by {uid}")


@evac.command("merges")
def merges_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every merge and undo, for review (ids only)."""
    from liaison.evac import people

    with open_store().connect() as conn:
        log = people.merge_log(conn)

    def show() -> None:
        for m in log:
            what = f"undo {m['undoes']}" if m["undoes"] else f"{m['drop']} → {m['keep']}"
            console.print(f"{m['id']}  {what}  by {m['by']} {m['at']}  {m['note']}")

    emit(log, as_json, show)


@evac.command("block")
def block_cmd(
    station: str = typer.Argument(..., help="3-character station code, e.g. KAU."),
    first: int = typer.Option(..., "--first"),
    last: int = typer.Option(..., "--last"),
    actor: str = ACTOR,
) -> None:
    """Allocate a station's block of document serials (disjoint from every other station's)."""
    from liaison.evac import issuing

    with open_store().begin() as conn:
        b = issuing.allocate_block(conn, station, first, last, _actor(actor))
    console.print(f"station {b.station}: serials {b.first}–{b.last}")


@evac.command("issue")
def issue_cmd(
    key: Path = typer.Option(..., "--key", help="Issuer key file."),
    station: str = typer.Option(..., "--station", help="Station whose block numbers them."),
    route: str = typer.Option(..., "--route", help="Stops separated by '>'."),
    valid_from: str = typer.Option(..., "--from"),
    valid_until: str = typer.Option(..., "--until"),
    out: Path = typer.Option(None, "--out", help="Directory for the PDF(s)."),
    only: str = typer.Option("", "--only", help="Comma-separated person ids (else everyone)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="One PDF of all pages in --out."),
    kind: str = typer.Option(
        "transit", "--kind", help="transit, destination (a visa, its own key and block) or family."
    ),
    destination: str = typer.Option(
        "", "--destination", help="Destination (default: each holder's own)."
    ),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Issue numbered, sealed documents (singly with --only, else in batch). A transit or family
    document rests on the holder's destination visa, if any; a family document names its members."""
    from liaison.evac import documents, issuing, seal

    kid, name, sk = _load_key(key)
    d0, d1 = _date(valid_from, "--from"), _date(valid_until, "--until")
    ids = [x.strip() for x in only.split(",") if x.strip()] or None
    if pdf and out is None:
        raise ValidationError("--out DIR is needed for the PDF (or give --no-pdf)")
    with open_store().begin() as conn:
        docs = issuing.issue(
            conn,
            seal.Issuer(kid, name, sk),
            station,
            [s.strip() for s in route.split(">")],
            d0,
            d1,
            _actor(actor),
            ids,
            kind=kind,
            destination=destination,
        )
        cover = issuing.coverage(conn)
    path = None
    if pdf and docs:
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"documents-{docs[0].number}-{docs[-1].number}.pdf"
        documents.render_batch(docs, name or kid, path)
    people_n = sum(1 + len(d.payload.get("mem") or []) for d in docs)
    data = {
        "issued": len(docs),
        "people": people_n,
        "numbers": [d.number for d in docs],
        "pdf": str(path or ""),
        "coverage": cover,
    }
    emit(
        data,
        as_json,
        lambda: console.print(
            f"issued {len(docs)} {kind} document(s) covering {people_n} people {path or ''}"
        ),
    )


@evac.command("documents")
def documents_cmd(
    as_role: str = AS_ROLE,
    actor: str = ACTOR,
    qr: bool = typer.Option(False, "--qr", help="Include the seal text."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Issued documents (number, person id, validity, issuer, revoked); audited listing."""
    from liaison.evac import issuing

    with open_store().begin() as conn:
        docs = issuing.list_documents(conn, _who(actor, as_role))
    if not qr:
        for d in docs:
            d.pop("qr")

    def show() -> None:
        for d in docs:
            flag = "  REVOKED" if d["revoked"] else ""
            console.print(
                f"{d['number']}  {d['person_id']}  {d['issuer']}  "
                f"{d['valid_from']}..{d['valid_until']}{flag}"
            )

    emit(docs, as_json, show)


@evac.command("revoke")
def revoke_cmd(
    number: str = typer.Argument(...),
    reason: str = typer.Option("", "--reason"),
    issuer: str = typer.Option("", "--issuer", help="Issuer key id (for numbers not issued here)."),
    actor: str = ACTOR,
) -> None:
    """Revoke a document; re-sign the trust list (`evac trust`) to publish it."""
    from liaison.evac import issuing

    with open_store().begin() as conn:
        issuing.revoke(conn, number, _actor(actor), reason, issuer)
    console.print(f"revoked {number.upper()}; run `liaison evac trust …` to publish")


@evac.command("verify")
def verify_cmd(
    seal_or_image: str = typer.Argument(..., help="QR text (LV1:…) or an image file."),
    trust_list: Path = typer.Option(..., "--trust"),
    root_pub: Path = typer.Option(..., "--root-pub", help="Root .pub file."),
    today: str = typer.Option("", "--today", help="Check date (default: today)."),
    destination: str = typer.Option(
        "", "--destination", help="The holder's destination visa (QR text), checked with it."
    ),
    max_age_days: int = typer.Option(
        14,
        "--max-age-days",
        min=1,
        help="Refuse a trust list signed more than this many days ago (its revocations are stale).",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Valid or invalid, with the reason. Offline, no store; says nothing about anyone else.

    Seals longer than a QR code can hold (4,296 characters) or inflating beyond 64 KiB are
    refused as malformed before they are decompressed in full."""
    from datetime import timedelta

    from liaison.evac import documents, trust

    text = seal_or_image
    if not seal_or_image.startswith("LV1:") and Path(seal_or_image).is_file():
        try:
            text = documents.decode_image(Path(seal_or_image))
        except Exception:
            text = ""
    try:
        v = trust.Verifier(
            trust_list.read_bytes(), _load_pub(root_pub)[2], timedelta(days=max_age_days)
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(f"trust list not usable: {exc}") from None
    verdict = v.verify(text, _date(today, "--today") if today else None, destination or None)
    dest = verdict.destination
    emit(
        verdict.as_dict(),
        as_json,
        lambda: console.print(
            ("VALID" if verdict.valid else "INVALID")
            + f": {verdict.reason}"
            + (f" ({verdict.detail})" if verdict.detail else "")
            + (f"; covers {verdict.covers} people" if verdict.covers > 1 else "")
            + (
                f"; destination document {dest['number'] or '-'}: {dest['state']}"
                if dest is not None
                else ""
            ),
            markup=False,
        ),
    )
    if not verdict.valid:
        raise typer.Exit(1)


@evac.command("departures")
def departures_cmd(
    csv_file: Path = typer.Argument(..., help="CSV: dep_id,leg,from,to,mode,day,arrive,seats"),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import the route's legs and dated departures with seat limits (all-or-nothing)."""
    from liaison.evac import routes

    with open_store().begin() as conn:
        rep = routes.import_departures(conn, csv_file, _actor(actor))
    emit(rep, as_json, lambda: console.print(rep))


@evac.command("plan")
def plan_cmd(
    ready: str = typer.Option(..., "--ready", help="Earliest day anyone can leave."),
    until: str = typer.Option(..., "--until", help="Deadline for groups without documents."),
    optimal: bool = typer.Option(False, "--optimal", help="HiGHS MILP instead of greedy."),
    save: bool = typer.Option(False, "--save", help="Store the plan for the dashboard."),
    onward: bool = typer.Option(
        False, "--onward", help="Route network: each group to its own destination."
    ),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Seat travel groups together on dated departures; lists groups left without a place and why.
    With --onward, legs may branch (onward ships from any port) and each group goes to its
    members' destination; persons at risk first; who waits where, and why."""
    from liaison.evac import routes

    d0, d1 = _date(ready, "--ready"), _date(until, "--until")
    if onward:
        with open_store().begin() as conn:
            op, osz = routes.plan_onward(conn, d0, d1, optimal, save, _actor(actor))
        odata = {
            "method": op.method,
            "placed_people": op.placed_people,
            "waiting_people": op.waiting_people,
            "gap": op.gap,
            "assigned": op.assigned,
            "waits": op.waits,
        }

        def oshow() -> None:
            console.print(f"{op.method}: {op.placed_people} placed, {op.waiting_people} waiting")
            for g, ds in op.assigned.items():
                console.print(f"  {g} ({osz[g]}): {' > '.join(ds)}")
            for g, w in op.waits.items():
                console.print(f"  WAITS {g} ({osz[g]}) at {w['place']}: {w['why']}", markup=False)

        emit(odata, as_json, oshow)
        return
    with open_store().begin() as conn:
        plan, sizes = routes.plan(conn, d0, d1, optimal, save, _actor(actor))
    data = {
        "method": plan.method,
        "placed_people": plan.placed_people,
        "gap": plan.gap,
        "assigned": plan.assigned,
        "left": plan.left,
    }

    def show() -> None:
        console.print(f"{plan.method}: {plan.placed_people} placed")
        for g, ds in plan.assigned.items():
            console.print(f"  {g} ({sizes[g]}): {' > '.join(ds)}")
        for g, why in plan.left.items():
            console.print(f"  LEFT {g} ({sizes[g]}): {why}")

    emit(data, as_json, show)


@evac.command("protect")
def protect_cmd(
    person: str = typer.Argument(...),
    kind: str = typer.Option(
        ..., "--kind", help="unaccompanied_child, exposed_collaborator or medical."
    ),
    clear: bool = typer.Option(False, "--clear", help="Remove the flag instead."),
    as_role: str = AS_ROLE,
    actor: str = ACTOR,
) -> None:
    """Mark a person at risk: seen by registrars and admins only, never exported or released,
    seated first."""
    from liaison.evac import protection

    with open_store().begin() as conn:
        if clear:
            protection.unprotect(conn, _who(actor, as_role), person)
        else:
            protection.protect(conn, _who(actor, as_role), person, kind)
    console.print(f"{person}: {'flag cleared' if clear else 'marked at risk'}")


@evac.command("at-risk")
def at_risk_cmd(
    as_role: str = AS_ROLE, actor: str = ACTOR, as_json: bool = typer.Option(False, "--json")
) -> None:
    """Persons at risk (registrars and admins only; audited)."""
    from liaison.evac import protection

    with open_store().begin() as conn:
        rows = protection.listing(conn, _who(actor, as_role))
    emit(rows, as_json, lambda: [console.print(f"{r['person_id']}  {r['kind']}") for r in rows])


@evac.command("receive")
def receive_cmd(
    person: str = typer.Argument(...),
    place: str = typer.Option(..., "--place"),
    onward: str = typer.Option(
        ..., "--onward", help="sheltered, placed with family, onward travel, hospital, left care."
    ),
    shelter: str = typer.Option("", "--shelter"),
    contact: str = typer.Option("", "--contact"),
    as_role: str = AS_ROLE,
    actor: str = ACTOR,
) -> None:
    """Record a person's reception at the destination."""
    from liaison.evac import care

    with open_store().begin() as conn:
        care.receive(conn, _who(actor, as_role), person, place, onward, shelter, contact)
    console.print(f"{person}: received at {place} ({onward})", markup=False)


@evac.command("trace")
def trace_cmd(
    person: str = typer.Argument(...),
    as_role: str = AS_ROLE,
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Possible relatives of a person, here and in registries other organisations released to
    us (same surname across scripts, not the same person). Audited."""
    from liaison.evac import care

    with open_store().begin() as conn:
        rows = care.trace(conn, _who(actor, as_role), person)

    def show() -> None:
        for r in rows:
            console.print(
                f"{r['registry']}  {r['person_id']}  {r['surname']}, {r['given_names']} "
                f"{r['birth_date']}  → {r['destination'] or '?'}  ({r['surname_score']})",
                markup=False,
            )

    emit(rows, as_json, show)


@evac.command("journey")
def journey_cmd(
    today: str = typer.Option("", "--today"), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Counts from departure to care: registered, documented, seated, arrived, received."""
    from liaison.evac import care

    with open_store().connect() as conn:
        data = care.journey(conn, _date(today, "--today") if today else date.today())
    emit(data, as_json, lambda: console.print(data))


@evac.command("release")
def release_cmd(
    partner: str = typer.Argument(...),
    persons: bool = typer.Option(
        False, "--persons/--no-persons", help="Whether registered persons may go to this partner."
    ),
    actor: str = ACTOR,
) -> None:
    """Evacuation release for a partner organisation: revocations always go (to any partner with a
    release policy); persons only with --persons, never persons at risk."""
    from liaison.evac import care
    from liaison.orbat.partners import get_partner

    with open_store().begin() as conn:
        code = get_partner(conn, partner).code
        care.set_release(conn, code, persons, _actor(actor))
    console.print(f"{code}: persons {'released' if persons else 'withheld'}")


def _device(device: str | None) -> str:
    d = device or os.environ.get("LIAISON_DEVICE")
    if not d:
        raise ValidationError("name this device with --device or LIAISON_DEVICE")
    return d


@track.command("record")
def track_record(
    subject: str = typer.Argument(..., help="Travel group id (or person id)."),
    kind: str = typer.Argument(..., help="departed, arrived or crossed."),
    place: str = typer.Argument(...),
    departure: str = typer.Option("", "--departure", help="Departure id (train, ship)."),
    at: str = typer.Option("", "--at", help="ISO time (default now, UTC)."),
    device: str = typer.Option(None, "--device", help="This device's id (or LIAISON_DEVICE)."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Append a checkpoint event with this device's next sequence number."""
    from liaison.core.clock import parse_time
    from liaison.evac import tracking

    try:
        when = parse_time(at) if at else datetime.now(UTC)
    except ValueError as exc:
        raise ValidationError(f"--at: {exc}") from None
    with open_store().begin() as conn:
        ev = tracking.record(
            conn, _device(device), subject, kind, place, when, departure, _actor(actor)
        )
    emit(ev.to_dict(), as_json, lambda: console.print(f"event {ev.device}/{ev.seq} recorded"))


@track.command("export")
def track_export(
    out: Path = typer.Option(..., "--out", help="JSON-lines file."),
    device: str = typer.Option(None, "--device", help="Only this device's events."),
    actor: str = ACTOR,
) -> None:
    """Write the event log (to carry to another device)."""
    from liaison.evac import tracking

    with open_store().begin() as conn:
        n = tracking.export_log(conn, out, device, _actor(actor))
    console.print(f"exported {n} event(s) → {out}")


@track.command("import")
def track_import(
    log: Path = typer.Argument(..., help="JSON-lines log from another device."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Merge another device's log: new events added, known ones skipped, conflicts refused."""
    from liaison.evac import tracking

    with open_store().begin() as conn:
        rep = tracking.import_log(conn, log, _actor(actor))
    emit(
        rep.to_dict(),
        as_json,
        lambda: console.print(f"{rep.new} new event(s), {rep.known} already held"),
    )


@evac.command("status")
def status_cmd(
    today: str = typer.Option("", "--today", help="As of this day (default today)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Where everyone is: by leg, at a place, arrived, waiting, overdue (groups and head counts)."""
    from liaison.evac import people, tracking

    day = _date(today, "--today") if today else date.today()
    with open_store().connect() as conn:
        board = tracking.status(conn, day, people.travel_groups(conn))

    def show() -> None:
        arrived = board["arrived"]
        console.print(f"As of {board['as_of']} — destination {board['destination']}")
        console.print(f"  arrived: {arrived['people']} people ({len(arrived['groups'])} groups)")
        for leg in board["by_leg"]:
            console.print(
                f"  on leg {leg['leg']} {leg['from']} → {leg['to']} ({leg['mode']}): "
                f"{leg['people']} people {' '.join(leg['groups'])}"
            )
        for place, g in board["at_place"].items():
            console.print(f"  at {place}: {g['people']} people {' '.join(g['groups'])}")
        console.print(f"  waiting to leave: {board['waiting']['people']} people")
        if board["unplanned"]["groups"]:
            console.print(f"  not in a plan: {board['unplanned']['people']} people")
        for o in board["overdue"]:
            console.print(
                f"  [bold red]OVERDUE[/] {o['subject']} ({o['people']}): expected "
                f"{o['expected']}, last {o['last_seen']}"
            )

    emit(board, as_json, show)


def register(app: typer.Typer) -> None:
    app.add_typer(evac, name="evac")
