"""Per-agency rate limits: counted from stored requests, refused with 429 and Retry-After."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.api import errors
from lawgate.api.deps import DbSession
from lawgate.api.status import http_headers, http_status
from lawgate.auditlog.models import AuditEntryRow
from lawgate.config import Settings, load_settings
from lawgate.domain import Request
from lawgate.errors import ConfigError, RateLimitedError
from lawgate.intake import ratelimit
from lawgate.intake import services as intake
from lawgate.intake.models import RequestRow
from lawgate.lifecycle import submission
from lawgate.store.base import utcnow
from lawgate.store.session import make_engine, session_factory
from tests.factories import FBI, request_body
from tests.intake.helpers import file_request, register_agency

LIMIT = 3


@pytest.fixture
def limited(settings: Settings) -> Settings:
    """Settings allowing three requests per agency per hour."""
    return dataclasses.replace(settings, rate_limit_per_hour=LIMIT)


def count(session: Session, model: type[RequestRow] | type[AuditEntryRow]) -> int:
    """Rows of a table, read fresh."""
    session.expire_all()
    return session.query(model).count()


def test_the_request_over_the_limit_is_refused_naming_the_limit_and_the_wait(
    session: Session, limited: Settings
) -> None:
    register_agency(session)
    for _ in range(LIMIT):
        file_request(session, limited)
    with pytest.raises(RateLimitedError) as caught:
        file_request(session, limited)
    session.rollback()
    error = caught.value
    assert http_status(error) == 429
    assert (error.agency_id, error.limit) == (FBI["id"], LIMIT)
    assert 3500 < error.retry_after <= 3600
    assert http_headers(error) == {"Retry-After": str(error.retry_after)}
    assert "us-doj-fbi-nyfo" in error.message and "its limit is 3" in error.message
    assert "LAWGATE_RATE_LIMIT_PER_HOUR" in error.message
    assert count(session, RequestRow) == LIMIT


def test_requests_older_than_an_hour_and_other_agencies_do_not_count(
    session: Session, limited: Settings
) -> None:
    register_agency(session)
    register_agency(session, id="us-ca-lasd", name="LASD", domains=["lasd.org"])
    earlier = utcnow() - dt.timedelta(minutes=61)
    for _ in range(LIMIT):
        file_request(session, limited, received_at=earlier)
    other = request_body(agency_id="us-ca-lasd")
    other["officer"] = {**other["officer"], "email": "mhill@lasd.org"}
    for _ in range(LIMIT):
        file_request(session, limited, other)
    file_request(session, limited)
    assert count(session, RequestRow) == 2 * LIMIT + 1


def test_the_wait_ends_when_the_oldest_request_in_the_window_leaves_it(
    session: Session, limited: Settings
) -> None:
    register_agency(session)
    now = utcnow()
    for minutes in (50, 20, 10):
        file_request(session, limited, received_at=now - dt.timedelta(minutes=minutes))
    with pytest.raises(RateLimitedError) as caught:
        ratelimit.check(session, FBI["id"], LIMIT, now)
    assert 595 <= caught.value.retry_after <= 601


def test_demo_seeding_neither_counts_nor_is_limited(session: Session, limited: Settings) -> None:
    register_agency(session)
    for _ in range(LIMIT + 2):
        file_request(session, limited, via="demo")
    for _ in range(LIMIT):
        file_request(session, limited)
    assert count(session, RequestRow) == 2 * LIMIT + 2


def harness(settings: Settings) -> FastAPI:
    """The real error handlers and per-request transaction over one route that files a request."""
    app = FastAPI()
    app.state.sessions = session_factory(make_engine(settings.database_url))
    errors.install(app)

    @app.post("/file", status_code=201)
    def file(db: DbSession) -> dict[str, str]:
        request = Request.model_validate(request_body())
        sender = intake.get_agency(db, FBI["id"])
        return {"id": submission.submit_request(db, request, sender, settings)}

    return app


@pytest.fixture
def http(limited: Settings) -> Iterator[TestClient]:
    """The harness, called over HTTP."""
    app = harness(limited)
    with TestClient(app) as client:
        yield client
    app.state.sessions.kw["bind"].dispose()


def test_over_http_the_refusal_is_429_with_retry_after_and_logged_once(
    session: Session, http: TestClient
) -> None:
    register_agency(session)
    for _ in range(LIMIT):
        assert http.post("/file").status_code == 201
    started = time.monotonic()
    refused = http.post("/file")
    assert time.monotonic() - started < 5, "logging the refusal must not wait for a lock"
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3500
    assert "its limit is 3" in refused.json()["errors"][0]["message"]
    assert http.post("/file").status_code == 429
    session.expire_all()
    logged = session.scalars(
        select(AuditEntryRow).where(AuditEntryRow.event == ratelimit.REFUSED_EVENT)
    ).all()
    assert [(e.subject, e.actor) for e in logged] == [(FBI["id"], ratelimit.ACTOR)]
    assert '"limit_per_hour":3' in logged[0].canonical
    assert count(session, RequestRow) == LIMIT


def test_the_limit_is_configured_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAWGATE_RATE_LIMIT_PER_HOUR", raising=False)
    assert load_settings().rate_limit_per_hour == 60
    monkeypatch.setenv("LAWGATE_RATE_LIMIT_PER_HOUR", "500")
    assert load_settings().rate_limit_per_hour == 500
    monkeypatch.setenv("LAWGATE_RATE_LIMIT_PER_HOUR", "0")
    with pytest.raises(ConfigError, match="LAWGATE_RATE_LIMIT_PER_HOUR"):
        load_settings()
