"""Tables owned by intake: agencies, requests, their targets and categories."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawgate.store.base import Base, utcnow


class AgencyRow(Base):
    """A registered agency."""

    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(64), default="")
    domains: Mapped[list[Any]] = mapped_column(default=list)
    callback_phone: Mapped[str] = mapped_column(String(64), default="")
    age_recipient: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RequestRow(Base):
    """A request exactly as received, with the columns reviewers sort and filter on."""

    __tablename__ = "requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    case_reference: Mapped[str] = mapped_column(String(2000))
    officer_email: Mapped[str] = mapped_column(String(320))
    process_type: Mapped[str] = mapped_column(String(48))
    issuer_role: Mapped[str] = mapped_column(String(48))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    date_from: Mapped[dt.date | None] = mapped_column(Date)
    date_to: Mapped[dt.date | None] = mapped_column(Date)
    preservation_ref: Mapped[str | None] = mapped_column(String(64))
    submitted_via: Mapped[str] = mapped_column(String(16), default="api")
    """How it arrived: api (signed), portal (officer session) or demo."""
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    """The portal officer who filed it, when filed through the portal (lawgate.portal.models)."""
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the legal-process document actually uploaded, when one was."""
    signals: Mapped[list[Any]] = mapped_column(default=list)
    """Fraud signals computed at intake: [{code, weight, explanation}]."""
    signal_score: Mapped[int] = mapped_column(default=0)
    body: Mapped[dict[str, Any]] = mapped_column()
    body_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    targets: Mapped[list[TargetRow]] = relationship(
        order_by="TargetRow.position", cascade="all, delete-orphan"
    )
    categories: Mapped[list[RequestCategoryRow]] = relationship(cascade="all, delete-orphan")


class TargetRow(Base):
    """One identifier a request names."""

    __tablename__ = "request_targets"
    __table_args__ = (Index("ix_request_targets_type_value", "type", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), index=True)
    position: Mapped[int] = mapped_column()
    type: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime | None] = mapped_column()


class RequestCategoryRow(Base):
    """One legal category a request asks for."""

    __tablename__ = "request_categories"

    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)


class AgencyKeyRow(Base):
    """An agency's Ed25519 API key: the RFC 9421 `keyid` and the raw public key, base64."""

    __tablename__ = "agency_keys"

    key_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class NonceRow(Base):
    """A signature nonce already used: a second use within the window is a replay."""

    __tablename__ = "signature_nonces"

    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(128))
    seen_at: Mapped[dt.datetime] = mapped_column(index=True)
