"""Our private keys for a server process (the web app), which cannot ask for a passphrase.

The CLI asks in a terminal or reads LIAISON_PASSPHRASE; a server reads the same variable and the
same key file (LIAISON_KEY_FILE, else the CLI's default beside the store), plus the keys retired
by rotation kept beside it, so pouches sealed to an old key in flight still open.
"""

from __future__ import annotations

import os
from pathlib import Path

from liaison.core.errors import ValidationError
from liaison.courier import keys
from liaison.courier.keys import KeyPair
from liaison.store.engine import default_sqlite_path


def key_file(partner: str) -> Path:
    """Where our private key lives: LIAISON_KEY_FILE, else the CLI's default for `partner`."""
    env = os.environ.get("LIAISON_KEY_FILE")
    return Path(env) if env else default_sqlite_path().parent / "keys" / f"{partner.upper()}.key"


def own_keyring(partner: str) -> list[KeyPair]:
    """Our current key first, then retired ones; a clear error when the server has none."""
    path = key_file(partner)
    secret = os.environ.get("LIAISON_PASSPHRASE")
    if not path.is_file():
        raise ValidationError(
            f"this server has no private key for {partner.upper()} (expected {path}; "
            "create it with `liaison keys init` or set LIAISON_KEY_FILE)"
        )
    if not secret:
        raise ValidationError("this server cannot unlock its key: set LIAISON_PASSPHRASE")
    ring = [keys.load_private(path, secret)]
    for old in sorted(path.parent.glob(f"{path.stem}-*.key")):
        ring.append(keys.load_private(old, secret))
    return ring
