"""Domain errors: raised once in services, translated once (API handlers, form errors).

Each carries a user-facing message and, where one field is at fault, its name, so
the API can answer 4xx naming the field and the UI can attach the error to it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause; ``status`` is the HTTP translation."""

    status: int = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"detail": self.message, "code": type(self).__name__}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(DomainError):
    """The object does not exist, or the user may not know it exists (same answer)."""

    status = 404


class PermissionDenied(DomainError):
    """The user sees the object but may not perform this action on it."""

    status = 403


class InvalidInput(DomainError):
    """Input is well-formed but breaks a domain rule (dates, references, cycles...)."""

    status = 422

    def __init__(
        self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.errors = errors or ({field: [message]} if field else {})

    def as_dict(self) -> dict[str, object]:
        body = super().as_dict()
        if self.errors:
            body["errors"] = self.errors
        return body


class Conflict(DomainError):
    """The action is valid in itself but the current state forbids it (e.g. children exist)."""

    status = 409


class StaleVersion(DomainError):
    """Someone saved the object after the client read it; nothing was written."""

    status = 409


class VersionRequired(DomainError):
    """An update came without the version it was based on (If-Match or ``version``)."""

    status = 428
