"""How the portal answers: templates, cookies, hardened headers, and errors as readable pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, ClassVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from lawgate.api.status import FaceStatus, http_status
from lawgate.credentials import new_token
from lawgate.errors import LawgateError, UnauthenticatedError

HERE = Path(__file__).parent
STATIC = HERE / "static" / "portal"
templates = Jinja2Templates(directory=HERE / "templates" / "portal")

SESSION_COOKIE = "lawgate_portal"
LOGIN_COOKIE = "lawgate_portal_login"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def until(deadline: dt.datetime, now: dt.datetime) -> str:
    """A deadline as a person reads it: 'in 3 days', '5 hours overdue'."""
    seconds = (deadline - now).total_seconds()
    hours = abs(seconds) / 3600
    amount = f"{round(hours)} hours" if hours < 48 else f"{round(hours / 24)} days"
    return f"in {amount}" if seconds >= 0 else f"{amount} overdue"


def words(value: object) -> str:
    """An enum value as words: 'search_warrant' reads 'search warrant'."""
    return str(getattr(value, "value", value)).replace("_", " ")


templates.env.filters["until"] = until
templates.env.filters["words"] = words


class LoginRequiredError(FaceStatus, UnauthenticatedError):
    """No valid session: the person is sent to the login page (the portal's, or `login_url`).

    PortalRoute answers it with a redirect; elsewhere the application's error handler does,
    from its status and Location header.
    """

    http_status = 303

    def __init__(self, message: str, login_url: str = "/portal/login") -> None:
        super().__init__(message)
        self.login_url = login_url

    def http_headers(self) -> dict[str, str]:
        """Where the browser goes to sign in."""
        return {"Location": self.login_url}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page from the portal's own templates."""
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, message: str) -> Response:
    """An error a person can read, with a way back."""
    return render(request, "error.html", {"status": status, "message": message}, status)


def secure_cookies(request: Request) -> bool:
    """Secure cookies everywhere but this machine, where tests and demos use plain HTTP."""
    return (request.url.hostname or "") not in LOCAL_HOSTS


HOST_PREFIX = "__Host-"
"""Over https a cookie so named is Secure, Path=/ and host-only: no sibling host can plant it."""


def _https(request: Request) -> bool:
    """Whether the page was reached over https (directly or through a trusted proxy)."""
    return request.url.scheme == "https"


def cookie_name(request: Request, name: str) -> str:
    """`__Host-` + name over https (ASVS 3.4.4); on http the plain name (browsers refuse it)."""
    return HOST_PREFIX + name if _https(request) else name


def _cookie_path(request: Request, path: str) -> str:
    """A `__Host-` cookie must have Path=/; on http the cookie keeps its narrower path."""
    return "/" if _https(request) else path


def read_cookie(request: Request, name: str) -> str | None:
    """The cookie under the name this scheme writes it with, never the other one."""
    return request.cookies.get(cookie_name(request, name))


def write_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    max_age: int,
    path: str,
    secure: bool | None = None,
) -> None:
    """An HttpOnly, SameSite=Strict cookie that scripts cannot read and other sites cannot send.

    Over https it is `__Host-`-prefixed, Secure and at Path=/; on http Secure follows `secure`
    (by default: everywhere but this machine).
    """
    response.set_cookie(
        cookie_name(request, name),
        value,
        max_age=max_age,
        path=_cookie_path(request, path),
        httponly=True,
        samesite="strict",
        secure=_secure(request, secure),
    )


def forget_cookie(
    request: Request, response: Response, name: str, path: str, secure: bool | None = None
) -> None:
    """Clear a cookie under the same name, path and attributes it was set with."""
    response.delete_cookie(
        cookie_name(request, name),
        path=_cookie_path(request, path),
        httponly=True,
        samesite="strict",
        secure=_secure(request, secure),
    )


def _secure(request: Request, asked: bool | None) -> bool:
    """Always Secure over https; on http as asked, or everywhere but this machine."""
    if _https(request):
        return True
    return secure_cookies(request) if asked is None else asked


def login_csrf(request: Request, cookie: str) -> str:
    """A login form's CSRF token, kept in a cookie of its own (no session yet): reused or new."""
    token = request.cookies.get(cookie) or ""
    return token if len(token) == len(new_token()) else new_token()


def harden(response: Response) -> Response:
    """No framing, no sniffing, and no caching of pages that show an officer's cases."""
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _as_page(request: Request, exc: Exception) -> Response:
    """Turn an error into the page or redirect an officer should see."""
    if isinstance(exc, LoginRequiredError):
        return RedirectResponse(exc.login_url, status_code=303)
    if isinstance(exc, LawgateError):
        where = f"{exc.field}: " if exc.field and http_status(exc) == 422 else ""
        return error_page(request, http_status(exc), where + exc.message)
    if isinstance(exc, RequestValidationError):
        return error_page(request, 422, "the request could not be read: " + str(exc.errors()))
    assert isinstance(exc, HTTPException)
    return error_page(request, exc.status_code, str(exc.detail))


class PortalRoute(APIRoute):
    """A route whose errors become portal pages, and whose answers carry the security headers.

    A subclass may catch fewer errors (`caught`) or show them otherwise (`as_page`).
    """

    caught: ClassVar[tuple[type[Exception], ...]] = (
        LawgateError,
        RequestValidationError,
        HTTPException,
    )

    def as_page(self, request: Request, exc: Exception) -> Response:
        """The answer to a caught error."""
        return _as_page(request, exc)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler, dependencies included."""
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except self.caught as exc:
                response = self.as_page(request, exc)
            return harden(response)

        return handler
