from datetime import UTC, date, datetime
from pathlib import Path

from liaison.evac.tracking import Log, where

T = datetime(1940, 8, 20, 12, tzinfo=UTC)


def test_two_devices_sync_without_loss(tmp_path: Path) -> None:
    a = Log(tmp_path / "a.jsonl", "moscow")
    b = Log(tmp_path / "b.jsonl", "vladivostok")
    a.append("F1", "departed", "Moscow", T, "R1")
    b.append("F2", "arrived", "Vladivostok", T)
    a.append("F3", "crossed", "Manzhouli", T, "R1")
    assert a.merge(b) == 1 and b.merge(a) == 2
    assert a.merge(b) == 0  # idempotent
    key = lambda log: sorted((e.device, e.seq) for e in log.events())  # noqa: E731
    assert key(a) == key(b) and len(key(a)) == 3


def test_dashboard(tmp_path: Path) -> None:
    log = Log(tmp_path / "x.jsonl", "d")
    log.append("F1", "arrived", "Tsuruga", T)
    log.append("F2", "departed", "Moscow", T, "R1")
    log.append("F3", "departed", "Moscow", T, "R2")
    plan = {"F1": ["R1", "S1"], "F2": ["R1", "S1"], "F3": ["R2", "S2"], "F4": ["R3", "S3"]}
    arrivals = {"R1": date(1940, 8, 30), "R2": date(1940, 8, 15), "S3": date(1940, 9, 9)}
    board = where(log.events(), plan, arrivals, date(1940, 8, 21), "Tsuruga")
    assert board == {"arrived": ["F1"], "overdue": ["F3"], "waiting": ["F4"], "on R1": ["F2"]}
