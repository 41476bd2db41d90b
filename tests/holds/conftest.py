"""Fixtures for holds: settings whose marketplace is the small generated one, and filing helpers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from lawgate.config import Settings
from lawgate.datamap.sources import Source, marketplace_for
from lawgate.domain import Agency, Decision, Request
from lawgate.intake import services as intake
from lawgate.intake.models import AgencyRow
from lawgate.lifecycle import submission
from lawgate.store.session import session_factory
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import FBI, request_body, rule

__all__ = ["built"]

REVIEWER = "staff:rita"
SELLER = {"type": "email", "value": "seller.one@example.com"}
BUYER = {"type": "email", "value": "a@example.com"}
NO_PROCESS = {
    "type": "none",
    "issuer_role": "agency_head",
    "issuer_name": "SAC, New York",
    "issued_on": "2026-11-20",
    "expires_on": None,
    "validated_by": None,
    "document_sha256": "9f" * 32,
    "document_name": "letter.pdf",
}


@pytest.fixture
def settings(settings: Settings, built: Built) -> Settings:
    """The test store, with the small demo marketplace as the platform's database."""
    return dataclasses.replace(settings, marketplace_url=built.url)


@pytest.fixture
def marketplace(built: Built) -> Iterator[sa.Engine]:
    """An engine on the small demo marketplace."""
    engine = sa.create_engine(built.url)
    yield engine
    engine.dispose()


@pytest.fixture
def marketplace_source(settings: Settings) -> Iterator[Source]:
    """The small demo marketplace as the source registry hands it to services, disposed after."""
    with marketplace_for(settings) as source:
        yield source


@pytest.fixture
def factory(session: Session) -> sessionmaker[Session]:
    """Sessions on the test store (the session fixture has migrated it)."""
    return session_factory(session.get_bind())  # type: ignore[arg-type]


def file(factory: sessionmaker[Session], settings: Settings, **changes: Any) -> str:
    """Register the FBI if needed and file one request (a 90-day preservation by default)."""
    fields: dict[str, Any] = {
        "kind": "preservation",
        "preservation": {"days": 90},
        "legal_process": NO_PROCESS,
        "non_disclosure": None,
        "targets": [SELLER, BUYER],
        "categories": ["subscriber", "traffic"],
        **changes,
    }
    with factory.begin() as session:
        if session.get(AgencyRow, FBI["id"]) is None:
            intake.register_agency(session, Agency.model_validate(FBI), "test")
        sender = intake.get_agency(session, FBI["id"])
        request = Request.model_validate(request_body(**fields))
        return submission.submit_request(session, request, sender, settings)


def approval(categories: list[str]) -> Decision:
    """A reviewer's approval of every category asked."""
    verdicts = dict.fromkeys(categories, "allow")
    return Decision.model_validate({"outcome": "approve", "categories": verdicts, "reasons": []})


def approve(session: Session, request_id: str, categories: list[str] | None = None) -> None:
    """Record a reviewer's approval (holds are the caller's business)."""
    chosen = categories or ["subscriber", "traffic"]
    rule(session, request_id, approval(chosen), REVIEWER)
