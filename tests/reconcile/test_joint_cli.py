"""Two CLIs, two stores: the meeting both sides hold, worked from each side's command line; pouch
files carry it both ways. The agreed picture exports to every format and is checked by the
standard readers; a tampered one is refused with exit 2 and the reason."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from liaison.cli.app import main
from liaison.courier import keys
from tests.reconcile.test_joint_meeting import Side, week_one_pictures

PASS = "two sides, one table"


def cli(
    store: Any, args: list[str], capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    mp.setenv("LIAISON_DATABASE_URL", str(store.engine.url))
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


@pytest.fixture
def sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from liaison.courier.pouch import add_partner_key, set_policy
    from liaison.store import Store

    pl = Side(Store(f"sqlite:///{tmp_path / 'pl.db'}"), "PL", "JP")
    jp = Side(Store(f"sqlite:///{tmp_path / 'jp.db'}"), "JP", "PL")
    for a, b in ((pl, jp), (jp, pl)):
        with a.store.begin() as conn:
            add_partner_key(conn, b.kp.public)
            set_policy(conn, b.me, "AMBER")
        keys.save_private(a.kp, tmp_path / f"{a.me}.key", PASS)
    monkeypatch.setenv("LIAISON_PASSPHRASE", PASS)
    yield pl, jp
    pl.store.dispose()
    jp.store.dispose()


def test_two_clis_hold_a_meeting(sides, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pl, jp = sides

    def run(side: Side, *args: str) -> tuple[int, str, str]:
        return cli(side.store, list(args), capsys, monkeypatch)

    def carry(frm: Side, to: Side) -> dict[str, Any]:
        f = tmp_path / f"{frm.me}-{to.me}.pouch"
        key = str(tmp_path / f"{frm.me}.key")
        assert run(frm, "pouch", "seal", "--to", to.me, "--out", str(f), "--key", key)[0] == 0
        code, out, err = run(
            to, "pouch", "open", str(f), "--key", str(tmp_path / f"{to.me}.key"), "--json"
        )
        assert code == 0, err
        return json.loads(out)

    week_one_pictures(pl, jp)
    carry(pl, jp)
    carry(jp, pl)
    code, out, err = run(pl, "meet", "open", "--with", "JP", "--json")
    assert code == 0, err
    opened = json.loads(out)
    assert opened["shared"] == "sent" and opened["ref"] == "PL/1"
    assert carry(pl, jp)["items"]["meetings"] == 1
    # JP's analyst works the queue from JP's own CLI
    code, out, _ = run(jp, "meet", "show", "--json")
    shown = json.loads(out)
    assert shown["shared"] == "joined" and shown["ref"] == "PL/1"
    for d in shown["discrepancies"]:
        assert d["state"] == "open"
        accept = "ours" if d["kind"] in ("strength", "equipment", "only_ours") else "theirs"
        assert (
            run(jp, "meet", "resolve", str(d["id"]), "--accept", accept, "--comment", "JP")[0] == 0
        )
    code, _, err = run(jp, "meet", "close")
    assert code == 2 and "PL closes it" in err
    assert carry(jp, pl)["items"]["positions"] == len(shown["discrepancies"])
    code, out, _ = run(pl, "meet", "show", "--json")
    pl_items = json.loads(out)["discrepancies"]
    assert all(d["state"] == "awaiting" for d in pl_items)
    for d in pl_items:
        accept = "theirs" if d["kind"] in ("strength", "equipment", "only_theirs") else "ours"
        run(pl, "meet", "resolve", str(d["id"]), "--accept", accept, "--comment", "PL")
    code, out, _ = run(pl, "meet", "show", "--json")
    assert {d["state"] for d in json.loads(out)["discrepancies"]} == {"agreed"}
    code, out, err = run(pl, "meet", "close", "--json")
    assert code == 0, err
    carry(pl, jp)
    carry(jp, pl)
    docs = []
    for side in (pl, jp):
        code, out, _ = run(side, "meet", "signatures", "--json")
        assert sorted((s["partner"], s["status"]) for s in json.loads(out)) == [
            ("JP", "verified"),
            ("PL", "verified"),
        ]
        f = tmp_path / f"agreed-{side.me}.json"
        assert run(side, "meet", "agreed", "--out", str(f))[0] == 0
        docs.append(f.read_bytes())
    assert docs[0] == docs[1]

    # exports, read back by the standard readers
    import openpyxl
    import stix2

    def export(fmt: str) -> bytes:
        f = tmp_path / f"agreed.{fmt}"
        code, _, err = run(pl, "meet", "agreed", "--format", fmt, "--out", str(f))
        assert code == 0, err
        return f.read_bytes()

    n = len(json.loads(docs[0])["units"])
    assert export("csv").decode().count("\n") == n + 1
    ws = openpyxl.load_workbook(BytesIO(export("xlsx"))).active
    assert ws.max_row == n + 1
    geo = json.loads(export("geojson"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == n
    kml = ET.fromstring(export("kml"))
    assert len(kml.findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == n
    from liaison.courier.stix import EXTENSION_ID

    raw = export("stix").decode()
    stix2.parse(raw, allow_custom=True)  # a bundle the reference library reads
    units = [
        o
        for o in json.loads(raw)["objects"]
        if o["type"] == "identity" and EXTENSION_ID in o.get("extensions", {})
    ]
    assert len(units) == n and {o["extensions"][EXTENSION_ID]["tlp"] for o in units} == {"AMBER"}

    # a tampered agreed picture is refused, with the reason, nothing accepted
    doc = json.loads(docs[0])
    doc["units"][0]["facts"]["strength"]["value"] = 1
    bad = tmp_path / "tampered.json"
    bad.write_bytes(json.dumps(doc).encode())
    code, _, err = run(jp, "meet", "verify", "PL/1", str(bad))
    assert code == 2 and "refused" in err and "strength differs" in err
    good = tmp_path / "agreed-JP.json"
    assert run(jp, "meet", "verify", "PL/1", str(good))[0] == 0
