"""The CLI is a thin adapter: user errors give one message and exit 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.cli.app import main

CSV = """unit_id,designation,echelon,branch,parent_id,lat,lon,place,observed_at,equipment,strength,source_reliability,info_credibility,sidc,notes
F1,Far Eastern Front,front,combined_arms,,48.48,135.08,Chabarowsk,1938-06-01,,,B,2,,
D27,27th Rifle Division,division,infantry,F1,43.1,131.9,Władywostok,1938-06-02,tanks=20;guns=48,12000,C,3,,
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def test_partner_import_show_export_json(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "pl.csv"
    f.write_text(CSV, encoding="utf-8")
    assert run(["partner", "add", "PL", "--name", "Polish GS", "--self"], capsys)[0] == 0
    code, out, _ = run(["orbat", "import", str(f), "--partner", "PL", "--json"], capsys)
    assert code == 0 and json.loads(out)["observations_new"] == 2
    code, out, _ = run(["orbat", "show", "--partner", "PL", "--json"], capsys)
    units = {u["unit_id"]: u for u in json.loads(out)["units"]}
    assert units["D27"]["parent_id"] == "F1" and units["D27"]["equipment"] == {
        "tanks": 20,
        "guns": 48,
    }
    code, out, _ = run(["partner", "list", "--json"], capsys)
    assert [p["code"] for p in json.loads(out)] == ["PL"]
    code, out, _ = run(["orbat", "history", "D27", "--partner", "PL", "--json"], capsys)
    assert code == 0 and json.loads(out)[0]["designation"] == "27th Rifle Division"
    out_file = tmp_path / "pl.kml"
    assert (
        run(
            ["orbat", "export", "--partner", "PL", "--format", "kml", "--out", str(out_file)],
            capsys,
        )[0]
        == 0
    )
    assert b"<Placemark" in out_file.read_bytes() or b":Placemark" in out_file.read_bytes()


def test_user_errors_exit_2_without_traceback(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.replace("48.48", "148.48"), encoding="utf-8")
    run(["partner", "add", "PL", "--name", "Polish GS"], capsys)
    code, _, err = run(["orbat", "import", str(bad), "--partner", "PL"], capsys)
    assert code == 2 and "bad.csv, line 2, column lat: latitude 148.48 is outside" in err
    assert "Traceback" not in err
    code, _, err = run(["orbat", "show", "--partner", "XX"], capsys)
    assert code == 2 and "no partner 'XX'" in err
    code, _, err = run(["partner", "add", "PL", "--name", "again"], capsys)
    assert code == 2 and "already exists" in err
    # a time option that is not a time names the option (one parser for every command's times)
    for args, name in (
        (["orbat", "show", "--partner", "PL", "--as-of", "last tuesday"], "--as-of"),
        (["alerts", "--since", "2024-13-45"], "--since"),
    ):
        code, _, err = run(args, capsys)
        assert code == 2 and name in err and "Traceback" not in err, (args, err)


def test_console_script_reports_error_cleanly(cli_env: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "liaison",
            "orbat",
            "import",
            str(tmp_path / "missing.csv"),
            "--partner",
            "PL",
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "LIAISON_DATABASE_URL": cli_env},
    )
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
