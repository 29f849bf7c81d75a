"""RFC 8785 canonical JSON: the bytes we sign and hash, identical on every machine.

`canonical` is the reference (the rfc8785 package, pure Python). `canonical_records` gives the
same bytes for a list of released records many times faster: orjson with sorted keys writes
exactly what RFC 8785 prescribes for strings (the same escapes, checked over every code point in
the tests), integers, booleans and null, and — once integral floats are written as integers, as
RFC 8785 does — for floats between 1e-4 and 1e16, where both give the shortest round-trip digits
in plain notation. What orjson cannot be vouched for (other floats, integers beyond ±2^53, keys
that are not ASCII, whose UTF-16 order may differ, tuples, subclasses) sends that record to the
reference instead; property tests check both agree.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import rfc8785

_MAX_INT = 2**53 - 1
_SORTED = orjson.OPT_SORT_KEYS


def canonical(obj: Any) -> bytes:
    return rfc8785.dumps(obj)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Slow(Exception):
    pass


def _fix(v: Any, keys: bool = False) -> Any:
    """`v` itself when orjson writes it as RFC 8785 does; a copy with integral floats as ints when
    that is all it takes; _Slow otherwise. Returning `v` itself keeps the common case copy-free.
    Keys are checked only with `keys` (see `canonical_records`)."""
    t = type(v)
    if t is str or v is None or t is bool:
        return v
    if t is int:
        if -_MAX_INT <= v <= _MAX_INT:
            return v
        raise _Slow
    if t is float:
        if v.is_integer() and abs(v) < 1e16:
            return int(v)  # RFC 8785 writes 40.0 as 40 (and -0.0 as 0)
        if 1e-4 <= abs(v) < 1e16:  # here orjson and ECMAScript agree digit for digit
            return v
        raise _Slow
    if t is dict:  # the common cases inline: a call per value costs more than the check
        if keys and not _bmp_keys(v):
            raise _Slow
        out = v
        for k, x in v.items():
            t = type(x)
            if t is str or x is None:
                continue
            if t is int and -_MAX_INT <= x <= _MAX_INT:
                continue
            if t is float and not x.is_integer() and 1e-4 <= abs(x) < 1e16:
                continue
            y = _fix(x, keys)
            if y is not x:
                if out is v:
                    out = dict(v)
                out[k] = y
        return out
    if t is list:
        out_l = v
        for i, x in enumerate(v):
            t = type(x)
            if t is str or x is None:
                continue
            if t is int and -_MAX_INT <= x <= _MAX_INT:
                continue
            y = _fix(x, keys)
            if y is not x:
                if out_l is v:
                    out_l = list(v)
                out_l[i] = y
        return out_l
    raise _Slow


def _bmp_keys(d: dict[Any, Any]) -> bool:
    """All keys are strings without characters beyond U+FFFF — then code-point order (orjson's)
    and UTF-16 order (RFC 8785's) agree."""
    try:
        joined = "".join(d)
    except TypeError:  # a key that is not a string
        return False
    return joined.isascii() or max(joined) < "\U00010000"


def canonical_records(records: list[dict[str, Any]]) -> bytes:
    """The RFC 8785 canonical JSON array of `records` (same bytes as `canonical(records)`).

    Keys are not checked record by record: only a character beyond U+FFFF can make the two key
    orders differ, and such a character is a four-byte sequence in the output — when there is
    none (a few memchr calls), no key has one. Otherwise the records are written again with
    their keys checked."""
    out = _records(records, keys=False)
    if any(b in out for b in _ASTRAL_LEADS):
        out = _records(records, keys=True)
    return out


_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")  # UTF-8 lead bytes of U+10000…


def _records(records: list[dict[str, Any]], *, keys: bool) -> bytes:
    fixed: list[Any] = []
    slow: dict[int, bytes] = {}
    for i, r in enumerate(records):
        try:
            fixed.append(_fix(r, keys))
        except _Slow:
            slow[i] = canonical(r)  # the reference writes it, or refuses it as it would anyway
            fixed.append(None)
    try:
        out = orjson.dumps(fixed, option=_SORTED)
    except orjson.JSONEncodeError:  # a lone surrogate, a non-string key: the reference decides
        return canonical(list(records))
    if not slow:
        return out
    # splice the reference's bytes in where the placeholders are: write each run of fast records
    # on its own so the placeholders never need to be found in the output
    parts: list[bytes] = []
    start = 0
    for i in sorted(slow):
        if i > start:
            parts.append(orjson.dumps(fixed[start:i], option=_SORTED)[1:-1])
        parts.append(slow[i])
        start = i + 1
    if start < len(fixed):
        parts.append(orjson.dumps(fixed[start:], option=_SORTED)[1:-1])
    return b"[" + b",".join(parts) + b"]"


def record_digests(records: list[dict[str, Any]]) -> bytes:
    """Each record's SHA-256 over its RFC 8785 canonical bytes, concatenated (32 bytes each):
    the fast writer where it is exact, the reference where it is not. What an originator's seal
    over many records signs (`courier.origin`)."""
    out = []
    sha = hashlib.sha256
    for r in records:
        try:
            data = orjson.dumps(_fix(r, True), option=_SORTED)
        except (_Slow, orjson.JSONEncodeError):
            data = canonical(r)
        out.append(sha(data).digest())
    return b"".join(out)


def canonical_fast(obj: dict[str, Any]) -> bytes:
    """`canonical(obj)` for one object, through the fast writer where it is exact (the same
    bytes, checked by the property tests of `canonical_records`)."""
    return canonical_records([obj])[1:-1]
