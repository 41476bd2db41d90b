"""HTTP status codes and headers for lawgate's errors: chosen here, so the core knows no HTTP."""

from __future__ import annotations

from lawgate.credentials import AccountLockedError
from lawgate.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    LawgateError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
)
from lawgate.policy.engine import PolicyEvaluationError

STATUS_OF_ERROR: tuple[tuple[type[LawgateError], int], ...] = (
    (PolicyEvaluationError, 500),
    (AccountLockedError, 423),
    (RateLimitedError, 429),
    (NotFoundError, 404),
    (UnauthenticatedError, 401),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (InvalidInputError, 422),
)
"""Most specific first: the first kind the error is an instance of decides its status."""

BAD_REQUEST = 400


class FaceStatus:
    """Mixed into an error a face (API or web page) defines: it carries its own status."""

    http_status = BAD_REQUEST

    def http_headers(self) -> dict[str, str]:
        """Headers that status needs (a redirect's Location); none unless a subclass says so."""
        return {}


def http_status(error: LawgateError) -> int:
    """The status an error answers with; anything unnamed is the client's fault (400)."""
    if isinstance(error, FaceStatus):
        return error.http_status
    for kind, status in STATUS_OF_ERROR:
        if isinstance(error, kind):
            return status
    return BAD_REQUEST


def http_headers(error: LawgateError) -> dict[str, str]:
    """Headers the answer must carry: RFC 9110 Retry-After, so well-behaved clients back off."""
    if isinstance(error, FaceStatus):
        return error.http_headers()
    if isinstance(error, RateLimitedError):
        return {"Retry-After": str(error.retry_after)}
    return {}
