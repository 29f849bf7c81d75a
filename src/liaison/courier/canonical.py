"""RFC 8785 canonical JSON: the bytes we sign and hash, identical on every machine."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785


def canonical(obj: Any) -> bytes:
    return rfc8785.dumps(obj)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
