"""Staff tables: accounts with a role, and their console sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.credentials import AccountColumns, SessionColumns


class StaffRow(AccountColumns):
    """A staff account of the console (password + TOTP), with its role."""

    __tablename__ = "staff"

    role: Mapped[str] = mapped_column(String(32))
    demo: Mapped[bool] = mapped_column(default=False)
    api_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The SHA-256 of the staff API token (`lawgate staff token`), never the token."""
    api_token_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Issued by someone else: it opens nothing until its owner confirms it with their own code."""
    api_token_issued_by: Mapped[str | None] = mapped_column(String(200))
    """The audit actor who issued the token: its owner, an admin, or trusted code."""
    api_token_origin: Mapped[str | None] = mapped_column(String(64))
    """Where the token was issued: one CLI invocation, one console session, or one service call."""
    api_token_issued_at: Mapped[dt.datetime | None] = mapped_column()


class StaffSessionRow(SessionColumns):
    """A signed-in console session: the SHA-256 of its cookie token, never the token."""

    __tablename__ = "staff_sessions"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
