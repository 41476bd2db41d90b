"""A second process for big SQLite builds, so both cores work.

SQLite allows one writer per file, so the second process loads its share of the tables
(payments and logins) into a file of its own, indexes included, while the first
process loads the rest. The first then copies those tables over with INSERT INTO ... SELECT *
into empty tables whose indexes already exist: SQLite's transfer optimisation copies rows and
ready-made index entries in order, several times faster than inserting and indexing again.

The second process is a fresh interpreter (``python -m lawgate.demo.worker``) that reports on
its stdout, so it never re-imports the caller's main script nor inherits its threads or
database connections.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import URL

from lawgate.demo.writers import SQLiteLoader

SIDE_TABLES = ("payments", "logins")
MIN_USERS = 20_000
POLL_SECONDS = 0.25
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
Progress = Callable[[str, int, int], None]


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worthwhile(url: URL, users: int) -> bool:
    """Two processes pay off for SQLite at scale on a machine with a spare core."""
    return url.get_backend_name() == "sqlite" and users >= MIN_USERS and cores() >= 2


class Sidecar:
    """The second process and its file, from start to merge and clean-up."""

    def __init__(self, target: str, users: int, seed: int) -> None:
        """Start the second process on a fresh file beside the target database."""
        folder = Path(target).resolve().parent
        handle, self.path = tempfile.mkstemp(prefix=".demo-side-", suffix=".sqlite", dir=folder)
        os.close(handle)
        self.tables = SIDE_TABLES
        self.result: dict[str, int] | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str] = []
        try:
            self.process = self._start(users, seed)
        except BaseException:
            _remove(self.path)
            raise
        self.readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def _start(self, users: int, seed: int) -> subprocess.Popen[str]:
        """Run the worker module in a fresh interpreter of this same Python."""
        command = [sys.executable, "-m", "lawgate.demo.worker", self.path, str(users), str(seed)]
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_child_env()
        )

    def _read(self) -> None:
        """Queue the child's report lines (a thread: reading blocks)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_errors(self) -> None:
        """Keep the child's stderr (a traceback if it fails), so its pipe never fills."""
        assert self.process.stderr is not None
        self.errors.extend(self.process.stderr)

    def __enter__(self) -> Sidecar:
        """Use as a context manager so the process and file never outlive the build."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the process if still running, and delete its file."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=30)
        for reader in self.readers:
            reader.join(timeout=5)
        _remove(self.path)

    def relay(self, report: Progress, wait: float = 0.0) -> bool:
        """Pass on the child's progress and note its result; False once its output ended."""
        while True:
            try:
                line = self.lines.get(timeout=wait) if wait else self.lines.get_nowait()
            except queue.Empty:
                return True
            wait = 0.0
            if line is None:
                return False
            word, _, rest = line.strip().partition(" ")
            if word == "progress":
                stage, done, total = rest.split()
                report(stage, int(done), int(total))
            elif word == "done":
                self.result = json.loads(rest)

    def wait(self, report: Progress) -> dict[str, int]:
        """Block until the child has finished, relaying its progress."""
        while self.result is None and self.relay(report, wait=POLL_SECONDS):
            pass
        code = self.process.wait()
        if self.result is None or code != 0:
            self.readers[1].join(timeout=5)
            details = "".join(self.errors)
            raise RuntimeError(f"the second generator process failed (exit {code}):\n{details}")
        return self.result

    def merge(self, loader: SQLiteLoader, report: Progress) -> None:
        """Copy the side tables into the empty, already indexed tables of the target."""
        escaped = self.path.replace("'", "''")
        loader.execute(f"ATTACH DATABASE '{escaped}' AS side")
        loader.execute("BEGIN")
        report("merge", 0, len(self.tables))
        for done, name in enumerate(self.tables, start=1):
            table = loader.quote(name)
            loader.execute(f"INSERT INTO main.{table} SELECT * FROM side.{table}")
            report("merge", done, len(self.tables))
        loader.execute("COMMIT")
        loader.execute("DETACH DATABASE side")


def _remove(path: str) -> None:
    """Delete a file if it is still there."""
    with contextlib.suppress(OSError):
        os.remove(path)


def _child_env() -> dict[str, str]:
    """This environment, with this copy of lawgate first on the child's import path."""
    env = dict(os.environ)
    paths = [str(PACKAGE_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env
