"""Tables owned by holds: one row per account held for a granted preservation request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.store.base import Base, utcnow


class HoldRow(Base):
    """An account's data kept from deletion until `expires_at`, because of one request."""

    __tablename__ = "holds"
    __table_args__ = (Index("ix_holds_account_expires", "account_id", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    """A lawgate.cases.workflow.HoldState: active, extended, expired or converted."""
    starts_at: Mapped[dt.datetime] = mapped_column()
    expires_at: Mapped[dt.datetime] = mapped_column()
    extended_by: Mapped[str | None] = mapped_column(String(32))
    """The request id of the one extension allowed, when extended."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
