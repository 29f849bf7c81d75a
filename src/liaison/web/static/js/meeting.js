// The meeting queue: one discrepancy at a time, both sides' facts side by side, keyboard driven.
// Keys: j / → / ↓ next, k / ← / ↑ previous, 1–4 pick a resolution, Enter submit, / comment.
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
  let all = [];
  let view = [];
  let pos = 0;
  let busy = false;

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
  }

  function applyFilter(keepId) {
    const f = $("filter").value;
    view = all.filter((d) => f === "all" || (f === "open" ? !d.resolution : !!d.resolution));
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
      $("empty").hidden = false;
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
    $("item-summary").textContent = (d.ours || "—") + " ↔ " + (d.theirs || "—") + ": " + d.summary;
    const body = $("facts");
    body.replaceChildren();
    const o = d.ours_facts || {};
    const t = d.theirs_facts || {};
    for (const f of FACTS) {
      const tr = document.createElement("tr");
      const differs = d.ours_facts && d.theirs_facts && fmt(o[f]) !== fmt(t[f]);
      const decided = d.fields.includes(f) || (f === "place" && d.kind === "location");
      const cls = differs && decided ? "differs" : "";
      cell(tr, f);
      cell(tr, d.ours_facts ? fmt(o[f]) : "(not reported)", cls);
      cell(tr, d.theirs_facts ? fmt(t[f]) : "(not reported)", cls);
      body.appendChild(tr);
    }
    $("suggested").textContent = "Suggested: " + d.suggested.resolution + " — " + d.suggested.reason;
    $("resolved-line").textContent = d.resolution
      ? "Resolved: " + d.resolution + " by " + d.resolved_by + " — " + (d.comment || "")
      : "Open";
    $("resolved-line").className = d.resolution ? "resolved" : "muted";
    const form = $("resolve-form");
    if (form) {
      const pick = d.resolution || d.suggested.resolution;
      for (const r of form.querySelectorAll("input[name=resolution]")) r.checked = r.value === pick;
      $("comment").value = d.resolution ? d.comment || "" : d.suggested.reason;
    }
    history.replaceState(null, "", "#d" + d.id);
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

  async function submit() {
    const form = $("resolve-form");
    if (!form || busy || !view.length) return;
    const d = view[pos];
    const chosen = form.querySelector("input[name=resolution]:checked");
    const comment = $("comment").value.trim();
    if (!chosen) return say("Pick a resolution (1–4) first.", true);
    if (!comment) {
      $("comment").focus();
      return say("A resolution needs a comment saying why.", true);
    }
    busy = true;
    try {
      const out = await window.liaisonFetch(
        "/api/v1/meetings/" + id + "/discrepancies/" + d.id + "/resolve",
        { method: "POST", body: { resolution: chosen.value, comment: comment } });
      Object.assign(d, { resolution: out.resolution, comment: out.comment, resolved_by: root.dataset.user || "you" });
      say("#" + d.id + " resolved: " + out.resolution + " (" + out.progress.resolved + " / " + out.progress.total + ")");
      progress();
      const next = view.findIndex((x, i) => i > pos && !x.resolution);
      const first = view.findIndex((x) => !x.resolution);
      applyFilter(next >= 0 ? view[next].id : first >= 0 ? view[first].id : d.id);
      if (document.activeElement === $("comment")) $("comment").blur();
    } catch (e) {
      say(e.message, true);
    } finally {
      busy = false;
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

  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const typing = ev.target && (ev.target.tagName === "TEXTAREA" || ev.target.tagName === "INPUT" && ev.target.type === "text");
    if (typing) {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); submit(); }
      else if (ev.key === "Escape") ev.target.blur();
      return;
    }
    if (ev.target && ev.target.tagName === "SELECT") return;
    const k = ev.key;
    if (k === "j" || k === "ArrowRight" || k === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (k === "k" || k === "ArrowLeft" || k === "ArrowUp") { ev.preventDefault(); move(-1); }
    else if (k >= "1" && k <= "4") { ev.preventDefault(); pick(Number(k) - 1); }
    else if (k === "Enter") { ev.preventDefault(); submit(); }
    else if (k === "/" && $("comment")) { ev.preventDefault(); $("comment").focus(); }
  });
  const form = $("resolve-form");
  if (form) form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  $("filter").addEventListener("change", () => applyFilter(view[pos] && view[pos].id));
  const closer = $("close-meeting");
  if (closer) closer.addEventListener("click", closeMeeting);

  (async function load() {
    try {
      const page = await window.liaisonFetch("/api/v1/meetings/" + id + "/discrepancies?status=all&limit=5000");
      all = page.items;
      progress();
      const m = /^#d(\d+)$/.exec(window.location.hash);
      applyFilter(m ? Number(m[1]) : undefined);
      root.dataset.ready = "true";
      if (!writable) say("Read only: " + (root.dataset.status === "open" ? "your role cannot resolve." : "the meeting is closed."));
    } catch (e) {
      say(e.message, true);
    }
  })();
})();
