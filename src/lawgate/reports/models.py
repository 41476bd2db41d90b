"""Tables owned by reports: figures other companies published, imported to compare with ours."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.store.base import Base, utcnow


class PeerFigureRow(Base):
    """One row of a peer's published report (Google's layout); None is blank, never 0."""

    __tablename__ = "peer_figures"
    __table_args__ = (
        Index("ix_peer_figures_source_country_period", "source", "country", "period_ending"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    """Insertion order, which keeps the file's order of rows."""
    source: Mapped[str] = mapped_column(String(40))
    """Who published the figures, e.g. 'google'."""
    period_ending: Mapped[dt.date] = mapped_column(Date)
    country: Mapped[str] = mapped_column(String(2))
    """CLDR territory code; blank where the peer gives none (Google's 'United Nations')."""
    country_name: Mapped[str] = mapped_column(String(200))
    legal_process: Mapped[str] = mapped_column(String(200))
    requests: Mapped[int | None] = mapped_column()
    percentage: Mapped[int | None] = mapped_column()
    accounts: Mapped[int | None] = mapped_column()
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
