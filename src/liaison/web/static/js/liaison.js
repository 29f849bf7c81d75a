// Shared page helpers. Every state-changing request carries the session's CSRF token.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";
  document.addEventListener("htmx:configRequest", (ev) => {
    ev.detail.headers["X-CSRF-Token"] = csrf;
  });
  // fetch() wrapper for page scripts: JSON in, JSON out, CSRF header, errors thrown with the
  // server's message.
  window.liaisonFetch = async function (url, options = {}) {
    const opts = Object.assign({ credentials: "same-origin" }, options);
    opts.headers = Object.assign({ "X-CSRF-Token": csrf, Accept: "application/json" }, options.headers || {});
    if (opts.body && typeof opts.body === "object" && !(opts.body instanceof FormData)) {
      opts.body = JSON.stringify(opts.body);
      opts.headers["Content-Type"] = "application/json";
    }
    const resp = await fetch(url, opts);
    const text = await resp.text();
    const data = text ? JSON.parse(text) : null;
    if (!resp.ok) {
      const detail = data && data.detail ? data.detail : resp.statusText;
      const err = new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
      err.status = resp.status;  // callers tell a conflict (409) from other refusals
      throw err;
    }
    return data;
  };
  // A table narrower than its content scrolls sideways (phones): make it reachable and
  // scrollable from the keyboard, and say what it is.
  function scrollables() {
    document.querySelectorAll("table.grid").forEach((t) => {
      if (t.scrollWidth > t.clientWidth + 1 || getComputedStyle(t).overflowX === "auto") {
        if (!t.hasAttribute("tabindex")) t.tabIndex = 0;
        if (!t.hasAttribute("aria-label")) {
          const h = t.closest("section, article, main");
          const title = h && h.querySelector("h1, h2, h3");
          t.setAttribute("aria-label", (title ? title.textContent.trim() + " — " : "") + "table, scrolls sideways");
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", scrollables);
  window.addEventListener("resize", scrollables);
  window.liaisonScrollables = scrollables;
})();

// TLP and REL TO badges drawn as templates/_markings.html draws them, into `el` (a cell or a span).
window.liaisonBadges = function (el, m) {
  if (!m) return el;
  const add = (cls, text) => {
    const s = document.createElement("span");
    s.className = "badge " + cls; s.textContent = text;
    if (el.childNodes.length) el.appendChild(document.createTextNode(" "));
    el.appendChild(s);
  };
  add("tlp-" + m.tlp.replace("+", "-"), "TLP:" + m.tlp);
  (m.rel_to || []).forEach((p) => add("rel", "REL TO " + p));
  if (m.orcon) add("rel", "ORCON");
  return el;
};
