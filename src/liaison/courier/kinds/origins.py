"""The originator's seal over the observations of one pouch (`courier.origin.seal_units`).

Collected by the registry after the units (it signs what they turned out to be); received before
them (the registry applies items first) and left for the units kind to check, which refuses a
pouch whose observations have no seal or do not match it.
"""

from __future__ import annotations

from typing import Any

from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing
from liaison.courier.origin import BATCH
from liaison.courier.records import PouchRejected

CACHE_KEY = "origin-batch"


def collect(out: Outgoing) -> Collected:
    return Collected([])  # filled by `registry.collect` once the units are known


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    if len(recs) > 1:
        raise PouchRejected("malformed", "a pouch carries one seal over its observations")
    if recs:
        inc.cache[CACHE_KEY] = recs[0]
    return {}


KIND = Kind("origins", "items", collect, receive, signed=(BATCH,), max_records=1)
