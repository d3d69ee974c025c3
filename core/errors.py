"""Domain errors: raised once by services, translated once (API handler, page views).

A service never returns an error code and never raises an HTTP exception; it raises one of these
with a message written for the person who made the request. ``field`` names the input at fault
when there is one, so forms and API answers can attach the message to it.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request. The message is shown to the user as is."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.details = details
        if code:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
        if self.details is not None:
            body["details"] = self.details
        return body


class InvalidInput(DomainError):
    code = "invalid"


class NotFound(DomainError):
    """Also raised when the record exists but the user may not see it: we never confirm it exists."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a wrong lifecycle step)."""

    status_code = 409
    code = "conflict"
