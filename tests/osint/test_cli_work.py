"""`liaison osint ingest | review | provenance | queue | worker` as a user types them: a folder in
on every core with a progress bar, the same folder again adds nothing, bad input exits 2 with one
message and leaves nothing, and review decisions go through by a short id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liaison.cli.app import main
from liaison.store import Store

from .folder import build_picture, make_folder


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def folder(cli_env: str, tmp_path: Path) -> Path:
    s = Store(cli_env)
    build_picture(s)
    s.dispose()
    make_folder(tmp_path / "docs")
    return tmp_path / "docs"


def test_ingest_review_accept(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["osint", "ingest", str(folder), "--source", "NEWS", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["documents"] == 7 and data["failed"] == [] and data["compiled"]["new"] >= 3
    code, out, _ = run(["osint", "ingest", str(folder), "--source", "NEWS", "--json"], capsys)
    again = json.loads(out)
    assert code == 0 and again["documents"] == 0 and again["skipped"] == 7
    code, out, _ = run(["osint", "review", "list", "--json"], capsys)
    rows = json.loads(out)
    tank = next(r for r in rows if r["unit"] == "pl-1")
    code, out, err = run(
        ["osint", "review", "accept", tank["id"][-8:], "--revision", str(tank["revision"]),
         "--comment", "seen on video", "--actor", "anna", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    obs = json.loads(out)["observation_id"]
    code, out, _ = run(["osint", "provenance", obs, "--json"], capsys)
    prov = json.loads(out)
    assert code == 0 and prov
    assert all("танковой армии" in p["quote"] or "Panzerarmee" in p["quote"] for p in prov)
    code, out, _ = run(["orbat", "history", "--partner", "PL", "pl-1", "--json"], capsys)
    assert code == 0 and "OSINT candidate" in out
    code, _, err = run(["osint", "review", "reject", tank["id"], "--actor", "anna"], capsys)
    assert code == 2 and "already accepted" in err and "Traceback" not in err


def test_bad_input_exits_2_and_stores_nothing(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.rss"
    bad.write_text("<rss><channel><item><title>never closed", "utf-8")
    code, _, err = run(["osint", "ingest", str(bad)], capsys)
    assert code == 2 and "broken.rss" in err and "Traceback" not in err
    code, out, _ = run(["osint", "documents", "--json"], capsys)
    assert code == 0 and json.loads(out) == []
    code, _, err = run(["osint", "ingest", "https://example.invalid/page.html"], capsys)
    assert code == 2 and "--fetch" in err
    code, _, err = run(["osint", "ingest", str(folder), "--lang", "xx"], capsys)
    assert code == 2 and "--lang" in err
    code, _, err = run(["osint", "ingest", str(folder), "--source", "NOBODY"], capsys)
    assert code == 2 and "no source 'NOBODY'" in err


def test_url_list_queue_and_worker(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = tmp_path / "backlog.urls"
    urls.write_text(
        "# saved pages and a feed\n"
        f"file://{folder / 'news' / 'belgorod.txt'}\n"
        f"{folder / 'feed' / 'rundschau.xml'}\n",
        "utf-8",
    )
    code, out, err = run(
        ["osint", "ingest", str(urls), "--queue", "--source", "NEWS", "--json"], capsys
    )
    assert code == 0 and json.loads(out)["queued"] == 2, err
    code, out, _ = run(["osint", "ingest", str(urls), "--queue", "--json"], capsys)
    assert json.loads(out)["queued"] == 0  # already waiting
    code, out, err = run(["osint", "worker", "--json"], capsys)
    assert code == 0, err
    rep = json.loads(out)
    assert rep["items"] == 2 and rep["documents"] == 3 and rep["failed"] == 0
    code, out, _ = run(["osint", "queue", "--json"], capsys)
    assert json.loads(out)["counts"] == {"queued": 0, "taken": 0, "done": 2, "failed": 0}
    code, out, _ = run(["osint", "review", "list", "--json"], capsys)
    assert any(r["unit"] == "pl-1" for r in json.loads(out))
