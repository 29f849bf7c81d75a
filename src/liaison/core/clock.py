"""Time: timezone-aware UTC inside, ISO 8601 at every boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(text: str) -> datetime:
    """Parse ISO 8601 (date or date-time, 'Z' allowed); naive values are taken as UTC.

    Raises ValueError with a readable message, for callers to attach a line/field to.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty date")
    try:
        if len(s) == 10 and s[4] == "-":
            d = date.fromisoformat(s)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or time: {text!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_utc(dt: datetime) -> datetime:
    """Normalise a datetime read back from a store (SQLite returns naive values) to aware UTC."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return to_utc(dt).isoformat().replace("+00:00", "Z")
