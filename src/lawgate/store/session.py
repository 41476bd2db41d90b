"""Engines and sessions for lawgate's own state, on SQLite or PostgreSQL through one code path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from lawgate.errors import ConfigError

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
POOL_SIZE, POOL_OVERFLOW = 5, 10
CONNECTIONS = POOL_SIZE + POOL_OVERFLOW
"""Connections one engine opens at most (SQLAlchemy's defaults, made explicit for admission)."""


def make_engine(url: str) -> Engine:
    """Create an engine, with SQLite set up for safe concurrent use by several processes."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database URL {url!r} cannot be parsed: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ConfigError(
            f"database backend {backend!r} is not supported; use sqlite or postgresql"
        )
    if backend == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)


def _sqlite_engine(url: str, in_memory: bool = False) -> Engine:
    """SQLite with WAL, foreign keys, and BEGIN IMMEDIATE so writers queue instead of failing."""
    sizes = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    engine = create_engine(url, connect_args={"timeout": 30}, **sizes)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session maker whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error.

    The one exception is an error marked `keeps_work` (a lapse found at a decision point): what
    the transaction wrote is the record of that refusal, so it is committed before the error
    goes on.
    """
    with factory() as session:
        session.begin()
        try:
            yield session
        except BaseException as exc:
            if getattr(exc, "keeps_work", False):
                session.commit()
            else:
                session.rollback()
            raise
        session.commit()
