"""The illustrative Kaunas 1940 part of `liaison demo`: registry, route, a few sealed documents.

ILLUSTRATIVE: invented people on the historical route Kaunas → Moscow → (Trans-Siberian) →
Vladivostok → (ship) → Tsuruga → Kobe, with onward destination visas among their documents.
Demo keys are generated into the output directory; they sign nothing real.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from liaison.evac import documents, issuing, keys, people, routes, seal, tracking
from liaison.store.engine import Store

ROUTE = ["Kaunas", "Moscow", "Vladivostok", "Tsuruga", "Kobe"]
ISSUERS = {
    "JP-KAUNAS": "Consulate of Japan, Kaunas (illustrative)",
    "NL-KAUNAS": "Consul of the Netherlands, Kaunas (illustrative)",
}


def data_dir() -> Path:
    return Path(str(resources.files("liaison") / "data" / "evac"))


def _key(kdir: Path, kid: str, name: str) -> seal.Issuer:
    if not (kdir / f"{kid}.key").exists():
        keys.write_key_pair(kdir, kid, name)
    from nacl.signing import SigningKey

    d = json.loads((kdir / f"{kid}.key").read_text())
    return seal.Issuer(kid, d.get("name", ""), SigningKey(bytes.fromhex(d["seed"])))


def load_demo(store: Store, out: Path, actor: str = "demo") -> list[str]:
    """Load the registry and route into an empty evacuation store, issue documents to two
    families, save a plan, record a few checkpoint events; return lines to print."""
    with store.connect() as conn:
        if people.counts(conn)["persons"]:
            return ["Evacuation registry already holds data; using it."]
    out.mkdir(parents=True, exist_ok=True)
    kdir = out / "keys"
    root = _key(kdir, "ROOT", "Demo trust-list root (illustrative)")
    issuers = [_key(kdir, kid, name) for kid, name in ISSUERS.items()]
    with store.begin() as conn:
        rep = people.import_persons(conn, data_dir() / "persons.csv", actor)
        people.add_children_group(conn, "C01", "K011", ["K008"], actor)
        routes.import_departures(conn, data_dir() / "departures.csv", actor)
        issuing.allocate_block(conn, "KAU", 1, 9999, actor)
        docs = issuing.issue(
            conn,
            issuers[0],
            "KAU",
            ROUTE,
            date(1940, 7, 29),
            date(1940, 9, 30),
            actor,
            ["K001", "K002", "K003", "K006", "K010", "K009"],
        )
        plan, _ = routes.plan(conn, date(1940, 8, 1), date(1940, 9, 30), save=True, actor=actor)
        at = datetime(1940, 8, 1, 9, tzinfo=UTC)
        for subject, dep in (("F01", "R-0801"), ("F03", "R-0801")):
            tracking.record(conn, "kaunas-station", subject, "departed", "Kaunas", at, dep, actor)
        t2 = datetime(1940, 8, 3, 20, tzinfo=UTC)
        tracking.record(
            conn, "moscow-yaroslavsky", "F01", "departed", "Moscow", t2, "T-0803", actor
        )
        revoked = issuing.revoked(conn)
    pdf = out / "kaunas-1940-documents.pdf"
    documents.render_batch(docs, issuers[0].name, pdf)
    pubs = [(i.kid, i.name, i.public) for i in issuers]
    keys.write_trust_files(root.key, pubs, revoked, out / "trust.cose", out / "verify")
    (out / "seals.txt").write_text(
        "".join(f"{d.number}\t{d.qr}\n" for d in docs)
    )  # QR text has spaces
    return [
        f"Evacuation (illustrative Kaunas 1940): {rep.new} persons, route {' → '.join(ROUTE)}",
        f"Issued {len(docs)} sealed transit documents: {pdf}",
        f"Plan: {plan.placed_people} people seated, {len(plan.left)} group(s) left; "
        "see `liaison evac status --today 1940-08-05`",
        f"Seals to try: {out / 'seals.txt'} — `liaison evac verify SEAL --trust {out / 'trust.cose'} "
        f"--root-pub {kdir / 'ROOT.pub'} --today 1940-08-05`",
    ]
