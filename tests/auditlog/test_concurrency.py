"""Several processes appending at once: no gap, no duplicate index, no lost entry, a sound tree."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import Engine, select

from lawgate.auditlog import log, publish
from lawgate.auditlog.models import AuditEntryRow
from lawgate.auditlog.verify import verify_log
from lawgate.config import Settings
from lawgate.store.session import make_engine, session_factory, transaction

WORKERS = 4
ROUNDS = 25


def _worker(url: str, worker: int) -> None:
    """Append ROUNDS transactions of 1-3 entries each, as one process of many."""
    engine = make_engine(url)
    factory = session_factory(engine)
    for round_ in range(ROUNDS):
        with transaction(factory) as session:
            events = [
                log.Event("test:written", f"worker-{worker}", f"w{worker}-r{round_}-{n}")
                for n in range(1 + round_ % 3)
            ]
            log.append_many(session, events)
    engine.dispose()


def test_processes_appending_at_once_lose_nothing(engine: Engine, settings: Settings) -> None:
    """Every entry arrives exactly once at a unique index; the tree and a checkpoint verify."""
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(settings.database_url, w)) for w in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=240)
        assert process.exitcode == 0
    expected = {
        f"w{w}-r{r}-{n}" for w in range(WORKERS) for r in range(ROUNDS) for n in range(1 + r % 3)
    }
    factory = session_factory(engine)
    with factory() as session:
        rows = session.execute(select(AuditEntryRow.index, AuditEntryRow.subject)).all()
    assert sorted(index for index, _ in rows) == list(range(len(expected)))
    assert sorted(subject for _, subject in rows) == sorted(expected)
    key = publish.ensure_log_key(settings.home)
    with transaction(factory) as session:
        publish.make_checkpoint(session, key, settings.log_origin)
    with factory() as session:
        report = verify_log(session, publish.verifier_key(settings.log_origin, key))
    assert report.ok, report.problems
