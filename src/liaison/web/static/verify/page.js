// The verifier page: loads the signed lists, reads the seal (pasted text or an image through the
// browser's BarcodeDetector), verifies it with verify.js and shows the verdict for that one
// document only.
import { loadTrust, verifySeal } from "./verify.js";

const $ = (id) => document.getElementById(id);
const body = document.body;
// List URLs come from data-* attributes: on <body> in the static page, on <main> in the app.
const cfg = document.querySelector("[data-trust]") || body;
let ctx = null;

function todayIso() {
  return new Date().toISOString().slice(0, 10);
}

async function getJson(url) {
  const r = await fetch(url, { cache: "no-store", credentials: "omit" });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

async function init() {
  $("check-date").value = todayIso();
  const status = $("trust-status");
  if (!(globalThis.crypto && crypto.subtle) || typeof DecompressionStream === "undefined") {
    status.dataset.state = "error";
    status.textContent = "This browser lacks WebCrypto or DecompressionStream; use `liaison evac verify`.";
    return;
  }
  try {
    const [root, trust, rev] = await Promise.all([
      getJson(cfg.dataset.root),
      getJson(cfg.dataset.trust),
      getJson(cfg.dataset.revocations),
    ]);
    ctx = await loadTrust(trust, rev, root.pub);
    status.dataset.state = "ready";
    status.textContent =
      `Trust list of ${ctx.issuers.size} issuer(s) signed ${ctx.trustIssuedAt}; ` +
      `revocations as of ${ctx.revocationsIssuedAt}; root key ${ctx.rootFingerprint}.`;
  } catch (e) {
    ctx = null;
    status.dataset.state = "error";
    const msg = String(e && e.message ? e.message : e);
    status.textContent = /Ed25519|not supported|NotSupported/i.test(msg)
      ? `This browser cannot check Ed25519 signatures (${msg}); use \`liaison evac verify\`.`
      : `Trust list not usable: ${msg}`;
  }
}

function show(v) {
  const out = $("verdict");
  out.hidden = false;
  out.dataset.valid = String(v.valid);
  out.dataset.reason = v.reason;
  out.replaceChildren();
  const big = document.createElement("p");
  big.className = "big";
  big.textContent = v.valid ? "VALID" : `INVALID: ${v.reason}`;
  out.append(big);
  if (v.holder && v.reason !== "bad signature") {
    const dl = document.createElement("dl");
    const h = v.holder;
    const rows = [
      ["Number", v.number],
      ["Name", `${h.surname}, ${h.given_names}`],
      ["Name (ICAO)", `${h.surname_icao} ${h.given_names_icao}`],
      ["Born", h.birth_date],
      ["Route", h.route.join(" → ")],
      ["Valid", `${h.valid_from} to ${h.valid_until}`],
      ["Issuer", `${h.issuer_name} (${v.issuer})`],
    ];
    if (h.destination) rows.push(["Destination", h.destination]);
    if (v.destination) {
      const d = v.destination;
      rows.push(["Destination document", `${d.number || "none named"} (${d.issuer || "-"}): ${d.state}`]);
    }
    for (const m of h.members || []) rows.push(["Family member", `${m.surname}, ${m.given_names} (${m.birth_date})`]);
    if (v.covers > 1) rows.push(["People covered", String(v.covers)]);
    for (const [k, val] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = val ?? "";
      if (k === "Name") dd.dir = "auto";
      dl.append(dt, dd);
    }
    out.append(dl);
  } else if (v.issuer) {
    const p = document.createElement("p");
    p.textContent = `Key id in the seal: ${v.issuer}`;
    out.append(p);
  }
}

async function readImage(file) {
  const status = $("image-status");
  if (!("BarcodeDetector" in globalThis)) {
    status.textContent =
      "This browser cannot read QR codes from images (no BarcodeDetector). Paste the QR text, " +
      "or use `liaison evac verify PHOTO.jpg` on a laptop.";
    return;
  }
  try {
    const det = new BarcodeDetector({ formats: ["qr_code"] });
    const found = await det.detect(await createImageBitmap(file));
    if (!found.length) {
      status.textContent = "No QR code found in the image.";
      return;
    }
    $("seal-text").value = found[0].rawValue;
    status.textContent = "QR code read from the image.";
    await check();
  } catch (e) {
    status.textContent = `Could not read the image: ${e.message || e}`;
  }
}

async function check(ev) {
  if (ev) ev.preventDefault();
  if (!ctx) return;
  const v = await verifySeal($("seal-text").value, ctx, $("check-date").value || todayIso());
  show(v);
}

$("verify-form").addEventListener("submit", check);
$("seal-image").addEventListener("change", (e) => {
  const f = e.target.files && e.target.files[0];
  if (f) readImage(f);
});
init().then(() => {
  body.dataset.ready = ctx ? "true" : "error";
});
