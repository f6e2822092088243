"""Domain errors. Every message names the rule that was broken, in words a user understands."""

from __future__ import annotations


class DomainError(ValueError):
    """Base class for rule violations in the domain."""


class InvalidIdError(DomainError):
    """An identifier (grid, part, unit code) does not follow its standard layout."""
