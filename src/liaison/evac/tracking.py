"""Checkpoint events recorded offline on several devices, merged without loss.

Each device appends JSON lines with its own (device, seq) id; merging is a set union keyed on
that id, so any order of syncs gives the same log and nothing is overwritten.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

KINDS = ("departed", "arrived", "crossed")


@dataclass(frozen=True)
class Event:
    device: str
    seq: int
    at: str  # ISO UTC time
    group_id: str
    kind: str
    place: str
    dep_id: str = ""


class Log:
    """Append-only event log in a JSON-lines file."""

    def __init__(self, path: Path, device: str) -> None:
        self.path = Path(path)
        self.device = device

    def events(self) -> list[Event]:
        if not self.path.exists():
            return []
        return [Event(**json.loads(line)) for line in self.path.read_text().splitlines() if line]

    def append(self, group_id: str, kind: str, place: str, at: datetime, dep_id: str = "") -> Event:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        seq = 1 + max((e.seq for e in self.events() if e.device == self.device), default=0)
        ev = Event(self.device, seq, at.isoformat(), group_id, kind, place, dep_id)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(ev), ensure_ascii=False) + "\n")
        return ev

    def merge(self, other: Log) -> int:
        """Append the other device's events we lack; returns how many were new."""
        have = {(e.device, e.seq) for e in self.events()}
        new = [e for e in other.events() if (e.device, e.seq) not in have]
        with self.path.open("a", encoding="utf-8") as f:
            for e in new:
                f.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
        return len(new)


def where(
    events: list[Event],
    plan: dict[str, list[str]],
    arrivals: dict[str, date],
    today: date,
    final_place: str,
) -> dict[str, list[str]]:
    """Dashboard: group ids by status — arrived, on a departure (by id), overdue, waiting."""
    last: dict[str, Event] = {}
    for e in sorted(events, key=lambda e: (e.at, e.device, e.seq)):
        last[e.group_id] = e
    out: dict[str, list[str]] = {"arrived": [], "overdue": [], "waiting": []}
    for gid, deps in plan.items():
        e = last.get(gid)
        if e and e.kind == "arrived" and e.place == final_place:
            out["arrived"].append(gid)
        elif e and e.kind in ("departed", "crossed") and e.dep_id:
            if arrivals.get(e.dep_id, today) < today:
                out["overdue"].append(gid)
            else:
                out.setdefault(f"on {e.dep_id}", []).append(gid)
        elif deps and arrivals.get(deps[-1], today) < today:
            out["overdue"].append(gid)
        else:
            out["waiting"].append(gid)
    return out
