// The ORBAT page: the partner's hierarchy as a collapsible tree with APP-6D symbols.
(function () {
  "use strict";
  const box = document.getElementById("orbat-tree");
  if (!box) return;
  const partner = box.dataset.partner;
  const status = document.getElementById("orbat-status");

  function node(n) {
    const li = document.createElement("li");
    li.className = "node";
    li.dataset.unit = n.unit_id;
    // a toggle only where there is something to fold; a leaf keeps the indent, not a button
    const t = document.createElement(n.children.length ? "button" : "span");
    t.className = "toggle";
    if (n.children.length) {
      t.type = "button";
      t.textContent = "▾";
      t.setAttribute("aria-expanded", "true");
      t.setAttribute("aria-label", `Fold ${n.designation}`);
      t.addEventListener("click", () => {
        li.classList.toggle("collapsed");
        setToggle(t, li.classList.contains("collapsed"));
      });
    } else {
      t.setAttribute("aria-hidden", "true");
    }
    li.appendChild(t);
    if (n.sidc) {
      try {
        const span = document.createElement("span");
        span.className = "unit-symbol";
        span.innerHTML = new ms.Symbol(n.sidc, { size: 16 }).asSVG();
        li.appendChild(span);
      } catch (e) { /* an unknown SIDC leaves just the name */ }
    }
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = `${n.designation} `;
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = `${n.unit_id} · ${n.echelon || "?"}${n.branch ? " · " + n.branch : ""}${n.placed ? "" : " · no position"}`;
    const marks = window.liaisonBadges(document.createElement("span"), n.marking);
    marks.className = "marks";
    li.append(label, meta, document.createTextNode(" "), marks);
    if (n.children.length) {
      const ul = document.createElement("ul");
      n.children.forEach((c) => ul.appendChild(node(c)));
      li.appendChild(ul);
    }
    return li;
  }

  window.liaisonFetch(`/api/v1/pictures/${encodeURIComponent(partner)}/tree`).then((t) => {
    const ul = document.createElement("ul");
    t.roots.forEach((r) => ul.appendChild(node(r)));
    box.appendChild(ul);
    status.textContent = `${t.units} units, ${t.roots.length} at the top`;
  }).catch((e) => { status.textContent = "could not load the tree: " + e.message; });

  function setToggle(t, collapsed) {
    t.textContent = collapsed ? "▸" : "▾";
    t.setAttribute("aria-expanded", collapsed ? "false" : "true");
  }

  function all(collapse) {
    box.querySelectorAll("li.node").forEach((li) => {
      if (!li.querySelector("ul")) return;
      li.classList.toggle("collapsed", collapse);
      setToggle(li.querySelector(".toggle"), collapse);
    });
  }
  document.getElementById("expand-all").addEventListener("click", () => all(false));
  document.getElementById("collapse-all").addEventListener("click", () => all(true));
})();
