"""One error hierarchy: the CLI and web map any LiaisonError to a clear message, never a traceback."""

from __future__ import annotations


class LiaisonError(Exception):
    """A user-facing error: the message says what was wrong and where."""

    exit_code = 2


class ValidationError(LiaisonError):
    """Bad input. `problems` lists every (location, message) found, so one run reports them all."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        full = message if not self.problems else message + "\n" + "\n".join(self.problems)
        super().__init__(full)
        self.summary = message


class NotFoundError(LiaisonError):
    """A named thing (partner, unit, meeting…) does not exist."""


class ConflictError(LiaisonError):
    """The request contradicts what the store already holds."""


class SecurityError(LiaisonError):
    """A check that denies by default said no."""


class OsintInputError(ValidationError):
    """An open-source document that cannot be read whole (too large, not the format it claims,
    broken export): nothing of it is kept."""


class StoreBusy(LiaisonError):
    """A write could not start or finish because other writers held the store past the wait
    limit (SQLite busy timeout, PostgreSQL lock_timeout). Nothing was written; try again.
    The web answers 503 with Retry-After; the CLI exits with code 75 (EX_TEMPFAIL)."""

    exit_code = 75
    retry_after = 5
