"""Every error becomes JSON naming the field and the problem; nothing escapes as a bare 500."""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lawgate.api.status import http_headers, http_status
from lawgate.errors import LawgateError, RateLimitedError, describe
from lawgate.intake import ratelimit
from lawgate.store.base import utcnow
from lawgate.store.session import transaction

LOGGER = logging.getLogger("lawgate.api")


def error_body(errors: list[dict[str, str]]) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"errors": errors}


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    """422 with every field that was wrong."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(error_body([describe(e) for e in exc.errors()]), status_code=422)


CONSOLE = "/console"


def wants_page(request: Request) -> bool:
    """Console pages answer errors with a page a person can read, not JSON."""
    return request.url.path.startswith(CONSOLE)


def error_page(status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """A plain error page for the console."""
    page = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{status} · lawgate</title>"
        f'<link rel=stylesheet href="/static/console.css"><main><h1>{status}</h1>'
        f'<p>{html.escape(message)}</p><p><a href="/console">Back to the queue</a></p></main>'
    )
    return HTMLResponse(page, status_code=status, headers=headers)


async def _lawgate(request: Request, exc: Exception) -> Response:
    """Our own errors keep their status and field."""
    assert isinstance(exc, LawgateError)
    if wants_page(request):
        return error_page(http_status(exc), exc.message, http_headers(exc))
    diag = exc.diagnostics()
    body = error_body([{"field": diag["field"] or "", "message": diag["message"] or ""}])
    return JSONResponse(body, status_code=http_status(exc), headers=http_headers(exc))


async def _rate_limited(request: Request, exc: Exception) -> Response:
    """429 as usual, but logged first: the submission's own transaction was rolled back."""
    assert isinstance(exc, RateLimitedError)
    try:
        with transaction(request.app.state.sessions) as db:
            ratelimit.record_refusal(db, exc, utcnow())
    except (LawgateError, SQLAlchemyError):  # the refusal stands; the server log says why
        LOGGER.exception("could not log the rate-limit refusal of %s", exc.agency_id)
    return await _lawgate(request, exc)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    """Framework errors (404 route, 405 method) in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    body = error_body([{"field": "", "message": str(exc.detail)}])
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


BUSY_SECONDS = 2


def _is_busy(exc: SQLAlchemyError) -> bool:
    """A full connection pool, or SQLite's write lock held too long: busy, not broken."""
    return isinstance(exc, PoolTimeoutError) or (
        isinstance(exc, OperationalError) and "database is locked" in str(exc)
    )


async def _store_error(request: Request, exc: Exception) -> Response:
    """503 with Retry-After when the store is only busy; any other store error is a 500."""
    assert isinstance(exc, SQLAlchemyError)
    if not _is_busy(exc):
        return await _unexpected(request, exc)
    return busy_answer(request.url.path)


def busy_answer(path: str) -> Response:
    """503 with Retry-After, as a page on the console and as lawgate's error body elsewhere."""
    message = "the service is busy; nothing was stored; retry shortly"
    headers = {"Retry-After": str(BUSY_SECONDS)}
    if path.startswith(CONSOLE):
        return error_page(503, message, headers)
    return JSONResponse(
        error_body([{"field": "", "message": message}]), status_code=503, headers=headers
    )


async def _unexpected(_request: Request, exc: Exception) -> Response:
    """Log the bug, disclose nothing about it."""
    LOGGER.exception("unexpected error", exc_info=exc)
    body = error_body([{"field": "", "message": "internal error; nothing was stored"}])
    return JSONResponse(body, status_code=500)


def install(app: FastAPI) -> None:
    """Register the handlers on an application."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(LawgateError, _lawgate)
    app.add_exception_handler(RateLimitedError, _rate_limited)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(SQLAlchemyError, _store_error)
    app.add_exception_handler(Exception, _unexpected)
