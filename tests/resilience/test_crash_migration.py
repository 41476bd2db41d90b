"""kill -9 `lawgate` while it migrates an old store with a long audit log, then start it again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from lawgate.auditlog import log
from lawgate.auditlog.models import AuditEntryRow
from lawgate.cli import app
from lawgate.config import Settings, sqlite_url
from lawgate.store import migrate
from lawgate.store.session import make_engine, session_factory, transaction
from tests.conftest import BACKEND, create_pg_database, drop_pg_database
from tests.resilience.conftest import Start, lawgate_env, wait_for, writing

OLD = "0003"
"""The revision before the audit log's Merkle tree: upgrading builds the tree of every entry."""
ENTRIES = 25_000
AT = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


@pytest.fixture
def old_store(settings: Settings) -> Iterator[Settings]:
    """A store of its own at revision OLD holding ENTRIES audit entries (the run's backend)."""
    if BACKEND != "postgresql":
        yield dataclasses.replace(settings, database_url=sqlite_url(settings.home / "old.sqlite"))
        return
    url = create_pg_database("lawgate_resilience_old")
    yield Settings(home=settings.home, database_url=url, marketplace_url=settings.marketplace_url)
    drop_pg_database(url)


def fill_old(url: str) -> None:
    """Migrate a fresh database to OLD and log ENTRIES entries the way that revision did."""
    engine = make_engine(url)
    config = migrate.alembic_config(url)
    rows = []
    for index in range(ENTRIES):
        body = {"index": index, "event": "test:written", "actor": "old", "subject": f"s{index}"}
        text = log.canonical_json({**body, "at": AT.isoformat(), "details": {}})
        rows.append({**body, "at": AT, "canonical": text, "leaf_hash": log.leaf_hash(text)})
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, OLD)
        conn.execute(sa.insert(AuditEntryRow.__table__), rows)
        conn.execute(
            sa.text("UPDATE audit_head SET size = :n, last_hash = :h WHERE id = 1"),
            {"n": ENTRIES, "h": rows[-1]["leaf_hash"]},
        )
        conn.commit()
    engine.dispose()


def revision(engine: sa.Engine) -> str:
    """The revision the store has committed."""
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one())


def test_a_kill_mid_migration_leaves_the_old_revision_and_a_restart_finishes(
    old_store: Settings, processes: Start
) -> None:
    """Nothing half-migrated: the old revision stays whole, the next start migrates and verifies."""
    fill_old(old_store.database_url)
    engine = sa.create_engine(old_store.database_url)
    try:
        starting = processes(old_store, "audit", "verify")
        wait_for(
            lambda: writing(engine) and revision(engine) == OLD,
            "the migration to start",
            timeout=30,
        )
        starting.kill()
        assert revision(engine) == OLD
        again = CliRunner().invoke(app, ["audit", "verify"], env=lawgate_env(old_store))
        assert again.exit_code == 0, again.output
        assert f"checked {ENTRIES:,} entries" in again.output
        assert migrate.is_current(engine)
        with transaction(session_factory(engine)) as session:
            assert log.append(session, "test:written", "restart", "after").index == ENTRIES
    finally:
        engine.dispose()
