"""Security headers on every answer: no framing, no sniffing, no caching of private pages, HSTS.

API and log JSON is also marked as an attachment, so a browser never renders it as a page.

A pure ASGI middleware (it never buffers a body, so packages still stream). Headers a route set
itself (the portal's and the console login's stricter ones) are kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
INLINE_STYLE_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
"""Public report pages inline their CSS so report.html also works opened from disk."""
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
"""The offline API docs start Swagger UI from an inline script."""
PRIVATE = ("/console", "/portal", "/api")
"""Answers about cases, officers or staff: never kept by a browser or proxy cache."""
HSTS = "max-age=31536000; includeSubDomains"
API = ("/api", "/log")
"""Machine answers: JSON there is data to save, never a page for the browser to render."""
JSON_TYPES = ("application/json", "application/problem+json")


def _csp(path: str) -> str:
    """The content security policy a path's pages need, and no more."""
    if path.startswith(("/docs", "/redoc")):
        return DOCS_CSP
    if path.startswith("/transparency"):
        return INLINE_STYLE_CSP
    return STRICT_CSP


def headers_for(path: str, scheme: str) -> dict[str, str]:
    """The headers an answer to `path` must carry."""
    headers = {
        "Content-Security-Policy": _csp(path),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if path.startswith(PRIVATE):
        headers["Cache-Control"] = "no-store"
    if scheme == "https":
        headers["Strict-Transport-Security"] = HSTS
    return headers


def _as_download(path: str, headers: MutableHeaders) -> None:
    """Mark API JSON as an attachment (ASVS 14.4.2), so a browser opening it saves it instead."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if path.startswith(API) and content_type in JSON_TYPES:
        headers.setdefault("Content-Disposition", 'attachment; filename="api.json"')


class SecurityHeaders:
    """Add the headers to every HTTP answer that does not already carry them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap `send` so the first message of each answer gets the headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"], scope.get("scheme", "http"))

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
                _as_download(scope["path"], headers)
            await send(message)

        await self.app(scope, receive, send_hardened)
