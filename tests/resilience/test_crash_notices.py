"""kill -9 `lawgate notices send` mid-batch against a slow SMTP server, then send again."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.auditlog import publish
from lawgate.auditlog.verify import verify_log
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.notices.models import NoticeRow
from tests.jobs.conftest import ALLOW_TWO
from tests.notices.conftest import closed_case
from tests.resilience.conftest import Start, lawgate_env, wait_for
from tests.servers import free_port

CASES = 4
STALL_AT = 2
"""The server accepts the first message, then holds the second unanswered: it is in flight."""
NOW = "2026-12-01T12:00"
REFERENCE = re.compile(rb"Our reference: (LG-[A-Z0-9]+)")


class SlowSink:
    """An SMTP server that keeps every message and leaves message STALL_AT unanswered."""

    def __init__(self) -> None:
        self.references: list[str] = []
        self.stall = True

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        """Keep the message's reference; stall on the chosen one while asked to."""
        assert isinstance(envelope.content, bytes)
        found = REFERENCE.search(envelope.content)
        self.references.append(found.group(1).decode() if found else "?")
        if self.stall and len(self.references) == STALL_AT:
            await asyncio.sleep(60)
        return "250 OK"


@pytest.fixture(scope="module")
def slow_sink() -> Iterator[tuple[SlowSink, str]]:
    """The slow SMTP server, running, and its URL."""
    sink, port = SlowSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, f"smtp://127.0.0.1:{port}?tls=off"  # a local sink without TLS: opted in
    controller.stop()


def statuses(factory: sessionmaker[Session]) -> dict[str, str]:
    """Each notice's request and status."""
    with factory() as db:
        rows = db.execute(select(NoticeRow.request_id, NoticeRow.status)).all()
    return {request_id: status for request_id, status in rows}


@dataclass(frozen=True)
class Observed:
    """What the server had received at the kill, what the store said, and what came after."""

    delivered_at_kill: list[str]
    sent_at_kill: set[str]
    rerun_exit: int
    rerun_output: str
    statuses_after: dict[str, str]
    received: Counter[str]
    log_problems: list[str]

    @property
    def in_flight(self) -> str:
        """The message the server had not answered when the sender died."""
        return self.delivered_at_kill[STALL_AT - 1]


@pytest.fixture(scope="module")
def crashed(
    module_factory: sessionmaker[Session],
    module_store: Settings,
    module_processes: Start,
    slow_sink: tuple[SlowSink, str],
) -> Observed:
    """Close CASES cases, kill the sender while message STALL_AT is in flight, send again."""
    sink, url = slow_sink
    for _ in range(CASES):
        closed_case(module_factory, module_store, ALLOW_TWO, non_disclosure=None)
    sender = module_processes(module_store, "notices", "send", "--now", NOW, LAWGATE_SMTP_URL=url)
    wait_for(lambda: len(sink.references) >= STALL_AT, "the second message to reach the server")
    sender.kill()
    delivered = list(sink.references)
    marked = {r for r, status in statuses(module_factory).items() if status == "sent"}
    sink.stall = False
    env = lawgate_env(module_store, LAWGATE_SMTP_URL=url)
    again = CliRunner().invoke(app, ["notices", "send", "--now", NOW], env=env)
    key = publish.ensure_log_key(module_store.home)
    with module_factory() as db:
        report = verify_log(db, publish.verifier_key(module_store.log_origin, key))
    return Observed(
        delivered,
        marked,
        again.exit_code,
        again.output,
        statuses(module_factory),
        Counter(sink.references),
        report.problems,
    )


def test_a_killed_batch_marks_no_notice_sent_that_was_not(crashed: Observed) -> None:
    """Only a message the server accepted before the kill may be marked sent."""
    assert crashed.sent_at_kill <= set(crashed.delivered_at_kill[: STALL_AT - 1])


def test_a_rerun_sends_the_rest_and_marks_each_notice_once(crashed: Observed) -> None:
    """Every user is told; each notice ends 'sent'; repeats are only of the killed run's."""
    assert crashed.rerun_exit == 0, crashed.rerun_output
    assert len(crashed.statuses_after) == CASES
    assert set(crashed.statuses_after.values()) == {"sent"}
    assert set(crashed.received) == set(crashed.statuses_after)
    repeated = {r for r, n in crashed.received.items() if n > 1}
    assert repeated <= set(crashed.delivered_at_kill)
    assert crashed.log_problems == []


def test_a_killed_batch_repeats_at_most_the_notice_in_flight(crashed: Observed) -> None:
    """The server's accepted message is remembered; only the unanswered one may be sent twice."""
    assert {r for r, n in crashed.received.items() if n > 1} <= {crashed.in_flight}
