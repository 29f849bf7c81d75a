// The map page: every visible picture on an offline Leaflet map with APP-6D symbols (milsymbol).
// Affiliation keeps its APP-6D colour (the fill); the partner whose picture a symbol comes from is
// its outline colour, named in the legend. Symbols that would overlap on screen are decluttered:
// the higher echelon stays, the ones it covers are counted on it ("+2") and appear as you zoom in.
// Offline layers (rivers, towns, railways), a line from our position to theirs for each location
// discrepancy, a time control that steps through the dates observations actually have, and a
// unit's track over time.
(function () {
  "use strict";
  const root = document.getElementById("mapview");
  if (!root) return;
  // the partners' pictures, and the agreed one (the third picture) when a meeting agreed one
  const agreed = root.dataset.agreed || "";
  const partners = (root.dataset.partners ? root.dataset.partners.split(",") : []).concat(agreed ? ["AGREED"] : []);
  const url = (p, q) => p === "AGREED" ? `/api/v1/meetings/${encodeURIComponent(agreed)}/agreed/units`
    : `/api/v1/pictures/${encodeURIComponent(p)}/units${q}`;
  const own = root.dataset.own;
  const home = root.dataset.home === "1";
  const status = document.getElementById("map-status");
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  // outline colours per picture: ours, then the others; "agreed" for the agreed picture
  const PALETTE = ["#1f5aa6", "#d9822b", "#7b4fa6", "#138a8a", "#8a6d12", "#c2185b"];
  const AGREED = "#1e7a3c";
  const colour = {};
  partners.forEach((p, i) => { colour[p] = p.toUpperCase() === "AGREED" ? AGREED : PALETTE[i % PALETTE.length]; });
  const RANK = { front: 0, army: 1, corps: 2, division: 3, brigade: 4, regiment: 5, battalion: 6, squadron: 6, company: 7 };

  const map = L.map("map", { worldCopyJump: false, zoomSnap: 0.5 }).setView([50, 60], 3);
  root.liaisonMap = map; // for tests and the browser console
  map.createPane("lines"); map.getPane("lines").style.zIndex = 450;
  map.createPane("towns"); map.getPane("towns").style.zIndex = 420; // town names under the symbols
  map.getPane("towns").style.pointerEvents = "none";
  const layer = L.layerGroup().addTo(map);
  const discLayer = L.layerGroup().addTo(map);
  const trackLayer = L.layerGroup().addTo(map);
  const data = {}; // partner → FeatureCollection
  const kinds = {}; // partner → {unit_id: [kind]}
  const pairs = {}; // partner → [{kind, ours, theirs, distance_km}]
  let dates = []; // sorted distinct observation times (ms) across the visible pictures
  let fitted = false;

  const overlays = {};
  fetch("/api/v1/basemap", { credentials: "same-origin" }).then((r) => r.json()).then((geo) => {
    L.geoJSON(geo, { style: { color: "#999", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1 }, interactive: false }).addTo(map).bringToBack();
  }).catch(() => { /* the map still works without outlines */ });
  function addLayer(name, label, options, on) {
    fetch(`/api/v1/basemap/${name}`, { credentials: "same-origin" }).then((r) => r.json()).then((geo) => {
      const l = L.geoJSON(geo, options);
      overlays[label] = l;
      if (on) l.addTo(map);
      layers.addOverlay(l, label);
    }).catch(() => {});
  }
  const layers = L.control.layers(null, {}, { collapsed: true, position: "topright" }).addTo(map);
  addLayer("rivers", "Rivers", { style: { color: "#6a9ed0", weight: 1 }, interactive: false }, true);
  addLayer("railways", "Railways", {
    style: (f) => f.properties.kind === "sea" ? { color: "#3b6f9e", weight: 1.5, dashArray: "2 5" } : { color: "#3a3a3a", weight: 2, dashArray: "7 3" },
    onEachFeature: (f, l) => l.bindTooltip(esc(f.properties.name), { sticky: true }),
  }, true);
  addLayer("places", "Towns", {
    pointToLayer: (f, ll) => L.circleMarker(ll, { radius: f.properties.capital ? 3.5 : 2.2, color: "#555", weight: 1, fillColor: "#fff", fillOpacity: 1, interactive: false }),
    onEachFeature: (f, l) => { if (f.properties.rank <= 3) l.bindTooltip(esc(f.properties.name), { permanent: true, direction: "right", className: "town-label", offset: [3, 0], pane: "towns" }); },
  }, true);

  const legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    const div = L.DomUtil.create("div", "map-legend");
    div.id = "map-legend";
    const rows = partners.map((p) => `<div><span class="swatch" style="border-color:${colour[p]}"></span>${esc(p)}${p === own ? " (ours)" : p.toUpperCase() === "AGREED" ? "" : " (theirs)"}</div>`);
    rows.push('<div><span class="line disc"></span>location discrepancy (ours → theirs)</div>');
    rows.push('<div><span class="line rail"></span>railway · <span class="line river"></span>river</div>');
    rows.push('<div class="muted">Fill: APP-6D affiliation · outline: whose picture · +N: units under it</div>');
    div.innerHTML = `<strong>Legend</strong>${rows.join("")}`;
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legend.addTo(map);

  const slider = document.getElementById("f-time");
  const datePick = document.getElementById("f-date");

  // DF fixes recorded as positions: their 95 % error ellipses (our own users only; 404 otherwise).
  fetch("/api/v1/traffic/ellipses", { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null)).then((geo) => {
    if (!geo || !geo.features.length) return;
    L.geoJSON(geo, {
      style: { color: "#b35900", weight: 1.2, fillColor: "#ff9933", fillOpacity: 0.12 },
      onEachFeature: (f, l) => l.bindTooltip(esc(`${f.properties.unit_id} · DF ${f.properties.call_sign} ${f.properties.day} · 95 % ${f.properties.semi_major_km} × ${f.properties.semi_minor_km} km`)),
    }).addTo(map);
    document.body.dataset.ellipses = String(geo.features.length);
  }).catch(() => { /* no traffic, no ellipses */ });

  function validAt() {
    const v = Number(slider.value);
    if (!dates.length || v >= dates.length) return null;
    return new Date(dates[v]);
  }

  function fillSelect(id, values) {
    const sel = document.getElementById(id);
    if (!sel) return;
    const keep = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    for (const v of [...values].sort()) sel.add(new Option(v, v));
    sel.value = values.has(keep) ? keep : "";
  }

  async function loadDates() {
    const all = new Set();
    await Promise.all(partners.map(async (p) => {
      try {
        const d = await window.liaisonFetch(`/api/v1/pictures/${encodeURIComponent(p)}/dates`);
        d.dates.forEach((t) => { const ms = Date.parse(t); if (!isNaN(ms)) all.add(ms); });
      } catch (e) { /* a picture without dates adds none */ }
    }));
    dates = [...all].sort((a, b) => a - b);
    slider.min = "0";
    slider.max = String(dates.length); // the last position is "now"
    slider.step = "1";
    slider.value = String(dates.length);
    if (datePick && dates.length) {
      datePick.min = new Date(dates[0]).toISOString().slice(0, 10);
      datePick.max = new Date(dates[dates.length - 1]).toISOString().slice(0, 10);
    }
    document.body.dataset.dates = String(dates.length);
  }

  async function load() {
    status.textContent = "loading…";
    const at = validAt();
    const q = at ? "?valid_at=" + encodeURIComponent(new Date(at.getTime() + 999).toISOString()) : "";
    try {
      await Promise.all(partners.map(async (p) => {
        data[p] = await window.liaisonFetch(url(p, q));
      }));
    } catch (e) {
      status.textContent = "could not load the pictures: " + e.message;
      return;
    }
    const ech = new Set(), br = new Set();
    for (const p of partners) for (const f of data[p].features) {
      if (f.properties.echelon) ech.add(f.properties.echelon);
      if (f.properties.branch) br.add(f.properties.branch);
    }
    fillSelect("f-echelon", ech);
    fillSelect("f-branch", br);
    draw();
  }

  async function loadKinds() {
    if (!home) return;
    const all = new Set();
    for (const p of partners) {
      if (p === "AGREED") continue;
      try {
        const k = await window.liaisonFetch(`/api/v1/pictures/${encodeURIComponent(p)}/discrepancy-kinds`);
        kinds[p] = k.units;
        pairs[p] = k.pairs || [];
        k.kinds.forEach((x) => all.add(x));
      } catch (e) { kinds[p] = {}; pairs[p] = []; }
    }
    fillSelect("f-kind", all);
    draw();
  }

  function symbol(p, u) {
    try {
      return new ms.Symbol(u.sidc || "10061000001211000000", {
        size: 22, colorMode: "Light", outlineColor: colour[p], outlineWidth: 4,
        uniqueDesignation: u.designation.slice(0, 14),
      });
    } catch (err) { return null; }
  }

  function draw() {
    layer.clearLayers();
    discLayer.clearLayers();
    const shown = new Set([...document.querySelectorAll(".f-partner:checked")].map((x) => x.value));
    const e = document.getElementById("f-echelon").value;
    const b = document.getElementById("f-branch").value;
    const kSel = document.getElementById("f-kind");
    const k = kSel ? kSel.value : "";
    const cands = [];
    let unplaced = 0;
    const pos = {}; // "partner/unit" → [lat, lon]
    partners.forEach((p) => {
      if (!data[p]) return;
      for (const f of data[p].features) pos[`${p}/${f.properties.unit_id}`] = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (!shown.has(p)) return;
      for (const f of data[p].features) {
        const u = f.properties;
        if ((e && u.echelon !== e) || (b && u.branch !== b)) continue;
        if (k && !((kinds[p] || {})[u.unit_id] || []).includes(k)) continue;
        const sym = symbol(p, u);
        if (!sym) continue;
        const [lon, lat] = f.geometry.coordinates;
        cands.push({ p, u, lat, lon, sym, rank: RANK[u.echelon] ?? 8, mine: p === own ? 0 : 1 });
      }
      unplaced += data[p].unplaced.length;
    });
    if (!fitted && cands.length) { // frame the data first, without animation, then place symbols
      fitted = true;
      map.fitBounds(cands.map((c) => [c.lat, c.lon]), { padding: [30, 30], animate: false, maxZoom: 7 });
      return draw();
    }
    // declutter: higher echelons first (then our own picture), each placed only where it overlaps
    // nothing placed before; the ones it covers are counted on it and listed in its tooltip
    cands.sort((x, y) => x.rank - y.rank || x.mine - y.mine || x.u.designation.localeCompare(y.u.designation));
    const placed = [];
    for (const c of cands) {
      const sz = c.sym.getSize(), a = c.sym.getAnchor();
      const pt = map.latLngToContainerPoint([c.lat, c.lon]);
      c.box = { x0: pt.x - a.x - 1, y0: pt.y - a.y - 1, x1: pt.x - a.x + sz.width + 1, y1: pt.y - a.y + sz.height + 1 };
      const over = placed.find((q) => c.box.x0 < q.box.x1 && q.box.x0 < c.box.x1 && c.box.y0 < q.box.y1 && q.box.y0 < c.box.y1);
      if (over) { over.covered.push(c); continue; }
      c.covered = [];
      placed.push(c);
    }
    for (const c of placed) {
      const sz = c.sym.getSize(), a = c.sym.getAnchor();
      const more = c.covered.length ? `<span class="covered" title="${esc(c.covered.map((x) => x.p + " " + x.u.designation).join(", "))}">+${c.covered.length}</span>` : "";
      const icon = L.divIcon({ className: "sym unit-symbol" + (c.p === "AGREED" ? " agreed-symbol" : ""), html: c.sym.asSVG() + more, iconSize: [sz.width, sz.height], iconAnchor: [a.x, a.y] });
      const m = L.marker([c.lat, c.lon], { icon, title: `${c.p} ${c.u.designation}`, keyboard: true }).addTo(layer);
      m.on("click", () => (c.covered.length && map.getZoom() < map.getMaxZoom() - 2 ? map.setView([c.lat, c.lon], map.getZoom() + 2) : showUnit(c.p, c.u)));
    }
    // a line from our position to theirs for each location discrepancy (both pictures shown)
    let lines = 0;
    for (const p of partners) {
      if (!shown.has(p) || !shown.has(own) || p === own) continue;
      for (const d of pairs[p] || []) {
        if (d.kind !== "location") continue;
        const a = pos[`${own}/${d.ours}`], z = pos[`${p}/${d.theirs}`];
        if (!a || !z) continue;
        L.polyline([a, z], { pane: "lines", color: "#b3261e", weight: 2, dashArray: "5 4", className: "disc-line" })
          .bindTooltip(`${esc(d.ours)} → ${esc(d.theirs)}: ${d.distance_km != null ? d.distance_km + " km" : "location differs"}`, { sticky: true })
          .addTo(discLayer);
        lines++;
      }
    }
    document.body.dataset.symbols = String(placed.length);
    document.body.dataset.covered = String(cands.length - placed.length);
    document.body.dataset.lines = String(lines);
    const at = validAt();
    document.getElementById("f-time-label").textContent = at ? "as of " + at.toISOString().slice(0, 10) + ` (${Number(slider.value) + 1} of ${dates.length} observation dates)` : "now";
    if (datePick && at) datePick.value = at.toISOString().slice(0, 10);
    const hidden = cands.length - placed.length;
    status.textContent = `${placed.length} symbols drawn` + (hidden ? `, ${hidden} under them (zoom in)` : "") + (unplaced ? `, ${unplaced} units without position` : "");
  }

  async function showUnit(partner, u) {
    const panel = document.getElementById("unit-panel");
    const body = document.getElementById("unit-body");
    panel.hidden = false;
    body.innerHTML = `<h2>${esc(u.designation)}</h2><p class="muted">${esc(partner)} · ${esc(u.unit_id)} · ${esc(u.echelon)} ${esc(u.branch)}</p><p>loading history…</p>`;
    map.invalidateSize();
    if (partner === "AGREED") {  // provenance of each agreed fact, and what is not agreed
      body.innerHTML = `<h2>${esc(u.designation)}</h2><p class="muted">agreed · ${esc(u.unit_id)} · ${esc(u.echelon)} ${esc(u.branch)}</p>` +
        `<p id="agreed-notes">${esc(u.notes)}</p><p>${esc(u.place)} ${esc(u.strength)}</p>`;
      return;
    }
    try {
      const h = await window.liaisonFetch(`/api/v1/pictures/${encodeURIComponent(partner)}/units/${encodeURIComponent(u.unit_id)}/history`);
      const rows = h.history.map((o) => `<tr><td>${esc((o.valid_at || "").slice(0, 10))}</td><td>${esc(o.place)}${o.lat != null ? `<br><span class="muted">${o.lat.toFixed(2)}, ${o.lon.toFixed(2)}</span>` : ""}</td>` +
        `<td>${esc(o.source || "—")} ${esc(o.reliability || "")}${esc(o.credibility || "")}</td><td>${esc(o.strength)} ${esc(Object.entries(o.equipment || {}).map(([a, n]) => a + "=" + n).join("; "))}</td><td>${o.kind === "retraction" ? "retraction" : o.retracted ? "retracted" : ""}</td></tr>`).join("");
      body.innerHTML = `<h2>${esc(u.designation)}</h2><p class="muted">${esc(partner)} · ${esc(u.unit_id)} · ${esc(u.echelon)} ${esc(u.branch)} · parent ${esc(u.parent_id || "—")}</p>` +
        `<p><a id="unit-page" href="/units/${encodeURIComponent(partner)}/${encodeURIComponent(u.unit_id)}">Unit page: discrepancies, counterparts, reports</a> · <button type="button" id="unit-track">Show track</button></p>` +
        `<h3>History and sources</h3><table class="grid" id="unit-history"><thead><tr><th>Valid</th><th>Place</th><th>Source, grading</th><th>Strength, equipment</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
      document.getElementById("unit-track").addEventListener("click", () => track(partner, h.history));
    } catch (e) {
      body.insertAdjacentHTML("beforeend", `<p class="error">${esc(e.message)}</p>`);
    }
  }

  // a unit's track: its observed positions in valid-time order, each dated
  function track(partner, history) {
    trackLayer.clearLayers();
    const pts = history.filter((o) => o.kind !== "retraction" && !o.retracted && o.lat != null).map((o) => ({ ll: [o.lat, o.lon], t: (o.valid_at || "").slice(0, 10) }));
    if (!pts.length) return;
    L.polyline(pts.map((x) => x.ll), { pane: "lines", color: colour[partner] || "#333", weight: 3, className: "unit-track" }).addTo(trackLayer);
    pts.forEach((x, i) => L.circleMarker(x.ll, { pane: "lines", radius: 4, color: colour[partner] || "#333", fillColor: i === pts.length - 1 ? colour[partner] : "#fff", fillOpacity: 1, className: "track-point" })
      .bindTooltip(x.t).addTo(trackLayer));
    document.body.dataset.track = String(pts.length);
    if (pts.length > 1) map.fitBounds(pts.map((x) => x.ll), { padding: [40, 40], maxZoom: 8 });
  }

  document.getElementById("unit-close").addEventListener("click", () => { document.getElementById("unit-panel").hidden = true; trackLayer.clearLayers(); map.invalidateSize(); });
  document.querySelectorAll(".f-partner, #f-echelon, #f-branch, #f-kind").forEach((x) => x.addEventListener("change", draw));
  map.on("zoomend", draw);
  let timer = null;
  slider.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  if (datePick) {
    datePick.addEventListener("change", () => {
      const want = Date.parse(datePick.value + "T23:59:59Z");
      if (isNaN(want) || !dates.length) return;
      let i = dates.length - 1;
      while (i > 0 && dates[i] > want) i--; // the last observation date on or before the day
      slider.value = String(dates[i] > want ? 0 : i);
      load();
    });
  }
  loadDates().then(load).then(loadKinds);
})();
