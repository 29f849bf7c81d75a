"""`liaison evac …`: keys, trust lists, check/export persons, duplicates, issue and verify seals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError

evac = typer.Typer(help="Evacuation: registry, sealed transit documents, offline verification.")


def _load_key(path: Path):  # type: ignore[no-untyped-def]
    from nacl.signing import SigningKey

    try:
        data = json.loads(Path(path).read_text())
        return data["kid"], data.get("name", ""), SigningKey(bytes.fromhex(data["seed"]))
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(f"{path}: not an evac key file ({exc})") from None


@evac.command("keys")
def keys_cmd(
    kid: str = typer.Argument(..., help="Key id, e.g. JP-KAUNAS (ROOT for a trust-list root)."),
    out: Path = typer.Option(..., "--out", help="Directory for <kid>.key and <kid>.pub."),
    name: str = typer.Option("", "--name", help="Issuing office's name."),
) -> None:
    """Create a signing key pair (Ed25519)."""
    from nacl.signing import SigningKey

    k = SigningKey.generate()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{kid}.key").write_text(json.dumps({"kid": kid, "name": name, "seed": bytes(k).hex()}))
    (out / f"{kid}.key").chmod(0o600)
    pub = {"kid": kid, "name": name, "pub": bytes(k.verify_key).hex()}
    (out / f"{kid}.pub").write_text(json.dumps(pub))
    console.print(f"wrote {out / (kid + '.key')} and {out / (kid + '.pub')}")


@evac.command("trust")
def trust_cmd(
    root: Path = typer.Option(..., "--root", help="Root key file."),
    issuer: list[Path] = typer.Option(..., "--issuer", help="Issuer .pub files (repeat)."),
    revoked: Path = typer.Option(None, "--revoked", help="JSON {kid: [numbers]}."),
    out: Path = typer.Option(..., "--out"),
) -> None:
    """Sign a trust list (issuers and revoked numbers) with the root key."""
    import cbor2

    from liaison.evac import seal, trust

    _, _, rk = _load_key(root)
    rev = json.loads(revoked.read_text()) if revoked else {}
    body = {"issuers": {}}
    for p in issuer:
        d = json.loads(p.read_text())
        body["issuers"][d["kid"]] = {
            "name": d["name"],
            "pub": bytes.fromhex(d["pub"]),
            "revoked": sorted(rev.get(d["kid"], [])),
        }
    out.write_bytes(seal.cose_sign1(rk, trust.ROOT_KID, cbor2.dumps(body)))
    console.print(f"trust list with {len(body['issuers'])} issuer(s) → {out}")


@evac.command("check")
def check_cmd(persons: Path = typer.Argument(...), as_json: bool = typer.Option(False, "--json")):
    """Validate a persons CSV (all problems listed, exit 2 if any). Prints counts, never people."""
    from liaison.evac import registry

    people = registry.read_csv(persons)
    kids = registry.unaccompanied(people, date.today())
    data = {"persons": len(people), "unaccompanied_minors_without_guardian": len(kids)}
    emit(data, as_json, lambda: console.print(data))


@evac.command("export")
def export_cmd(
    persons: Path = typer.Argument(...),
    out: Path = typer.Option(..., "--out"),
    role: str = typer.Option(..., "--role", help="registrar or admin."),
    actor: str = typer.Option(..., "--actor"),
) -> None:
    """Export persons (normalised, with ICAO names); needs a role; audited."""
    from liaison.evac import registry
    from liaison.store import open_store

    people = registry.read_csv(persons)
    with open_store().begin() as conn:
        n = registry.write_csv(people, out, actor=actor, role=role, conn=conn)
    console.print(f"exported {n} person(s) → {out}")


@evac.command("dups")
def dups_cmd(
    persons: Path = typer.Argument(...),
    actor: str = typer.Option(..., "--actor"),
    threshold: float = typer.Option(0.8, "--threshold"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Duplicate candidates for review (never merged automatically); the listing is audited."""
    from liaison.evac import duplicates, registry
    from liaison.store import open_store

    people = registry.read_csv(persons)
    cands = duplicates.candidates(people, threshold)
    with open_store().begin() as conn:
        registry.list_persons(people, actor, conn, purpose="duplicates")
    data = [c.__dict__ for c in cands]
    emit(
        data, as_json, lambda: [console.print(f"{c.a} ~ {c.b}  {c.score}  {c.why}") for c in cands]
    )


@evac.command("issue")
def issue_cmd(
    persons: Path = typer.Argument(..., help="Persons CSV."),
    key: Path = typer.Option(..., "--key", help="Issuer key file."),
    station: str = typer.Option(..., "--station", help="3-character station code."),
    block_start: int = typer.Option(..., "--block-start"),
    block_end: int = typer.Option(..., "--block-end"),
    route: str = typer.Option(..., "--route", help="Stops separated by '>'."),
    valid_from: str = typer.Option(..., "--from"),
    valid_until: str = typer.Option(..., "--until"),
    out: Path = typer.Option(..., "--out", help="Directory for PDFs and seals.jsonl."),
    only: str = typer.Option("", "--only", help="Comma-separated person ids (single issue)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Issue numbered, sealed transit documents from a station's block; state kept in --out."""
    from liaison.evac import documents, registry, seal
    from liaison.evac.numbers import Block

    people = registry.read_csv(persons)
    if only:
        want = set(only.split(","))
        people = [p for p in people if p.person_id in want]
        if missing := want - {p.person_id for p in people}:
            raise ValidationError(f"unknown person id(s): {', '.join(sorted(missing))}")
    kid, name, sk = _load_key(key)
    out.mkdir(parents=True, exist_ok=True)
    state = out / f"block-{station}.json"
    nxt = json.loads(state.read_text())["next"] if state.exists() else block_start
    block = Block(station, block_start, block_end, nxt)
    try:
        d0, d1 = date.fromisoformat(valid_from), date.fromisoformat(valid_until)
    except ValueError as exc:
        raise ValidationError(f"--from/--until: {exc}") from None
    issuer = seal.Issuer(kid, name, sk)
    docs = documents.issue(people, issuer, block, route.split(">"), d0, d1)
    with (out / "seals.jsonl").open("a") as f:
        for d in docs:
            f.write(json.dumps({"number": d.number, "person_id": d.person_id, "qr": d.qr}) + "\n")
            if pdf:
                documents.render_pdf(d, name or kid, out / f"{d.number}.pdf")
    state.write_text(json.dumps({"next": block.next}))
    data = {"issued": len(docs), "numbers": [d.number for d in docs]}
    emit(data, as_json, lambda: console.print(f"issued {len(docs)} document(s) → {out}"))


@evac.command("verify")
def verify_cmd(
    seal_or_image: str = typer.Argument(..., help="QR text (LV1:…) or an image file."),
    trust_list: Path = typer.Option(..., "--trust"),
    root_pub: Path = typer.Option(..., "--root-pub", help="Root .pub file."),
    today: str = typer.Option("", "--today", help="Check date (default: today)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Valid or invalid, with the reason. Offline; says nothing about anyone else."""
    from liaison.evac import documents, trust

    text = seal_or_image
    if not seal_or_image.startswith("LV1:") and Path(seal_or_image).is_file():
        try:
            text = documents.decode_image(Path(seal_or_image))
        except Exception:
            text = ""
    try:
        v = trust.Verifier(
            trust_list.read_bytes(), bytes.fromhex(json.loads(root_pub.read_text())["pub"])
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(f"trust list not usable: {exc}") from None
    verdict = v.verify(text, date.fromisoformat(today) if today else None)
    emit(
        verdict.as_dict(),
        as_json,
        lambda: console.print(("VALID" if verdict.valid else "INVALID") + f": {verdict.reason}"),
    )
    if not verdict.valid:
        raise typer.Exit(1)


@evac.command("plan")
def plan_cmd(
    persons: Path = typer.Argument(...),
    departures: Path = typer.Option(..., "--departures", help="CSV: dep_id,leg,day,arrive,seats…"),
    ready: str = typer.Option(..., "--ready", help="Earliest day anyone can leave."),
    until: str = typer.Option(..., "--until", help="Documents valid until."),
    optimal: bool = typer.Option(False, "--optimal", help="HiGHS MILP instead of greedy."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Seat families together on dated departures; lists groups left without a place and why."""
    import csv

    from liaison.evac import planner, registry

    people = registry.read_csv(persons)
    group_of: dict[str, str] = {}
    for p in people:
        group_of[p.person_id] = p.family_id or p.person_id
    for p in people:  # a child with a guardian travels in the guardian's group
        if p.guardian_id:
            group_of[p.person_id] = group_of[p.guardian_id]
    sizes: dict[str, int] = {}
    for g in group_of.values():
        sizes[g] = sizes.get(g, 0) + 1
    try:
        d0, d1 = date.fromisoformat(ready), date.fromisoformat(until)
        with departures.open(encoding="utf-8") as f:
            deps = [
                planner.Departure(
                    r["dep_id"],
                    int(r["leg"]),
                    date.fromisoformat(r["day"]),
                    date.fromisoformat(r["arrive"]),
                    int(r["seats"]),
                    r.get("mode", "rail"),
                )
                for r in csv.DictReader(f)
            ]
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(f"{departures}: {exc}") from None
    groups = [planner.Group(g, n, d0, d1) for g, n in sorted(sizes.items())]
    plan = (planner.optimal if optimal else planner.greedy)(groups, deps)
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


def register(app: typer.Typer) -> None:
    app.add_typer(evac, name="evac")
