"""One error base class, so every layer reports problems the same way and never leaks a 500."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

FIELD_PREFIX = re.compile(r"^(?:Value error, )?([a-z_]+): (.*)$", re.S)


class LawgateError(Exception):
    """Base of every error lawgate raises on purpose; `field` names what was wrong."""

    keeps_work = False
    """True for a refusal that is itself a record (a lapse found): its transaction commits."""

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


class UnauthenticatedError(LawgateError):
    """The caller did not prove who it is."""


class ForbiddenError(LawgateError):
    """The caller is known but may not do this."""


class ConflictError(LawgateError):
    """The action does not fit the current state (an illegal transition, a duplicate)."""


class RateLimitedError(LawgateError):
    """An agency sent more requests in the window than its limit allows; retry later."""

    def __init__(self, message: str, agency_id: str, limit: int, retry_after: int) -> None:
        super().__init__(message)
        self.agency_id = agency_id
        self.limit = limit
        self.retry_after = retry_after


class InvalidInputError(LawgateError):
    """Input that passed the schema but breaks a rule, named by `field`."""


def field_path(location: Sequence[int | str]) -> str:
    """Turn ('body', 'targets', 0, 'type') into 'targets[0].type'."""
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item not in ("body", "query", "path", "header"):
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "body"


def describe(error: Mapping[str, Any]) -> dict[str, str]:
    """One validation error as {field, message}, lifting 'field: ...' out of model-level errors."""
    field = field_path(error.get("loc", ()))
    message = str(error.get("msg", "invalid value"))
    if error.get("type") == "json_invalid":
        return {"field": "body", "message": f"the body is not valid JSON: {message}"}
    if error.get("type") == "missing":
        message = "this field is required"
    matched = FIELD_PREFIX.match(message)
    if matched:
        nested = matched.group(1)
        field = nested if field == "body" else f"{field}.{nested}"
        message = matched.group(2)
    else:
        message = message.removeprefix("Value error, ")
    return {"field": field, "message": message}
