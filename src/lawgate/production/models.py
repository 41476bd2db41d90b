"""Tables owned by production: each sealed package made for a request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.store.base import Base, utcnow


class ProductionRow(Base):
    """A sealed package: where it was written, its SHA-256, and the audit entries behind it."""

    __tablename__ = "productions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), unique=True)
    """One package per request, whatever folder or process a production ran from."""
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column()
    rows: Mapped[int] = mapped_column()
    no_data: Mapped[bool] = mapped_column()
    started_index: Mapped[int] = mapped_column()
    sealed_index: Mapped[int] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
