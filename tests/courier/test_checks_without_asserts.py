"""Checks of received content are explicit, so they hold under `python -O` (which drops every
`assert`): hostile pouch contents and a hostile departures file are refused there too."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import liaison

SRC = Path(liaison.__file__).parent
# where partners' and users' content is read: pouches, seals and trust lists, imports, the store
GUARDED = ("courier", "evac", "orbat", "store")

SCRIPT = r"""
import base64, hashlib, json, sys
from datetime import UTC, datetime
from pathlib import Path

from liaison.core.errors import LiaisonError
from liaison.courier import keys, origin, records
from liaison.courier.canonical import canonical
from liaison.courier.envelope import seal_payload
from liaison.courier.keyring import add_partner_key
from liaison.courier.pouch import GENESIS, PouchRejected, open_file
from liaison.evac import routes
from liaison.orbat import partners
from liaison.store import Store

tmp = Path(sys.argv[1])
jp = Store(f"sqlite:///{tmp / 'jp.db'}")
kpl, kjp = keys.generate("PL"), keys.generate("JP")
with jp.begin() as conn:
    partners.add_partner(conn, "JP", "JP", is_self=True)
    partners.add_partner(conn, "PL", "PL")
    add_partner_key(conn, kpl.public)


def pouch(items):
    payload = canonical({"items": items, "units": [], "withheld": 0})
    fields = {
        "version": 2, "from": "PL", "to": "JP", "seq": 1, "prev": GENESIS,
        "created": "2026-01-01T00:00:00Z", "sender_key": kpl.public.fingerprint,
        "recipient_key": kjp.public.fingerprint, "units": 0,
        "counts": {k: len(v) for k, v in items.items()}, "keys": [],
    }
    return seal_payload(kpl, kjp.public, fields, payload)[0]


I = {"local_id": "I1", "intercepted_at": "1938-06-02T00:00:00Z", "ciphertext": "ZHOO",
     "solutions": [{"cipher": "caesar", "plaintext": "WELL", "solved_at": "1938-06-03T00:00:00Z"}]}
A = {"name": "a.txt", "content": base64.b64encode(b"hi").decode(),
     "sha256": hashlib.sha256(b"hi").hexdigest()}
R = {"local_id": "R1", "title": "T", "body": "B", "written_at": "1938-06-02T00:00:00Z",
     "attachments": [A]}
T = {"type": "retraction", "issuer": "PL", "kind": "report", "ref": "R9", "valid_at": None,
     "issued_at": "1938-06-04T00:00:00Z", "reason": None}
AT = datetime(1938, 6, 5, tzinfo=UTC)


def S(body):  # signed by PL as originator, passed straight to JP: only the fields are hostile
    return origin.wrap(kpl, "JP", body, AT)


cases = {
    "intercept ciphertext not text": {"intercepts": [S({**I, "ciphertext": 123})]},
    "intercept without id": {"intercepts": [S({**I, "local_id": ""})]},
    "intercept id not text": {"intercepts": [S({**I, "local_id": ["I1"]})]},
    "solution plaintext not text": {"intercepts": [S({**I, "solutions": [{**I["solutions"][0], "plaintext": 5}]})]},
    "solutions not a list": {"intercepts": [S({**I, "solutions": "x"})]},
    "intercept without its originator's signature": {"intercepts": [{**I, "originator": "PL"}]},
    "report without title": {"reports": [S({**R, "title": ""})]},
    "report body not text": {"reports": [S({**R, "body": {"x": 1}})]},
    "too many attachments": {"reports": [S({**R, "attachments": [{**A, "name": f"{i}.txt"} for i in range(21)]})]},
    "attachment digest wrong": {"reports": [S({**R, "attachments": [{**A, "sha256": "0" * 64}]})]},
    "attachment path name": {"reports": [S({**R, "attachments": [{**A, "name": "../etc/x"}]})]},
    "attachment name twice": {"reports": [S({**R, "attachments": [A, A]})]},
    "retraction of an unknown kind": {"retractions": [records.sign(kpl, {**T, "kind": "unit"})]},
    "retraction of an observation without its time": {"retractions": [records.sign(kpl, {**T, "kind": "observation"})]},
    "retraction ref not text": {"retractions": [records.sign(kpl, {**T, "ref": 7})]},
}
out = {"debug": __debug__, "refused": {}}
for name, items in cases.items():
    try:
        open_file(jp, kjp, pouch(items))
        out["refused"][name] = None
    except PouchRejected as exc:
        out["refused"][name] = exc.reason
out["control"] = open_file(jp, kjp, pouch({"intercepts": [S(I)], "reports": [S(R)]}))["items"]
deps = tmp / "deps.csv"
for name, row in {"negative leg": "D1,-1,Kaunas,Moscow,rail,1940-08-01,1940-08-02,40",
                  "negative seats": "D1,0,Kaunas,Moscow,rail,1940-08-01,1940-08-02,-3"}.items():
    deps.write_text("dep_id,leg,from,to,mode,day,arrive,seats\n" + row + "\n")
    try:
        with jp.begin() as conn:
            routes.import_departures(conn, deps)
        out["refused"][name] = None
    except LiaisonError as exc:
        out["refused"][name] = type(exc).__name__ + ": " + str(exc)
with jp.connect() as conn:
    out["departures"] = len(routes.departures(conn))
print(json.dumps(out))
"""


def test_no_assert_checks_content_where_content_is_read() -> None:
    found = []
    for pkg in GUARDED:
        for path in sorted((SRC / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(SRC)}:{n.lineno}"
                for n in ast.walk(tree)
                if isinstance(n, ast.Assert)
            ]
    assert not found, f"assert vanishes under python -O; raise a LiaisonError instead: {found}"


def test_hostile_content_is_refused_under_python_O(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-O", "-c", SCRIPT, str(tmp_path)],
        env={
            **os.environ,
            "PYTHONPATH": str(SRC.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["debug"] is False  # the asserts really were gone
    refused = out["refused"]
    courier = {k: v for k, v in refused.items() if not k.startswith("negative")}
    assert refused.pop("intercept without its originator's signature") == "unsigned-item"
    courier = {k: v for k, v in refused.items() if not k.startswith("negative")}
    assert courier and all(v == "malformed" for v in courier.values()), courier
    assert "ValidationError" in refused["negative leg"] and "column leg" in refused["negative leg"]
    assert (
        "ValidationError" in refused["negative seats"]
        and "column seats" in refused["negative seats"]
    )
    # the same harness opens a well-formed pouch, and nothing of a refused file was stored
    assert out["control"]["intercepts"] == 1 and out["control"]["attachments"] == 1
    assert out["departures"] == 0
