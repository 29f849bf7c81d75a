"""Write a picture as CSV, XLSX, GeoJSON (RFC 7946), KML or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

from liaison.core.cells import neutralise, neutralise_row
from liaison.core.clock import iso
from liaison.core.errors import ValidationError
from liaison.orbat.csvio import COLUMNS, format_equipment
from liaison.orbat.model import Picture, UnitView

FORMATS = ("csv", "xlsx", "geojson", "kml", "json")


def unit_record(u: UnitView) -> dict[str, Any]:
    """One unit as the unit-CSV columns (values as strings; empty for unknown)."""

    def s(v: Any) -> str:
        return "" if v is None else str(v)

    return {
        "unit_id": u.unit_id,
        "designation": u.designation,
        "echelon": s(u.echelon),
        "branch": s(u.branch),
        "parent_id": s(u.parent_id),
        "lat": "" if u.lat is None else f"{u.lat:.6f}".rstrip("0").rstrip("."),
        "lon": "" if u.lon is None else f"{u.lon:.6f}".rstrip("0").rstrip("."),
        "place": s(u.place),
        "observed_at": s(iso(u.observed_at)),
        "equipment": format_equipment(u.equipment),
        "strength": s(u.strength),
        "source_reliability": s(u.reliability),
        "info_credibility": s(u.credibility),
        "sidc": s(u.sidc),
        "notes": s(u.notes),
    }


def unit_json(u: UnitView) -> dict[str, Any]:
    return {
        "unit_id": u.unit_id,
        "designation": u.designation,
        "echelon": u.echelon,
        "branch": u.branch,
        "parent_id": u.parent_id,
        "sidc": u.sidc,
        "lat": u.lat,
        "lon": u.lon,
        "place": u.place,
        "observed_at": iso(u.observed_at),
        "recorded_at": iso(u.recorded_at),
        "equipment": u.equipment,
        "strength": u.strength,
        "source": u.source,
        "source_reliability": u.reliability,
        "info_credibility": u.credibility,
        "marking": u.marking.to_text(),
        "notes": u.notes,
    }


def _ordered(p: Picture) -> list[UnitView]:
    return [p.units[k] for k in sorted(p.units)]


def to_csv(p: Picture) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for u in _ordered(p):
        w.writerow(neutralise_row(unit_record(u)))
    return buf.getvalue().encode("utf-8")


def to_xlsx(p: Picture) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{p.partner} units")
    ws.append(list(COLUMNS))
    numeric = {"lat": float, "lon": float, "strength": int, "info_credibility": int}
    for u in _ordered(p):
        rec = unit_record(u)
        row: list[Any] = []
        for c in COLUMNS:
            if c in numeric:
                row.append(numeric[c](rec[c]) if rec[c] else None)
                continue
            # text is neutralised and typed as text, so no cell can become a formula
            cell = WriteOnlyCell(ws, value=neutralise(rec[c]))
            cell.data_type = "s"
            row.append(cell)
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_geojson(p: Picture) -> bytes:
    feats = []
    for u in _ordered(p):
        props = unit_json(u)
        props.pop("lat")
        props.pop("lon")
        props["partner"] = p.partner
        geom = (
            {"type": "Point", "coordinates": [round(u.lon, 6), round(u.lat, 6)]}
            if u.has_position
            else None
        )  # type: ignore[arg-type]
        feats.append(
            {
                "type": "Feature",
                "id": f"{p.partner}:{u.unit_id}",
                "geometry": geom,
                "properties": props,
            }
        )
    doc = {"type": "FeatureCollection", "features": feats}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def to_kml(p: Picture) -> bytes:
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    kml = ET.Element(f"{{{ns}}}kml")
    doc = ET.SubElement(kml, f"{{{ns}}}Document")
    ET.SubElement(doc, f"{{{ns}}}name").text = f"{p.partner} picture"
    for u in _ordered(p):
        if not u.has_position:
            continue
        pm = ET.SubElement(doc, f"{{{ns}}}Placemark", id=f"{p.partner}-{u.unit_id}")
        ET.SubElement(pm, f"{{{ns}}}name").text = u.designation
        desc = [
            f"{k}: {v}"
            for k, v in unit_record(u).items()
            if v and k not in ("designation", "lat", "lon")
        ]
        ET.SubElement(pm, f"{{{ns}}}description").text = "\n".join(desc)
        ext = ET.SubElement(pm, f"{{{ns}}}ExtendedData")
        for k, v in unit_record(u).items():
            d = ET.SubElement(ext, f"{{{ns}}}Data", name=k)
            ET.SubElement(d, f"{{{ns}}}value").text = v
        pt = ET.SubElement(pm, f"{{{ns}}}Point")
        ET.SubElement(pt, f"{{{ns}}}coordinates").text = f"{u.lon:.6f},{u.lat:.6f}"
    return ET.tostring(kml, encoding="utf-8", xml_declaration=True)


def to_json(p: Picture) -> bytes:
    doc = {
        "partner": p.partner,
        "valid_at": iso(p.valid_at),
        "recorded_at": iso(p.recorded_at),
        "units": [unit_json(u) for u in _ordered(p)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def export(p: Picture, fmt: str) -> bytes:
    f = fmt.lower()
    if f not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    return {"csv": to_csv, "xlsx": to_xlsx, "geojson": to_geojson, "kml": to_kml, "json": to_json}[
        f
    ](p)
