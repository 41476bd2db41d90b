"""Tables owned by the portal: officer accounts under an agency, and their sessions."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.credentials import AccountColumns, SessionColumns


class OfficerRow(AccountColumns):
    """An officer account under an agency, for the web portal (password + TOTP)."""

    __tablename__ = "officers"

    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)


class OfficerSessionRow(SessionColumns):
    """A logged-in portal session: the SHA-256 of its cookie token, never the token."""

    __tablename__ = "officer_sessions"

    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
