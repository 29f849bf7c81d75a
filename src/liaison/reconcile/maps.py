"""Maps of a reconciliation: one self-contained offline HTML file, and a static PNG for minutes.

The HTML inlines the vendored Leaflet, milsymbol and the shipped basemap geometry (no tile server,
no CDN): it opens from a file on a machine with no network.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from liaison.orbat.model import Picture
from liaison.orbat.symbology import derive_sidc
from liaison.reconcile.match import Result

COLOURS = {
    "location": "#d62728",
    "subordination": "#9467bd",
    "equipment": "#ff7f0e",
    "strength": "#bcbd22",
    "echelon": "#8c564b",
    "branch": "#e377c2",
    "stale": "#7f7f7f",
    "none": "#2ca02c",
}
PRIORITY = ["location", "subordination", "echelon", "branch", "equipment", "strength", "stale"]


def _asset(*parts: str) -> str:
    return (resources.files("liaison").joinpath(*parts)).read_text(encoding="utf-8")


def basemap() -> dict[str, Any]:
    """Country outlines with rings that cross the antimeridian unwrapped (Chukotka east of 180°)."""
    geo = json.loads(_asset("data", "basemap", "countries-50m.geojson"))
    for f in geo["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            for ring in poly:
                lons = [c[0] for c in ring]
                if min(lons) < -170 and max(lons) > 170:
                    for c in ring:
                        if c[0] < 0:
                            c[0] += 360
    return geo


def _units(p: Picture, side: str) -> list[dict[str, Any]]:
    out = []
    for u in p.units.values():
        if not u.has_position:
            continue
        try:
            sidc = u.sidc or derive_sidc(u.echelon, u.branch)
        except ValueError:
            sidc = derive_sidc(None, None)
        out.append(
            {
                "side": side,
                "partner": p.partner,
                "id": u.unit_id,
                "name": u.designation,
                "sidc": sidc,
                "echelon": u.echelon or "",
                "lat": u.lat,
                "lon": u.lon,
                "place": u.place or "",
                "grading": f"{u.reliability or '?'}{u.credibility or '?'}",
            }
        )
    return out


def map_data(ours: Picture, theirs: Picture, res: Result) -> dict[str, Any]:
    worst: dict[tuple[str, str], str] = {}
    kinds_by_pair: dict[tuple[str, str], list[str]] = {}
    for d in res.discrepancies:
        if d.ours and d.theirs:
            kinds_by_pair.setdefault((d.ours, d.theirs), []).append(d.kind)
    for pair, kinds in kinds_by_pair.items():
        worst[pair] = min(kinds, key=PRIORITY.index)
    lines = []
    for m in res.matches:
        a, b = ours.units.get(m.ours), theirs.units.get(m.theirs)
        if a and b and a.has_position and b.has_position:
            kind = worst.get((m.ours, m.theirs), "none")
            lines.append(
                {
                    "ours": m.ours,
                    "theirs": m.theirs,
                    "kind": kind,
                    "score": round(m.score, 3),
                    "coords": [[a.lat, a.lon], [b.lat, b.lon]],
                    "kinds": kinds_by_pair.get((m.ours, m.theirs), []),
                }
            )
    only = {
        d.ours or d.theirs: d.kind
        for d in res.discrepancies
        if d.kind in ("only_ours", "only_theirs", "conflict")
    }
    units = _units(ours, "ours") + _units(theirs, "theirs")
    for u in units:
        u["flag"] = only.get(u["id"], "")
    return {
        "ours": ours.partner,
        "theirs": theirs.partner,
        "units": units,
        "lines": lines,
        "colours": COLOURS,
        "summary": res.summary,
    }


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>__LEAFLET_CSS__</style>
<style>
html,body{margin:0;height:100%;font:13px system-ui,sans-serif}#map{position:absolute;inset:0 0 0 260px;background:#cfe3ef}
#panel{position:absolute;left:0;top:0;bottom:0;width:250px;overflow:auto;padding:6px;background:#fafafa;border-right:1px solid #ccc}
#panel h1{font-size:15px;margin:4px 0}.sw{display:inline-block;width:18px;height:4px;margin-right:4px;vertical-align:middle}
.sym{background:none;border:none}
</style></head><body>
<div id="panel"><h1>__TITLE__</h1><p id="counts"></p>
<fieldset><legend>Partner</legend><label><input type="checkbox" class="fp" value="ours" checked> <span id="lo"></span></label><br>
<label><input type="checkbox" class="fp" value="theirs" checked> <span id="lt"></span></label></fieldset>
<fieldset><legend>Echelon</legend><select id="fe"><option value="">all</option></select></fieldset>
<fieldset><legend>Discrepancy</legend><div id="fk"></div></fieldset>
<p>Illustrative data where the demo scenario is shown. Basemap: Natural Earth (modern borders).</p></div>
<div id="map"></div>
<script>__LEAFLET_JS__</script>
<script>__MILSYMBOL_JS__</script>
<script>
const DATA = __DATA__;
const BASEMAP = __BASEMAP__;
const map = L.map('map', {preferCanvas: false}).setView([50, 90], 3);
L.geoJSON(BASEMAP, {style: {color: '#999', weight: 0.6, fillColor: '#f4f1e8', fillOpacity: 1}}).addTo(map);
document.getElementById('lo').textContent = DATA.ours + ' (ours)';
document.getElementById('lt').textContent = DATA.theirs + ' (theirs)';
const ech = [...new Set(DATA.units.map(u => u.echelon).filter(Boolean))];
for (const e of ech) { const o = document.createElement('option'); o.value = o.textContent = e; document.getElementById('fe').appendChild(o); }
const kinds = Object.keys(DATA.colours);
for (const k of kinds) { document.getElementById('fk').insertAdjacentHTML('beforeend',
  `<label><input type="checkbox" class="fk" value="${k}" checked> <span class="sw" style="background:${DATA.colours[k]}"></span>${k}</label><br>`); }
const layer = L.layerGroup().addTo(map);
let drawn = 0;
function draw() {
  layer.clearLayers(); drawn = 0;
  const sides = [...document.querySelectorAll('.fp:checked')].map(x => x.value);
  const e = document.getElementById('fe').value;
  const ks = new Set([...document.querySelectorAll('.fk:checked')].map(x => x.value));
  const bounds = [];
  for (const ln of DATA.lines) {
    if (!ks.has(ln.kind)) continue;
    L.polyline(ln.coords, {color: DATA.colours[ln.kind], weight: ln.kind === 'none' ? 1 : 3, opacity: 0.8})
      .bindTooltip(`${ln.ours} ↔ ${ln.theirs}: ${ln.kinds.join(', ') || 'agree'} (p=${ln.score})`).addTo(layer);
  }
  for (const u of DATA.units) {
    if (!sides.includes(u.side) || (e && u.echelon !== e)) continue;
    const sym = new ms.Symbol(u.sidc, {size: 18, colorMode: u.side === 'ours' ? 'Light' : 'Dark',
      uniqueDesignation: u.flag ? '!' : ''});
    const a = sym.getAnchor(), sz = sym.getSize();
    const icon = L.divIcon({className: 'sym', html: sym.asSVG(), iconSize: [sz.width, sz.height], iconAnchor: [a.x, a.y]});
    L.marker([u.lat, u.lon], {icon, title: u.name}).bindPopup(
      `<b>${u.name}</b><br>${u.partner} ${u.id} · ${u.echelon} · ${u.place}<br>grading ${u.grading}${u.flag ? '<br>' + u.flag : ''}`).addTo(layer);
    bounds.push([u.lat, u.lon]); drawn++;
  }
  document.body.dataset.symbols = drawn;
  document.getElementById('counts').textContent = `${drawn} symbols, ${DATA.summary.matched} matched, ${DATA.summary.discrepancies} discrepancies`;
  return bounds;
}
const b = draw(); if (b.length) map.fitBounds(b, {padding: [20, 20]});
document.querySelectorAll('input,select').forEach(x => x.addEventListener('change', draw));
</script></body></html>"""


def map_html(
    ours: Picture, theirs: Picture, res: Result, title: str = "Liaison meeting map"
) -> str:
    data = map_data(ours, theirs, res)
    base = json.dumps(basemap(), separators=(",", ":"))

    def safe(s: str) -> str:
        return s.replace("</", "<\\/")

    return (
        TEMPLATE.replace("__TITLE__", title.replace("<", "&lt;"))
        .replace("__LEAFLET_CSS__", _asset("web", "static", "vendor", "leaflet", "leaflet.css"))
        .replace("__LEAFLET_JS__", safe(_asset("web", "static", "vendor", "leaflet", "leaflet.js")))
        .replace(
            "__MILSYMBOL_JS__", safe(_asset("web", "static", "vendor", "milsymbol", "milsymbol.js"))
        )
        .replace("__BASEMAP__", safe(base))
        .replace("__DATA__", safe(json.dumps(data, ensure_ascii=False)))
    )


def map_png(ours: Picture, theirs: Picture, res: Result, path: str, title: str = "") -> None:
    """A static map for the minutes: basemap outlines, both pictures, matched pairs by discrepancy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = map_data(ours, theirs, res)
    pts = [(u["lon"], u["lat"]) for u in data["units"]]
    fig, ax = plt.subplots(figsize=(12, 6.75), dpi=110)
    if pts:
        xs, ys = zip(*pts, strict=True)
        ax.set_xlim(min(xs) - 3, max(xs) + 3)
        ax.set_ylim(min(ys) - 2, max(ys) + 2)
    geo = basemap()
    for f in geo["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            ring = poly[0]
            ax.fill(
                [c[0] for c in ring],
                [c[1] for c in ring],
                facecolor="#f4f1e8",
                edgecolor="#999",
                linewidth=0.4,
            )
    for ln in data["lines"]:
        (la1, lo1), (la2, lo2) = ln["coords"]
        ax.plot(
            [lo1, lo2],
            [la1, la2],
            color=COLOURS[ln["kind"]],
            linewidth=0.6 if ln["kind"] == "none" else 1.8,
        )
    for side, marker, colour in (("ours", "D", "#c00000"), ("theirs", "o", "#1f3f99")):
        us = [u for u in data["units"] if u["side"] == side]
        ax.scatter(
            [u["lon"] for u in us],
            [u["lat"] for u in us],
            s=14,
            marker=marker,
            c=colour,
            label=f"{data[side]} ({len(us)})",
            zorder=3,
        )
    ax.set_facecolor("#cfe3ef")
    ax.legend(loc="lower left")
    ax.set_title(
        title
        or f"{data['ours']} – {data['theirs']}: {data['summary']['matched']} matched, "
        f"{data['summary']['discrepancies']} discrepancies"
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
