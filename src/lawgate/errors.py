"""One error base class, so every layer reports problems the same way and never leaks a 500."""

from __future__ import annotations


class LawgateError(Exception):
    """Base of every error lawgate raises on purpose; `field` names what was wrong."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def diagnostics(self) -> dict[str, str | None]:
        """The error as the API and CLI show it."""
        return {"field": self.field, "message": self.message}


class ConfigError(LawgateError):
    """A configuration value is missing or wrong."""


class NotFoundError(LawgateError):
    """The thing asked for does not exist, or the asker may not know it does."""

    status = 404


class UnauthenticatedError(LawgateError):
    """The caller did not prove who it is."""

    status = 401


class ForbiddenError(LawgateError):
    """The caller is known but may not do this."""

    status = 403


class ConflictError(LawgateError):
    """The action does not fit the current state (an illegal transition, a duplicate)."""

    status = 409


class InvalidInputError(LawgateError):
    """Input that passed the schema but breaks a rule, named by `field`."""

    status = 422
