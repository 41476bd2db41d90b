"""A 405 names every method its path serves (RFC 9110 §15.5.6), not only the first route's.

Starlette answers 405 from the first route whose path matches, so a path served by two routes
(GET and POST /api/v1/holds/check) advertised only one of them in `Allow`.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from lawgate.api.errors import error_body

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
"""The methods of RFC 9110 and RFC 5789 that an `Allow` header may name."""
NO_METHOD = "LAWGATE-PROBE"
"""A method no route serves: a route that matches it (a mount) says nothing about methods."""


def _matches(route: BaseRoute, scope: Scope, method: str) -> bool:
    """Whether the route serves `method` at the scope's path (asked on a fresh scope each time)."""
    probe = {key: scope[key] for key in ("type", "path", "root_path", "headers") if key in scope}
    return route.matches({**probe, "method": method})[0] is Match.FULL


def served_methods(routes: Iterable[BaseRoute], scope: Scope) -> set[str]:
    """Every method some route serves at the scope's path, asked through each route's matcher.

    FastAPI nests included routers, so the methods are found by matching, not by reading them.
    """
    found: set[str] = set()
    for route in routes:
        if not _matches(route, scope, NO_METHOD):
            found.update(method for method in METHODS if _matches(route, scope, method))
    return found


def _split_allow(headers: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """The other headers of an exception, and the methods its own `Allow` named."""
    others = {name: value for name, value in headers.items() if name.lower() != "allow"}
    named = ",".join(value for name, value in headers.items() if name.lower() == "allow")
    return others, {method.strip() for method in named.split(",") if method.strip()}


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    """405 in lawgate's error shape, with `Allow` listing every method of the path."""
    assert isinstance(exc, StarletteHTTPException)
    headers, raised = _split_allow(dict(exc.headers or {}))
    allow = ", ".join(sorted(served_methods(request.app.routes, request.scope) or raised))
    message = f"{request.method} is not served at {request.url.path}; it serves {allow or 'none'}"
    body = error_body([{"field": "", "message": message}])
    return JSONResponse(body, status_code=405, headers={**headers, "Allow": allow})


def install(app: FastAPI) -> None:
    """Answer every 405 of the application with the full `Allow` set."""
    app.add_exception_handler(405, method_not_allowed)
