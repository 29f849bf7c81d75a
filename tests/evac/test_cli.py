import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.cli.app import main

DATA = Path(__file__).parents[2] / "src/liaison/data/evac"
DEMO = DATA / "persons.csv"


def run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


@pytest.fixture
def registry(cli_env, capsys) -> str:
    assert run(["evac", "import", str(DEMO), "--actor", "reg"]) == 0
    assert run(["evac", "departures", str(DATA / "departures.csv"), "--actor", "reg"]) == 0
    capsys.readouterr()
    return cli_env


def test_issue_and_verify_offline(tmp_path: Path, registry, capsys) -> None:
    k = tmp_path / "keys"
    assert run(["evac", "keys", "ROOT", "--out", str(k)]) == 0
    assert run(["evac", "keys", "JP-KAUNAS", "--out", str(k), "--name", "Consulate"]) == 0
    assert run(["evac", "keys", "NL-KAUNAS", "--out", str(k), "--name", "Dutch consul"]) == 0
    assert run(["evac", "block", "KAU", "--first", "1", "--last", "999"]) == 0
    assert run(["evac", "block", "VLA", "--first", "500", "--last", "2000"]) == 2  # overlaps KAU
    out = tmp_path / "docs"
    common = [
        "--key",
        str(k / "JP-KAUNAS.key"),
        "--station",
        "KAU",
        "--route",
        "Kaunas>Moscow>Vladivostok>Tsuruga",
        "--from",
        "1940-08-01",
        "--until",
        "1940-09-30",
    ]
    capsys.readouterr()
    assert run(["evac", "issue", "--only", "K001,K005", "--out", str(out), "--json", *common]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["issued"] == 2 and Path(first["pdf"]).read_bytes().startswith(b"%PDF")
    assert run(["evac", "issue", "--only", "K006", "--no-pdf", "--json", *common]) == 0
    second = json.loads(capsys.readouterr().out)
    numbers = first["numbers"] + second["numbers"]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)
    assert run(["evac", "issue", "--only", "NOPE", "--no-pdf", *common]) == 2
    assert run(["evac", "revoke", numbers[1], "--reason", "lost"]) == 0
    trust = tmp_path / "trust.cose"
    web = tmp_path / "web"
    args = ["evac", "trust", "--root", str(k / "ROOT.key"), "--out", str(trust)]
    pubs = ["--issuer", str(k / "JP-KAUNAS.pub"), "--issuer", str(k / "NL-KAUNAS.pub")]
    assert run([*args, *pubs, "--web", str(web)]) == 0
    assert {p.name for p in web.iterdir()} == {"trust.json", "revocations.json", "root.json"}
    capsys.readouterr()
    assert run(["evac", "documents", "--as-role", "registrar", "--qr", "--json"]) == 0
    docs = {d["number"]: d for d in json.loads(capsys.readouterr().out)}
    assert docs[numbers[1]]["revoked"] and not docs[numbers[0]]["revoked"]
    v = ["--trust", str(trust), "--root-pub", str(k / "ROOT.pub"), "--json"]
    qr0, qr1 = docs[numbers[0]]["qr"], docs[numbers[1]]["qr"]
    assert run(["evac", "verify", qr0, "--today", "1940-08-05", *v]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["valid"] and "Szapiro" not in json.dumps(got)
    assert run(["evac", "verify", qr0, "--today", "1941-01-01", *v]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "expired"
    assert run(["evac", "verify", qr1, "--today", "1940-08-05", *v]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "revoked"


def test_bad_csv_exit_2_nothing_imported(tmp_path: Path, cli_env, capsys, store) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "person_id,surname,given_names,birth_date\nP1,A,B,1940-01-02\nP2,A,B,1940-02-30\n"
    )
    assert run(["evac", "check", str(bad)]) == 2
    assert "line 3: column birth_date" in capsys.readouterr().err
    assert run(["evac", "import", str(bad)]) == 2
    assert "line 3: column birth_date" in capsys.readouterr().err
    from liaison.store.schema.evac import evac_person

    with store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(evac_person)).scalar() == 0


def test_export_needs_role(tmp_path: Path, registry, capsys) -> None:
    out = tmp_path / "x.csv"
    assert run(["evac", "export", "--out", str(out), "--as-role", "viewer"]) == 2
    assert "registrar" in capsys.readouterr().err
    assert not out.exists()
    assert run(["evac", "export", "--out", str(out), "--as-role", "registrar"]) == 0
    assert out.read_text().count("\n") == 13
    assert run(["evac", "persons", "--as-role", "viewer"]) == 2


def test_dups_on_demo(registry, capsys) -> None:
    assert run(["evac", "dups", "--as-role", "analyst", "--threshold", "0.75", "--json"]) == 0
    pairs = {(c["a"], c["b"]) for c in json.loads(capsys.readouterr().out)}
    assert ("K001", "K004") in pairs and ("K006", "K007") in pairs


def test_listings_and_exports_are_audited(tmp_path: Path, registry, store) -> None:
    from liaison.store.schema.audit import audit

    assert run(["evac", "dups", "--as-role", "analyst", "--actor", "rev"]) == 0
    assert run(["evac", "persons", "--as-role", "analyst", "--actor", "ann"]) == 0
    x = tmp_path / "x.csv"
    assert run(["evac", "export", "--out", str(x), "--as-role", "admin", "--actor", "boss"]) == 0
    with store.connect() as conn:
        rows = conn.execute(sa.select(audit.c.actor, audit.c.action, audit.c.detail)).all()
    acts = {(a, b) for a, b, _ in rows}
    assert ("rev", "evac.persons.duplicates") in acts
    assert ("ann", "evac.persons.list") in acts
    assert ("boss", "evac.persons.export") in acts
    assert "Szapiro" not in json.dumps([r.detail for r in rows], ensure_ascii=False)


def test_plan_demo_keeps_families(registry, capsys) -> None:
    args = ["evac", "plan", "--ready", "1940-08-01", "--until", "1940-09-30", "--json"]
    assert run(args) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["placed_people"] == 12 and not plan["left"]
    assert plan["assigned"]["F01"] == ["R-0801", "T-0803", "S-0815", "K-0818"]
    assert "K009" not in plan["assigned"]  # travels with guardian K010's family F03
    assert run([*args, "--optimal"]) == 0
    assert json.loads(capsys.readouterr().out)["placed_people"] == 12
    assert run([*args[:-3], "--until", "1940-08-10", "--json"]) == 0
    left = json.loads(capsys.readouterr().out)["left"]
    assert left["F01"].startswith("no itinerary")


def test_track_two_devices_and_status_cli(registry, tmp_path: Path, capsys) -> None:
    here, there = ["--db", registry], ["--db", f"sqlite:///{tmp_path / 'kobe.db'}"]
    plan = ["evac", "plan", "--ready", "1940-08-01", "--until", "1940-09-30", "--save"]
    assert run([*here, *plan]) == 0
    rec = ["evac", "track", "record"]
    at = ["--at", "1940-08-01T08:00:00Z"]
    assert (
        run(
            [
                *here,
                *rec,
                "F01",
                "departed",
                "Kaunas",
                "--departure",
                "R-0801",
                *at,
                "--device",
                "kau",
            ]
        )
        == 0
    )
    assert run([*here, *rec, "F01", "flew", "Kaunas", "--device", "kau"]) == 2
    assert run([*here, *rec, "F01", "arrived", "Kobe", *at]) == 2  # no device named
    assert run([*there, *rec, "F03", "arrived", "Kobe", "--device", "kobe", *at]) == 0
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run([*here, "evac", "track", "export", "--out", str(a)]) == 0
    assert run([*there, "evac", "track", "export", "--out", str(b)]) == 0
    capsys.readouterr()
    assert run([*here, "evac", "track", "import", str(b), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"new": 1, "known": 0}
    assert run([*there, "evac", "track", "import", str(a), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"new": 1, "known": 0}
    assert run([*there, "evac", "track", "import", str(b), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"new": 0, "known": 1}
    assert run([*here, "evac", "status", "--today", "1940-08-05", "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert board["arrived"] == {"groups": ["F03"], "people": 2}
    assert board["by_leg"][0]["groups"] == ["F01"] and board["overdue"][0]["subject"] == "F01"
    assert run([*here, "evac", "status", "--today", "1940-08-05"]) == 0
    assert "OVERDUE F01" in capsys.readouterr().out


def test_merge_and_unmerge_cli(registry, capsys) -> None:
    assert run(["evac", "merge", "K006", "K007", "--note", "Kowno is Kaunas"]) == 0
    mid = capsys.readouterr().out.split("merge ")[-1].strip()
    assert run(["evac", "persons", "--as-role", "registrar", "--json"]) == 0
    assert "K007" not in {p["person_id"] for p in json.loads(capsys.readouterr().out)}
    assert run(["evac", "unmerge", mid]) == 0
    assert run(["evac", "unmerge", mid]) == 2
    capsys.readouterr()
    assert run(["evac", "merges", "--json"]) == 0
    assert [m["undoes"] for m in json.loads(capsys.readouterr().out)] == [None, mid]


def test_verify_refuses_bombs_and_stale_trust_lists(tmp_path: Path, cli_env, capsys) -> None:
    """Issue 19 item 11 through the CLI: a 120 KB seal is refused with its size named; a trust
    list signed 20 days ago is refused by default and accepted with --max-age-days 30."""
    import zlib
    from datetime import UTC, datetime, timedelta

    import base45

    from liaison.evac import seal, trust

    k = tmp_path / "keys"
    assert run(["evac", "keys", "ROOT", "--out", str(k)]) == 0
    root = keys_seed(k / "ROOT.key")
    iss = seal.Issuer.generate("JP-KAUNAS", "Consulate")
    old = trust.make_trust_list(root, [iss], issued_at=datetime.now(UTC) - timedelta(days=20))
    tl = tmp_path / "trust.cose"
    tl.write_bytes(old)
    good = seal.seal(
        iss,
        seal.make_payload(
            "KAU0000017",
            "A",
            "B",
            "A",
            "B",
            datetime(1920, 1, 1).date(),
            ["Kaunas"],
            datetime(1940, 8, 1).date(),
            datetime(1940, 9, 1).date(),
        ),
    )
    v = ["--trust", str(tl), "--root-pub", str(k / "ROOT.pub"), "--today", "1940-08-05"]
    capsys.readouterr()
    assert run(["evac", "verify", good, *v]) == 2
    err = capsys.readouterr().err
    assert "20 days old" in err and "Traceback" not in err
    assert run(["evac", "verify", good, *v, "--max-age-days", "30"]) == 0
    capsys.readouterr()
    bomb = seal.PREFIX + base45.b45encode(zlib.compress(bytes(165_000_000), 9)).decode()
    assert run(["evac", "verify", bomb, *v, "--max-age-days", "30", "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    assert got["reason"] == "malformed" and "at most 4,296" in got["detail"]


def keys_seed(path: Path):  # type: ignore[no-untyped-def]
    from nacl.signing import SigningKey

    return SigningKey(bytes.fromhex(json.loads(path.read_text())["seed"]))


def test_onward_family_visas_and_care_by_cli(tmp_path: Path, registry, capsys) -> None:
    """Issue 24 through the CLI: destination visas of a second issuer, family documents resting
    on them, a person at risk, the onward plan, verification with the visa, care."""
    k = tmp_path / "keys"
    for kid in ("ROOT", "JP-KAUNAS", "NL-KAUNAS"):
        assert run(["evac", "keys", kid, "--out", str(k), "--name", kid]) == 0
    assert run(["evac", "departures", str(DATA / "onward.csv")]) == 0
    assert run(["evac", "block", "KAU", "--first", "1", "--last", "999"]) == 0
    assert run(["evac", "block", "CUR", "--first", "1000", "--last", "1999"]) == 0
    dates = ["--from", "1940-07-29", "--until", "1940-12-31", "--no-pdf", "--json"]
    nl = ["--key", str(k / "NL-KAUNAS.key"), "--station", "CUR", "--route", "Curaçao"]
    jp = ["--key", str(k / "JP-KAUNAS.key"), "--station", "KAU", "--route", "Kaunas>Kobe"]
    assert run(["evac", "issue", *nl, *dates, "--kind", "visa"]) == 2  # not a kind
    capsys.readouterr()
    assert run(["evac", "issue", *nl, *dates, "--kind", "destination"]) == 0
    visas = json.loads(capsys.readouterr().out)
    assert visas["issued"] == 12 and all(n.startswith("CUR") for n in visas["numbers"])
    assert run(["evac", "issue", *jp, *dates, "--kind", "family"]) == 0
    fam = json.loads(capsys.readouterr().out)
    assert fam["people"] == 12 and fam["issued"] < 12  # families: fewer documents than people
    assert fam["coverage"]["family"] == {"documents": fam["issued"], "people": 12}
    assert run(["evac", "protect", "K008", "--kind", "medical", "--as-role", "analyst"]) == 2
    assert run(["evac", "protect", "K008", "--kind", "medical", "--as-role", "registrar"]) == 0
    capsys.readouterr()
    assert run(["evac", "plan", "--ready", "1940-08-01", "--until", "1940-12-31", "--onward",
                "--json"]) == 0  # fmt: skip
    plan = json.loads(capsys.readouterr().out)
    assert plan["placed_people"] + plan["waiting_people"] == 12
    assert any(w["place"] == "Kobe" for w in plan["waits"].values())
    trust = tmp_path / "trust.cose"
    pubs = ["--issuer", str(k / "JP-KAUNAS.pub"), "--issuer", str(k / "NL-KAUNAS.pub")]
    args = ["evac", "trust", "--root", str(k / "ROOT.key"), "--out", str(trust), *pubs]
    assert run([*args, "--publish"]) == 0
    from liaison.store import open_store
    from liaison.store.schema.evac import evac_trust

    with open_store().connect() as conn:  # kept in the store for the next pouch
        assert conn.execute(evac_trust.select()).first().trust_list == trust.read_bytes()
    capsys.readouterr()
    assert run(["evac", "documents", "--as-role", "registrar", "--qr", "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    head = next(d for d in docs if d["person_id"] == "K002" and d["issuer"] == "JP-KAUNAS")
    visa = next(d for d in docs if d["person_id"] == "K002" and d["issuer"] == "NL-KAUNAS")
    v = ["--trust", str(trust), "--root-pub", str(k / "ROOT.pub"), "--today", "1940-08-05"]
    assert run(["evac", "verify", head["qr"], *v, "--destination", visa["qr"], "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["kind"] == "family" and got["covers"] == 3
    assert got["destination"] == {"number": visa["number"], "issuer": "NL-KAUNAS", "state": "valid"}
    assert "Szapiro" not in json.dumps(got)
    care = ["--as-role", "registrar"]
    assert (
        run(["evac", "receive", "K002", "--place", "Curaçao", "--onward", "sheltered", *care]) == 0
    )
    assert run(["evac", "receive", "K002", "--place", "Curaçao", "--onward", "gone", *care]) == 2
    capsys.readouterr()
    assert run(["evac", "trace", "K008", *care, "--json"]) == 0
    assert [r["person_id"] for r in json.loads(capsys.readouterr().out)] == ["K009"]
    assert run(["evac", "journey", "--today", "1940-10-10", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["received"] == 1 and j["documented"] == 12
    capsys.readouterr()
    assert run(["evac", "at-risk", "--as-role", "admin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["person_id"] == "K008"
