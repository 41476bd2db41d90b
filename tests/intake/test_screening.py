"""Intake stores each request's signals and score, computed against what lawgate already holds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.errors import InvalidInputError
from lawgate.intake.models import RequestRow
from lawgate.store.base import utcnow
from tests.factories import request_body
from tests.intake.helpers import file_request, register_agency

DESCRIBED = "9f" * 32


def stored(session: Session, request_id: str) -> RequestRow:
    """The stored row, read fresh."""
    session.expire_all()
    row = session.get(RequestRow, request_id)
    assert row is not None
    return row


def test_signals_and_score_are_stored_with_the_channel_and_document(
    session: Session, settings: Settings
) -> None:
    register_agency(session)
    body = request_body()
    body["officer"] = {**body["officer"], "email": "dana@gmail.com"}
    request_id = file_request(session, settings, body, via="portal", document_sha256="ab" * 32)
    row = stored(session, request_id)
    found = {s["code"]: s for s in row.signals}
    assert set(found) == {
        "document_hash_mismatch",
        "free_webmail_sender",
        "new_officer",
        "outside_signed_api",
    }
    assert row.signal_score == 40 + 35 + 10 + 5
    assert found["free_webmail_sender"]["explanation"].startswith("The officer writes from")
    assert (row.submitted_via, row.document_sha256) == ("portal", "ab" * 32)


def test_the_officer_is_new_only_the_first_time(session: Session, settings: Settings) -> None:
    register_agency(session)
    first = file_request(session, settings, document_sha256=DESCRIBED)
    second = file_request(session, settings, document_sha256=DESCRIBED)
    assert [s["code"] for s in stored(session, first).signals] == ["new_officer"]
    assert stored(session, second).signals == []
    assert stored(session, second).signal_score == 0


def test_a_burst_far_above_the_agency_history_is_flagged(
    session: Session, settings: Settings
) -> None:
    register_agency(session)
    now = utcnow()
    for hours in (22, 15, 8, 2):
        file_request(session, settings, received_at=now - dt.timedelta(hours=hours))
    fourth = session.query(RequestRow).order_by(RequestRow.received_at.desc()).first()
    assert fourth is not None
    assert "volume_spike" not in [s["code"] for s in fourth.signals]
    fifth = file_request(session, settings, received_at=now)
    codes = [s["code"] for s in stored(session, fifth).signals]
    assert "volume_spike" in codes
    explanation = next(s for s in stored(session, fifth).signals if s["code"] == "volume_spike")
    assert "number 5 within 24 hours" in explanation["explanation"]


def test_a_malformed_document_hash_is_refused_and_nothing_stored(
    session: Session, settings: Settings
) -> None:
    register_agency(session)
    with pytest.raises(InvalidInputError) as caught:
        file_request(session, settings, document_sha256="not-a-hash")
    assert caught.value.field == "document"
    session.rollback()
    assert session.query(RequestRow).count() == 0
