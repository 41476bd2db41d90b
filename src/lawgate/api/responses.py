"""The one error body of the API, documented on every router so clients can rely on it."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorItem(BaseModel):
    """One problem: the field it is about ('' for the request as a whole) and what is wrong."""

    field: str
    message: str


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer: a list of problems, never a stack trace."""

    errors: list[ErrorItem]


WHY = {
    400: "The request cannot be read",
    401: "The caller did not prove who it is; the message names the reason",
    403: "The caller may not do this (another agency's request, not on loopback, role)",
    404: "No such thing, or not one the caller may know of",
    409: "The action does not fit the case's state; the message says what would",
    413: "The body is too large",
    415: "The body is not declared as application/json",
    422: "A field is invalid; `field` names it",
    429: "Too many requests from this agency; see Retry-After",
    503: "Busy: every store connection is in use; retry after Retry-After seconds",
}
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": why} for status, why in WHY.items()
}
"""`responses=` for a router: each error status with lawgate's body."""


def errors_with(extra: dict[int | str, dict[str, object]]) -> dict[int | str, dict[str, object]]:
    """The error responses, with a router's own descriptions for some of them."""
    merged = {status: dict(answer) for status, answer in ERRORS.items()}
    for status, answer in extra.items():
        merged[status] = {**merged.get(status, {}), **answer}
    return merged
