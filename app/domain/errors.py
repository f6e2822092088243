"""Domain errors. Every message names the rule that was broken, in words a user understands."""

from __future__ import annotations


class DomainError(ValueError):
    """Base class for rule violations in the domain."""


class InvalidIdError(DomainError):
    """An identifier (grid, part, unit code) does not follow its standard layout."""


class ConcurrentUpdateError(DomainError):
    """Someone else changed the record between our read and our write (optimistic lock).

    ``last_login``, ``last_action`` and ``last_at`` say who acted last, so the user can
    reload and see what happened.
    """

    def __init__(self, message: str, *, last_login: str | None = None,
                 last_action: str | None = None, last_at: object = None) -> None:
        super().__init__(message)
        self.last_login = last_login
        self.last_action = last_action
        self.last_at = last_at


class ConnectionLostError(DomainError):
    """The database server could not be reached (or the connection broke mid-operation).

    Nothing the user typed is lost: the operation can be sent again, and because it carries
    its operation id the retry is checked against what the server already committed.
    """
