"""The illustrative Kaunas 1940 demo: loaded once, documents verify, labelled illustrative."""

import json
from datetime import date
from pathlib import Path

from liaison.evac import demo, issuing, people, trust
from liaison.evac.people import Actor
from liaison.store import Store


def test_demo_loads_issues_and_verifies(store: Store, tmp_path: Path) -> None:
    lines = demo.load_demo(store, tmp_path)
    assert "illustrative" in lines[0].lower()
    with store.begin() as conn:
        docs = issuing.list_documents(conn, Actor("t", "registrar"))
        assert people.counts(conn) == {"persons": 12, "groups": 4}
        assert people.travel_groups(conn)["C01"] == ["K008", "K011"]
    assert len(docs) == 6
    root = bytes.fromhex(json.loads((tmp_path / "verify/root.json").read_text())["pub"])
    v = trust.Verifier.from_json(
        json.loads((tmp_path / "verify/trust.json").read_text()),
        json.loads((tmp_path / "verify/revocations.json").read_text()),
        root,
    )
    assert all(v.verify(str(d["qr"]), date(1940, 8, 5)).reason == "ok" for d in docs)
    seals = (tmp_path / "seals.txt").read_text().splitlines()
    assert [s.split("\t")[0] for s in seals] == [d["number"] for d in docs]
    assert (tmp_path / "kaunas-1940-documents.pdf").read_bytes().startswith(b"%PDF")
    assert demo.load_demo(store, tmp_path) == ["Evacuation registry already holds data; using it."]
    readme = (demo.data_dir() / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("ILLUSTRATIVE")
