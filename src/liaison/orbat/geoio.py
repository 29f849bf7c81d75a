"""Unit files as map layers: GeoJSON FeatureCollections and KML Placemarks.

Each feature becomes one unit row for the same validation the CSV path runs (`csvio.UnitReader`),
so the rules and the all-or-nothing import are identical; problems name the feature number
(1-based, in file order) and the field. Properties (GeoJSON) or ExtendedData (KML) carry the
unit-CSV columns; a Point geometry gives lat/lon. KML is parsed with the standard library after
refusing any DOCTYPE or ENTITY declaration, which rules out entity-expansion and external-entity
attacks without a new dependency.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from liaison.core.errors import ValidationError

# Keys our own exporter adds for provenance or context; the importer records its own.
EXPORT_ONLY = ("recorded_at", "source", "marking", "partner")
ALWAYS = ("unit_id", "designation")  # present in every feature's row, so a gap is named by feature
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)

Rows = tuple[list[str], Iterator[tuple[int, list[Any]]]]


def kind_of(path: Path, data: bytes | None) -> str | None:
    """'geojson', 'kml' or None (not a map layer) from the suffix, or a .json's top-level type."""
    suffix = path.suffix.lower()
    if suffix == ".geojson":
        return "geojson"
    if suffix == ".kml":
        return "kml"
    if suffix == ".json":
        raw = data if data is not None else path.read_bytes()
        head = raw[:4096].lstrip()
        if head.startswith(b"{") and re.search(rb'"type"\s*:\s*"FeatureCollection"', raw[:65536]):
            return "geojson"
    return None


def _table(name: str, feats: list[tuple[dict[str, Any], tuple[float, float] | None]]) -> Rows:
    """Feature dicts → (header, numbered rows) for UnitReader; lat/lon come from the geometry."""
    keys: list[str] = list(ALWAYS)
    for props, pos in feats:
        for k in props:
            if k not in keys and k not in EXPORT_ONLY:
                keys.append(k)
        if pos is not None:
            for k in ("lat", "lon"):
                if k not in keys:
                    keys.append(k)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, (props, pos) in enumerate(feats, start=1):
            vals = dict(props)
            if pos is not None:
                vals["lat"], vals["lon"] = repr(pos[0]), repr(pos[1])
            yield i, [vals.get(k) for k in keys]

    return keys, rows()


def read_geojson(path: Path, data: bytes | None) -> Rows:
    """A FeatureCollection's features as unit rows; a bad geometry or property is named by feature."""
    raw = data if data is not None else path.read_bytes()
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path.name}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValidationError(f"{path.name}: expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ValidationError(f"{path.name}: 'features' must be a list")
    problems: list[str] = []
    feats: list[tuple[dict[str, Any], tuple[float, float] | None]] = []
    for i, f in enumerate(features, start=1):
        where = f"{path.name}, feature {i}"
        if not isinstance(f, dict) or f.get("type") != "Feature":
            problems.append(f"{where}, field type: not a GeoJSON Feature")
            continue
        props = f.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(f"{where}, field properties: must be an object")
            continue
        nested = [k for k, v in props.items() if isinstance(v, list | dict) and k != "equipment"]
        if nested:
            problems.append(f"{where}, field {nested[0]}: must be a plain value, not a list/object")
            continue
        if "name" in props and "designation" not in props:  # the common GeoJSON label key
            props = {("designation" if k == "name" else k): v for k, v in props.items()}
        geom = f.get("geometry")
        pos: tuple[float, float] | None = None
        if geom is not None:
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            if not isinstance(geom, dict) or geom.get("type") != "Point":
                kind = geom.get("type") if isinstance(geom, dict) else type(geom).__name__
                problems.append(f"{where}, field geometry: only Point is supported, not {kind}")
                continue
            if (
                not isinstance(coords, list)
                or len(coords) < 2
                or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
            ):
                problems.append(f"{where}, field geometry: Point coordinates must be [lon, lat]")
                continue
            pos = (float(coords[1]), float(coords[0]))
            if "lat" in props or "lon" in props:
                problems.append(f"{where}, field geometry: give a Point or lat/lon, not both")
                continue
        feats.append((props, pos))
    if problems:
        raise ValidationError(
            f"{path.name}: {len(problems)} problem(s); nothing was written", problems
        )
    return _table(path.name, feats)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_kml(path: Path, data: bytes | None) -> Rows:
    """Placemarks as unit rows: ExtendedData <Data name=…> gives columns, <name> the designation."""
    raw = data if data is not None else path.read_bytes()
    if _DTD.search(raw):
        raise ValidationError(f"{path.name}: DOCTYPE/ENTITY declarations are refused in KML")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ValidationError(f"{path.name}: not well-formed XML ({exc})") from None
    if _local(root.tag) != "kml":
        raise ValidationError(f"{path.name}: not a KML document (root is <{_local(root.tag)}>)")
    problems: list[str] = []
    feats: list[tuple[dict[str, Any], tuple[float, float] | None]] = []
    placemarks = [e for e in root.iter() if _local(e.tag) == "Placemark"]
    for i, pm in enumerate(placemarks, start=1):
        where = f"{path.name}, feature {i}"
        props: dict[str, Any] = {}
        for e in pm.iter():
            if _local(e.tag) == "Data":
                key = e.get("name") or ""
                val = next((c.text or "" for c in e if _local(c.tag) == "value"), "")
                props[key] = val.strip()
        name = next((c.text for c in pm if _local(c.tag) == "name"), None)
        if not props.get("designation") and name:
            props["designation"] = name.strip()
        pos: tuple[float, float] | None = None
        points = [e for e in pm.iter() if _local(e.tag) == "Point"]
        others = [
            _local(e.tag)
            for e in pm.iter()
            if _local(e.tag) in ("LineString", "Polygon", "LinearRing", "MultiGeometry")
        ]
        if others:
            problems.append(f"{where}, field geometry: only Point is supported, not {others[0]}")
            continue
        if points:
            text = next(
                (c.text or "" for c in points[0].iter() if _local(c.tag) == "coordinates"), ""
            )
            parts = text.strip().split(",")
            try:
                lon, lat = float(parts[0]), float(parts[1])
            except (ValueError, IndexError):
                problems.append(
                    f"{where}, field coordinates: not 'lon,lat[,alt]': {text.strip()!r}"
                )
                continue
            pos = (lat, lon)
            if props.get("lat") or props.get("lon"):
                given = (props.get("lat", ""), props.get("lon", ""))
                try:
                    same = abs(float(given[0]) - lat) < 1e-5 and abs(float(given[1]) - lon) < 1e-5
                except ValueError:
                    same = False
                if not same:
                    problems.append(
                        f"{where}, field coordinates: Point {lat},{lon} disagrees with "
                        f"lat/lon {given[0]},{given[1]}"
                    )
                    continue
            props.pop("lat", None)
            props.pop("lon", None)
        feats.append((props, pos))
    if problems:
        raise ValidationError(
            f"{path.name}: {len(problems)} problem(s); nothing was written", problems
        )
    return _table(path.name, feats)


def read(path: Path, data: bytes | None, kind: str) -> Rows:
    return read_geojson(path, data) if kind == "geojson" else read_kml(path, data)
