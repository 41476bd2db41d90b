"""Crash and concurrency fixtures: real processes, a stall at a chosen moment, PostgreSQL."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from lawgate.config import Settings, sqlite_url
from lawgate.store.session import make_engine, session_factory
from tests.conftest import BACKEND, migrated_pg_database
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.jobs.conftest import LAWGATE, WAIT_SECONDS, recipient, wait_for

__all__ = ["built", "recipient", "wait_for"]

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT = "127.0.0.1", 5432
STALL = "resilience_stall"
END_SLEEPERS = (  # a server notices a dead client only when it next writes to it; do it now
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event = 'PgSleep'"
)


def _pg_reachable() -> bool:
    """Whether something listens on the PostgreSQL port."""
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own, whatever store the run uses."""
    if not _pg_reachable():
        pytest.skip(f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable: concurrency needs it")
    yield from migrated_pg_database("lawgate_resilience")


@pytest.fixture
def pg_settings(pg_url: str, tmp_path: Path, built: Built) -> Settings:
    """Settings on the test's PostgreSQL database and the small demo marketplace."""
    return Settings(home=tmp_path, database_url=pg_url, marketplace_url=built.url)


@pytest.fixture
def pg_factory(pg_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the test's PostgreSQL database."""
    engine = make_engine(pg_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def module_store(
    template_store: str, tmp_path_factory: pytest.TempPathFactory, built: Built
) -> Iterator[Settings]:
    """A store of the run's backend shared by one module's scenario: crash once, inspect often."""
    home = tmp_path_factory.mktemp("scenario")
    if BACKEND != "postgresql":
        shutil.copyfile(template_store, home / "lawgate.sqlite")
        yield Settings(home, sqlite_url(home / "lawgate.sqlite"), marketplace_url=built.url)
        return
    for url in migrated_pg_database("lawgate_resilience"):
        yield Settings(home=home, database_url=url, marketplace_url=built.url)


@pytest.fixture(scope="module")
def module_factory(module_store: Settings) -> Iterator[sessionmaker[Session]]:
    """Plain sessions on the module's store."""
    engine = sa.create_engine(module_store.database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def store(settings: Settings, built: Built) -> Settings:
    """The run's store (SQLite, or PostgreSQL under make test-postgres) and the demo marketplace."""
    return dataclasses.replace(settings, marketplace_url=built.url)


@pytest.fixture
def factory(store: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on the run's store; plain, so a read never waits for a stalled writer's lock."""
    engine = sa.create_engine(store.database_url)
    yield session_factory(engine)
    engine.dispose()


def lawgate_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment a `lawgate` process reads its settings from."""
    return {
        **os.environ,
        "LAWGATE_HOME": str(settings.home),
        "LAWGATE_DATABASE_URL": settings.database_url,
        "LAWGATE_MARKETPLACE_URL": settings.marketplace_url,
        "LAWGATE_JOBS_URL": settings.jobs_url or "",
        **extra,
    }


class Process:
    """A real process (the `lawgate` command or a Python module), its output in a file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        """What it printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        """Whether it is still running."""
        return self.popen.poll() is None

    def kill(self) -> None:
        """kill -9: no handler, no cleanup, no commit, as when the machine loses the process."""
        assert self.alive(), f"the process ended before the chosen moment:\n{self.output()}"
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=WAIT_SECONDS)

    def finish(self, timeout: float = 60) -> int:
        """Wait for a normal end; returns the exit code."""
        return self.popen.wait(timeout=timeout)


Start = Callable[..., Process]


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Start]:
    """start(settings, *args) runs `lawgate args`; start(settings, '-m', module, ...) Python."""
    yield from _starter(tmp_path)


@pytest.fixture(scope="module")
def module_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Start]:
    """`processes` for a scenario a whole module inspects."""
    yield from _starter(tmp_path_factory.mktemp("processes"))


def _starter(tmp_path: Path) -> Iterator[Start]:
    """Start processes logging into tmp_path; kill any still running at the end."""
    started: list[Process] = []

    def start(settings: Settings, *args: str, **extra: str) -> Process:
        program = [sys.executable] if args[0] == "-m" else [str(LAWGATE)]
        log = tmp_path / f"process-{len(started)}.log"
        process = Process([*program, *args], lawgate_env(settings, **extra), log)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.alive():
            process.popen.kill()
            process.popen.wait(timeout=WAIT_SECONDS)


def install_stall(engine: sa.Engine, table: str, when: str) -> None:
    """A test-only trigger that holds any insert into `table` matching `when` (SQL on NEW)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    f"CREATE OR REPLACE FUNCTION {STALL}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$"
                )
            )
            conn.execute(
                sa.text(
                    f"CREATE TRIGGER {STALL} BEFORE INSERT ON {table} FOR EACH ROW "
                    f"WHEN ({when}) EXECUTE FUNCTION {STALL}()"
                )
            )
            return
        burn = (  # SQLite has no sleep: count to a number it never reaches before the kill
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000000)"
            " SELECT count(*) FROM c"
        )
        conn.execute(
            sa.text(
                f"CREATE TRIGGER {STALL} BEFORE INSERT ON {table} WHEN {when} BEGIN {burn}; END"
            )
        )


def remove_stall(engine: sa.Engine, table: str) -> None:
    """Drop the trigger install_stall made, once the server has let go of any killed client."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(END_SLEEPERS))
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {STALL} ON {table}"))
            conn.execute(sa.text(f"DROP FUNCTION IF EXISTS {STALL}()"))
        else:
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {STALL}"))


def sqlite_path(url: str) -> str:
    """The file behind a sqlite:/// URL."""
    return url.removeprefix("sqlite:///")


def writing(engine: sa.Engine) -> bool:
    """Whether another connection is inside a write transaction on the store right now."""
    if engine.dialect.name == "postgresql":
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction') "
            "AND backend_type = 'client backend'"
        )
        with engine.connect() as conn:
            return bool(conn.execute(sa.text(query)).scalar())
    probe = sqlite3.connect(sqlite_path(str(engine.url)), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def stalled(engine: sa.Engine) -> bool:
    """Whether a process sits in the stall trigger (PostgreSQL: in pg_sleep; SQLite: writing)."""
    if engine.dialect.name != "postgresql":
        return writing(engine)
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event = 'PgSleep'"
    )
    with engine.connect() as conn:
        return bool(conn.execute(sa.text(query)).scalar())
