"""kill -9 a process inside an audit append: the log verifies, with no gap, and grows on."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log, publish
from lawgate.auditlog.models import AuditEntryRow, AuditHeadRow
from lawgate.auditlog.verify import verify_log
from lawgate.config import Settings
from lawgate.store.session import transaction
from tests.resilience.conftest import Start, install_stall, remove_stall, stalled, wait_for

STALL_AT_NODE = 40
"""The append that would write Merkle node 40 stalls after inserting its entries."""


def assert_sound(factory: sessionmaker[Session], settings: Settings) -> int:
    """Indexes 0..n-1 each once, the head agrees, a checkpoint is made and all verifies."""
    key = publish.ensure_log_key(settings.home)
    with transaction(factory) as session:
        publish.make_checkpoint(session, key, settings.log_origin)
    with factory() as session:
        indexes = sorted(session.scalars(select(AuditEntryRow.index)))
        head = session.scalars(select(AuditHeadRow)).one()
        report = verify_log(session, publish.verifier_key(settings.log_origin, key))
    assert indexes == list(range(len(indexes)))
    assert head.size == len(indexes)
    assert report.ok, report.problems
    return len(indexes)


def count(factory: sessionmaker[Session]) -> int:
    """Entries committed so far."""
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0)


def held(factory: sessionmaker[Session], engine: sa.Engine) -> bool:
    """The appender sits in the stall: writing, and no entry committed for a while."""
    before = count(factory)
    if not stalled(engine):
        return False
    time.sleep(0.3)
    return stalled(engine) and count(factory) == before


def test_a_kill_inside_an_append_loses_only_that_uncommitted_append(
    factory: sessionmaker[Session], store: Settings, processes: Start
) -> None:
    """Killed after its entries are inserted but before the tree and head: all or nothing."""
    engine = factory.kw["bind"]
    install_stall(engine, "audit_nodes", f"NEW.seq >= {STALL_AT_NODE}")
    try:
        appender = processes(store, "-m", "tests.resilience.appender", store.database_url)
        wait_for(lambda: held(factory, engine), "the appender to stall")
        committed = count(factory)
        appender.kill()
    finally:
        remove_stall(engine, "audit_nodes")
    assert assert_sound(factory, store) == committed
    with transaction(factory) as session:
        log.append_many(
            session, [log.Event("test:written", "restart", f"after-{n}") for n in range(5)]
        )
    assert assert_sound(factory, store) == committed + 5
