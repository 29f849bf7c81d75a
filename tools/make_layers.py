"""Build the map's offline layers (run once; the output ships in src/liaison/data/basemap/).

- rivers.geojson: Natural Earth 1:50m rivers and lake centre lines (public domain), cut to the
  theatre (10°E–180°E, 25°N–75°N), coordinates to 0.01° (about 1 km).
- places.geojson: Natural Earth 1:50m populated places (public domain) in the same box, with
  name, rank and population.
- railways.geojson: the lines the liaison and the Kaunas route ran on, drawn station to station
  through Liaison's own gazetteer (our data): the Trans-Siberian, the Chinese Eastern and South
  Manchuria railways, Warsaw–Moscow, Kaunas–Vilnius–Minsk, Tsuruga–Kobe, and the Vladivostok–
  Tsuruga sea crossing. Station to station is coarse (a line of sight between stations, not the
  track), which is what a 1:5,000,000 view needs.

    python tools/make_layers.py NE_DIR   # NE_DIR holds ne_50m_rivers_lake_centerlines.json and
                                         # ne_50m_populated_places_simple.json (GeoJSON)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from liaison.names.gazetteer import resolve

OUT = Path(__file__).resolve().parents[1] / "src" / "liaison" / "data" / "basemap"
BOX = (10.0, 25.0, 180.0, 75.0)  # lon_min, lat_min, lon_max, lat_max

LINES: dict[str, tuple[str, list[str]]] = {
    "Trans-Siberian Railway": (
        "rail",
        ["Moscow", "Yaroslavl", "Kirov", "Perm", "Yekaterinburg", "Tyumen", "Omsk",
         "Novosibirsk", "Krasnoyarsk", "Tayshet", "Irkutsk", "Ulan-Ude", "Chita", "Mogocha",
         "Skovorodino", "Belogorsk", "Khabarovsk", "Ussuriysk", "Vladivostok"],
    ),
    "Chinese Eastern Railway": (
        "rail",
        ["Chita", "Zabaykalsk", "Manzhouli", "Hailar", "Qiqihar", "Harbin", "Mudanjiang",
         "Suifenhe", "Ussuriysk"],
    ),
    "South Manchuria Railway": ("rail", ["Harbin", "Changchun", "Shenyang", "Dalian"]),
    "Warsaw–Moscow": (
        "rail",
        ["Warsaw", "Brest", "Baranovichi", "Minsk", "Orsha", "Smolensk", "Vyazma", "Moscow"],
    ),
    "Kaunas–Vilnius–Minsk": ("rail", ["Kaunas", "Vilnius", "Maladzyechna", "Minsk"]),
    "Tsuruga–Kobe": ("rail", ["Tsuruga", "Kyoto", "Osaka", "Kobe"]),
    "Vladivostok–Tsuruga (sea)": ("sea", ["Vladivostok", "Tsuruga"]),
}


def inside(lon: float, lat: float) -> bool:
    return BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]


def cut_lines(coords: list[list[float]]) -> list[list[list[float]]]:
    """Parts of a line inside the box, rounded, without repeated points."""
    parts: list[list[list[float]]] = []
    cur: list[list[float]] = []
    for lon, lat, *_ in coords:
        if inside(lon, lat):
            pt = [round(lon, 2), round(lat, 2)]
            if not cur or cur[-1] != pt:
                cur.append(pt)
        elif cur:
            parts.append(cur)
            cur = []
    if cur:
        parts.append(cur)
    return [p for p in parts if len(p) > 1]


def rivers(src: Path) -> dict:
    feats = []
    for f in json.loads(src.read_text(encoding="utf-8"))["features"]:
        g = f["geometry"]
        if not g:
            continue
        lines = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        parts = [p for line in lines for p in cut_lines(line)]
        if parts:
            props = f["properties"]
            feats.append(
                {
                    "type": "Feature",
                    "properties": {"name": props.get("name"), "rank": props.get("scalerank")},
                    "geometry": {"type": "MultiLineString", "coordinates": parts},
                }
            )
    return {"type": "FeatureCollection", "features": feats}


def places(src: Path) -> dict:
    feats = []
    for f in json.loads(src.read_text(encoding="utf-8"))["features"]:
        if not f["geometry"]:
            continue
        lon, lat = f["geometry"]["coordinates"][:2]
        if not inside(lon, lat):
            continue
        p = f["properties"]
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "name": p.get("name"),
                    "rank": p.get("scalerank"),
                    "pop": p.get("pop_max"),
                    "capital": bool(p.get("adm0cap")),
                },
                "geometry": {"type": "Point", "coordinates": [round(lon, 3), round(lat, 3)]},
            }
        )
    feats.sort(key=lambda f: (f["properties"]["rank"], -(f["properties"]["pop"] or 0)))
    return {"type": "FeatureCollection", "features": feats}


def railways() -> dict:
    feats = []
    for name, (kind, stations) in LINES.items():
        pts = []
        for s in stations:
            r = resolve(s, fuzzy=False)
            place = r.place or (r.candidates[0] if r.candidates else None)
            if place is None:
                raise SystemExit(f"{name}: the gazetteer does not know {s!r}")
            pts.append([round(place.lon, 3), round(place.lat, 3)])
        feats.append(
            {
                "type": "Feature",
                "properties": {"name": name, "kind": kind, "stations": stations},
                "geometry": {"type": "LineString", "coordinates": pts},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def main() -> None:
    ne = Path(sys.argv[1])
    out = {
        "rivers.geojson": rivers(ne / "ne_50m_rivers_lake_centerlines.json"),
        "places.geojson": places(ne / "ne_50m_populated_places_simple.json"),
        "railways.geojson": railways(),
    }
    for name, doc in out.items():
        path = OUT / name
        path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), "utf-8")
        print(f"{path}: {len(doc['features'])} features, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
