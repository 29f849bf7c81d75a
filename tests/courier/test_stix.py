"""STIX 2.1 bundles: valid for OASIS stix2-validator, loadable by stix2, and faithful both ways."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from liaison.core.errors import ValidationError
from liaison.core.markings import Marking
from liaison.courier import policy
from liaison.courier.stix import UNIT_TYPE, export_bundle, import_bundle
from liaison.orbat import observe, picture
from liaison.orbat.model import Picture, UnitView
from liaison.store import Store


def released() -> list[dict]:  # type: ignore[type-arg]
    pic = Picture("PL", {})
    when = datetime(1938, 6, 1, tzinfo=UTC)
    pic.units["A1"] = UnitView("PL", "A1", "1 Armia", echelon="army", marking=Marking("RED"))
    pic.units["D1"] = UnitView(
        "PL",
        "D1",
        "1 Dywizja Strzelców",
        echelon="division",
        parent_id="A1",
        lat=50.45,
        lon=30.52,
        place="Kijów",
        observed_at=when,
        equipment={"tanks": 12},
        strength=9000,
        reliability="B",
        credibility=2,
        source="AGENT-X",
        notes="secret",
        marking=Marking("AMBER", ("JP",)),
    )
    pic.units["R1"] = UnitView(
        "PL", "R1", "2 Pułk", parent_id="D1", observed_at=when, marking=Marking("GREEN")
    )
    units, withheld = policy.release(pic, policy.Policy("JP", "AMBER"))
    assert withheld == 1
    return units


def test_bundle_is_valid_stix_and_round_trips() -> None:
    stix2 = pytest.importorskip("stix2", reason="stix2 not installed (test extra)")
    validator = pytest.importorskip("stix2validator", reason="stix2-validator not installed")
    units = released()
    bundle = export_bundle("PL", units, datetime(2026, 11, 23, tzinfo=UTC))
    text = json.dumps(bundle)
    assert "AGENT-X" not in text and "secret" not in text and "1 Armia" not in text
    result = validator.validate_string(text)
    assert result.is_valid, [str(e) for e in result.errors]
    parsed = stix2.parse(bundle, allow_custom=True)
    kinds = sorted(o["type"] for o in parsed.objects)
    assert kinds.count(UNIT_TYPE) == 2 and kinds.count("sighting") == 2
    assert kinds.count("location") == 1 and "extension-definition" in kinds
    back = {u["unit_id"]: u for u in import_bundle(bundle)}
    d1 = back["D1"]
    assert d1["parent_id"] is None  # the withheld army is not even referenced
    assert back["R1"]["parent_id"] == "D1"
    assert (d1["lat"], d1["lon"], d1["equipment"], d1["strength"]) == (
        50.45,
        30.52,
        {"tanks": 12},
        9000,
    )
    assert (d1["source_reliability"], d1["info_credibility"]) == ("B", 2)
    assert d1["marking"] == {"tlp": "AMBER", "rel_to": ["JP"]}
    assert datetime.fromisoformat(d1["observed_at"]) == datetime(1938, 6, 1, tzinfo=UTC)


def test_same_unit_keeps_its_stix_id() -> None:
    units = released()
    a = export_bundle("PL", units, datetime(2026, 11, 23, tzinfo=UTC))
    b = export_bundle("PL", units, datetime(2026, 11, 24, tzinfo=UTC))
    ids = lambda bd: {o["id"] for o in bd["objects"] if o["type"] == UNIT_TYPE}  # noqa: E731
    assert ids(a) == ids(b) and len(ids(a)) == 2


@pytest.mark.parametrize("bad", [None, [], {"type": "bundle"}, {"type": "bundle", "objects": [1]}])
def test_import_refuses_what_is_not_a_bundle(bad: object) -> None:
    with pytest.raises(ValidationError):
        import_bundle(bad)


def test_two_stores_exchange_by_stix_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PL exports what it releases to JP as STIX; JP imports it as PL's received picture."""
    from liaison.cli.app import main

    def run(db: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("LIAISON_DATABASE_URL", f"sqlite:///{tmp_path / db}")
        with pytest.raises(SystemExit) as ei:
            main(list(args))
        out = capsys.readouterr()
        return int(ei.value.code or 0), out.out, out.err

    for db, me, other in (("pl.db", "PL", "JP"), ("jp.db", "JP", "PL")):
        assert run(db, "partner", "add", me, "--name", me, "--self")[0] == 0
        assert run(db, "partner", "add", other, "--name", other)[0] == 0
    pl = Store(f"sqlite:///{tmp_path / 'pl.db'}")
    with pl.begin() as conn:
        for uid, mk in (("D27", Marking("GREEN")), ("D28", Marking("RED"))):
            observe.record(
                conn,
                "PL",
                uid,
                valid_at=datetime(1938, 6, 1, tzinfo=UTC),
                designation=f"{uid[1:]} Dywizja",
                lat=43.1,
                lon=131.9,
                marking=mk,
            )
    pl.dispose()
    out_file = tmp_path / "pl.json"
    code, out, _ = run(
        "pl.db", "pouch", "stix-export", "--to", "JP", "--out", str(out_file), "--json"
    )
    assert code == 0 and json.loads(out)["units"] == 0  # deny by default: no policy yet
    assert run("pl.db", "release", "set", "JP", "--max-tlp", "AMBER")[0] == 0
    code, out, _ = run(
        "pl.db", "pouch", "stix-export", "--to", "JP", "--out", str(out_file), "--json"
    )
    assert code == 0 and json.loads(out)["units"] == 1
    code, out, _ = run("jp.db", "pouch", "stix-import", str(out_file), "--from", "PL", "--json")
    assert code == 0 and json.loads(out)["observations"] == 1
    jp = Store(f"sqlite:///{tmp_path / 'jp.db'}")
    with jp.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    jp.dispose()
    assert set(pic.units) == {"D27"} and pic.units["D27"].lat == 43.1
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    code, _, err = run("jp.db", "pouch", "stix-import", str(tmp_path / "bad.json"), "--from", "PL")
    assert code == 2 and "not JSON" in err and "Traceback" not in err


def test_tlp_travels_as_standard_tlp2_markings() -> None:
    """Each unit, sighting and location references the OASIS TLP 2.0 marking definition of its
    level; a shared place takes the strictest level; import reads the marking back."""
    from liaison.courier.stix import TLP2_MARKINGS

    units = released()
    d1 = next(u for u in units if u["unit_id"] == "D1")
    twin = dict(d1, unit_id="D2", marking={"tlp": "GREEN", "rel_to": []})  # same place, GREEN
    bundle = export_bundle("PL", [*units, twin], datetime(2026, 11, 23, tzinfo=UTC))
    objs = bundle["objects"]
    marks = {o["id"]: o for o in objs if o["type"] == "marking-definition"}
    assert set(marks) == {TLP2_MARKINGS["AMBER"], TLP2_MARKINGS["GREEN"]}
    assert marks[TLP2_MARKINGS["AMBER"]]["name"] == "TLP:AMBER"
    by_unit = {o["unit_id"]: o for o in objs if o["type"] == UNIT_TYPE}
    assert by_unit["D1"]["object_marking_refs"] == [TLP2_MARKINGS["AMBER"]]
    assert by_unit["D2"]["object_marking_refs"] == [TLP2_MARKINGS["GREEN"]]
    sightings = {o["sighting_of_ref"]: o for o in objs if o["type"] == "sighting"}
    assert sightings[by_unit["R1"]["id"]]["object_marking_refs"] == [TLP2_MARKINGS["GREEN"]]
    (loc,) = [o for o in objs if o["type"] == "location"]
    assert loc["object_marking_refs"] == [TLP2_MARKINGS["AMBER"]]
    # the marking reference, not the convenience property, is what import trusts
    for o in objs:
        if o["type"] == UNIT_TYPE:
            del o["tlp"]
    back = {u["unit_id"]: u["marking"]["tlp"] for u in import_bundle(bundle)}
    assert back == {"D1": "AMBER", "D2": "GREEN", "R1": "GREEN"}
    # an unmarked unit is held as RED (deny by default), an unknown level refused
    for o in objs:
        if o["type"] == UNIT_TYPE:
            o.pop("object_marking_refs")
    assert {u["marking"]["tlp"] for u in import_bundle(bundle)} == {"RED"}
    by_unit["D1"]["tlp"] = "PURPLE"
    with pytest.raises(ValidationError, match="PURPLE"):
        import_bundle(bundle)
