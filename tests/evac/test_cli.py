import json
from pathlib import Path

import pytest

from liaison.cli.app import main

DEMO = Path(__file__).parents[2] / "src/liaison/data/evac/persons.csv"


def run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def test_issue_and_verify_offline(tmp_path: Path, cli_env, capsys) -> None:
    k = tmp_path / "keys"
    assert run(["evac", "keys", "ROOT", "--out", str(k)]) == 0
    assert run(["evac", "keys", "JP-KAUNAS", "--out", str(k), "--name", "Consulate"]) == 0
    assert run(["evac", "keys", "NL-KAUNAS", "--out", str(k), "--name", "Dutch consul"]) == 0
    assert (
        run(
            [
                "evac",
                "trust",
                "--root",
                str(k / "ROOT.key"),
                "--issuer",
                str(k / "JP-KAUNAS.pub"),
                "--issuer",
                str(k / "NL-KAUNAS.pub"),
                "--out",
                str(tmp_path / "trust.cose"),
            ]
        )
        == 0
    )
    out = tmp_path / "docs"
    common = [
        "--key",
        str(k / "JP-KAUNAS.key"),
        "--station",
        "KAU",
        "--block-start",
        "1",
        "--block-end",
        "999",
        "--route",
        "Kaunas>Moscow>Vladivostok>Tsuruga",
        "--from",
        "1940-08-01",
        "--until",
        "1940-09-30",
        "--out",
        str(out),
    ]
    assert run(["evac", "issue", str(DEMO), "--only", "K001,K005", *common]) == 0
    assert run(["evac", "issue", str(DEMO), "--only", "K006", "--no-pdf", *common]) == 0
    seals = [json.loads(x) for x in (out / "seals.jsonl").read_text().splitlines()]
    assert len({s["number"] for s in seals}) == 3 and (out / f"{seals[0]['number']}.pdf").exists()
    capsys.readouterr()
    v = ["--trust", str(tmp_path / "trust.cose"), "--root-pub", str(k / "ROOT.pub"), "--json"]
    assert run(["evac", "verify", seals[0]["qr"], "--today", "1940-08-05", *v]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["valid"] and "Szapiro" not in json.dumps(got)
    assert run(["evac", "verify", seals[0]["qr"], "--today", "1941-01-01", *v]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "expired"


def test_bad_csv_exit_2(tmp_path: Path, cli_env, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,surname,given_names,birth_date\nP1,A,B,1940-02-30\n")
    assert run(["evac", "check", str(bad)]) == 2
    assert "line 2: column birth_date" in capsys.readouterr().err


def test_export_needs_role(tmp_path: Path, cli_env, capsys) -> None:
    out = tmp_path / "x.csv"
    assert (
        run(["evac", "export", str(DEMO), "--out", str(out), "--role", "viewer", "--actor", "a"])
        == 2
    )
    assert not out.exists()
    assert (
        run(["evac", "export", str(DEMO), "--out", str(out), "--role", "registrar", "--actor", "a"])
        == 0
    )
    assert out.read_text().count("\n") == 13


@pytest.mark.parametrize("threshold", ["0.75"])
def test_dups_on_demo(cli_env, capsys, threshold: str) -> None:
    assert (
        run(["evac", "dups", str(DEMO), "--actor", "rev", "--threshold", threshold, "--json"]) == 0
    )
    pairs = {(c["a"], c["b"]) for c in json.loads(capsys.readouterr().out)}
    assert ("K001", "K004") in pairs and ("K006", "K007") in pairs


def test_listings_and_exports_are_audited(tmp_path: Path, cli_env, store) -> None:
    import sqlalchemy as sa

    from liaison.store.schema.audit import audit

    assert run(["evac", "dups", str(DEMO), "--actor", "rev"]) == 0
    assert (
        run(
            [
                "evac",
                "export",
                str(DEMO),
                "--out",
                str(tmp_path / "x.csv"),
                "--role",
                "admin",
                "--actor",
                "boss",
            ]
        )
        == 0
    )
    with store.connect() as conn:
        rows = conn.execute(sa.select(audit.c.actor, audit.c.action)).all()
    assert ("rev", "evac.persons.duplicates") in rows
    assert ("boss", "evac.persons.export") in rows


def test_plan_demo_keeps_families(cli_env, capsys) -> None:
    deps = DEMO.parent / "departures.csv"
    args = [
        "evac",
        "plan",
        str(DEMO),
        "--departures",
        str(deps),
        "--ready",
        "1940-08-01",
        "--until",
        "1940-09-30",
        "--json",
    ]
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
