"""`liaison traffic …` end to end: generate a week, register the stations, import the log, list
the nets (JSON and SVG), identify, infer, accept, fix and observe; bad input exits 2 naming the
line and field, with nothing written and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison.cli.app import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def ok(args: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    code, out, err = run(args + ["--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def test_traffic_cli_flow(cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from liaison.orbat.partners import add_partner
    from liaison.store import open_store

    with open_store().begin() as conn:
        add_partner(conn, "PL", "Oddział II", is_self=True)
    info = ok(["traffic", "generate", str(tmp_path / "g"), "--shape", "3,3", "--days", "3",
               "--seed", "2"], capsys)  # fmt: skip
    assert info["units"] == 13 and info["nets"] == 4  # type: ignore[index]
    st = ok(["traffic", "station", "import", str(tmp_path / "g" / "stations.csv")], capsys)
    assert len(st) == 7  # type: ignore[arg-type]
    one = ok(["traffic", "station", "add", "Brest", "--lat", "52.1", "--lon", "23.7",
              "--equipment", "receiver=2;df=1", "--bearing-error", "2"], capsys)  # fmt: skip
    assert one["equipment"] == {"receiver": 2, "df": 1}  # type: ignore[index]
    listed = ok(["traffic", "station", "list"], capsys)
    assert {s["name"] for s in listed} >= {"ST1", "Brest"}  # type: ignore[union-attr]
    imp = ok(["traffic", "import", str(tmp_path / "g" / "log.csv")], capsys)
    assert imp["lines"] == info["lines"]  # type: ignore[index]
    # importing it again is refused
    code, _, err = run(["traffic", "import", str(tmp_path / "g" / "log.csv")], capsys)
    assert code == 2 and "already imported" in err and "Traceback" not in err
    key = json.loads((tmp_path / "g" / "key.json").read_text())
    day0 = min(key["call_signs"])
    for cs, unit in key["call_signs"][day0].items():
        ok(["traffic", "identify", cs, "--day", day0, "--unit", unit], capsys)
    svg = tmp_path / "nets.svg"
    rep = ok(["traffic", "nets", "--svg", str(svg)], capsys)
    assert len(rep["nets"]) == 4  # type: ignore[index]
    assert {n["control_unit"] for n in rep["nets"]} == {"F1", "F1.1", "F1.2", "F1.3"}  # type: ignore[index]
    text = svg.read_text()
    assert text.startswith("<svg") and "F1.2" in text and "kHz" in text
    props = ok(["traffic", "infer"], capsys)
    assert len(props) >= 10  # type: ignore[arg-type]
    p = props[0]  # type: ignore[index]
    done = ok(["traffic", "accept", p["id"][-8:]], capsys)
    assert done["status"] == "accepted" and done["observation_id"]  # type: ignore[index]
    pending = ok(["traffic", "inferences", "--status", "pending"], capsys)
    assert len(pending) == len(props) - 1  # type: ignore[arg-type]
    cs = next(c for c, u in key["call_signs"][day0].items() if u == "F1.1")
    f = ok(["traffic", "fix", cs, "--day", day0], capsys)
    assert f["semi_major_km"] > 0 and len(f["ellipse"]) == 49  # type: ignore[index]
    obs = ok(["traffic", "observe-fix", f["id"], "--unit", "F1.1"], capsys)  # type: ignore[index]
    assert obs["observation_id"]  # type: ignore[index]
    assert len(ok(["traffic", "fixes"], capsys)) == 1  # type: ignore[arg-type]
    code, out, _ = run(["traffic", "nets"], capsys)
    assert code == 0 and "kHz" in out


def test_bad_log_exits_2_naming_line_and_field(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from liaison.orbat.partners import add_partner
    from liaison.store import open_store

    with open_store().begin() as conn:
        add_partner(conn, "PL", "Oddział II", is_self=True)
    ok(["traffic", "station", "add", "Brest", "--lat", "52.1", "--lon", "23.7"], capsys)
    log = tmp_path / "bad.csv"
    log.write_text(
        "station,heard_at,frequency_khz,call_from\n"
        "Brest,1920-08-01T06:00:00Z,4525,K7R\n"
        "Brest,1920-08-01T06:00:00Z,abc,K7R\n"
    )
    code, out, err = run(["traffic", "import", str(log)], capsys)
    assert code == 2 and "line 3, field frequency_khz" in err and "Traceback" not in err
    code, out, err = run(["traffic", "nets", "--json"], capsys)
    assert code == 0 and json.loads(out)["lines"] == 0
    code, _, err = run(["traffic", "fix", "K7R", "--day", "1920-08-01"], capsys)
    assert code == 2 and "two or more" in err
    code, _, err = run(["traffic", "station", "add", "X", "--place", "Qwxzzy"], capsys)
    assert code == 2 and "gazetteer" in err


def test_school_cli(cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from liaison.codebreak import training
    from liaison.store import open_store

    with open_store().begin() as conn:
        training.add_class(conn, "A1", "kowalewski")
        training.add_trainee(conn, "anna", "", "A1")
    ex = ok(["traffic", "school", "new", "df", "--class", "A1", "--seed", "5"], capsys)
    n = str(ex["number"])  # type: ignore[index]
    seen = ok(["traffic", "school", "take", n, "--trainee", "anna", "--out", str(tmp_path)], capsys)
    assert "key" not in seen and (tmp_path / "bearings.csv").exists()  # type: ignore[operator]
    ans = tmp_path / "answer.csv"
    ans.write_text("target,lat,lon\nT1,52.0,25.0\n")
    g = ok(["traffic", "school", "answer", n, str(ans), "--trainee", "anna"], capsys)
    assert g["answers_used"] == 1 and 0 <= g["points"] <= 25  # type: ignore[index]
    prog = ok(["traffic", "school", "progress", "--class", "A1"], capsys)
    assert prog[0]["answered"] == 1  # type: ignore[index]
    assert len(ok(["traffic", "school", "list"], capsys)) == 1  # type: ignore[arg-type]
    code, _, err = run(["traffic", "school", "new", "morse", "--class", "A1"], capsys)
    assert code == 2 and "kind" in err
