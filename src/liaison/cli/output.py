"""Output helpers: every reporting command prints a rich table or, with --json, stable JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

console = Console()
err = Console(stderr=True)


def _default(o: Any) -> Any:
    if isinstance(o, datetime):
        from liaison.core.clock import iso

        return iso(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if hasattr(o, "to_dict"):
        return o.to_dict()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        sys.stdout.write(dumps(data) + "\n")
    else:
        render()


def read_presented(document: Path, signature: Path | None) -> tuple[bytes, dict[str, Any] | None]:
    """An agreed picture and, optionally, a signature file {"partner", "key", "sig"} as a user
    presents them to `verify`: read or refused with a ValidationError naming the file."""
    from liaison.core.errors import ValidationError

    if not document.is_file():
        raise ValidationError(f"no such file {document}")
    sig = None
    if signature:
        try:
            sig = json.loads(signature.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError(f"--signature: {exc}") from None
        if not isinstance(sig, dict):
            raise ValidationError("--signature: not a JSON object")
    return document.read_bytes(), sig


def option_time(value: str | None, name: str) -> datetime | None:
    """A time option ("--as-of", "--since"…) parsed, or None when not given; a bad value is a
    user error naming the option, never a traceback."""
    if not value:
        return None
    from liaison.core.clock import parse_time
    from liaison.core.errors import ValidationError

    try:
        return parse_time(value)
    except ValueError as exc:
        raise ValidationError(f"{name}: {exc}") from None
