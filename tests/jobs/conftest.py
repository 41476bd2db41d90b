"""Fixtures for background jobs: the small demo marketplace, Redis queues, worker processes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyrage
import pytest
import redis
from sqlalchemy.orm import Session, sessionmaker

from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Agency, Decision, Request
from lawgate.intake import services as intake
from lawgate.intake.models import AgencyRow
from lawgate.jobs.queue import make_queue
from lawgate.lifecycle import submission
from tests import factories
from tests.demo.conftest import built
from tests.factories import FBI, request_body
from tests.holds.conftest import NO_PROCESS, factory, settings

__all__ = ["built", "factory", "settings"]

REDIS = "redis://127.0.0.1:6379/0"
LAWGATE = Path(sys.executable).with_name("lawgate")
FIRST, SECOND = "staff:rita", "staff:sam"
WAIT_SECONDS = 15.0


def _redis_up() -> bool:
    """Whether the local Redis answers."""
    try:
        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The local Redis, started as a daemon when it is not running."""
    if not _redis_up():
        subprocess.run(["redis-server", "--daemonize", "yes"], check=True, capture_output=True)
        wait_for(_redis_up, "redis-server to answer")
    return REDIS


@pytest.fixture(params=["sqlite", "redis"])
def queued(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """The settings on the embedded SQLite queue, then on a queue of its own on Redis."""
    if request.param == "sqlite":
        yield settings
        return
    broker = request.getfixturevalue("redis_server")
    name = f"lawgate_test_{uuid.uuid4().hex[:12]}"
    on_redis = dataclasses.replace(settings, jobs_url=f"{broker}?queue={name}")
    yield on_redis
    make_queue(on_redis).storage.flush_all()


def wait_for(check: Callable[[], object], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Poll until check() is true, or fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def file(
    factory: sessionmaker[Session],
    settings: Settings,
    received_at: dt.datetime | None = None,
    recipient: str | None = None,
    **changes: Any,
) -> str:
    """Register the FBI (with an age recipient) if needed and file one request."""
    with factory.begin() as db:
        if db.get(AgencyRow, FBI["id"]) is None:
            agency = Agency.model_validate({**FBI, "age_recipient": recipient})
            intake.register_agency(db, agency, "test")
        sender = intake.get_agency(db, FBI["id"])
        request = Request.model_validate(request_body(**changes))
        return submission.submit_request(db, request, sender, settings, received_at=received_at)


def preserve(factory: sessionmaker[Session], settings: Settings, **changes: Any) -> str:
    """File a 90-day preservation of Seller One's subscriber and traffic data."""
    fields: dict[str, Any] = {
        "kind": "preservation",
        "preservation": {"days": 90},
        "legal_process": NO_PROCESS,
        "non_disclosure": None,
        "categories": ["subscriber", "traffic"],
        **changes,
    }
    return file(factory, settings, **fields)


def rule(factory: sessionmaker[Session], request_id: str, verdicts: dict[str, str]) -> CaseState:
    """A reviewer's ruling, confirmed by a second reviewer whenever the workflow asks for one."""
    allowed = [c for c, v in verdicts.items() if v == "allow"]
    denied = [c for c, v in verdicts.items() if v == "deny"]
    outcome = "reject" if not allowed else ("partial" if denied else "approve")
    reasons = [
        {
            "category": c,
            "code": "instrument_insufficient",
            "rule": "us.content.warrant",
            "citation": "18 U.S.C. 2703(a)",
            "message": "Content requires a search warrant.",
        }
        for c in denied
    ]
    decision = Decision.model_validate(
        {"outcome": outcome, "categories": verdicts, "reasons": reasons}
    )
    with factory.begin() as db:
        return factories.rule(db, request_id, decision, FIRST, SECOND)


ALLOW_TWO = {"subscriber": "allow", "traffic": "allow", "content": "deny"}


@pytest.fixture
def recipient() -> str:
    """A fresh agency age recipient (its identity is not needed: nothing is decrypted here)."""
    return str(pyrage.x25519.Identity.generate().to_public())


class Worker:
    """A `lawgate worker` process, its output in a file."""

    def __init__(self, settings: Settings, log: Path) -> None:
        env = {
            **os.environ,
            "LAWGATE_HOME": str(settings.home),
            "LAWGATE_DATABASE_URL": settings.database_url,
            "LAWGATE_MARKETPLACE_URL": settings.marketplace_url,
            "LAWGATE_JOBS_URL": settings.jobs_url or "",
        }
        self.log = log
        with log.open("wb") as out:
            command = [str(LAWGATE), "worker", "--workers", "1"]
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        """What the worker printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self) -> None:
        """Wait until it says where its queue is, i.e. it is consuming."""
        wait_for(lambda: "lawgate worker:" in self.output(), "the worker to start")

    def kill(self) -> None:
        """kill -9: no cleanup at all, as in a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT_SECONDS)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """SIGTERM as a service manager sends it (or SIGINT, Ctrl-C); returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout=WAIT_SECONDS)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[Settings], Worker]]:
    """Start worker processes; any left running are killed at the end."""
    started: list[Worker] = []

    def start(settings: Settings) -> Worker:
        worker = Worker(settings, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()
