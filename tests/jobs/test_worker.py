"""Real consumers: a `lawgate worker` process seals an export; queued work survives kill -9."""

from __future__ import annotations

import dataclasses
import datetime as dt
import signal
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.holds import services as holds
from lawgate.holds.models import HoldRow
from lawgate.jobs import tasks
from lawgate.jobs import worker as jobs_worker
from lawgate.jobs.queue import make_queue
from lawgate.jobs.tasks import enqueue_production, register
from lawgate.production.delivery import productions_dir
from lawgate.production.models import ProductionRow
from tests.holds.conftest import SELLER
from tests.jobs.conftest import ALLOW_TWO, Worker, file, preserve, rule, wait_for

Start = Callable[[Settings], Worker]


def approved(factory: sessionmaker[Session], settings: Settings, recipient: str) -> str:
    """A production request with subscriber and traffic granted."""
    request_id = file(factory, settings, recipient=recipient)
    assert rule(factory, request_id, ALLOW_TWO) is CaseState.PARTIALLY_APPROVED
    return request_id


def state(factory: sessionmaker[Session], request_id: str) -> CaseState:
    """The case's state now."""
    with factory() as db:
        return cases.locked_state(db, request_id)


def sealed(settings: Settings, request_id: str) -> bool:
    """Whether the request's package is where the agency API serves it from."""
    return (productions_dir(settings.home) / f"{request_id}.age").is_file()


def recorded(factory: sessionmaker[Session], request_id: str) -> list[ProductionRow]:
    """The request's production records (written once the package is sealed)."""
    with factory() as db:
        query = select(ProductionRow).where(ProductionRow.request_id == request_id)
        return list(db.scalars(query))


def wait_produced(factory: sessionmaker[Session], settings: Settings, request_id: str) -> None:
    """Wait for the sealed package's record; then the file is there and the case producing."""
    wait_for(lambda: recorded(factory, request_id), f"the sealed package of {request_id}")
    assert sealed(settings, request_id)
    assert state(factory, request_id) is CaseState.PRODUCING


def test_a_worker_process_seals_a_queued_export(
    factory: sessionmaker[Session], settings: Settings, recipient: str, workers: Start
) -> None:
    request_id = approved(factory, settings, recipient)
    enqueue_production(register(make_queue(settings), settings), request_id, "staff:rita")
    worker = workers(settings)
    wait_produced(factory, settings, request_id)
    (row,) = recorded(factory, request_id)
    assert row.created_by == "staff:rita"
    assert worker.stop() == 0
    output = worker.output()
    assert f"in {settings.home / 'jobs.sqlite3'} (SQLite), 1 worker(s)" in output
    assert "lawgate worker stopped" in output


def test_a_refused_export_is_logged_and_not_retried(
    factory: sessionmaker[Session], settings: Settings, recipient: str, workers: Start
) -> None:
    """Not approved yet: the worker says why and the job is done with (no retry queued)."""
    request_id = file(factory, settings, recipient=recipient)
    jobs = register(make_queue(settings), settings)
    enqueue_production(jobs, request_id, "staff:rita")
    worker = workers(settings)
    wait_for(lambda: f"production of {request_id} refused" in worker.output(), "the refusal")
    assert "no reviewer has approved it yet" in worker.output()
    assert worker.stop(signal.SIGINT) == 0
    assert "lawgate worker stopped" in worker.output()
    left = jobs.huey.pending() + jobs.huey.scheduled()
    assert [task for task in left if type(task).__name__ == "produce"] == []
    assert not sealed(settings, request_id)


def test_queued_work_survives_killed_workers(
    factory: sessionmaker[Session], queued: Settings, recipient: str, workers: Start
) -> None:
    """kill -9 an idle worker, queue with none running, kill -9 one before it starts: still done."""
    first = workers(queued)
    first.wait_ready()
    first.kill()
    request_id = approved(factory, queued, recipient)
    enqueue_production(register(make_queue(queued), queued), request_id, "staff:rita")
    workers(queued).kill()
    survivor = workers(queued)
    wait_produced(factory, queued, request_id)
    assert survivor.stop() == 0
    assert ("on redis 127.0.0.1:6379" in survivor.output()) == bool(queued.jobs_url)


def test_a_consumer_in_this_process_runs_jobs_and_stops(
    factory: sessionmaker[Session], queued: Settings
) -> None:
    """`lawgate serve` runs one: a queued hold expiry runs, and stop() returns promptly."""
    request_id = preserve(factory, queued, targets=[SELLER], categories=["subscriber"])
    rule(factory, request_id, {"subscriber": "allow"})
    marketplace = sa.create_engine(queued.marketplace_url)
    with factory.begin() as db:
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
        holds.place_holds(db, marketplace, request_id, queued, now=long_ago)
    marketplace.dispose()
    running = jobs_worker.start_in_thread(queued, workers=1)
    try:
        running.tasks.expire_holds()

        def expired() -> bool:
            with factory() as db:
                return set(db.scalars(select(HoldRow.status))) == {"expired"}

        wait_for(expired, "the hold to expire")
    finally:
        running.stop()
    assert not any(thread.is_alive() for _, thread in running.consumer.worker_threads)


def test_a_job_cut_short_by_a_stop_is_queued_again(
    queued: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop waits SHUTDOWN_SECONDS for running jobs; one still running goes back on the queue."""
    started, release = threading.Event(), threading.Event()

    def slow(settings: Settings) -> int:
        started.set()
        release.wait(10)
        return 0

    monkeypatch.setattr(tasks, "run_expire_holds", slow)
    monkeypatch.setattr(jobs_worker, "SHUTDOWN_SECONDS", 0.2)
    running = jobs_worker.start_in_thread(queued, workers=1)
    cut_short = running.tasks.expire_holds.s()
    running.tasks.huey.enqueue(cut_short)
    assert started.wait(10)
    running.stop()
    release.set()
    assert cut_short.id in [task.id for task in running.tasks.huey.pending()]


def test_the_worker_refuses_an_unknown_broker(settings: Settings, workers: Start) -> None:
    worker = workers(dataclasses.replace(settings, jobs_url="amqp://127.0.0.1/"))
    assert worker.process.wait(timeout=15) == 2
    assert "LAWGATE_JOBS_URL" in worker.output()
