"""Tables owned by cases: the state of each request and every decision taken on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from lawgate.store.base import Base, utcnow


class CaseRow(Base):
    """Where a request stands in the workflow, and when it is due."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_state_deadline", "state", "deadline"),)

    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    deadline: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    lapse: Mapped[dict[str, Any] | None] = mapped_column()
    """Why the policy, re-run later, refused what stood granted (cases.lapses); None if nothing."""

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option


class DecisionRow(Base):
    """A decision on a request: the policy's recommendation or a person's ruling."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    categories: Mapped[dict[str, Any]] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    deadline: Mapped[dt.datetime | None] = mapped_column()
    decided_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="final", server_default="final")
    """final or confirmed (the ruling counts), proposed (awaits a second reviewer), returned"""
    departs: Mapped[bool] = mapped_column(default=False, server_default=false())
    """The reviewer's verdicts differ from the policy's recommendation."""
    second_review: Mapped[list[Any]] = mapped_column(default=list)
    """Why a second reviewer was needed: content, emergency, escalation, departure."""
    narrowing: Mapped[dict[str, Any] | None] = mapped_column()
    """The targets and dates kept when the reviewer narrowed the request."""
    confirmed_by: Mapped[str | None] = mapped_column(String(200))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    confirm_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    credential: Mapped[str | None] = mapped_column(String(200))
    """The origins of the credential the ruling was made with (review.Reviewer.credential)."""
    agency_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The reviewer's message to the agency, previewed before it was sent; never the note."""


class CallbackRow(Base):
    """Staff's call to the agency's registered number to confirm an emergency request."""

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    called_by: Mapped[str] = mapped_column(String(200))
    number_called: Mapped[str] = mapped_column(String(64))
    called_at: Mapped[dt.datetime] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16))
    """confirmed or failed"""
    spoke_to: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
