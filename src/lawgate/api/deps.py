"""Shared request dependencies: settings, a transaction, and who the caller is."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker

from lawgate.config import Settings
from lawgate.domain import Agency
from lawgate.errors import ForbiddenError, UnauthenticatedError
from lawgate.intake import services as intake
from lawgate.store.session import transaction

STAFF_NAME_MAX = 120


def settings(request: Request) -> Settings:
    """The application's settings."""
    value: Settings = request.app.state.settings
    return value


def session(request: Request) -> Iterator[Session]:
    """One transaction per HTTP request: all of it is stored or none of it."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with transaction(factory) as db:
        yield db


DbSession = Annotated[Session, Depends(session)]
AppSettings = Annotated[Settings, Depends(settings)]


def agency(
    db: DbSession,
    x_lawgate_agency: Annotated[str | None, Header(description="Registered agency id")] = None,
) -> Agency:
    """The calling agency; a stand-in until RFC 9421 signatures replace this header."""
    return intake.authenticate_agency(db, x_lawgate_agency)


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
    x_lawgate_staff: Annotated[str | None, Header(description="Staff member's name")] = None,
) -> str:
    """The calling staff member: named in a header, and only from this machine until staff login."""
    if not is_loopback(request.client.host if request.client else None):
        raise ForbiddenError("the staff API answers only on loopback until staff login exists")
    name = (x_lawgate_staff or "").strip()
    if not name or len(name) > STAFF_NAME_MAX:
        raise UnauthenticatedError("name the staff member in the X-Lawgate-Staff header")
    return f"staff:{name}"


CallingAgency = Annotated[Agency, Depends(agency)]
StaffMember = Annotated[str, Depends(staff)]
