"""Issuer and root keys, and the signed trust files — kept as files, not in the store.

A checkpoint verifies with nothing but the trust list and the root public key, offline and with
no database; keeping keys and lists as plain files makes that simple to copy onto a laptop or a
web server, and keeps secret seeds out of a store that many people read.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from nacl.signing import SigningKey

from liaison.evac import trust


def write_key_pair(out: Path, kid: str, name: str = "") -> tuple[Path, Path]:
    """`<kid>.key` (secret seed, mode 0600) and `<kid>.pub` (JSON with the public key)."""
    k = SigningKey.generate()
    out.mkdir(parents=True, exist_ok=True)
    key, pub = out / f"{kid}.key", out / f"{kid}.pub"
    key.touch(mode=0o600)
    key.write_text(json.dumps({"kid": kid, "name": name, "seed": bytes(k).hex()}))
    pub.write_text(json.dumps({"kid": kid, "name": name, "pub": bytes(k.verify_key).hex()}))
    return key, pub


def write_trust_files(
    root: SigningKey,
    issuers: list[tuple[str, str, bytes]],
    revoked: dict[str, list[str]],
    out: Path,
    web: Path | None = None,
) -> int:
    """The COSE trust list for `evac verify`; with `web`, the browser's three JSON files too."""
    Path(out).write_bytes(trust.sign_trust_list(root, issuers, revoked))
    if web is not None:
        write_web_files(root, issuers, revoked, web)
    return len(issuers)


def write_web_files(
    root: SigningKey,
    issuers: list[tuple[str, str, bytes]],
    revoked: dict[str, list[str]],
    web: Path,
) -> None:
    """trust.json and revocations.json (each signed by the root) and root.json (the pin)."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    web.mkdir(parents=True, exist_ok=True)
    (web / "trust.json").write_text(json.dumps(trust.trust_json(root, issuers, now)))
    (web / "revocations.json").write_text(json.dumps(trust.revocation_json(root, revoked, now)))
    pin = {"kid": trust.ROOT_KID, "pub": bytes(root.verify_key).hex()}
    (web / "root.json").write_text(json.dumps(pin))
