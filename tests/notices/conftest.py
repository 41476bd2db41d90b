"""Fixtures for user notices: the small demo marketplace, closed cases, an SMTP sink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy.orm import Session, sessionmaker

from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Agency, Decision, Request
from lawgate.intake import services as intake
from lawgate.intake.models import AgencyRow
from lawgate.lifecycle import submission
from lawgate.store.session import session_factory
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import FBI, request_body, rule
from tests.servers import free_port

__all__ = ["built"]

REVIEWER = "staff:rita"
USER_EMAIL = "seller.one@example.com"
DENIED = {
    "category": "content",
    "code": "instrument_insufficient",
    "rule": "us.content.warrant",
    "citation": "18 U.S.C. 2703(a)",
    "message": "Content requires a search warrant.",
}


@pytest.fixture
def marketplace(built: Built) -> Iterator[sa.Engine]:
    """An engine on the small generated marketplace."""
    made = sa.create_engine(built.url)
    yield made
    made.dispose()


@pytest.fixture
def factory(settings: Settings, session: Session) -> sessionmaker[Session]:
    """Sessions on the test store (the session fixture has migrated it)."""
    return session_factory(session.get_bind())  # type: ignore[arg-type]


def closed_case(
    factory: sessionmaker[Session], settings: Settings, verdicts: dict[str, str], **changes: Any
) -> str:
    """File a request for Seller One, record the reviewer's verdicts and close the case."""
    with factory.begin() as db:
        if db.get(AgencyRow, FBI["id"]) is None:
            intake.register_agency(db, Agency.model_validate(FBI), "test")
        sender = intake.get_agency(db, FBI["id"])
        request_id = submission.submit_request(
            db, Request.model_validate(request_body(**changes)), sender, settings
        )
    allowed = [c for c, v in verdicts.items() if v == "allow"]
    denied = [c for c, v in verdicts.items() if v == "deny"]
    outcome = "reject" if not allowed else ("partial" if denied else "approve")
    decision = Decision.model_validate(
        {
            "outcome": outcome,
            "categories": verdicts,
            "reasons": [{**DENIED, "category": c} for c in denied],
        }
    )
    with factory.begin() as db:
        rule(db, request_id, decision, REVIEWER)
        cases.transition(db, request_id, CaseState.CLOSED, REVIEWER)
    return request_id


def at(day: str) -> dt.datetime:
    """Noon UTC on a day: the fixed clock of these tests."""
    return dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")


class Sink:
    """An in-process SMTP server that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        """Keep the message and accept it."""
        self.envelopes.append(envelope)
        return "250 OK"


@contextmanager
def running_sink() -> Iterator[tuple[Sink, str]]:
    """An SMTP sink on a free local port (no STARTTLS offered), and its plain smtp:// URL."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, str]]:
    """A running SMTP sink and its smtp:// URL."""
    with running_sink() as (sink, url):
        yield sink, f"{url}?tls=off"  # a local sink without TLS: opted in
