// Open-source review: one candidate at a time, its documents with the mentions highlighted beside
// the candidate and the unit's current facts. Keys act only when no field or button has the
// focus; a decision names the candidate and the revision shown, so it applies to nothing else.
// All text is set with textContent (document text is never parsed as HTML).
(function () {
  "use strict";
  const root = document.getElementById("osint");
  if (!root) return;
  const writable = root.dataset.canWrite === "true";
  const $ = (id) => document.getElementById(id);
  const FACTS = [["designation", "designation"], ["unit", "unit_id"], ["echelon", "echelon"],
    ["branch", "branch"], ["place", "place"], ["lat", "lat"], ["lon", "lon"],
    ["valid_at", "observed_at"], ["reliability", "reliability"], ["credibility", "credibility"]];
  let items = [];
  let pos = 0;
  let shown = null; // {id, revision}: what a decision applies to
  let busy = false;

  function say(text, bad) {
    const s = $("status");
    s.textContent = text;
    s.className = bad ? "error" : "muted";
  }
  function fmt(v) {
    return v === null || v === undefined || v === "" ? "—" : String(v);
  }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function renderDocument(d) {
    const box = el("article");
    const src = d.source ? d.source.codename + " (" + d.source.reliability + ")" : "no source";
    box.appendChild(el("h3", d.title || d.origin));
    box.appendChild(el("p", [d.kind, d.language || "?", "published " + fmt(d.published), src,
      d.duplicate_of ? "repeats another report" : ""].filter(Boolean).join(" · "), "osint-meta muted"));
    const pre = el("div", undefined, "osint-doc");
    const text = d.text;
    let at = 0;
    let first = null;
    const spans = d.mentions.slice().sort((x, y) => x.start - y.start);
    for (const m of spans) {
      if (m.start < at) continue; // overlapping spans: the first wins
      pre.appendChild(document.createTextNode(text.slice(at, m.start)));
      const mark = el("mark", text.slice(m.start, m.end), m.this ? "this" : "");
      mark.title = (m.unit.designation || "") + (m.place ? " @ " + (m.place.name || m.place.text) : "") +
        (m.date ? " · " + m.date : "");
      if (m.this && !first) first = mark;
      pre.appendChild(mark);
      at = m.end;
    }
    pre.appendChild(document.createTextNode(text.slice(at)));
    if (d.truncated) pre.appendChild(el("p", "(text cut for display)", "muted"));
    box.appendChild(pre);
    return [box, first, pre];
  }

  function clearForm() {
    for (const f of ["unit", "place", "lat", "lon", "date", "credibility", "comment"]) {
      const i = $("f-" + f);
      if (i) i.value = "";
    }
  }

  async function show() {
    if (!items.length) {
      $("item").hidden = true;
      $("empty").hidden = false;
      shown = null;
      root.dataset.ready = "true";
      return;
    }
    pos = Math.min(Math.max(pos, 0), items.length - 1);
    const id = items[pos].id;
    let c;
    try {
      c = await window.liaisonFetch("/api/v1/osint/candidates/" + encodeURIComponent(id));
    } catch (e) {
      return say(e.message, true);
    }
    if (items[pos].id !== id) return; // moved on meanwhile
    $("empty").hidden = true;
    $("item").hidden = false;
    $("cand-title").textContent = c.designation + " · " + c.grade + " (" + (pos + 1) + " of " + items.length + ")";
    $("cand-line").textContent = (c.unit ? "unit " + c.unit : "new unit") +
      (c.match_score !== null ? " (match " + c.match_score.toFixed(2) + ")" : "") + " · " +
      c.corroboration + " independent source(s) · " + c.mentions + " mention(s) in " + c.documents +
      " document(s) · seen " + c.first_seen + (c.last_seen !== c.first_seen ? " to " + c.last_seen : "");
    const ul = $("reasons");
    ul.replaceChildren();
    for (const r of c.reasons) ul.appendChild(el("li", r));
    for (const r of c.contradictions) ul.appendChild(el("li", "contradiction: " + r, "osint-contra"));
    const body = $("facts");
    body.replaceChildren();
    const u = c.unit_facts || {};
    for (const [mine, theirs] of FACTS) {
      const tr = el("tr");
      tr.appendChild(el("td", mine));
      tr.appendChild(el("td", fmt(c[mine])));
      tr.appendChild(el("td", c.unit_facts ? fmt(u[theirs]) : "(not in the picture)"));
      body.appendChild(tr);
    }
    $("decided").textContent = c.status === "pending"
      ? "Pending (revision " + c.revision + ")" + (c.edited ? ", edited" : "")
      : c.status + " by " + c.decided_by + " at " + c.decided_at;
    const docs = $("documents");
    docs.replaceChildren();
    let firstMark = null;
    let firstBox = null;
    for (const d of c.documents_detail) {
      const [box, mark, pre] = renderDocument(d);
      docs.appendChild(box);
      if (mark && !firstMark) { firstMark = mark; firstBox = pre; }
    }
    if (firstMark && firstBox) firstBox.scrollTop = Math.max(0, firstMark.offsetTop - firstBox.offsetTop - 60);
    shown = c.status === "pending" ? { id: c.id, revision: c.revision } : null;
    clearForm();
    const form = $("decide");
    if (form) form.hidden = !shown;
    root.dataset.shown = c.id;
    root.dataset.ready = "true";
    history.replaceState(null, "", "#c" + c.id);
  }

  async function load(keepId) {
    try {
      const page = await window.liaisonFetch("/api/v1/osint/candidates?limit=5000&status=" + $("filter").value);
      items = page.items;
      const n = page.counts;
      $("counts").textContent = "pending " + n.pending + " · accepted " + n.accepted + " · rejected " + n.rejected;
      const i = keepId ? items.findIndex((x) => x.id === keepId) : -1;
      pos = i >= 0 ? i : Math.min(pos, Math.max(0, items.length - 1));
      await show();
    } catch (e) {
      say(e.message, true);
    }
  }

  function edits() {
    const out = {};
    for (const f of ["unit", "place", "date"]) {
      const v = $("f-" + f).value.trim();
      if (v) out[f] = v;
    }
    for (const f of ["lat", "lon", "credibility"]) {
      const v = $("f-" + f).value.trim();
      if (v) out[f] = Number(v);
    }
    return out;
  }

  async function decide(action) {
    if (!writable || busy || !shown) return;
    const target = shown;
    const body = { revision: target.revision, edits: edits() };
    const comment = $("f-comment").value.trim();
    if (comment) body.comment = comment;
    if (action === "edit" && !Object.keys(body.edits).length) {
      $("f-unit").focus();
      return say("Type the corrections first, then save the edit (Enter in a field).");
    }
    busy = true;
    try {
      const out = await window.liaisonFetch(
        "/api/v1/osint/candidates/" + encodeURIComponent(target.id) + "/" + action,
        { method: "POST", body: body });
      say(action === "accept" ? "Accepted: observation " + out.observation_id + " in " + (out.unit || "") :
        action === "reject" ? "Rejected." : "Edited (revision " + out.revision + ").");
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      await load(action === "edit" ? target.id : undefined);
    } catch (e) {
      say(e.message, true);
    } finally {
      busy = false;
    }
  }

  function move(step) {
    if (!items.length) return;
    pos = Math.min(Math.max(pos + step, 0), items.length - 1);
    show();
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const t = ev.target;
    const control = t && t !== document.body && t.closest && t.closest("input, textarea, select, button, a, [contenteditable]");
    if (control) {
      if (t.tagName === "INPUT" && ev.key === "Enter") { ev.preventDefault(); decide("edit"); }
      else if (ev.key === "Escape" && t.blur) t.blur();
      return; // keys act only when focus is not on another control
    }
    const k = ev.key;
    if (k === "j" || k === "ArrowRight") { ev.preventDefault(); move(1); }
    else if (k === "k" || k === "ArrowLeft") { ev.preventDefault(); move(-1); }
    else if (k === "a") { ev.preventDefault(); decide("accept"); }
    else if (k === "r") { ev.preventDefault(); decide("reject"); }
    else if (k === "e" && $("f-unit")) { ev.preventDefault(); $("f-unit").focus(); }
  });
  for (const [id, action] of [["do-accept", "accept"], ["do-edit", "edit"], ["do-reject", "reject"]]) {
    const b = $(id);
    if (b) b.addEventListener("click", () => decide(action));
  }
  $("filter").addEventListener("change", () => { pos = 0; load(); });
  const m = /^#c([0-9a-f-]+)$/.exec(window.location.hash);
  load(m ? m[1] : undefined);
})();
