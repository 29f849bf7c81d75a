// The map page: every visible picture on an offline Leaflet map, APP-6D symbols from milsymbol,
// filters (partner, echelon, branch, discrepancy kind), a valid-time slider, and a unit panel.
(function () {
  "use strict";
  const root = document.getElementById("mapview");
  if (!root) return;
  // the partners' pictures, and the agreed one (the third picture) when a meeting agreed one
  const agreed = root.dataset.agreed || "";
  const partners = (root.dataset.partners ? root.dataset.partners.split(",") : []).concat(agreed ? ["AGREED"] : []);
  const url = (p, q) => p === "AGREED" ? `/api/v1/meetings/${encodeURIComponent(agreed)}/agreed/units`
    : `/api/v1/pictures/${encodeURIComponent(p)}/units${q}`;
  const home = root.dataset.home === "1";
  const status = document.getElementById("map-status");
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const modes = ["Light", "Dark", "Medium"];

  const map = L.map("map", { worldCopyJump: false }).setView([50, 60], 3);
  const layer = L.layerGroup().addTo(map);
  const data = {}; // partner → FeatureCollection
  const kinds = {}; // partner → {unit_id: [kind]}
  let tMin = null, tMax = Date.now(), fitted = false;

  fetch("/api/v1/basemap", { credentials: "same-origin" }).then((r) => r.json()).then((geo) => {
    L.geoJSON(geo, { style: { color: "#999", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1 }, interactive: false }).addTo(map);
    layer.eachLayer((l) => l.bringToFront && l.bringToFront());
  }).catch(() => { /* the map still works without outlines */ });

  function validAt() {
    const v = Number(document.getElementById("f-time").value);
    if (v >= 100 || tMin === null) return null;
    return new Date(tMin + ((tMax - tMin) * v) / 100);
  }

  function fillSelect(id, values) {
    const sel = document.getElementById(id);
    if (!sel) return;
    const keep = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    for (const v of [...values].sort()) sel.add(new Option(v, v));
    sel.value = values.has(keep) ? keep : "";
  }

  async function load() {
    status.textContent = "loading…";
    const at = validAt();
    const q = at ? "?valid_at=" + encodeURIComponent(at.toISOString()) : "";
    try {
      await Promise.all(partners.map(async (p) => {
        data[p] = await window.liaisonFetch(url(p, q));
      }));
    } catch (e) {
      status.textContent = "could not load the pictures: " + e.message;
      return;
    }
    if (tMin === null) {
      for (const p of partners) {
        for (const f of data[p].features.concat(data[p].unplaced.map((x) => ({ properties: x })))) {
          const t = Date.parse(f.properties.observed_at);
          if (!isNaN(t) && (tMin === null || t < tMin)) tMin = t;
        }
      }
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
        k.kinds.forEach((x) => all.add(x));
      } catch (e) { kinds[p] = {}; }
    }
    fillSelect("f-kind", all);
  }

  function draw() {
    layer.clearLayers();
    const shown = new Set([...document.querySelectorAll(".f-partner:checked")].map((x) => x.value));
    const e = document.getElementById("f-echelon").value;
    const b = document.getElementById("f-branch").value;
    const kSel = document.getElementById("f-kind");
    const k = kSel ? kSel.value : "";
    let drawn = 0, unplaced = 0;
    const bounds = [];
    partners.forEach((p, i) => {
      if (!shown.has(p) || !data[p]) return;
      for (const f of data[p].features) {
        const u = f.properties;
        if ((e && u.echelon !== e) || (b && u.branch !== b)) continue;
        if (k && !((kinds[p] || {})[u.unit_id] || []).includes(k)) continue;
        const [lon, lat] = f.geometry.coordinates;
        let sym;
        try {
          const agreedOpts = p === "AGREED" ? { fillColor: "#7cc47c", infoColor: "#1d6b1d", frameColor: "#1d6b1d" } : { colorMode: modes[i % modes.length] };
          sym = new ms.Symbol(u.sidc || "10061000001211000000", Object.assign({ size: 22, uniqueDesignation: u.designation.slice(0, 14) }, agreedOpts));
        } catch (err) { continue; }
        const a = sym.getAnchor(), sz = sym.getSize();
        const icon = L.divIcon({ className: "sym unit-symbol" + (p === "AGREED" ? " agreed-symbol" : ""), html: sym.asSVG(), iconSize: [sz.width, sz.height], iconAnchor: [a.x, a.y] });
        const m = L.marker([lat, lon], { icon, title: `${p} ${u.designation}` }).addTo(layer);
        m.on("click", () => showUnit(p, u));
        bounds.push([lat, lon]);
        drawn++;
      }
      unplaced += data[p].unplaced.length;
    });
    document.body.dataset.symbols = String(drawn);
    const at = validAt();
    document.getElementById("f-time-label").textContent = at ? "as of " + at.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "now";
    status.textContent = `${drawn} symbols drawn` + (unplaced ? `, ${unplaced} units without position` : "");
    if (!fitted && bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); fitted = true; }
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
      const rows = h.history.map((o) => `<tr><td>${esc((o.valid_at || "").slice(0, 16))}</td><td>${esc(o.place)}${o.lat != null ? `<br><span class="muted">${o.lat.toFixed(2)}, ${o.lon.toFixed(2)}</span>` : ""}</td>` +
        `<td>${esc(o.source || "—")} ${esc(o.reliability || "")}${esc(o.credibility || "")}</td><td>${esc(o.strength)} ${esc(Object.entries(o.equipment || {}).map(([a, n]) => a + "=" + n).join("; "))}</td><td>${o.kind === "retraction" ? "retraction" : o.retracted ? "retracted" : ""}</td></tr>`).join("");
      body.innerHTML = `<h2>${esc(u.designation)}</h2><p class="muted">${esc(partner)} · ${esc(u.unit_id)} · ${esc(u.echelon)} ${esc(u.branch)} · parent ${esc(u.parent_id || "—")}</p>` +
        `<h3>History and sources</h3><table class="grid" id="unit-history"><thead><tr><th>Valid</th><th>Place</th><th>Source, grading</th><th>Strength, equipment</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
    } catch (e) {
      body.insertAdjacentHTML("beforeend", `<p class="error">${esc(e.message)}</p>`);
    }
  }

  document.getElementById("unit-close").addEventListener("click", () => { document.getElementById("unit-panel").hidden = true; map.invalidateSize(); });
  document.querySelectorAll(".f-partner, #f-echelon, #f-branch, #f-kind").forEach((x) => x.addEventListener("change", draw));
  let timer = null;
  document.getElementById("f-time").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load().then(loadKinds);
})();
