"""Shared request dependencies: settings, a transaction, and who the caller is."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker

from lawgate.config import Settings
from lawgate.datamap.sources import Source, Sources
from lawgate.domain import Agency
from lawgate.errors import ForbiddenError, UnauthenticatedError
from lawgate.intake import signatures
from lawgate.staff import tokens as staff_tokens
from lawgate.staff.tokens import TokenHolder
from lawgate.store.session import transaction


def settings(request: Request) -> Settings:
    """The application's settings."""
    value: Settings = request.app.state.settings
    return value


def session(request: Request) -> Iterator[Session]:
    """One transaction per HTTP request: all of it is stored or none of it."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with transaction(factory) as db:
        yield db


DbSession = Annotated[Session, Depends(session, scope="function")]
"""Committed before the response is sent: a 201 means the request is stored."""
AppSettings = Annotated[Settings, Depends(settings)]


def marketplace(request: Request) -> Source:
    """The data source requests are resolved against, from the registry built at start-up."""
    sources: Sources = request.app.state.sources
    return sources.marketplace


Marketplace = Annotated[Source, Depends(marketplace)]


def sessions(request: Request) -> sessionmaker[Session]:
    """The session factory, for work that must commit apart from the request's transaction."""
    factory: sessionmaker[Session] = request.app.state.sessions
    return factory


Sessions = Annotated[sessionmaker[Session], Depends(sessions)]


async def raw_body(request: Request) -> bytes:
    """The body exactly as received (Starlette keeps it for the route's own parsing)."""
    return await request.body()


def target_uri(request: Request) -> str:
    """The absolute URL as the client sent it (undecoded path), which `@target-uri` covers."""
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode("utf-8")
    query: bytes = request.scope.get("query_string") or b""
    suffix = "?" + query.decode("latin-1") if query else ""
    return f"{request.url.scheme}://{request.url.netloc}{raw_path.decode('latin-1')}{suffix}"


def agency(
    request: Request, factory: Sessions, body: Annotated[bytes, Depends(raw_body)]
) -> Agency:
    """The calling agency, proven by its RFC 9421 signature; 401 naming the reason otherwise."""
    message = signatures.HttpMessage(request.method, target_uri(request), request.headers, body)
    return signatures.verify_request(factory, message).agency


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1, the only places staff may call from until staff login."""
    if host is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def staff(
    request: Request,
    factory: Sessions,
    authorization: Annotated[
        str | None,
        Header(description="Bearer <staff API token> (issued on the console's /console/token)"),
    ] = None,
) -> TokenHolder:
    """The calling staff account, proven by its confirmed API token, and only from this machine."""
    if not is_loopback(request.client.host if request.client else None):
        raise ForbiddenError("the staff API answers only on loopback; use the console elsewhere")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError(
            "send your staff API token as 'Authorization: Bearer <token>' "
            "(issue your own on the console's token page, /console/token)"
        )
    with transaction(factory) as db:
        return staff_tokens.holder(db, token.strip())


CallingAgency = Annotated[Agency, Depends(agency)]
StaffMember = Annotated[TokenHolder, Depends(staff)]
"""The calling staff member, with the credential (token origins) the two-person rule compares."""
