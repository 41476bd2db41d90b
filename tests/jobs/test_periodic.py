"""The periodic jobs do their work: holds expire, due notices go out, deadline alerts go once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog.models import AuditEntryRow
from lawgate.cases import services as cases
from lawgate.cases.workflow import GRANTED, CaseState
from lawgate.config import Settings
from lawgate.holds import services as holds
from lawgate.holds.models import HoldRow
from lawgate.jobs import alerts, tasks
from lawgate.jobs.queue import make_queue
from lawgate.notices.models import NoticeRow
from tests.holds.conftest import BUYER, SELLER
from tests.jobs.conftest import ALLOW_TWO, file, preserve, rule
from tests.notices.conftest import Sink, smtp_sink

__all__ = ["smtp_sink"]

RECEIVED = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
"""A US production filed then is due ten days later, 2026-11-11 12:00 UTC."""
DENY_ALL = {"subscriber": "deny", "traffic": "deny", "content": "deny"}


def outbox(settings: Settings) -> list[Path]:
    """Every message in the outbox."""
    folder = settings.home / "outbox"
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def alert_levels(factory: sessionmaker[Session], request_id: str) -> list[str]:
    """The levels alerted for a request, in order, from the audit log."""
    with factory() as db:
        query = select(AuditEntryRow.canonical).where(
            AuditEntryRow.event == "case:deadline:alert", AuditEntryRow.subject == request_id
        )
        rows = db.scalars(query.order_by(AuditEntryRow.index))
        return [json.loads(text)["details"]["level"] for text in rows]


def test_a_hold_placed_in_the_past_expires(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    request_id = preserve(factory, settings, targets=[SELLER, BUYER])
    rule(factory, request_id, {"subscriber": "allow", "traffic": "allow"})
    placed = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    marketplace = sa.create_engine(settings.marketplace_url)
    with factory.begin() as db:
        assert holds.place_holds(db, marketplace, request_id, settings, now=placed) == 2
    marketplace.dispose()
    jobs = tasks.register(make_queue(settings), settings)
    jobs.expire_holds.call_local()
    with factory() as db:
        statuses = db.scalars(select(HoldRow.status).where(HoldRow.request_id == request_id))
        assert set(statuses) == {"expired"}
    assert tasks.run_expire_holds(settings) == 0


def test_a_due_notice_is_sent_to_the_outbox(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    request_id = file(factory, settings, non_disclosure=None)
    rule(factory, request_id, ALLOW_TWO)
    with factory.begin() as db:
        cases.transition(db, request_id, CaseState.CLOSED, "staff:rita")
    jobs = tasks.register(make_queue(settings), settings)
    jobs.send_notices.call_local()
    (message,) = outbox(settings)
    assert message.name.startswith(request_id)
    assert "To: seller.one@example.com" in message.read_text()
    with factory() as db:
        assert db.scalars(select(NoticeRow.status)).all() == ["sent"]
    assert tasks.run_send_notices(settings) == tasks.NoticeRun(0, 0, 0)


def test_alerts_go_once_per_level(factory: sessionmaker[Session], settings: Settings) -> None:
    """No alert with half the time left; due soon with a day left; overdue after; each once."""
    request_id = file(factory, settings, received_at=RECEIVED)
    assert tasks.run_deadline_alerts(settings, RECEIVED + dt.timedelta(days=5)) == 0
    soon = RECEIVED + dt.timedelta(days=9)
    assert tasks.run_deadline_alerts(settings, soon) == 1
    assert tasks.run_deadline_alerts(settings, soon + dt.timedelta(hours=1)) == 0
    late = RECEIVED + dt.timedelta(days=11)
    assert tasks.run_deadline_alerts(settings, late) == 1
    assert tasks.run_deadline_alerts(settings, late + dt.timedelta(days=1)) == 0
    assert alert_levels(factory, request_id) == ["due_soon", "overdue"]
    names = [path.name for path in outbox(settings)]
    assert names == [f"alert-{request_id}-due_soon.eml", f"alert-{request_id}-overdue.eml"]


def test_an_alert_names_the_case_and_never_the_user(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    request_id = file(factory, settings, received_at=RECEIVED)
    assert tasks.run_deadline_alerts(settings, RECEIVED + dt.timedelta(days=12)) == 1
    (message,) = outbox(settings)
    text = message.read_text()
    for expected in (request_id, "FBI New York Field Office", "Country: US", "production"):
        assert expected in text
    assert "Deadline: 2026-11-11 12:00 UTC (overdue by 48 hour(s))" in text
    for private in ("seller.one@example.com", "dreyes@fbi.gov", "wire fraud", "NY-2026-00417"):
        assert private not in text


def test_a_case_that_goes_straight_to_overdue_is_alerted_once(
    factory: sessionmaker[Session], settings: Settings
) -> None:
    request_id = file(factory, settings, received_at=RECEIVED)
    late = RECEIVED + dt.timedelta(days=30)
    assert tasks.run_deadline_alerts(settings, late) == 1
    assert tasks.run_deadline_alerts(settings, late) == 0
    assert alert_levels(factory, request_id) == ["overdue"]


def test_answered_cases_get_no_alert(factory: sessionmaker[Session], settings: Settings) -> None:
    """A refusal, and a granted preservation (it needs no production), are answered."""
    refused = file(factory, settings, received_at=RECEIVED)
    assert rule(factory, refused, DENY_ALL) is CaseState.REJECTED
    preserved = preserve(factory, settings, received_at=RECEIVED)
    assert rule(factory, preserved, {"subscriber": "allow", "traffic": "allow"}) in GRANTED
    assert tasks.run_deadline_alerts(settings, RECEIVED + dt.timedelta(days=30)) == 0
    assert outbox(settings) == []


def test_alerts_go_by_smtp_to_the_alert_addresses(
    factory: sessionmaker[Session], settings: Settings, smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    to = ("legal@marketplace.example", "oncall@marketplace.example")
    mailing = dataclasses.replace(settings, smtp_url=url, alert_to=to)
    request_id = file(factory, settings, received_at=RECEIVED)
    assert tasks.run_deadline_alerts(mailing, RECEIVED + dt.timedelta(days=9)) == 1
    (envelope,) = sink.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(to)
    assert request_id in str(envelope.content)
    assert outbox(settings) == []


def test_without_alert_addresses_alerts_stay_in_the_outbox(
    factory: sessionmaker[Session], settings: Settings, smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    file(factory, settings, received_at=RECEIVED)
    smtp_only = dataclasses.replace(settings, smtp_url=url)
    assert tasks.run_deadline_alerts(smtp_only, RECEIVED + dt.timedelta(days=9)) == 1
    assert sink.envelopes == []
    assert len(outbox(settings)) == 1


def test_levels_follow_the_time_window() -> None:
    received = RECEIVED
    deadline = RECEIVED + dt.timedelta(hours=100)
    at = [received + dt.timedelta(hours=h) for h in (0, 75, 76, 99, 100, 500)]
    levels = [alerts.level_at(received, deadline, moment) for moment in at]
    soon, over = alerts.Level.DUE_SOON, alerts.Level.OVERDUE
    assert levels == [None, None, soon, soon, over, over]


def test_the_schedule(settings: Settings) -> None:
    """Holds and notices every 5 minutes, alerts every 15 (UTC wall clock)."""
    jobs = tasks.register(make_queue(settings), settings)

    def runs(task: object, minute: int) -> bool:
        moment = dt.datetime(2026, 11, 29, 12, minute)
        return bool(task.task_class().validate_datetime(moment))  # type: ignore[attr-defined]

    assert [runs(jobs.expire_holds, m) for m in (0, 3, 5, 10)] == [True, False, True, True]
    assert [runs(jobs.send_notices, m) for m in (0, 3, 5)] == [True, False, True]
    assert [runs(jobs.deadline_alerts, m) for m in (0, 5, 15, 45)] == [True, False, True, True]
    assert [runs(jobs.recheck_policy, m) for m in (0, 3, 5)] == [True, False, True]
    assert sorted(jobs.periodic) == [
        "deadline_alerts",
        "expire_holds",
        "recheck_policy",
        "send_notices",
    ]
