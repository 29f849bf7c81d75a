// Offline verifier for Liaison transit-document seals, in the browser, with no server lookup.
//
// A seal is "LV1:" + base45(zlib(COSE_Sign1)) with an EdDSA (Ed25519) signature, as in the EU
// Digital COVID Certificate. Everything here is plain JS with no dependency: base45, a small
// CBOR decoder (and the few bytes of encoder the COSE Sig_structure needs), zlib inflate through
// the browser's DecompressionStream('deflate'), and Ed25519 through WebCrypto. The trust list and
// revocation list are JSON files signed by a root key; both signatures are checked before use.
// Reasons match the Python verifier: ok, malformed, unknown issuer, bad signature, revoked,
// not yet valid, expired.

export const PREFIX = "LV1:";
const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const MAX_INFLATED = 65536; // a seal is a few hundred bytes: refuse anything bigger
const TRUST_TYPE = "liaison-evac-trust-list";
const REVOCATION_TYPE = "liaison-evac-revocations";

export class Malformed extends Error {}

// ---- base45 (RFC 9285) ----
export function base45Decode(text) {
  const out = [];
  const val = (ch) => {
    const v = B45.indexOf(ch);
    if (v < 0) throw new Malformed(`base45: bad character ${JSON.stringify(ch)}`);
    return v;
  };
  let i = 0;
  for (; i + 3 <= text.length; i += 3) {
    const n = val(text[i]) + val(text[i + 1]) * 45 + val(text[i + 2]) * 2025;
    if (n > 0xffff) throw new Malformed("base45: chunk out of range");
    out.push(n >> 8, n & 0xff);
  }
  const rest = text.length - i;
  if (rest === 2) {
    const n = val(text[i]) + val(text[i + 1]) * 45;
    if (n > 0xff) throw new Malformed("base45: last chunk out of range");
    out.push(n);
  } else if (rest === 1) {
    throw new Malformed("base45: dangling character");
  }
  return new Uint8Array(out);
}

// ---- zlib inflate through the browser ----
// A byte after the end of the zlib stream is refused (as the Python verifier refuses it). Some
// DecompressionStream implementations (Node's) ignore such bytes silently, so the stream is also
// inflated without its last byte: a complete stream that ends exactly at the input's end then
// fails (its Adler-32 trailer is cut), while one followed by extra bytes still succeeds.
export async function inflate(bytes) {
  const out = await inflateOnce(bytes);
  let trailing = true;
  try {
    await inflateOnce(bytes.subarray(0, bytes.length - 1));
  } catch {
    trailing = false;
  }
  if (trailing) throw new Malformed("zlib: bytes after the end of the stream");
  return out;
}

async function inflateOnce(bytes) {
  if (!bytes.length) throw new Malformed("zlib: empty");
  const ds = new DecompressionStream("deflate");
  const writer = ds.writable.getWriter();
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const parts = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_INFLATED) throw new Malformed("zlib: too large");
      parts.push(value);
    }
  } catch (e) {
    if (e instanceof Malformed) throw e;
    throw new Malformed(`zlib: ${e && e.message ? e.message : e}`);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- CBOR (RFC 8949), definite lengths only (what cbor2 writes) ----
export class Tag {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}

export function cborDecode(bytes) {
  let pos = 0;
  const need = (n) => {
    if (pos + n > bytes.length) throw new Malformed("CBOR: truncated");
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const arg = (info) => {
    if (info < 24) return info;
    if (info === 24) { need(1); return bytes[pos++]; }
    if (info === 25) { need(2); const v = view.getUint16(pos); pos += 2; return v; }
    if (info === 26) { need(4); const v = view.getUint32(pos); pos += 4; return v; }
    if (info === 27) {
      need(8);
      const v = view.getBigUint64(pos);
      pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Malformed("CBOR: integer too large");
      return Number(v);
    }
    throw new Malformed("CBOR: indefinite or reserved length");
  };
  const item = (depth) => {
    if (depth > 16) throw new Malformed("CBOR: nested too deep");
    need(1);
    const ib = bytes[pos++];
    const major = ib >> 5;
    const info = ib & 31;
    if (major === 7) {
      if (info === 20) return false;
      if (info === 21) return true;
      if (info === 22) return null;
      if (info === 23) return undefined;
      if (info === 25) { need(2); const v = getFloat16(view, pos); pos += 2; return v; }
      if (info === 26) { need(4); const v = view.getFloat32(pos); pos += 4; return v; }
      if (info === 27) { need(8); const v = view.getFloat64(pos); pos += 8; return v; }
      throw new Malformed("CBOR: unsupported simple value");
    }
    const n = arg(info);
    switch (major) {
      case 0: return n;
      case 1: return -1 - n;
      case 2: { need(n); const b = bytes.slice(pos, pos + n); pos += n; return b; }
      case 3: {
        need(n);
        const t = new TextDecoder("utf-8", { fatal: true });
        let s;
        try { s = t.decode(bytes.subarray(pos, pos + n)); } catch { throw new Malformed("CBOR: bad UTF-8"); }
        pos += n;
        return s;
      }
      case 4: {
        if (n > bytes.length) throw new Malformed("CBOR: array longer than input");
        const a = [];
        for (let i = 0; i < n; i++) a.push(item(depth + 1));
        return a;
      }
      case 5: {
        if (n > bytes.length) throw new Malformed("CBOR: map longer than input");
        const m = new Map();
        for (let i = 0; i < n; i++) {
          const k = item(depth + 1);
          if (typeof k !== "string" && typeof k !== "number") throw new Malformed("CBOR: map key type");
          if (m.has(k)) throw new Malformed("CBOR: duplicate map key");
          m.set(k, item(depth + 1));
        }
        return m;
      }
      case 6: return new Tag(n, item(depth + 1));
    }
    throw new Malformed("CBOR: bad major type");
  };
  const v = item(0);
  if (pos !== bytes.length) throw new Malformed("CBOR: trailing bytes");
  return v;
}

function getFloat16(view, pos) {
  const h = view.getUint16(pos);
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function cborHead(major, n) {
  if (n < 24) return [(major << 5) | n];
  if (n < 0x100) return [(major << 5) | 24, n];
  if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
  return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

// Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 §4.4)
export function sigStructure(protectedBytes, payload) {
  const ctx = new TextEncoder().encode("Signature1");
  const parts = [
    cborHead(4, 4),
    cborHead(3, ctx.length), ctx,
    cborHead(2, protectedBytes.length), protectedBytes,
    cborHead(2, 0),
    cborHead(2, payload.length), payload,
  ];
  const len = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---- COSE_Sign1 ----
export function coseOpen(raw) {
  let obj = cborDecode(raw);
  if (obj instanceof Tag) {
    if (obj.tag !== 18) throw new Malformed("not a COSE_Sign1 (tag)");
    obj = obj.value;
  }
  if (!Array.isArray(obj) || obj.length !== 4) throw new Malformed("not a COSE_Sign1 array");
  const [prot, , payload, sig] = obj;
  if (![prot, payload, sig].every((x) => x instanceof Uint8Array)) {
    throw new Malformed("COSE_Sign1 members have wrong types");
  }
  const hdr = cborDecode(prot);
  if (!(hdr instanceof Map) || hdr.get(1) !== -8) throw new Malformed("unsupported algorithm");
  const kid = hdr.get(4);
  if (!(kid instanceof Uint8Array)) throw new Malformed("no key id");
  let kidText;
  try { kidText = new TextDecoder("utf-8", { fatal: true }).decode(kid); } catch { throw new Malformed("key id not UTF-8"); }
  return { kid: kidText, protectedBytes: prot, payload, sig };
}

// ---- Ed25519 through WebCrypto ----
export function hexToBytes(hex) {
  if (typeof hex !== "string" || hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) {
    throw new Malformed("bad hex");
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

export async function ed25519Verify(pub, sig, data) {
  if (pub.length !== 32 || sig.length !== 64) return false;
  const key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, sig, data);
}

// ---- signed JSON lists (trust list, revocations) ----
export async function openSignedJson(doc, rootPub, type) {
  if (!doc || typeof doc.payload !== "string" || typeof doc.sig !== "string") {
    throw new Error(`${type}: not a signed list`);
  }
  const ok = await ed25519Verify(rootPub, hexToBytes(doc.sig), new TextEncoder().encode(doc.payload));
  if (!ok) throw new Error(`${type}: signature does not verify with the root key`);
  const body = JSON.parse(doc.payload);
  if (body.type !== type) throw new Error(`not a ${type} (type ${JSON.stringify(body.type)})`);
  return body;
}

// Load and check both lists; returns a verifier context (throws if either signature is bad).
export async function loadTrust(trustDoc, revocationDoc, rootPubHex) {
  const rootPub = hexToBytes(rootPubHex);
  const trust = await openSignedJson(trustDoc, rootPub, TRUST_TYPE);
  const rev = revocationDoc
    ? await openSignedJson(revocationDoc, rootPub, REVOCATION_TYPE)
    : { revoked: {}, issued_at: null };
  const issuers = new Map();
  for (const [kid, e] of Object.entries(trust.issuers || {})) {
    issuers.set(kid, { name: e.name, pub: hexToBytes(e.pub) });
  }
  const revoked = new Map();
  for (const [kid, numbers] of Object.entries(rev.revoked || {})) revoked.set(kid, new Set(numbers));
  return {
    issuers,
    revoked,
    trustIssuedAt: trust.issued_at,
    revocationsIssuedAt: rev.issued_at,
    rootFingerprint: await fingerprint(rootPub),
  };
}

async function fingerprint(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// Verify one seal as of `today` ("YYYY-MM-DD"). Returns {valid, reason, number, issuer, holder}.
export async function verifySeal(text, ctx, today) {
  const verdict = (valid, reason, extra = {}) => ({ valid, reason, number: null, issuer: null, holder: null, ...extra });
  let cose;
  try {
    const t = String(text || "").trim();
    if (!t.startsWith(PREFIX)) throw new Malformed(`missing prefix ${PREFIX}`);
    cose = coseOpen(await inflate(base45Decode(t.slice(PREFIX.length))));
  } catch (e) {
    return verdict(false, "malformed", { detail: String(e.message || e) });
  }
  const entry = ctx.issuers.get(cose.kid);
  if (!entry) return verdict(false, "unknown issuer", { issuer: cose.kid });
  let good = false;
  try {
    good = await ed25519Verify(entry.pub, cose.sig, sigStructure(cose.protectedBytes, cose.payload));
  } catch {
    good = false;
  }
  if (!good) return verdict(false, "bad signature", { issuer: cose.kid });
  let doc;
  try {
    const m = cborDecode(cose.payload);
    if (!(m instanceof Map)) throw new Malformed("payload not a map");
    doc = Object.fromEntries(m);
    for (const f of ["no", "nbf", "exp"]) if (typeof doc[f] !== "string") throw new Malformed(`no ${f}`);
    if (!DATE.test(doc.nbf) || !DATE.test(doc.exp)) throw new Malformed("bad date");
  } catch (e) {
    return verdict(false, "malformed", { issuer: cose.kid, detail: String(e.message || e) });
  }
  const holder = {
    surname: doc.sn, given_names: doc.gn, surname_icao: doc.sn_icao, given_names_icao: doc.gn_icao,
    birth_date: doc.dob, route: Array.isArray(doc.route) ? doc.route : [],
    valid_from: doc.nbf, valid_until: doc.exp, issuer_name: entry.name,
  };
  const kind = { d: "destination", f: "family" }[doc.k] || "transit";
  const members = Array.isArray(doc.mem) ? doc.mem.filter((m) => Array.isArray(m)) : [];
  holder.destination = typeof doc.dst === "string" ? doc.dst : "";
  holder.members = members.map((m) => ({ surname: m[0], given_names: m[1], birth_date: m[2] }));
  const extra = { number: doc.no, issuer: cose.kid, holder, kind, covers: 1 + members.length };
  if ((ctx.revoked.get(cose.kid) || new Set()).has(doc.no)) return verdict(false, "revoked", extra);
  if (today < doc.nbf) return verdict(false, "not yet valid", extra);
  if (today > doc.exp) return verdict(false, "expired", extra);
  if (kind === "destination") return verdict(true, "ok", extra);
  // The destination document a travel document rests on, from the signed lists alone (offline).
  let destination = { number: null, issuer: null, state: "missing" };
  if (typeof doc.dd === "string" && typeof doc.ddi === "string") {
    destination = { number: doc.dd, issuer: doc.ddi, state: "valid" };
    if (!ctx.issuers.has(doc.ddi)) destination.state = "missing";
    else if ((ctx.revoked.get(doc.ddi) || new Set()).has(doc.dd)) destination.state = "revoked";
  }
  extra.destination = destination;
  if (destination.state === "revoked") return verdict(false, "destination revoked", extra);
  return verdict(true, "ok", extra);
}
