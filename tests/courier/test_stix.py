"""STIX 2.1 bundles: valid for OASIS stix2-validator, loadable by stix2, and faithful both ways."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from liaison.core.errors import ValidationError
from liaison.core.markings import Marking
from liaison.courier import policy
from liaison.courier.stix import EXTENSION_ID, UNIT_TYPE, export_bundle, import_bundle, unit_facts
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
    assert sum(unit_facts(o) is not None for o in bundle["objects"]) == 2
    assert kinds.count("identity") == 4  # two units, the author and Liaison itself
    assert kinds.count("sighting") == 2 and UNIT_TYPE not in kinds
    assert kinds.count("location") == 1 and "extension-definition" in kinds
    rels = sorted(o["relationship_type"] for o in parsed.objects if o["type"] == "relationship")
    assert rels == ["located-at", "subordinate-to"]
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
    ids = lambda bd: {o["id"] for o in bd["objects"] if unit_facts(o)}  # noqa: E731
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
    by_unit = {f["unit_id"]: o for o in objs if (f := unit_facts(o))}
    assert by_unit["D1"]["object_marking_refs"] == [TLP2_MARKINGS["AMBER"]]
    assert by_unit["D2"]["object_marking_refs"] == [TLP2_MARKINGS["GREEN"]]
    sightings = {o["sighting_of_ref"]: o for o in objs if o["type"] == "sighting"}
    assert sightings[by_unit["R1"]["id"]]["object_marking_refs"] == [TLP2_MARKINGS["GREEN"]]
    (loc,) = [o for o in objs if o["type"] == "location"]
    assert loc["object_marking_refs"] == [TLP2_MARKINGS["AMBER"]]
    # the marking reference, not the convenience property, is what import trusts
    for o in objs:
        if unit_facts(o):
            del o["extensions"][EXTENSION_ID]["tlp"]
    back = {u["unit_id"]: u["marking"]["tlp"] for u in import_bundle(bundle)}
    assert back == {"D1": "AMBER", "D2": "GREEN", "R1": "GREEN"}
    # an unmarked unit is held as RED (deny by default), an unknown level refused
    for o in objs:
        if unit_facts(o):
            o.pop("object_marking_refs")
    assert {u["marking"]["tlp"] for u in import_bundle(bundle)} == {"RED"}
    by_unit["D1"]["extensions"][EXTENSION_ID]["tlp"] = "PURPLE"
    with pytest.raises(ValidationError, match="PURPLE"):
        import_bundle(bundle)


def test_bundles_of_before_still_import() -> None:
    """A bundle from before units were identities (custom SDOs) reads as it always did."""
    old = {
        "type": "bundle",
        "id": "bundle--9c0f3a53-0e4b-4d0f-9a7e-6f1c2b3d4e5f",
        "objects": [
            {
                "type": UNIT_TYPE,
                "id": f"{UNIT_TYPE}--1",
                "name": "1 Armia",
                "unit_id": "A1",
                "echelon": "army",
                "tlp": "GREEN",
            },
            {
                "type": UNIT_TYPE,
                "id": f"{UNIT_TYPE}--2",
                "name": "1 Dywizja",
                "unit_id": "D1",
                "parent_ref": f"{UNIT_TYPE}--1",
                "tlp": "AMBER",
                "rel_to": ["JP"],
            },
            {
                "type": "sighting",
                "id": "sighting--1",
                "sighting_of_ref": f"{UNIT_TYPE}--2",
                "first_seen": "1938-06-01T00:00:00.000Z",
                "where_sighted_refs": ["location--1"],
            },
            {"type": "location", "id": "location--1", "latitude": 50.45, "longitude": 30.52},
        ],
    }
    back = {u["unit_id"]: u for u in import_bundle(old)}
    assert back["D1"]["parent_id"] == "A1" and back["D1"]["marking"]["rel_to"] == ["JP"]
    assert (back["D1"]["lat"], back["D1"]["lon"]) == (50.45, 30.52)
    assert back["A1"]["marking"]["tlp"] == "GREEN" and back["A1"]["echelon"] == "army"


def test_misp_keeps_every_unit(tmp_path: Path) -> None:
    """MISP's own importer (misp-stix) keeps each of 195 units as an organization with its
    designation, its TLP and a located-at reference to its position — not bare geolocations."""
    conv = pytest.importorskip("misp_stix_converter", reason="misp-stix not installed (test extra)")
    levels = ["CLEAR", "GREEN", "AMBER"]
    pic = Picture("PL", {})
    when = datetime(1938, 6, 1, tzinfo=UTC)
    for i in range(195):
        uid = f"U{i:03d}"
        pic.units[uid] = UnitView(
            "PL",
            uid,
            f"{i + 1} Dywizja Strzelców" if i % 2 else f"{i + 1}-я стрелковая дивизия",
            echelon="division",
            parent_id=None if i < 5 else f"U{i % 5:03d}",
            lat=42.0 + i / 50,
            lon=130.0 + (i % 13) / 10,
            observed_at=when,
            marking=Marking(levels[i % 3]),
        )
    units, withheld = policy.release(pic, policy.Policy("JP", "AMBER"))
    assert withheld == 0 and len(units) == 195
    path = tmp_path / "pl.json"
    path.write_text(json.dumps(export_bundle("PL", units, when)), encoding="utf-8")
    result = conv.stix_2_to_misp(path, output_dir=tmp_path, single_event=True, overwrite=True)
    assert result.get("success") == 1 and not result.get("errors"), result
    doc = json.loads(Path(result["results"][0]).read_text(encoding="utf-8"))
    event = doc.get("Event", doc)
    objects = {o["uuid"]: o for o in event["Object"]}

    def attr(o: dict, rel: str) -> object:  # type: ignore[type-arg]
        return next((a["value"] for a in o["Attribute"] if a["object_relation"] == rel), None)

    orgs = {attr(o, "name"): o for o in objects.values() if o["name"] == "organization"}
    by_name = {u["designation"]: u for u in units}
    assert set(by_name) <= set(orgs)  # every unit, by its designation in its own script
    for name, u in by_name.items():
        o = orgs[name]
        tags = {t["name"] for a in o["Attribute"] for t in a.get("Tag", [])}
        assert f"tlp:{u['marking']['tlp'].lower()}" in tags, (name, tags)
        (where,) = [r for r in o["ObjectReference"] if r["relationship_type"] == "located-at"]
        geo = objects[where["referenced_uuid"]]
        assert geo["name"] == "geolocation"
        assert (float(attr(geo, "latitude")), float(attr(geo, "longitude"))) == pytest.approx(
            (u["lat"], u["lon"])
        )
    subordinate = sum(
        r["relationship_type"] == "subordinate-to"
        for o in orgs.values()
        for r in o.get("ObjectReference", [])
    )
    assert subordinate == 190
