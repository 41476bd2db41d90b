"""Staff tables: accounts with a role, and their console sessions."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.credentials import AccountColumns, SessionColumns


class StaffRow(AccountColumns):
    """A staff account of the console (password + TOTP), with its role."""

    __tablename__ = "staff"

    role: Mapped[str] = mapped_column(String(32))
    demo: Mapped[bool] = mapped_column(default=False)
    api_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The SHA-256 of the staff API token (`lawgate staff token`), never the token."""


class StaffSessionRow(SessionColumns):
    """A signed-in console session: the SHA-256 of its cookie token, never the token."""

    __tablename__ = "staff_sessions"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
