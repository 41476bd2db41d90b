"""The background jobs on one huey queue: periodic upkeep (holds, notices, alerts) and exports.

Tasks are bound to the queue they are registered on, so `register` builds them for a given queue
and settings instead of module globals. Each run opens its own store session from the settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from huey import Huey, crontab
from sqlalchemy.orm import Session, sessionmaker

from lawgate.cases import lapses
from lawgate.config import Settings
from lawgate.datamap.sources import marketplace_for
from lawgate.errors import LawgateError
from lawgate.holds import services as holds
from lawgate.jobs import alerts
from lawgate.jobs.queue import lock_seconds
from lawgate.lifecycle import production as producing
from lawgate.notices import services as notices
from lawgate.production.delivery import productions_dir
from lawgate.production.produce import Produced
from lawgate.store.base import utcnow
from lawgate.store.session import make_engine, session_factory, transaction

LOGGER = logging.getLogger("lawgate.jobs")
PRODUCE_RETRIES = 3
PRODUCE_RETRY_SECONDS = 60
"""A production that fails for a passing reason (disk, database) is tried again this often."""
SCHEDULE = {
    "expire_holds": crontab(minute="*/5"),
    "send_notices": crontab(minute="*/5"),
    "deadline_alerts": crontab(minute="*/15"),
    "recheck_policy": crontab(minute="*/5"),
}


@dataclass(frozen=True)
class NoticeRun:
    """What one notices run did, in counts."""

    made: int
    sent: int
    failed: int


@dataclass(frozen=True)
class Tasks:
    """The task handles of one queue: call one to enqueue it, `.call_local()` to run it here."""

    huey: Huey
    settings: Settings
    expire_holds: Any
    send_notices: Any
    deadline_alerts: Any
    recheck_policy: Any
    produce: Any

    @property
    def periodic(self) -> dict[str, Any]:
        """The periodic jobs by name, for operators who run one now."""
        return {name: getattr(self, name) for name in SCHEDULE}


@contextmanager
def _store(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on lawgate's store for one run, closed afterwards."""
    engine = make_engine(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def run_expire_holds(settings: Settings, now: dt.datetime | None = None) -> int:
    """End holds whose time is up, so the deletion pipeline may delete again."""
    with _store(settings) as factory, transaction(factory) as session:
        count = holds.expire_holds(session, now or utcnow())
    LOGGER.info("expired %d hold(s)", count)
    return count


def run_send_notices(settings: Settings, now: dt.datetime | None = None) -> NoticeRun:
    """Make notices for newly closed cases, then send those due, as `lawgate notices send`."""
    moment = now or utcnow()
    with _store(settings) as factory, marketplace_for(settings) as marketplace:
        engine = marketplace.engine
        with transaction(factory) as session:
            made = notices.create_for_closed(session, engine, moment, marketplace.datamap)
        report = notices.send_due(factory, engine, settings, moment)
    LOGGER.info("notices: made %d, sent %d, failed %d", made, report.sent, report.failed)
    return NoticeRun(made, report.sent, report.failed)


def run_deadline_alerts(settings: Settings, now: dt.datetime | None = None) -> int:
    """Alert the legal team about cases running out of time, once per case and level."""
    with _store(settings) as factory, transaction(factory) as session:
        sent = alerts.send_alerts(session, settings, now or utcnow())
    LOGGER.info("sent %d deadline alert(s)", sent)
    return sent


def run_recheck_policy(settings: Settings, now: dt.datetime | None = None) -> int:
    """Re-run the policy on every open case, so the queue shows lapses without anyone looking."""
    moment = lapses.Moment(now or utcnow(), "scheduled check", lapses.SWEEP_ACTOR)
    with _store(settings) as factory:
        found = lapses.sweep_open(factory, moment, settings.policy)
    for request_id, lapse in found:
        LOGGER.warning("policy basis lapsed on %s: %s", request_id, lapse.fact)
    LOGGER.info("rechecked the policy on open cases: %d lapsed", len(found))
    return len(found)


def run_produce(settings: Settings, request_id: str, actor: str) -> Produced | None:
    """Seal one approved request; a refusal is logged, not retried (running again cannot help)."""
    out_dir = productions_dir(settings.home)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _store(settings) as factory, marketplace_for(settings) as marketplace:
            job = producing.configured(factory, settings, marketplace, actor)
            produced = job.run(request_id, out_dir)
    except LawgateError as exc:
        LOGGER.warning("production of %s refused: %s", request_id, exc.message)
        return None
    LOGGER.info("sealed %s (sha256 %s)", produced.path, produced.sha256)
    return produced


def _locked(huey: Huey, name: str, run: Callable[[], object]) -> Callable[[], None]:
    """Run a periodic job under a queue-wide lock, so two workers never run it at once."""
    lock = huey.lock_task(name, lock_seconds(huey))

    def job() -> None:
        with lock:
            run()

    job.__name__ = name
    job.__doc__ = run.__doc__
    return job


def register(huey: Huey, settings: Settings) -> Tasks:
    """Bind lawgate's jobs to a queue; the consumer of that queue runs them."""
    periodic = {
        "expire_holds": lambda: run_expire_holds(settings),
        "send_notices": lambda: run_send_notices(settings),
        "deadline_alerts": lambda: run_deadline_alerts(settings),
        "recheck_policy": lambda: run_recheck_policy(settings),
    }
    handles = {
        name: huey.periodic_task(SCHEDULE[name], name=name)(_locked(huey, name, run))
        for name, run in periodic.items()
    }

    def produce(request_id: str, actor: str) -> None:
        """Produce one request, one worker at a time per request."""
        with huey.lock_task(f"produce.{request_id}", lock_seconds(huey)):
            run_produce(settings, request_id, actor)

    task = huey.task(retries=PRODUCE_RETRIES, retry_delay=PRODUCE_RETRY_SECONDS, name="produce")
    return Tasks(huey, settings, produce=task(produce), **handles)


def enqueue_production(tasks: Tasks, request_id: str, actor: str) -> None:
    """Queue the export of an approved request; a worker seals it and logs any refusal."""
    tasks.produce(request_id, actor)
    LOGGER.info("queued the production of %s for %s", request_id, actor)
