"""Serialized responses kept per (version, query): read-heavy routes check a cheap version query
and send cached bytes until what they depend on changes.

The map and the discrepancy queue are read far more often than they change, and building them
(folding a 3,000-unit picture, joining a queue page with both pictures) costs far more than the
version check. One cache per app and route name, bounded, least recently used out first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import Request


class ResponseCache:
    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.data: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self.lock = threading.Lock()
        self.building: dict[tuple[Any, ...], threading.Lock] = {}

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self.lock:
            body = self.data.get(key)
            if body is not None:
                self.data.move_to_end(key)
            return body

    def get_or_build(self, key: tuple[Any, ...], build: Callable[[], bytes]) -> bytes:
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

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
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
