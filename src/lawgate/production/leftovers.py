"""One production per request at a time, and what a killed one left behind cleared by the next.

The lock is an flock on a file outside the productions folder: the kernel releases it when the
holding process exits or is killed, so a crashed run never blocks the next one (all producers of
one productions folder run on one host). Holding it, the next run removes the crashed run's
plaintext working folder and its sealed but unrecorded package (never delivered: delivery needs
the record), each removal an audit entry.
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

from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.errors import ConflictError
from lawgate.production.sealing import sha256_file

LOCKS = "lawgate-production-locks"


def work_prefix(request_id: str) -> str:
    """The name start of a run's plaintext working folder, so the next run can find it."""
    return f".lawgate-{request_id}-"


def _lock_path(out_dir: Path, request_id: str) -> Path:
    """A lock file per productions folder and request, in the system's temporary folder."""
    folder = hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / LOCKS / folder
    path.mkdir(parents=True, exist_ok=True)
    return path / f"{request_id}.lock"


@contextmanager
def exclusive(out_dir: Path, request_id: str) -> Iterator[None]:
    """Hold the request's production lock for the block; refuse at once if another run has it."""
    fd = os.open(_lock_path(out_dir, request_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConflictError(
                f"request {request_id} is being produced right now by another process; "
                "its package appears when that run ends"
            ) from exc
        yield
    finally:
        os.close(fd)


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
