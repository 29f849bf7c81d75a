"""What every record kind is given and must provide: the contract behind `courier.registry`.

A kind is one sort of record a pouch carries (units and their observations, intercepts, reports,
retractions, meeting outcomes, acknowledgements, key events). The pouch knows kinds only through
`Kind`: where its records sit in the file (`slot`), how they are collected for a partner under
the release policy since a watermark (`collect`, given an `Outgoing`), how received records are
validated and applied (`receive`, given an `Incoming`, inside the pouch's transaction — raise
`PouchRejected` to refuse the whole pouch), and how each record is signed (`signed`). Kind
modules import this module and `courier`'s foundations (canonical, keys, records, policy,
keyring), never each other's internals and never the pouch.

Also here: the small checks every receiver needs, so that a hostile partner's record is refused
the same way everywhere (`bad`, `require`, `opt_str`, `parse_marking`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.markings import TLP_LEVELS, Marking
from liaison.courier.canonical import canonical
from liaison.courier.keys import KeyPair
from liaison.courier.policy import Policy, releasable
from liaison.courier.records import PouchRejected

# Where a kind's records travel: "items" — a list under payload["items"][name] (encrypted; where
# every new kind goes); "payload" — the payload's top level (the units, and their withheld count
# under "withheld"); "manifest" — a manifest field, readable before decryption and applied before
# the pouch's signature is checked (key events: the pouch may be signed by the key they announce).
# The payload and manifest slots are fixed by the pouch format; adding to them changes it.
Slot = Literal["items", "payload", "manifest"]


@dataclass
class Outgoing:
    """What a kind's `collect` is given: a pouch being sealed by `kp` for partner `to`, carrying
    what changed since `since` (the recording time of the last pouch `to` acknowledged; None:
    everything) up to `now`, under `policy` (None: nothing is releasable)."""

    conn: Connection
    kp: KeyPair
    to: str
    policy: Policy | None
    since: datetime | None
    now: datetime

    @property
    def me(self) -> str:
        return self.kp.partner

    def releasable(self, m: Marking) -> bool:
        return releasable(m, self.policy)

    @property
    def release_notes(self) -> bool:
        return bool(self.policy and self.policy.release_notes)

    @property
    def release_sources(self) -> bool:
        return bool(self.policy and self.policy.release_sources)

    def window(self, col: Any) -> Any:
        """`col` within (since, now]: what changed since the watermark."""
        return window(col, self.since, self.now)


@dataclass
class Incoming:
    """What a kind's `receive` is given: a pouch from `sender` to us (`me`), created (the sender's
    claim) at `created`, being opened at `now` inside `conn`'s transaction by `actor`."""

    conn: Connection
    sender: str
    me: str
    created: datetime
    now: datetime
    actor: str
    cache: dict[str, Any] = field(default_factory=dict)  # per pouch, e.g. the sender's keys


@dataclass(frozen=True)
class Collected:
    """A kind's records for one pouch, and how many it withheld (by what: for the audit entry,
    never the pouch)."""

    records: list[Any]
    withheld: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """One record kind: see the module docstring. `signed` names the body types of its records
    when each record is signed on its own (`records.sign`: an Ed25519 signature by the issuer
    over the RFC 8785 canonical body, so it outlives the pouch as evidence); the registry checks
    each received record has that form before `receive` sees it. Empty: the records are covered
    by the pouch's signature only. `encode` writes the list as canonical JSON (a kind may supply
    a faster writer that gives the same bytes)."""

    name: str
    slot: Slot
    collect: Callable[[Outgoing], Collected]
    receive: Callable[[Incoming, Any], dict[str, int]]
    signed: tuple[str, ...] = ()
    encode: Callable[[list[Any]], bytes] = canonical
    max_records: int | None = None  # more than this in one pouch is refused as malformed


# ---- helpers shared by the kinds ---------------------------------------------------------------
def window(col: Any, since: datetime | None, now: datetime) -> Any:
    cond = col <= now
    return cond if since is None else sa.and_(col > since, cond)


def marking_of(row: Any) -> Marking:
    """The marking of a stored row (columns tlp, rel_to as "A,B", orcon)."""
    return Marking(row.tlp, tuple(x for x in (row.rel_to or "").split(",") if x), bool(row.orcon))


def marking_dict(m: Marking) -> dict[str, Any]:
    """A marking as it travels (ORCON never travels: an ORCON item is never released)."""
    return {"tlp": m.tlp, "rel_to": list(m.rel_to)}


def bad(what: str) -> PouchRejected:
    return PouchRejected("malformed", f"{what} in the payload has a bad field")


def require(ok: Any, what: str) -> None:
    """Refuse the pouch (`malformed`, naming `what`) unless `ok`. An explicit check, never an
    `assert`: asserts vanish under `python -O`, and these checks guard against hostile input."""
    if not ok:
        raise bad(what)


def parse_marking(mk: Any) -> Marking:
    """A received marking: an unknown level is held as AMBER; a bad REL TO refuses the pouch."""
    if not isinstance(mk, dict):
        return Marking()
    tlp = mk.get("tlp") if mk.get("tlp") in TLP_LEVELS else "AMBER"
    rel = mk.get("rel_to") or []
    if not isinstance(rel, list) or not all(isinstance(x, str) for x in rel):
        raise bad("a marking")
    return Marking(tlp, tuple(rel))


def opt_str(v: Any, what: str, n: int = 10_000) -> str | None:
    """A received optional string of at most `n` characters."""
    if v is None:
        return None
    if not isinstance(v, str) or len(v) > n:
        raise bad(what)
    return v


def checked_id(v: Any, what: str) -> str:
    """A received partner-local id: a string of 1–200 characters."""
    if not isinstance(v, str) or not 0 < len(v) <= 200:
        raise bad(what)
    return v
