"""Serialized responses kept per (version, query): read-heavy routes check a cheap version query
and send cached bytes until what they depend on changes.

The map and the discrepancy queue are read far more often than they change, and building them
(folding a 3,000-unit picture, joining a queue page with both pictures) costs far more than the
version check. One cache per app and route name, bounded, least recently used out first.

`cached_response` also keeps a gzip copy of a large body, compressed once when it is built: a
client that accepts gzip (every browser) gets it, which spares the server sending 1.2 MB of map
data through the socket on every request and the network carrying it. Only bodies without
request text echoed in them are compressed (see `cached_response`).
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

#: Bodies smaller than this are sent as they are (compression would gain next to nothing).
GZIP_MIN = 4096


@dataclass(frozen=True)
class Body:
    """A cached response body and, when worth it, its gzip copy."""

    raw: bytes
    gz: bytes | None = None

    @classmethod
    def of(cls, raw: bytes, compress: bool) -> Body:
        if not compress or len(raw) < GZIP_MIN:
            return cls(raw)
        return cls(raw, gzip.compress(raw, compresslevel=6, mtime=0))


class ResponseCache:
    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.data: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.lock = threading.Lock()
        self.building: dict[tuple[Any, ...], threading.Lock] = {}

    def get(self, key: tuple[Any, ...]) -> Any:
        with self.lock:
            body = self.data.get(key)
            if body is not None:
                self.data.move_to_end(key)
            return body

    def get_or_build(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The cached body, or build it once: concurrent misses on one key wait for the first
        builder instead of all folding the same picture at once (a cold cache under load)."""
        body = self.get(key)
        if body is not None:
            return body
        with self.lock:
            gate = self.building.setdefault(key, threading.Lock())
        with gate:
            body = self.get(key)
            if body is None:
                body = build()
                self.put(key, body)
        with self.lock:
            self.building.pop(key, None)
        return body

    def put(self, key: tuple[Any, ...], body: Any) -> None:
        with self.lock:
            self.data[key] = body
            while len(self.data) > self.size:
                self.data.popitem(last=False)


_CREATE = threading.Lock()


def cache_for(request: Request, name: str, size: int = 64) -> ResponseCache:
    """The app's cache for one route family (created on first use)."""
    caches: dict[str, ResponseCache] | None = getattr(request.app.state, "response_caches", None)
    with _CREATE:
        if caches is None:
            caches = request.app.state.response_caches = {}
        if name not in caches:
            caches[name] = ResponseCache(size)
        return caches[name]


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() == "gzip":
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def cached_response(
    request: Request,
    name: str,
    key: tuple[Any, ...],
    build: Callable[[], bytes],
    media_type: str,
    *,
    compress: bool = True,
) -> Response:
    """The body for `key` from the route's cache (built once on a miss), gzip-encoded when the
    client accepts it. Pass ``compress=False`` for a body that echoes request text next to data
    (a search query): compressed sizes could then tell an observer whether the text guessed
    matches the data (BREACH)."""
    body: Body = cache_for(request, name).get_or_build(key, lambda: Body.of(build(), compress))
    headers = {"Vary": "Accept-Encoding"}
    if body.gz is not None and _accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return Response(body.gz, media_type=media_type, headers=headers)
    return Response(body.raw, media_type=media_type, headers=headers)
