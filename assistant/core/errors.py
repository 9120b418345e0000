"""Domain errors that every surface (CLI, API, pages) turns into a clear message."""

from __future__ import annotations


class AssistantError(Exception):
    """Base error: ``message`` is shown to the user, ``field`` names the input at fault, ``fix`` says
    what to do."""

    status_code = 400
    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.fix = fix

    def to_dict(self) -> dict[str, str | None]:
        return {"error": type(self).__name__, "message": self.message, "field": self.field, "fix": self.fix}

    def __str__(self) -> str:
        parts = [self.message]
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        return " ".join(parts)


class NotFound(AssistantError):
    status_code = 404


class InvalidInput(AssistantError):
    status_code = 422


class NotReady(AssistantError):
    """A prerequisite (code sets loaded, index built, NCCI imported) is missing."""

    status_code = 503


class Conflict(AssistantError):
    status_code = 409


class UnknownCode(NotFound):
    """A code absent from the release in force; ``suggestion`` holds a close code if one exists."""

    def __init__(self, message: str, *, suggestion: str | None = None, field: str | None = "code") -> None:
        super().__init__(message, field=field, fix=f"did you mean {suggestion}?" if suggestion else None)
        self.suggestion = suggestion

    def __str__(self) -> str:
        return f"{self.message}; did you mean {self.suggestion}?" if self.suggestion else self.message


class NoReleaseForDate(InvalidInput):
    """No release of a code system covers the requested date."""


class DatabaseBusy(AssistantError):
    """Another writer holds the database (SQLite lock, PostgreSQL lock/serialization conflict); retryable."""

    status_code = 503
    exit_code = 75  # EX_TEMPFAIL: try again later


class StorageError(AssistantError):
    """A file could not be written or read (disk full, no permission, missing folder)."""

    status_code = 507
    exit_code = 74  # EX_IOERR
