"""Lookups remembered per store version, so a read request costs one query, not one per lookup.

Every request already asks the store who the caller is (the token or session is checked in the
database every time, so a sign-out, revocation or disabled account counts on the very next
request). The same statement returns the audit chain's newest entry number (`seq`). Every write is
audited in its own transaction, and writers append to the chain one at a time (SQLite's write
lock, PostgreSQL's table lock held to commit), so no write becomes visible without `seq` moving
past it. Facts the scope checks and cache keys need — the home partner, the partner list, release
policies, compartments, picture and queue versions — are therefore kept per `seq`: a read request
whose `seq` equals the one a fact was read at reuses it; any write anywhere makes them all be read
again. A short age limit (`TTL`) bounds what a write outside the library (no audit entry) could
leave stale.

Only safe requests (GET, HEAD, OPTIONS) use the memo: a change reads what its own transaction
wrote. Outside a request (CLI, tests calling the library) nothing is set and every lookup queries.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

#: Longest a remembered fact is reused even when `seq` has not moved (seconds).
TTL = 2.0


class SeqMemo:
    """Bounded map key → (seq, when read, value); one per app (store)."""

    def __init__(self, size: int = 4096, ttl: float = TTL) -> None:
        self.size, self.ttl = size, ttl
        self.data: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, seq: int, key: Hashable, read: Callable[[], T]) -> T:
        now = time.monotonic()
        with self.lock:
            hit = self.data.get(key)
            if hit is not None and hit[0] == seq and now - hit[1] < self.ttl:
                self.data.move_to_end(key)
                return hit[2]  # type: ignore[no-any-return]
        value = read()  # outside the lock: a slow read does not hold up other keys
        with self.lock:
            self.data[key] = (seq, now, value)
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


@dataclass(frozen=True)
class Facts:
    """What the middleware learnt about the store for this request."""

    seq: int
    memo: SeqMemo


_FACTS: ContextVar[Facts | None] = ContextVar("liaison_facts", default=None)


def begin(facts: Facts) -> Token[Facts | None]:
    return _FACTS.set(facts)


def end(token: Token[Facts | None]) -> None:
    _FACTS.reset(token)


def current_seq() -> int | None:
    """This read request's store version, or None outside one."""
    facts = _FACTS.get()
    return facts.seq if facts else None


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, reused while the store version stays the same (plain `read()` outside a read
    request). Values must not be changed by callers: return immutable ones."""
    facts = _FACTS.get()
    if facts is None:
        return read()
    return facts.memo.get(facts.seq, key, read)
