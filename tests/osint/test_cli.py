"""`liaison osint extract FILE… --json`: the stable contract (docs/osint.md, Extraction), checked
key by key and type by type; bad input exits 2 with one message and prints nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from liaison.cli.app import main

DOC_KEYS = {"id", "path", "sha256", "language", "title", "published"}
MENTION_KEYS = {"document", "start", "end", "text", "unit", "place", "date", "quote"}
UNIT_KEYS = {"designation", "number", "echelon", "branch", "guards", "unit_number"}
PLACE_KEYS = {"text", "name", "lat", "lon", "precision"}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def validate(data: dict[str, object]) -> None:
    from liaison.names.vocab import BRANCHES, ECHELONS

    assert set(data) == {"documents", "mentions"}
    docs = data["documents"]
    assert isinstance(docs, list)
    ids = set()
    for d in docs:
        assert set(d) == DOC_KEYS
        assert re.fullmatch(r"[0-9a-f]{64}", d["id"]) and re.fullmatch(r"[0-9a-f]{64}", d["sha256"])
        assert d["language"] in {"ru", "uk", "pl", "de", "en", "ja", "und"}
        assert d["published"] is None or re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]+Z", d["published"])
        ids.add(d["id"])
    for m in data["mentions"]:  # type: ignore[union-attr]
        assert set(m) == MENTION_KEYS and m["document"] in ids
        assert isinstance(m["start"], int) and m["start"] < m["end"] and m["text"]
        u = m["unit"]
        assert set(u) == UNIT_KEYS and isinstance(u["guards"], bool)
        assert u["echelon"] is None or u["echelon"] in ECHELONS
        assert u["branch"] is None or u["branch"] in BRANCHES
        assert u["number"] is None or isinstance(u["number"], int)
        assert u["number"] is not None or u["echelon"] is not None or u["unit_number"]
        p = m["place"]
        if p is not None:
            assert set(p) == PLACE_KEYS and p["precision"] in (1, 2, 3)
            assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
        assert m["date"] is None or re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", m["date"])
        assert m["text"] in m["quote"]


def test_extract_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.txt"
    a.write_text(
        "12 марта 1943 г. штаб 1-й гвардейской танковой армии переместился под Белгород, "
        "а 27-я стрелковая дивизия заняла оборону в Курске. Служащий в/ч 12345 подтвердил.",
        encoding="utf-8",
    )
    b = tmp_path / "b.txt"
    b.write_text(
        "Am 5. Juli 1943 griffen die 5., 37. und 38. Armee bei Kursk an.", encoding="utf-8"
    )
    code, out, err = run(["osint", "extract", str(a), str(b), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    validate(data)
    ms = data["mentions"]
    assert [(m["unit"]["number"], m["unit"]["echelon"]) for m in ms] == [
        (1, "army"),
        (27, "division"),
        (None, None),
        (5, "army"),
        (37, "army"),
        (38, "army"),
    ]
    first = ms[0]
    text = a.read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["text"]
    assert first["unit"] == {
        "designation": "1-й гвардейской танковой армии",
        "number": 1,
        "echelon": "army",
        "branch": "armour",
        "guards": True,
        "unit_number": None,
    }
    assert first["place"]["name"] == "Belgorod" and first["place"]["precision"] == 2
    assert first["date"] == "1943-03-12"
    assert ms[2]["unit"]["unit_number"] == "12345"
    assert {m["date"] for m in ms[3:]} == {"1943-07-05"}
    # the table form prints the same mentions
    code, out, _ = run(["osint", "extract", str(b)], capsys)
    assert code == 0 and "38. Armee" in out


def test_bad_input_exits_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("27-я стрелковая дивизия", encoding="utf-8")
    bad = tmp_path / "feed.rss"
    bad.write_text("not a feed", encoding="utf-8")
    code, out, err = run(["osint", "extract", str(good), str(bad), "--json"], capsys)
    assert code == 2 and out == ""  # nothing partial: the good file's mentions are not printed
    assert "feed.rss: not an RSS/Atom feed" in err and "Traceback" not in err
    code, out, err = run(["osint", "extract", str(good), "--lang", "xx"], capsys)
    assert code == 2 and "--lang 'xx'" in err
