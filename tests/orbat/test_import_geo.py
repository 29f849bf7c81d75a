"""GeoJSON and KML import: our own exports round-trip; a bad feature is named; nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.core.errors import ValidationError
from liaison.orbat import export, importer, partners, picture
from liaison.store import Store

HEADER = "unit_id,designation,echelon,branch,parent_id,lat,lon,observed_at,equipment,strength"
GOOD = [
    "F1,Far Eastern Front,front,combined_arms,,48.48,135.08,1938-06-01,,",
    "A1,1st Red Banner Army,army,combined_arms,F1,43.8,131.95,1938-06-01,,",
    "D27,27th Rifle Division,division,infantry,A1,43.1,131.9,1938-06-02,tanks=20;guns=48,12000",
]


def write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "units.csv"
    p.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return p


def counts(store: Store) -> tuple[int, ...]:
    with store.connect() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("unit", "observation", "audit")
        )


def do_import(store: Store, path: Path) -> importer.ImportReport:
    with store.begin() as conn:
        return importer.import_file(conn, path, "PL")


@pytest.fixture
def pl(store: Store) -> Store:
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "Polish General Staff", is_self=True, language="pl")
        partners.add_partner(conn, "JP", "Japan")
    return store


def _exported(store: Store, tmp_path: Path, fmt: str) -> Path:
    do_import(store, write(tmp_path, GOOD))
    with store.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(export.export(pic, fmt))
    return out


@pytest.mark.parametrize("fmt", ["geojson", "kml"])
def test_own_export_round_trips(pl: Store, tmp_path: Path, fmt: str) -> None:
    out = _exported(pl, tmp_path, fmt)
    with pl.begin() as conn:
        rep = importer.import_file(conn, out, "JP")
        back = picture.get_picture(conn, "JP")
        pic = picture.get_picture(conn, "PL")
    assert rep.units_new == 3
    for uid, u in pic.units.items():
        b = back.units[uid]
        got = (b.designation, b.parent_id, b.lat, b.lon, b.equipment, b.strength, b.observed_at)
        want = (u.designation, u.parent_id, u.lat, u.lon, u.equipment, u.strength, u.observed_at)
        assert got == want
    with pl.begin() as conn:  # same file again: nothing new
        again = importer.import_file(conn, out, "JP")
    assert (again.units_new, again.observations_new, again.unchanged) == (0, 0, 3)


def test_geojson_in_a_json_file_is_read_as_geojson(pl: Store, tmp_path: Path) -> None:
    out = _exported(pl, tmp_path, "geojson")
    as_json = tmp_path / "layer.json"
    as_json.write_bytes(out.read_bytes())
    with pl.begin() as conn:
        assert importer.import_file(conn, as_json, "JP").units_new == 3


def test_bad_geojson_feature_is_named_and_nothing_written(pl: Store, tmp_path: Path) -> None:
    out = _exported(pl, tmp_path, "geojson")
    doc = json.loads(out.read_bytes())
    doc["features"][1]["properties"]["strength"] = "lots"
    doc["features"][2]["geometry"] = {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}
    out.write_text(json.dumps(doc))
    before = counts(pl)
    with pytest.raises(ValidationError) as ei, pl.begin() as conn:
        importer.import_file(conn, out, "JP")
    assert ei.value.problems == [
        "out.geojson, feature 3, field geometry: only Point is supported, not LineString"
    ]
    assert counts(pl) == before
    del doc["features"][2]
    out.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as ei, pl.begin() as conn:
        importer.import_file(conn, out, "JP")
    assert any(p.startswith("out.geojson, feature 2, field strength:") for p in ei.value.problems)
    assert counts(pl) == before


def test_bad_kml_placemark_is_named_and_nothing_written(pl: Store, tmp_path: Path) -> None:
    out = _exported(pl, tmp_path, "kml")
    text = out.read_text(encoding="utf-8")
    first = text.index("<coordinates>")
    end = text.index("</coordinates>", first)
    out.write_text(text[: first + 13] + "east,north" + text[end:], encoding="utf-8")
    before = counts(pl)
    with pytest.raises(ValidationError) as ei, pl.begin() as conn:
        importer.import_file(conn, out, "JP")
    assert ei.value.problems == [
        "out.kml, feature 1, field coordinates: not 'lon,lat[,alt]': 'east,north'"
    ]
    assert counts(pl) == before


def test_kml_with_a_doctype_is_refused(pl: Store, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.kml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&a;</name>'
        "</Placemark></Document></kml>"
    )
    before = counts(pl)
    with pytest.raises(ValidationError, match="DOCTYPE/ENTITY"), pl.begin() as conn:
        importer.import_file(conn, bomb, "JP")
    assert counts(pl) == before


def test_foreign_kml_without_unit_id_names_the_placemark(pl: Store, tmp_path: Path) -> None:
    f = tmp_path / "foreign.kml"
    f.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>27th Rifle Division</name><ExtendedData>"
        '<Data name="unit_id"><value>D27</value></Data></ExtendedData>'
        "<Point><coordinates>131.9,43.1,0</coordinates></Point></Placemark>"
        "<Placemark><name>Somewhere</name><Point><coordinates>131,43</coordinates></Point>"
        "</Placemark></Document></kml>"
    )
    with pytest.raises(ValidationError) as ei, pl.begin() as conn:
        importer.import_file(conn, f, "JP")
    assert ei.value.problems == [
        "foreign.kml, feature 2, field unit_id: empty (every row needs a unit_id)"
    ]


def test_cli_imports_exported_kml_and_names_bad_feature(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from liaison.cli.app import main

    def run(args: list[str]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ei:
            main(args)
        out = capsys.readouterr()
        return int(ei.value.code or 0), out.out, out.err

    f = write(tmp_path, GOOD)
    assert run(["partner", "add", "PL", "--name", "Polish GS", "--self"])[0] == 0
    assert run(["partner", "add", "JP", "--name", "Japan"])[0] == 0
    assert run(["orbat", "import", str(f), "--partner", "PL"])[0] == 0
    kml = tmp_path / "pl.kml"
    assert run(["orbat", "export", "--partner", "PL", "--format", "kml", "--out", str(kml)])[0] == 0
    code, out, _ = run(["orbat", "import", str(kml), "--partner", "JP", "--json"])
    assert code == 0 and json.loads(out)["units_new"] == 3
    gj = tmp_path / "bad.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}))
    code, _, err = run(["orbat", "import", str(gj), "--partner", "JP"])
    assert code == 2 and "bad.geojson, feature 1, field unit_id: empty" in err
    assert "Traceback" not in err


def test_foreign_geojson_name_is_the_designation(pl: Store, tmp_path: Path) -> None:
    f = tmp_path / "foreign.geojson"
    feat = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [131.9, 43.1]},
        "properties": {"unit_id": "D27", "name": "27th Rifle Division"},
    }
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}))
    with pl.begin() as conn:
        importer.import_file(conn, f, "JP")
        u = picture.get_picture(conn, "JP").units["D27"]
    assert (u.designation, u.lat, u.lon) == ("27th Rifle Division", 43.1, 131.9)
