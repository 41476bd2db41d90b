"""One production per request at a time, and what a killed one left behind cleared by the next.

The lock belongs to the request in lawgate's store, never to an output folder: on PostgreSQL a
session advisory lock (every host and process sharing the store sees it), on SQLite an flock on a
file beside the database (every process on its host sees it). Either is released when the holding
process exits or is killed, so a crashed run never blocks the next one; the store's unique key on
`productions.request_id` is the last wall. Holding the lock, the next run removes the crashed
run's plaintext working folder and its sealed but unrecorded package (never delivered: delivery
needs the record), each removal an audit entry.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.errors import ConflictError
from lawgate.production.sealing import sha256_file

LOCKS = "lawgate-production-locks"


def work_prefix(request_id: str) -> str:
    """The name start of a run's plaintext working folder, so the next run can find it."""
    return f".lawgate-{request_id}-"


def _busy(request_id: str) -> ConflictError:
    """The refusal a second concurrent production gets."""
    return ConflictError(
        f"request {request_id} is already producing in another process; "
        "its package appears when that run ends"
    )


def _lock_key(request_id: str) -> int:
    """A signed 64-bit advisory-lock key for the request."""
    digest = hashlib.sha256(f"lawgate-production:{request_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _lock_file(engine: sa.Engine, request_id: str) -> Path:
    """The flock file of a request: beside the SQLite database, or per process in memory."""
    database = engine.url.database
    if database and database != ":memory:":
        folder = Path(database).resolve().parent / f".{Path(database).name}.production-locks"
    else:
        folder = Path(tempfile.gettempdir()) / LOCKS / f"memory-{os.getpid()}-{id(engine)}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{request_id}.lock"


@contextmanager
def _advisory(engine: sa.Engine, request_id: str) -> Iterator[None]:
    """PostgreSQL: a session advisory lock on its own connection, held for the block."""
    key = _lock_key(request_id)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if not connection.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
            raise _busy(request_id)
        try:
            yield
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@contextmanager
def _flocked(engine: sa.Engine, request_id: str) -> Iterator[None]:
    """SQLite: an exclusive flock the kernel drops with the process."""
    fd = os.open(_lock_file(engine, request_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise _busy(request_id) from exc
        yield
    finally:
        os.close(fd)


@contextmanager
def exclusive(engine: sa.Engine, request_id: str) -> Iterator[None]:
    """Hold the request's production lock for the block; refuse at once if another run has it."""
    lock = _advisory if engine.dialect.name == "postgresql" else _flocked
    with lock(engine, request_id):
        yield


def clear_leftovers(session: Session, out_file: Path, actor: str) -> None:
    """Remove a killed run's working folders and unrecorded package (call holding the lock)."""
    request_id = out_file.name.removesuffix(".age")
    for folder in out_file.parent.glob(work_prefix(request_id) + "*"):
        shutil.rmtree(folder, ignore_errors=True)
        log.append(session, "production:leftover:removed", actor, request_id, {"what": "work"})
    if out_file.exists():
        digest = sha256_file(out_file)
        out_file.unlink()
        details = {"what": "unrecorded package", "sha256": digest}
        log.append(session, "production:leftover:removed", actor, request_id, details)
