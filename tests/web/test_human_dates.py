"""Dates on pages as people read them: no microseconds, UTC said once, a bare date at midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from liaison.web.deps import human_time


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(1938, 6, 1, 14, 5, 33, 123456, tzinfo=UTC), "1938-06-01 14:05 UTC"),
        (datetime(1938, 6, 1, tzinfo=UTC), "1938-06-01"),
        (datetime(1938, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=9))), "1938-06-01 14:30 UTC"),
        ("2026-12-07T09:38:12.482913+00:00", "2026-12-07 09:38 UTC"),
        (date(1941, 6, 22), "1941-06-22"),
        (None, ""),
        ("not a date", "not a date"),
    ],
)
def test_human_time(value: object, shown: str) -> None:
    assert human_time(value) == shown
