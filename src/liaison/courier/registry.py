"""The registry of record kinds: what a pouch carries, in the order it is applied on arrival.

The pouch (`pouch.py`) knows kinds only through this list; each kind lives in its own module under
`courier/kinds/` and exports one `KIND` (see `kinds/base.py` for the contract). A new kind is one
new module plus one line in `KINDS` (in the "items" slot: the pouch format does not change, and
an older Liaison refuses a pouch carrying it as `malformed` — deny by default).

Order matters on arrival: key events first (they may announce the key the pouch is signed
with), acknowledgements, then the items, retractions after what they may retract, and the units
last.
"""

from __future__ import annotations

from typing import Any

from liaison.courier import origin, records
from liaison.courier.kinds import (
    acks,
    burns,
    coalition,
    evac,
    intercepts,
    key_events,
    meetings,
    observations,
    origins,
    outcomes,
    reports,
    requirement,
    retractions,
)
from liaison.courier.kinds.acks import last_acked, make_ack
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing, Slot
from liaison.courier.records import PouchRejected

KINDS: tuple[Kind, ...] = (
    key_events.KIND,  # manifest "keys"
    acks.KIND,
    intercepts.KIND,
    reports.KIND,
    retractions.KIND,
    burns.KIND,  # after the items it may name
    outcomes.KIND,
    requirement.KIND,
    meetings.KIND,  # meetings both sides hold (issue 21)
    origins.KIND,  # the seal over the units, checked by the units kind
    evac.KIND,  # evacuation revocations and trust lists (every partner with a policy), persons
    observations.KIND,  # payload "units" (and "withheld")
    coalition.KIND,  # coalition meetings: N participants (issue 23)
)


def in_slot(slot: Slot) -> tuple[Kind, ...]:
    return tuple(k for k in KINDS if k.slot == slot)


ITEMS = in_slot("items")
UNITS = observations.KIND  # the one payload-slot kind: its withheld count is the payload's
MANIFEST = in_slot("manifest")


def _check_registry() -> None:
    names = [k.name for k in KINDS]
    if len(set(names)) != len(names) or len(in_slot("payload")) != 1:
        raise RuntimeError(f"the courier's kinds are misregistered: {names}")


_check_registry()


def collect(out: Outgoing) -> dict[str, Collected]:
    """Every kind's records for one pouch, by kind name; then our seal as originator over the
    units (signed once they are known)."""
    got = {k.name: k.collect(out) for k in KINDS}
    units = got[UNITS.name].records
    if units:
        got[origins.KIND.name] = Collected([origin.seal_units(out.kp, units)])
    return got


def check_records(kind: Kind, value: Any, where: str) -> list[Any]:
    """A received list of `kind`'s records, checked for form before the kind sees it: a list, not
    too long, and — for a signed kind — each record `{"body", "signatures"}` with a body type
    the kind signs (the kind verifies the signatures themselves against the right keys)."""
    if not isinstance(value, list):
        raise PouchRejected("malformed", f"the {where}'s {kind.name} are not a list")
    if kind.max_records is not None and len(value) > kind.max_records:
        raise PouchRejected(
            "malformed", f"the {where} carries {len(value):,} {kind.name}, over {kind.max_records}"
        )
    if kind.signed:
        for rec in value:
            body = rec.get("body") if isinstance(rec, dict) else None
            kind_type = body.get("type") if isinstance(body, dict) else None
            if kind_type not in kind.signed:
                raise PouchRejected(
                    "malformed", f"a record among the {kind.name} is not one of {kind.signed}"
                )
            records.check_shape(rec, kind_type)
    return value


def receive_manifest(inc: Incoming, manifest: dict[str, Any]) -> dict[str, int]:
    """Apply the manifest's kinds (key events), before the pouch's signature is checked."""
    counts: dict[str, int] = {}
    for k in MANIFEST:
        counts |= k.receive(inc, check_records(k, manifest.get(k.name, []), "manifest"))
    return counts


def receive_payload(inc: Incoming, body: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Apply a decrypted payload, every kind in registry order: (counts of the items, counts of
    the units). Anything the registry does not know refuses the pouch."""
    if not isinstance(body, dict):
        raise PouchRejected("malformed", "the payload is not an object")
    items = body.get("items") or {}
    known = {k.name for k in ITEMS}
    if not isinstance(items, dict) or not set(items) <= known:
        raise PouchRejected("malformed", "the payload's items are not the expected ones")
    got: dict[str, int] = {}
    units: dict[str, int] = {}
    for k in KINDS:
        if k.slot == "items":
            got |= k.receive(inc, check_records(k, items.get(k.name, []), "payload"))
        elif k.slot == "payload":
            units |= k.receive(inc, body.get(k.name))
    return got, units


__all__ = [
    "ITEMS",
    "KINDS",
    "MANIFEST",
    "UNITS",
    "Collected",
    "Incoming",
    "Kind",
    "Outgoing",
    "check_records",
    "collect",
    "in_slot",
    "last_acked",
    "make_ack",
    "receive_manifest",
    "receive_payload",
]
