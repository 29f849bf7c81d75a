"""Unit-file import: every bad-input class names file, line and column, and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.core.errors import ValidationError
from liaison.orbat import export, importer, observe, partners, picture
from liaison.store import Store
from liaison.store import audit as audit_log

HEADER = "unit_id,designation,echelon,branch,parent_id,lat,lon,place,observed_at,equipment,strength,source_reliability,info_credibility,sidc,notes"
GOOD = [
    "F1,Far Eastern Front,front,combined_arms,,48.48,135.08,Chabarowsk,1938-06-01,,,B,2,,",
    "A1,1st Red Banner Army,army,combined_arms,F1,43.8,131.95,Woroszyłow,1938-06-01,,,B,2,,",
    "D27,27th Rifle Division,division,infantry,A1,43.1,131.9,Władywostok,1938-06-02,tanks=20;guns=48,12000,C,3,,",
]


def write(tmp_path: Path, lines: list[str], header: str = HEADER, name: str = "units.csv") -> Path:
    p = tmp_path / name
    p.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return p


def counts(store: Store) -> tuple[int, int, int]:
    with store.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("unit", "observation", "audit")
        )


@pytest.fixture
def pl(store: Store) -> Store:
    with store.begin() as conn:
        partners.add_partner(
            conn, "PL", "Polish General Staff, 2nd Department", is_self=True, language="pl"
        )
    return store


def do_import(store: Store, path: Path, **kw) -> importer.ImportReport:  # type: ignore[no-untyped-def]
    with store.begin() as conn:
        return importer.import_file(conn, path, "PL", **kw)


def test_import_then_reimport_adds_nothing(pl: Store, tmp_path: Path) -> None:
    f = write(tmp_path, GOOD)
    rep = do_import(pl, f)
    assert (rep.units_new, rep.observations_new) == (3, 3)
    before = counts(pl)
    rep2 = do_import(pl, f)
    assert (rep2.units_new, rep2.observations_new, rep2.unchanged) == (0, 0, 3)
    assert counts(pl)[:2] == before[:2]
    with pl.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    assert pic.units["D27"].equipment == {"tanks": 20, "guns": 48}
    assert pic.units["D27"].parent_id == "A1" and pic.units["D27"].credibility == 3


BAD_CASES = [
    ("unknown column", HEADER + ",colour", GOOD[:1], "line 1: unknown column(s) 'colour'"),
    (
        "bad latitude",
        HEADER,
        [GOOD[0].replace("48.48", "98.5")],
        "line 2, column lat: latitude 98.5 is outside -90..90",
    ),
    (
        "bad longitude",
        HEADER,
        [GOOD[0].replace("135.08", "181")],
        "line 2, column lon: longitude 181.0 is outside",
    ),
    (
        "lat not a number",
        HEADER,
        [GOOD[0].replace("48.48", "north")],
        "line 2, column lat: not a number",
    ),
    (
        "unknown grading",
        HEADER,
        [GOOD[0].replace(",B,2,", ",G,2,")],
        "line 2, column source_reliability: source reliability must be one of A–F",
    ),
    (
        "unknown credibility",
        HEADER,
        [GOOD[0].replace(",B,2,", ",B,9,")],
        "line 2, column info_credibility: information credibility must be 1–6",
    ),
    (
        "duplicate unit_id",
        HEADER,
        [GOOD[0], GOOD[0]],
        "line 3, column unit_id: duplicate unit_id 'F1' (first on line 2)",
    ),
    (
        "missing parent",
        HEADER,
        [GOOD[2]],
        "line 2, column parent_id: parent 'A1' is neither in this file nor in the store",
    ),
    (
        "cycle",
        HEADER,
        [GOOD[0].replace(",,48.48", ",D27,48.48"), GOOD[1], GOOD[2]],
        "parent links make a cycle",
    ),
    (
        "future date",
        HEADER,
        [GOOD[0].replace("1938-06-01", "2999-01-01")],
        "line 2, column observed_at: 2999-01-01 is in the future",
    ),
    (
        "bad date",
        HEADER,
        [GOOD[0].replace("1938-06-01", "yesterday")],
        "line 2, column observed_at: not an ISO 8601",
    ),
    (
        "bad equipment",
        HEADER,
        [GOOD[0].replace(",,,B", ",tanks=many,,B")],
        "line 2, column equipment: equipment count for 'tanks' is not a whole number",
    ),
    (
        "bad strength",
        HEADER,
        [GOOD[0].replace(",,,B", ",,-5,B")],
        "line 2, column strength: not a whole number ≥ 0",
    ),
    (
        "bad echelon",
        HEADER,
        [GOOD[0].replace(",front,", ",platoonish,")],
        "line 2, column echelon: unknown echelon 'platoonish'",
    ),
    (
        "bad sidc",
        HEADER,
        [GOOD[0].replace(",,", ",,", 1).replace(",B,2,,", ",B,2,12345,")],
        "line 2, column sidc: not a 20-digit",
    ),
    (
        "missing designation column",
        "unit_id,lat,lon",
        ["X,1,2"],
        "required column 'designation' is missing",
    ),
    ("empty unit id", HEADER, ["," + GOOD[0].split(",", 1)[1]], "line 2, column unit_id: empty"),
    (
        "unplaceable place",
        HEADER,
        ["Z9,9th Rifle Division,division,infantry,,,,Nowhereville-upon-Nothing,1938-06-01,,,B,2,,"],
        "line 2, column place:",
    ),
]


@pytest.mark.parametrize("label,header,lines,expected", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_names_line_and_column_and_writes_nothing(
    pl: Store, tmp_path: Path, label: str, header: str, lines: list[str], expected: str
) -> None:
    do_import(pl, write(tmp_path, GOOD[:1], name="seed.csv"))  # the store is not empty
    before = counts(pl)
    with pytest.raises(ValidationError) as ei:
        do_import(
            pl,
            write(tmp_path, lines, header),
            resolve_place=lambda place, near: f"place {place!r} is not in the gazetteer",
        )
    msg = str(ei.value)
    assert "units.csv" in msg and "nothing was written" in msg
    assert expected in msg, msg
    assert counts(pl) == before


def test_all_problems_reported_in_one_run(pl: Store, tmp_path: Path) -> None:
    lines = [
        GOOD[0].replace("48.48", "98"),
        GOOD[1].replace(",B,2,", ",Q,2,"),
        GOOD[2].replace("1938-06-02", "2999-01-01"),
    ]
    with pytest.raises(ValidationError) as ei:
        do_import(pl, write(tmp_path, lines))
    assert len(ei.value.problems) == 3
    assert [p.split(",")[1].strip() for p in ei.value.problems] == ["line 2", "line 3", "line 4"]


def test_cycle_through_the_store_is_refused(pl: Store, tmp_path: Path) -> None:
    do_import(pl, write(tmp_path, GOOD))
    before = counts(pl)
    with pytest.raises(
        ValidationError, match="with the store's picture, parent links make a cycle"
    ):
        do_import(
            pl, write(tmp_path, [GOOD[0].replace(",,48.48", ",D27,48.48")], name="units2.csv")
        )
    assert counts(pl) == before


def test_unplaced_units_import_without_position_when_allowed(pl: Store, tmp_path: Path) -> None:
    line = "Z9,9th Rifle Division,division,infantry,,,,Nowhereville,1938-06-01,,,B,2,,"
    rep = do_import(
        pl, write(tmp_path, [line]), allow_unplaced=True, resolve_place=lambda p, n: "not found"
    )
    assert rep.unplaced == ["Z9"]
    with pl.connect() as conn:
        u = picture.get_picture(conn, "PL").units["Z9"]
    assert u.lat is None and u.place == "Nowhereville"


def test_place_resolved_near_parent(pl: Store, tmp_path: Path) -> None:
    calls: list[tuple[str, tuple[float, float] | None]] = []

    def resolver(place: str, near):  # type: ignore[no-untyped-def]
        calls.append((place, near))
        return (50.25, 127.53) if near else "ambiguous"

    line = "D2,2nd Rifle Division,division,infantry,F1,,,Błagowieszczeńsk,1938-06-01,,,B,2,,"
    do_import(pl, write(tmp_path, [GOOD[0], line]), resolve_place=resolver)
    assert calls == [("Błagowieszczeńsk", (48.48, 135.08))]


def test_bitemporal_picture_and_retraction(pl: Store, tmp_path: Path) -> None:
    do_import(pl, write(tmp_path, GOOD))
    t_before = datetime.now(UTC)
    with pl.begin() as conn:
        oid = observe.record(
            conn, "PL", "D27", valid_at=datetime(1938, 7, 1, tzinfo=UTC), lat=44.0, lon=132.0
        )
    with pl.connect() as conn:
        assert picture.get_picture(conn, "PL").units["D27"].lat == 44.0
        # as of June, the move had not happened
        assert (
            picture.get_picture(conn, "PL", valid_at=datetime(1938, 6, 15, tzinfo=UTC))
            .units["D27"]
            .lat
            == 43.1
        )
        # as we knew it before recording the move
        assert picture.get_picture(conn, "PL", recorded_at=t_before).units["D27"].lat == 43.1
        # equipment carried forward from the earlier report
        assert picture.get_picture(conn, "PL").units["D27"].equipment == {"tanks": 20, "guns": 48}
    assert oid
    with pl.begin() as conn:
        observe.retract(conn, oid, "misidentified")
    with pl.connect() as conn:
        assert picture.get_picture(conn, "PL").units["D27"].lat == 43.1
        hist = picture.history(conn, "PL", "D27")
        assert [h["kind"] for h in hist] == ["observation", "observation", "retraction"]
        assert hist[1]["retracted"] is True
        assert audit_log.verify(conn).ok


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_round_trips_through_import(pl: Store, tmp_path: Path, fmt: str) -> None:
    do_import(pl, write(tmp_path, GOOD))
    with pl.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(export.export(pic, fmt))
    with pl.begin() as conn:
        partners.add_partner(conn, "JP", "Japan")
        importer.import_file(conn, out, "JP")
        back = picture.get_picture(conn, "JP")
    for uid, u in pic.units.items():
        b = back.units[uid]
        assert (
            b.designation,
            b.parent_id,
            b.lat,
            b.lon,
            b.equipment,
            b.strength,
            b.observed_at,
        ) == (u.designation, u.parent_id, u.lat, u.lon, u.equipment, u.strength, u.observed_at)


def test_geojson_and_kml_are_well_formed(pl: Store, tmp_path: Path) -> None:
    do_import(pl, write(tmp_path, GOOD))
    with pl.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    gj = json.loads(export.export(pic, "geojson"))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 3
    f = next(f for f in gj["features"] if f["properties"]["unit_id"] == "D27")
    assert f["geometry"]["coordinates"] == [131.9, 43.1]  # RFC 7946: lon, lat
    from xml.etree import ElementTree as ET

    root = ET.fromstring(export.export(pic, "kml"))
    coords = [e.text for e in root.iter("{http://www.opengis.net/kml/2.2}coordinates")]
    assert "131.900000,43.100000" in coords and len(coords) == 3
