"""HTTP statuses are the faces' choice: the core's errors carry none, api/status.py maps them."""

from __future__ import annotations

import inspect

import pytest

from lawgate import errors
from lawgate.api.status import FaceStatus, http_headers, http_status
from lawgate.credentials import AccountLockedError, LoginRefusedError
from lawgate.errors import (
    ConfigError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    LawgateError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
)
from lawgate.policy.engine import PolicyEvaluationError
from lawgate.web.portal_pages import LoginRequiredError


class StaleStateError(ConflictError):
    """A subclass the table does not name answers as its nearest named parent."""


def test_no_core_error_carries_an_http_status() -> None:
    """Every error class in lawgate.errors is free of HTTP: no `status`, no `headers()`."""
    found = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)]
    assert LawgateError in found and len(found) >= 8
    for kind in found:
        assert not hasattr(kind, "status"), kind
        assert not hasattr(kind, "headers"), kind


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (LawgateError("x"), 400),
        (ConfigError("x"), 400),
        (NotFoundError("x"), 404),
        (UnauthenticatedError("x"), 401),
        (LoginRefusedError("x"), 401),
        (AccountLockedError("x"), 423),
        (ForbiddenError("x"), 403),
        (ConflictError("x"), 409),
        (StaleStateError("x"), 409),
        (InvalidInputError("x"), 422),
        (RateLimitedError("x", "a", 5, 60), 429),
        (PolicyEvaluationError("x"), 500),
    ],
)
def test_each_domain_error_answers_with_its_status(error: LawgateError, status: int) -> None:
    """The most specific kind decides: a locked account is 423, not the 401 of its parent."""
    assert http_status(error) == status


def test_headers_come_from_the_face() -> None:
    """Retry-After for a rate limit, Location for a sign-in redirect, nothing otherwise."""
    assert http_headers(RateLimitedError("slow down", "a", 5, 61)) == {"Retry-After": "61"}
    redirect = LoginRequiredError("sign in", "/console/login")
    assert isinstance(redirect, FaceStatus)
    assert (http_status(redirect), http_headers(redirect)) == (303, {"Location": "/console/login"})
    assert http_headers(ConflictError("x")) == {}
