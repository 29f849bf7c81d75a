// The meeting queue: one discrepancy at a time, both sides' facts side by side, keyboard driven.
// Keys, only while focus is on the page itself (never on a link, button, field or radio group,
// which keep their own keys: Enter on "Close meeting" closes, arrows move between radios and
// scroll): j next, k previous, 1–4 pick a resolution, s take the suggestion, / comment,
// Enter resolve (also in the comment box; Shift+Enter for a new line).
// A resolution is written only for the item shown and only as the analyst chose it: the form is
// bound to that item's id and emptied whenever another item (or a new state of it) is shown,
// the suggestion is applied only by an explicit "s" / button, and the request states what the
// analyst saw (`replaces`), so the server refuses a repeat or a stale screen with 409.
// Data comes from the JSON API; all text is set with textContent (never parsed as HTML).
(function () {
  "use strict";
  const root = document.getElementById("meeting");
  if (!root) return;
  const id = root.dataset.meeting;
  const writable = root.dataset.canWrite === "true" && root.dataset.status === "open";
  const $ = (sel) => document.getElementById(sel);
  const FACTS = ["designation", "echelon", "branch", "parent_id", "place", "lat", "lon", "strength",
    "equipment", "sidc", "source", "reliability", "credibility", "observed_at"];
  const ORDER = ["ours", "theirs", "neither", "defer"];
  // Focus on any of these means the key is the control's, not the queue's.
  const CONTROLS = "a[href], area[href], button, input, select, textarea, summary, label, iframe, " +
    "[contenteditable]:not([contenteditable=false]), [role=button], [role=link], [role=radio], " +
    "[role=radiogroup], [role=checkbox], [role=menuitem], [role=tab], [role=textbox], " +
    "[tabindex]:not([tabindex='-1'])";
  let all = [];
  let view = [];
  let pos = 0;
  let busy = false;
  const names = { ours: {}, theirs: {} }; // unit id → designation, per side
  const RANKS = { high: 0, medium: 1, low: 2 };
  let sortKey = "id", sortDir = 1;
  let mini = null, miniLayer = null;

  function unitName(side, uid) {
    if (!uid) return "—";
    const n = names[side][uid];
    return n ? n + " (" + uid + ")" : uid;
  }
  function facts(d) { return d.ours_facts || d.theirs_facts || {}; }
  function status(d) {
    if (!d.resolution) return d.partner_position ? "open (" + root.dataset.partner + ": " + d.partner_position + ")" : "open";
    if (d.partner_position && d.partner_position !== d.resolution) return "disputed";
    return d.resolution;
  }
  function key(d, k) {
    if (k === "id") return d.id;
    if (k === "severity") return RANKS[d.severity] ?? 3;
    if (k === "unit") return (facts(d).designation || d.ours || d.theirs || "").toLowerCase();
    if (k === "echelon") return facts(d).echelon || "";
    if (k === "status") return status(d);
    if (k === "who") return d.resolved_by || "";
    return d[k] || "";
  }

  function say(text, bad) {
    const s = $("status");
    s.textContent = text;
    s.className = bad ? "error" : "muted";
  }

  function fmt(v) {
    if (v === null || v === undefined || v === "") return "—";
    if (typeof v === "object") {
      const keys = Object.keys(v);
      return keys.length ? keys.map((k) => k + " " + v[k]).join(", ") : "—";
    }
    return String(v);
  }

  function progress() {
    const done = all.filter((d) => d.resolution).length;
    const bar = $("progress");
    bar.max = all.length || 1;
    bar.value = all.length ? done : 1;
    $("progress-text").textContent = done + " / " + all.length + " resolved";
    const sides = $("sides-text");
    if (sides) {  // a meeting both sides hold: the partner's progress, agreements, disputes
      const theirs = all.filter((d) => d.partner_position).length;
      const agreed = all.filter((d) => d.resolution && d.resolution === d.partner_position).length;
      const disputed = all.filter((d) => d.resolution && d.partner_position && d.resolution !== d.partner_position).length;
      sides.textContent = root.dataset.partner + ": " + theirs + " / " + all.length + " · agreed " + agreed + " · disputed " + disputed;
    }
  }

  function applyFilter(keepId) {
    const f = $("filter").value;
    const kind = $("wl-kind").value, sev = $("wl-severity").value, ech = $("wl-echelon").value;
    const text = $("wl-text").value.trim().toLowerCase();
    view = all.filter((d) => (f === "all" || (f === "open" ? !d.resolution : !!d.resolution)) &&
      (!kind || d.kind === kind) && (!sev || d.severity === sev) && (!ech || facts(d).echelon === ech) &&
      (!text || [facts(d).designation, d.ours, d.theirs, (d.theirs_facts || {}).designation]
        .some((x) => x && String(x).toLowerCase().includes(text))));
    view.sort((a, b) => { const x = key(a, sortKey), y = key(b, sortKey); return (x < y ? -1 : x > y ? 1 : a.id - b.id) * sortDir; });
    const i = keepId === undefined ? -1 : view.findIndex((d) => d.id === keepId);
    pos = i >= 0 ? i : Math.max(0, view.findIndex((d) => !d.resolution));
    show();
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function show() {
    const item = $("item");
    if (!view.length) {
      item.hidden = true;
      $("item-map").hidden = true;
      $("empty").hidden = false;
      table();
      return;
    }
    $("empty").hidden = true;
    item.hidden = false;
    pos = Math.min(Math.max(pos, 0), view.length - 1);
    const d = view[pos];
    item.dataset.disc = d.id;
    $("item-title").textContent = "#" + d.id + " · " + d.kind + " · " + d.severity +
      " (" + (pos + 1) + " of " + view.length + ")";
    $("item-title").className = "sev-" + d.severity;
    $("item-summary").textContent = unitName("ours", d.ours) + " ↔ " + unitName("theirs", d.theirs) + ": " + d.summary;
    const body = $("facts");
    body.replaceChildren();
    const o = d.ours_facts || {};
    const t = d.theirs_facts || {};
    for (const f of FACTS) {
      const tr = document.createElement("tr");
      const differs = d.ours_facts && d.theirs_facts && fmt(o[f]) !== fmt(t[f]);
      const decided = d.fields.includes(f) || (f === "place" && d.kind === "location");
      const cls = differs && decided ? "differs" : "";
      cell(tr, f === "parent_id" ? "parent" : f);
      const ov = f === "parent_id" && o[f] ? unitName("ours", o[f]) : fmt(o[f]);
      const tv = f === "parent_id" && t[f] ? unitName("theirs", t[f]) : fmt(t[f]);
      cell(tr, d.ours_facts ? ov : "(not reported)", cls);
      cell(tr, d.theirs_facts ? tv : "(not reported)", cls);
      body.appendChild(tr);
    }
    $("suggested").textContent = "Suggested: " + d.suggested.resolution + " — " + d.suggested.reason;
    $("resolved-line").textContent = d.resolution
      ? "Resolved: " + d.resolution + " by " + d.resolved_by + " — " + (d.comment || "")
      : "Open";
    $("resolved-line").className = d.resolution ? "resolved" : "muted";
    if (root.dataset.shared === "joined") {
      const p = root.dataset.partner;
      $("partner-line").textContent = d.partner_position
        ? p + ": " + d.partner_position + " by " + (d.partner_by || p) + " — " + (d.partner_comment || "") +
          (d.resolution ? (d.resolution === d.partner_position ? " · agreed" : " · disputed") : "")
        : p + ": no position yet";
    }
    const mem = d.memory;
    $("memory-line").textContent = !mem ? "New this meeting." :
      mem.state + " in meeting " + mem.ref + (mem.changed ? " — changed: " + mem.changed.join(", ") : "");
    bind(d);
    table();
    miniMap(d);
    history.replaceState(null, "", "#d" + d.id);
  }

  // The worklist: every discrepancy in view, sortable and filterable; a row opens its item.
  function table() {
    const body = $("worklist-table").tBodies[0];
    body.replaceChildren();
    view.forEach((d, i) => {
      const tr = document.createElement("tr");
      if (i === pos) { tr.className = "current"; tr.setAttribute("aria-current", "true"); }
      const td = document.createElement("td");
      const b = document.createElement("button");
      b.type = "button"; b.className = "link"; b.textContent = "#" + d.id;
      b.addEventListener("click", () => { pos = i; show(); });
      td.appendChild(b); tr.appendChild(td);
      cell(tr, d.kind);
      cell(tr, d.severity, "sev-" + d.severity);
      cell(tr, facts(d).designation || d.ours || d.theirs || "—");
      cell(tr, facts(d).echelon || "");
      cell(tr, status(d), d.resolution ? "resolved" : "");
      cell(tr, d.resolved_by || "");
      tr.appendChild(window.liaisonBadges(document.createElement("td"), d.marking));
      body.appendChild(tr);
    });
    $("wl-count").textContent = view.length + " of " + all.length + " discrepancies";
  }

  // A small map of the item: our position, theirs, and the line between them.
  function miniMap(d) {
    const box = $("item-map");
    const o = d.ours_facts || {}, t = d.theirs_facts || {};
    const pts = [];
    if (o.lat != null && o.lon != null) pts.push({ ll: [o.lat, o.lon], who: "ours", c: "#1f5aa6" });
    if (t.lat != null && t.lon != null) pts.push({ ll: [t.lat, t.lon], who: "theirs", c: "#d9822b" });
    if (!pts.length || typeof L === "undefined") { box.hidden = true; return; }
    box.hidden = false;
    if (!mini) {
      mini = L.map(box, { zoomControl: false, attributionControl: false, keyboard: false });
      fetch("/api/v1/basemap", { credentials: "same-origin" }).then((r) => r.json()).then((geo) => {
        L.geoJSON(geo, { style: { color: "#999", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1 }, interactive: false }).addTo(mini).bringToBack();
      }).catch(() => {});
      miniLayer = L.layerGroup().addTo(mini);
    }
    mini.invalidateSize();
    miniLayer.clearLayers();
    for (const p of pts) {
      L.circleMarker(p.ll, { radius: 7, color: p.c, weight: 3, fillColor: "#ff8080", fillOpacity: 1 })
        .bindTooltip(p.who === "ours" ? "ours" : root.dataset.partner, { permanent: true, direction: "top" }).addTo(miniLayer);
    }
    if (pts.length === 2) {
      L.polyline(pts.map((p) => p.ll), { color: "#b3261e", weight: 2, dashArray: "5 4" }).addTo(miniLayer);
      mini.fitBounds(pts.map((p) => p.ll), { padding: [30, 30], maxZoom: 9 });
    } else {
      mini.setView(pts[0].ll, 7);
    }
    box.dataset.points = String(pts.length);
  }

  // The form belongs to one item in one state: showing another item, or this one after its
  // resolution changed, empties it, so nothing chosen for one item can be sent for another and
  // nothing is pre-selected that the analyst did not pick.
  function bind(d) {
    const form = $("resolve-form");
    if (!form) return;
    const key = d.id + ":" + (d.resolution || "");
    if (form.dataset.bound === key) return;
    form.dataset.bound = key;
    form.dataset.disc = String(d.id);
    form.dataset.replaces = d.resolution || "";
    $("resolve-disc").value = String(d.id);
    for (const r of form.querySelectorAll("input[name=resolution]")) r.checked = false;
    $("comment").value = "";
    $("resolve-legend").textContent = d.resolution
      ? "Change the resolution of #" + d.id + " (now: " + d.resolution + ")"
      : "Resolution of #" + d.id;
    $("resolve-button").textContent = d.resolution ? "Change #" + d.id + " (Enter)" : "Resolve #" + d.id + " (Enter)";
  }

  function move(step) {
    if (!view.length) return;
    pos = Math.min(Math.max(pos + step, 0), view.length - 1);
    show();
  }

  function pick(n) {
    const form = $("resolve-form");
    if (!form) return;
    const r = form.querySelector("input[name=resolution][value=" + ORDER[n] + "]");
    if (r) r.checked = true;
  }

  // The suggestion, applied only when the analyst asks for it (key s or the button), in view.
  function takeSuggestion() {
    const form = $("resolve-form");
    if (!form || !view.length) return;
    const d = view[pos];
    const r = form.querySelector("input[name=resolution][value=" + d.suggested.resolution + "]");
    if (r) r.checked = true;
    if (!$("comment").value.trim()) $("comment").value = d.suggested.reason;
    say("Suggestion taken for #" + d.id + ": " + d.suggested.resolution + ". Enter resolves it.");
  }

  async function submit() {
    const form = $("resolve-form");
    if (!form || busy || !view.length) return;
    const d = view[pos];
    // the item shown, the item the form was filled for and the item in the request are one
    if (form.dataset.disc !== String(d.id) || $("resolve-disc").value !== String(d.id)) {
      bind(d);
      return say("The form was for another item; pick a resolution for #" + d.id + ".", true);
    }
    const chosen = form.querySelector("input[name=resolution]:checked");
    const comment = $("comment").value.trim();
    if (!chosen) return say("Pick a resolution for #" + d.id + " (1–4, or s for the suggestion) first.", true);
    if (!comment) {
      $("comment").focus();
      return say("A resolution needs a comment saying why.", true);
    }
    busy = true;
    $("resolve-button").disabled = true;
    const replaces = form.dataset.replaces || null;
    try {
      const out = await window.liaisonFetch(
        "/api/v1/meetings/" + id + "/discrepancies/" + d.id + "/resolve",
        { method: "POST", body: { resolution: chosen.value, comment: comment, replaces: replaces } });
      Object.assign(d, { resolution: out.resolution, comment: out.comment, resolved_by: root.dataset.user || "you" });
      progress();
      const next = view.findIndex((x, i) => i > pos && !x.resolution);
      const first = view.findIndex((x) => !x.resolution);
      if (document.activeElement === $("comment")) $("comment").blur();
      applyFilter(next >= 0 ? view[next].id : first >= 0 ? view[first].id : d.id);
      const now = view.length ? view[pos] : null;
      say("#" + d.id + " resolved: " + out.resolution + " (" + out.progress.resolved + " / " + out.progress.total + ")." +
        (now && now.id !== d.id && !now.resolution ? " Now #" + now.id + ": pick a resolution." : ""));
    } catch (e) {
      say(e.message, true);
      if (e.status === 409) await load(d.id);  // someone (or a repeat) changed it: show what holds
    } finally {
      busy = false;
      $("resolve-button").disabled = false;
    }
  }

  async function closeMeeting() {
    try {
      await window.liaisonFetch("/api/v1/meetings/" + id + "/close", { method: "POST" });
      window.location.assign("/meetings/" + id + "/minutes");
    } catch (e) {
      say(e.message, true);
    }
  }

  // Is the key for a control (a link, button, field, radio group …) rather than for the queue?
  function onControl(t) {
    return t instanceof Element && t !== document.body && t !== document.documentElement &&
      t.closest(CONTROLS) !== null;
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing) return;
    const t = ev.target;
    if (t === $("comment")) {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        if (!ev.repeat) submit();  // a held key sends once; the next item's form is empty anyway
      } else if (ev.key === "Escape") t.blur();
      return;
    }
    if (onControl(t)) return;  // Enter on "Close meeting", "Minutes", "Sign out": theirs, not ours
    const k = ev.key;
    if (k === "j") { ev.preventDefault(); move(1); }
    else if (k === "k") { ev.preventDefault(); move(-1); }
    else if (k >= "1" && k <= "4") { ev.preventDefault(); pick(Number(k) - 1); }
    else if (k === "s" && $("resolve-form")) { ev.preventDefault(); takeSuggestion(); }
    else if (k === "Enter") { ev.preventDefault(); if (!ev.repeat) submit(); }
    else if (k === "/" && $("comment")) { ev.preventDefault(); $("comment").focus(); }
    // arrows, Page Up/Down, Space, Home/End: left to the browser (scrolling)
  });
  const form = $("resolve-form");
  if (form) form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  const taker = $("take-suggestion");
  if (taker) taker.addEventListener("click", takeSuggestion);
  $("filter").addEventListener("change", () => applyFilter(view[pos] && view[pos].id));
  for (const f of ["wl-kind", "wl-severity", "wl-echelon"]) $(f).addEventListener("change", () => applyFilter(view[pos] && view[pos].id));
  $("wl-text").addEventListener("input", () => applyFilter(view[pos] && view[pos].id));
  document.querySelectorAll("#worklist-table button.sort").forEach((b) => b.addEventListener("click", () => {
    const k = b.dataset.key;
    sortDir = sortKey === k ? -sortDir : 1;
    sortKey = k;
    document.querySelectorAll("#worklist-table th").forEach((th) => th.setAttribute("aria-sort", "none"));
    b.parentElement.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
    applyFilter(view[pos] && view[pos].id);
  }));

  async function loadNames() {
    const sides = { ours: root.dataset.ours, theirs: root.dataset.partner };
    await Promise.all(Object.entries(sides).map(async ([side, code]) => {
      if (!code) return;
      try {
        const fc = await window.liaisonFetch("/api/v1/pictures/" + encodeURIComponent(code) + "/units");
        for (const f of fc.features) names[side][f.properties.unit_id] = f.properties.designation;
        for (const u of fc.unplaced) names[side][u.unit_id] = u.designation;
      } catch (e) { /* ids stay as they are */ }
    }));
  }
  const closer = $("close-meeting");
  if (closer) closer.addEventListener("click", closeMeeting);

  async function load(keepId) {
    try {
      const page = await window.liaisonFetch("/api/v1/meetings/" + id + "/discrepancies?status=all&limit=5000");
      all = page.items;
      if (!Object.keys(names.ours).length) await loadNames();
      const fill = (sel, values) => { const el = $(sel); const keep = el.value; while (el.options.length > 1) el.remove(1);
        [...new Set(values.filter(Boolean))].sort().forEach((v) => el.add(new Option(v, v))); el.value = keep; };
      fill("wl-kind", all.map((d) => d.kind));
      fill("wl-echelon", all.map((d) => facts(d).echelon));
      progress();
      const m = /^#d(\d+)$/.exec(window.location.hash);
      applyFilter(keepId !== undefined ? keepId : m ? Number(m[1]) : undefined);
      root.dataset.ready = "true";
      if (!writable) say("Read only: " + (root.dataset.status === "open" ? "your role cannot resolve." : "the meeting is closed."));
    } catch (e) {
      say(e.message, true);
    }
  }
  load();
})();
