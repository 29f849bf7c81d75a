"""The browser verifier (static/verify/*.js) against a good seal and forgeries.

The same cases run through Node (when installed) and through Debian's Chromium via Playwright's
executable_path (never a browser download); each is skipped, saying so, when absent. Nothing is
fetched but the page, its scripts and the three signed list files."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import base45
import cbor2
import pytest
from nacl.signing import SigningKey

from liaison.evac import keys, seal, trust

STATIC = Path(__file__).parents[2] / "src/liaison/web/static/verify"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
TODAY = "1940-08-10"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _payload(no: str, nbf: date = date(1940, 8, 1), exp: date = date(1940, 9, 30)) -> dict:
    return seal.make_payload(
        no, "שפירא", "רחל", "SHPIRA", "RHL", date(1912, 3, 4), ["Kaunas", "Kobe"], nbf, exp
    )


def _changed_field(qr: str) -> str:
    tag = cbor2.loads(seal.unwrap(qr))
    parts = list(tag.value)
    doc = dict(cbor2.loads(parts[2]))
    doc["exp"] = "1941-12-31"
    parts[2] = cbor2.dumps(doc)
    raw = cbor2.dumps(cbor2.CBORTag(18, parts))
    return seal.PREFIX + base45.b45encode(zlib.compress(raw)).decode()


def _resting(no: str, visa: str) -> dict:
    p = _payload(no)
    p |= {"dd": visa, "ddi": "NL-KAUNAS", "dst": "Curaçao", "k": "f"}
    p["mem"] = [["שפירא", "חנה", "1934-06-01"]]
    return p


def _rewrap(raw: bytes, after_zlib: bytes = b"") -> str:
    return seal.PREFIX + base45.b45encode(zlib.compress(raw) + after_zlib).decode()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str]]]:
    """A served directory (page + signed lists) and {case: (qr text, expected reason)}."""
    d = tmp_path_factory.mktemp("verify")
    for f in STATIC.iterdir():
        shutil.copy(f, d / f.name)
    root = SigningKey.generate()
    jp = seal.Issuer.generate("JP-KAUNAS", "Consulate of Japan, Kaunas")
    nl = seal.Issuer.generate("NL-KAUNAS", "Dutch consul, Kaunas")
    issuers = [(i.kid, i.name, i.public) for i in (jp, nl)]
    revoked = {"JP-KAUNAS": ["KAU0000055"], "NL-KAUNAS": ["NLK0000028"]}
    keys.write_web_files(root, issuers, revoked, d)
    good = seal.seal(jp, _payload("KAU0000011"))
    cases = {
        "good": (good, "ok"),
        "second issuer": (seal.seal(nl, _payload("NLK0000017")), "ok"),
        "changed field": (_changed_field(good), "bad signature"),
        "rogue issuer": (
            seal.seal(seal.Issuer.generate("XX-ROGUE", "x"), _payload("X1")),
            "unknown issuer",
        ),
        "reused key id": (
            seal.seal(seal.Issuer.generate("JP-KAUNAS", "x"), _payload("X2")),
            "bad signature",
        ),
        "expired": (seal.seal(jp, _payload("KAU0000027", exp=date(1940, 8, 9))), "expired"),
        "not yet valid": (
            seal.seal(jp, _payload("KAU0000033", nbf=date(1940, 8, 11))),
            "not yet valid",
        ),
        "revoked": (seal.seal(jp, _payload("KAU0000055")), "revoked"),
        "truncated": (good[:-9], "malformed"),
        "garbled": (good[:20] + "a~" + good[22:], "malformed"),
        "other prefix": ("HC1:" + good[4:], "malformed"),
        "empty": ("", "malformed"),
        # issue 19 item 11: both verifiers refuse a byte after the COSE structure or the zlib
        # stream, and a seal inflating beyond the 64 KiB cap
        "byte after COSE": (_rewrap(seal.unwrap(good) + b"\x00"), "malformed"),
        "byte after zlib": (_rewrap(seal.unwrap(good), b"\x00"), "malformed"),
        "inflates beyond cap": (_rewrap(seal.unwrap(good) + bytes(70_000)), "malformed"),
        # issue 24: a transit document reports the destination visa it rests on
        "rests on a valid visa": (seal.seal(jp, _resting("KAU0000066", "NLK0000017")), "ok"),
        "rests on a revoked visa": (
            seal.seal(jp, _resting("KAU0000077", "NLK0000028")),
            "destination revoked",
        ),
    }
    # the Python verifier agrees on every case (same files)
    v = trust.Verifier.from_json(
        json.loads((d / "trust.json").read_text()),
        json.loads((d / "revocations.json").read_text()),
        bytes(root.verify_key),
    )
    for name, (qr, want) in cases.items():
        assert v.verify(qr, date.fromisoformat(TODAY)).reason == want, name
    return d, cases


@pytest.mark.skipif(NODE is None, reason="no Node.js installed: JS unit run skipped")
def test_verifier_js_in_node(world, tmp_path: Path) -> None:
    d, cases = world
    script = tmp_path / "run.mjs"
    script.write_text(
        f"""
import * as v from {json.dumps((d / "verify.js").as_uri())};
import fs from "fs";
const read = (f) => JSON.parse(fs.readFileSync({json.dumps(str(d))} + "/" + f));
const ctx = await v.loadTrust(read("trust.json"), read("revocations.json"), read("root.json").pub);
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {{}};
for (const [k, qr] of Object.entries(cases)) out[k] = (await v.verifySeal(qr, ctx, "{TODAY}")).reason;
let tampered = read("trust.json"); tampered.payload = tampered.payload.replace("Dutch", "Dutsh");
try {{ await v.loadTrust(tampered, null, read("root.json").pub); out.tampered = "accepted"; }}
catch (e) {{ out.tampered = String(e.message); }}
console.log(JSON.stringify(out));
"""
    )
    res = subprocess.run(
        [NODE, str(script)],
        input=json.dumps({k: qr for k, (qr, _) in cases.items()}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert {k: got[k] for k in cases} == {k: want for k, (_, want) in cases.items()}
    assert "signature does not verify" in got["tampered"]


@pytest.mark.skipif(NODE is None, reason="no Node.js installed: JS unit run skipped")
def test_js_and_python_agree_on_mutated_seals(world, tmp_path: Path) -> None:
    """300 random edits of a good seal: the JS and Python verifiers give the same reason, and
    only edits that leave the signed bytes unchanged (deflate padding bits) are accepted."""
    import random

    d, cases = world
    good = cases["good"][0]
    rnd = random.Random(5)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    muts: list[str] = []
    while len(muts) < 300:
        s = list(good)
        k = rnd.randrange(4, len(s))
        op = rnd.random()
        if op < 0.6:
            s[k] = rnd.choice(alphabet)
        elif op < 0.8:
            del s[k]
        else:
            s.insert(k, rnd.choice(alphabet))
        if "".join(s) != good:
            muts.append("".join(s))
    root = bytes.fromhex(json.loads((d / "root.json").read_text())["pub"])
    v = trust.Verifier.from_json(
        json.loads((d / "trust.json").read_text()),
        json.loads((d / "revocations.json").read_text()),
        root,
    )
    py = [v.verify(m, date.fromisoformat(TODAY)).reason for m in muts]
    script = tmp_path / "mut.mjs"
    script.write_text(
        f"""
import * as v from {json.dumps((d / "verify.js").as_uri())};
import fs from "fs";
const read = (f) => JSON.parse(fs.readFileSync({json.dumps(str(d))} + "/" + f));
const ctx = await v.loadTrust(read("trust.json"), read("revocations.json"), read("root.json").pub);
const out = [];
for (const m of JSON.parse(fs.readFileSync(0, "utf8"))) out.push((await v.verifySeal(m, ctx, "{TODAY}")).reason);
console.log(JSON.stringify(out));
"""
    )
    res = subprocess.run(
        [NODE, str(script)], input=json.dumps(muts), capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, res.stderr
    js = json.loads(res.stdout)
    assert js == py

    def same_document(m: str) -> bool:
        # an edit of the deflate stream's padding bits can leave the signed bytes unchanged
        try:
            return seal.unwrap(m) == seal.unwrap(good)
        except ValueError:
            return False

    assert [m for m, r in zip(muts, py, strict=True) if r == "ok"] == [
        m for m in muts if same_document(m)
    ]


@pytest.fixture(scope="module")
def server(world) -> Iterator[str]:
    d, _ = world
    handler = functools.partial(_Quiet, directory=str(d))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed (apt-get install chromium): browser test skipped",
)
def test_verifier_page_in_chromium(world, server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: browser test skipped"
    )
    d, cases = world
    bad = tmp_path / "bad"
    shutil.copytree(d, bad)
    t = json.loads((bad / "trust.json").read_text())
    t["payload"] = t["payload"].replace("Dutch", "Dutsh")
    (bad / "trust.json").write_text(json.dumps(t))
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server + "/index.html")
        page.wait_for_function("document.body.dataset.ready", timeout=15000)
        assert page.get_attribute("#trust-status", "data-state") == "ready", page.inner_text(
            "#trust-status"
        )
        got = {}
        for name, (qr, _) in cases.items():
            page.fill("#seal-text", qr)
            page.fill("#check-date", TODAY)
            page.evaluate("document.getElementById('verdict').dataset.reason = ''")
            page.click("#verify-button")
            page.wait_for_function(
                "document.getElementById('verdict').dataset.reason", timeout=5000
            )
            got[name] = page.get_attribute("#verdict", "data-reason")
            valid = page.get_attribute("#verdict", "data-valid")
            assert valid == str(got[name] == "ok").lower()
        page.fill("#seal-text", cases["good"][0])
        page.click("#verify-button")
        page.wait_for_function("document.getElementById('verdict').dataset.reason")
        shown = page.inner_text("#verdict")
        # the page without BarcodeDetector says so instead of failing silently
        page.set_input_files("#seal-image", str(d / "root.json"))
        page.wait_for_function("document.getElementById('image-status').textContent.length > 0")
        image_note = page.inner_text("#image-status")
        has_detector = page.evaluate("'BarcodeDetector' in globalThis")
        # a tampered trust list is refused and nothing is verified against it
        page2 = browser.new_page()
        page2.goto(server + "/index.html")
        page2.route("**/trust.json", lambda r: r.fulfill(path=str(bad / "trust.json")))
        page2.reload()
        page2.wait_for_function("document.body.dataset.ready", timeout=15000)
        state2 = page2.get_attribute("#trust-status", "data-state")
        text2 = page2.inner_text("#trust-status")
        browser.close()
    assert errors == []
    assert got == {k: want for k, (_, want) in cases.items()}
    assert "VALID" in shown and "KAU0000011" in shown and "Kaunas → Kobe" in shown
    if not has_detector:
        assert "BarcodeDetector" in image_note
    assert state2 == "error" and "signature does not verify" in text2
    served = {u.rsplit("/", 1)[-1] for u in requests}
    assert served <= {
        "index.html",
        "page.js",
        "verify.js",
        "verify.css",
        "trust.json",
        "revocations.json",
        "root.json",
        "favicon.ico",
    }
    assert all(u.startswith(server) for u in requests)
