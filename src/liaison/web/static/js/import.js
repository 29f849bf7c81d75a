// The import page: preview (validated, nothing written), row errors with line and column, then confirm.
(function () {
  "use strict";
  const form = document.getElementById("import-form");
  if (!form) return;
  const maxBytes = Number(document.getElementById("import-config").dataset.maxBytes);
  const result = document.getElementById("import-result");
  const summary = document.getElementById("import-summary");
  const table = document.getElementById("import-errors");
  const confirm = document.getElementById("import-confirm");
  const done = document.getElementById("import-done");
  const marking = document.getElementById("import-marking");
  const partner = document.getElementById("import-partner");

  // The marking fields start at the chosen partner's own setting and follow a change of partner.
  partner.addEventListener("change", () => {
    const m = JSON.parse(marking.dataset.markings)[partner.value];
    if (!m) return;
    document.getElementById("import-tlp").value = m.tlp;
    document.getElementById("import-rel-to").value = m.rel_to;
    document.getElementById("import-orcon").checked = m.orcon;
  });

  function show(r) {
    result.hidden = false;
    done.textContent = "";
    const tbody = table.querySelector("tbody");
    tbody.replaceChildren();
    if (r.ok) {
      summary.className = "ok";
      summary.textContent = `${r.file} (${r.marking}): ${r.rows} rows — ${r.new} new units, ${r.changed} changed, ${r.unchanged} unchanged` +
        (r.unplaced.length ? `, ${r.unplaced.length} without position` : "") + ". Nothing has been written yet.";
      table.hidden = true;
      confirm.hidden = false;
    } else {
      summary.className = "error";
      summary.textContent = `${r.detail} — fix the file and preview again.`;
      for (const e of r.errors) {
        const tr = document.createElement("tr");
        for (const v of [e.line == null ? "" : e.line, e.column || "", e.message]) {
          const td = document.createElement("td");
          td.textContent = v;
          tr.appendChild(td);
        }
        tbody.appendChild(tr);
      }
      table.hidden = false;
      confirm.hidden = true;
    }
  }

  async function send(url) {
    const file = document.getElementById("import-file").files[0];
    if (!file) throw new Error("choose a file first");
    if (file.size > maxBytes) throw new Error(`file too large: the limit is ${maxBytes / 1048576} MB`);
    return window.liaisonFetch(url, { method: "POST", body: new FormData(form) });
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      show(await send("/api/v1/imports/preview"));
    } catch (e) {
      result.hidden = false;
      summary.className = "error";
      summary.textContent = e.message;
      table.hidden = true;
      confirm.hidden = true;
    }
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      const r = await send("/api/v1/imports");
      done.className = "ok";
      done.textContent = `Imported: ${r.new} new units, ${r.changed} changed, ${r.unchanged} unchanged.`;
      confirm.hidden = true;
    } catch (e) {
      done.className = "error";
      done.textContent = "Nothing was written: " + e.message;
    } finally {
      confirm.disabled = false;
    }
  });
})();
