"""`liaison source …`: people, compartments enforced in the CLI, burning with --since and
`--without-burned`; bad input exits 2 with a message and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.orbat.test_cli import CSV, run


def test_sources_as_people_compartments_and_burn(
    cli_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    f = tmp_path / "pl.csv"
    f.write_text(CSV, encoding="utf-8")
    monkeypatch.setenv("LIAISON_USER", "anna")
    assert run(["partner", "add", "PL", "--name", "Polish GS", "--self"], capsys)[0] == 0
    for args in (
        ["source", "add", "NIGHTJAR", "--partner", "PL", "--kind", "HUMINT", "--reliability", "B",
         "--compartment", "RIGA"],
        ["source", "add", "ORIOLE", "--partner", "PL", "--kind", "OSINT", "--reliability", "C"],
    ):  # fmt: skip
        assert run(args, capsys)[0] == 0
    assert (
        run(["orbat", "import", str(f), "--partner", "PL", "--source", "NIGHTJAR"], capsys)[0] == 0
    )

    # anna is not read into RIGA: the source does not exist for her, anywhere
    code, out, _ = run(["source", "list", "--partner", "PL", "--json"], capsys)
    assert [s["codename"] for s in json.loads(out)] == ["ORIOLE"]
    code, out, _ = run(["orbat", "show", "--partner", "PL", "--json"], capsys)
    assert "NIGHTJAR" not in out
    code, _, err = run(["source", "alias", "NIGHTJAR", "Kowalski", "--partner", "PL"], capsys)
    assert code == 2 and "no source 'NIGHTJAR'" in err
    code, _, err = run(["source", "burn", "NIGHTJAR", "--reason", "x"], capsys)
    assert code == 2 and "no source 'NIGHTJAR'" in err

    assert run(["source", "grant", "anna", "RIGA"], capsys)[0] == 0
    assert run(["source", "alias", "NIGHTJAR", "Kowalski", "--partner", "PL"], capsys)[0] == 0
    assert (
        run(["source", "alias", "NIGHTJAR", "the Baker", "--partner", "PL", "--cover"], capsys)[0]
        == 0
    )
    args = ["source", "person", "NIGHTJAR", "--partner", "PL", "--handler", "Maj. Zych"]
    assert run([*args, "--via", "courier Anna", "--via", "Vilnius post"], capsys)[0] == 0
    code, out, _ = run(["source", "show", "NIGHTJAR", "--partner", "PL", "--json"], capsys)
    s = json.loads(out)
    assert (s["aliases"], s["cover_names"], s["handler"], s["intermediaries"]) == (
        ["Kowalski"], ["the Baker"], "Maj. Zych", ["courier Anna", "Vilnius post"]
    )  # fmt: skip
    code, out, _ = run(["orbat", "show", "--partner", "PL", "--json"], capsys)
    assert {u["source"] for u in json.loads(out)["units"]} == {"NIGHTJAR"}

    # bad input: exit 2, nothing burned
    code, _, err = run(["source", "burn", "NIGHTJAR", "--reason", "x", "--since", "soon"], capsys)
    assert code == 2 and "--since" in err
    code, _, err = run(
        ["source", "burn", "NIGHTJAR", "--reason", "x", "--reliability", "Z"], capsys
    )
    assert code == 2 and "A–F" in err
    code, out, _ = run(["source", "burns", "--json"], capsys)
    assert json.loads(out) == []

    # burn from 2 June: D27's fact (observed 2 June), not F1's (1 June)
    code, out, _ = run(
        ["source", "burn", "NIGHTJAR", "--reason", "arrested", "--since", "1938-06-02", "--json"],
        capsys,
    )
    b = json.loads(out)
    assert code == 0 and (b["observations"], b["units"]) == (1, ["D27"])
    assert [a["kind"] for a in b["alerts"]] == ["regraded"]
    code, out, _ = run(["orbat", "show", "--partner", "PL", "--json"], capsys)
    units = {u["unit_id"]: u for u in json.loads(out)["units"]}
    assert (units["D27"]["source_reliability"], units["D27"]["burned"]) == ("F", True)
    assert (units["F1"]["source_reliability"], units["F1"]["burned"]) == ("B", False)
    code, out, _ = run(["orbat", "show", "--partner", "PL", "--json", "--without-burned"], capsys)
    assert {u["unit_id"] for u in json.loads(out)["units"]} == {"F1"}
    code, out, _ = run(["source", "list", "--partner", "PL", "--json"], capsys)
    assert {s["codename"]: s["reliability"] for s in json.loads(out)}["NIGHTJAR"] == "F"
