"""Domain errors. Each carries a code that the Telegram layer turns into a localized message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `code` names the message shown to the person (`error-<code>`)."""

    code = "generic"

    def __init__(self, code: str | None = None, **details: object) -> None:
        self.code = code or self.code
        self.details = details
        super().__init__(self.code)


class AccessDenied(DomainError):
    code = "access-denied"


class NotFound(DomainError):
    code = "not-found"


class InvalidInput(DomainError):
    code = "invalid-input"
