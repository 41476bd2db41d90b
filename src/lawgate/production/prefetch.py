"""Read a query's rows in a background thread, a few batches ahead, so the database and Python
work at the same time (the database driver releases the GIL while it waits for rows).

The queue holds at most ``depth`` batches, so memory stays bounded; a consumer that stops early
tells the reader to stop, and a reader that fails hands its exception to the consumer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

_DONE = object()
POSTGRES_PLANNING = (
    "SET LOCAL cursor_tuple_fraction = 1.0",
    "SET LOCAL enable_seqscan = off",
)
"""How the collector's cursors are planned on PostgreSQL: for all their rows (as COPY is, not
for the first tenth, which favours walking a whole primary key in order), and never by reading
a whole table, even for a target whose rows sit on most of its pages, where the planner would
rather scan: the work then follows the target's index entries, whatever the platform's size."""


class _Failure:
    """An exception raised in the reader thread, to re-raise in the consumer."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _read(
    engine: sa.Engine,
    statement: sa.Executable,
    batch_rows: int,
    out: queue.Queue[object],
    stop: threading.Event,
) -> None:
    """The reader thread: stream batches into the queue until done, stopped or failed."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                for setting in POSTGRES_PLANNING:
                    conn.exec_driver_sql(setting)
            options = conn.execution_options(stream_results=True, max_row_buffer=batch_rows)
            for batch in options.execute(statement).partitions(batch_rows):
                if not _offer(out, batch, stop):
                    return
        _offer(out, _DONE, stop)
    except BaseException as exc:
        _offer(out, _Failure(exc), stop)


def _offer(out: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Put an item, waiting for room unless the consumer has gone; False when it has."""
    while not stop.is_set():
        try:
            out.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def batches(
    engine: sa.Engine, statement: sa.Executable, batch_rows: int, depth: int = 3
) -> Iterator[Sequence[Any]]:
    """The statement's rows in batches, read ahead by a background thread."""
    out: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    reader = threading.Thread(
        target=_read, args=(engine, statement, batch_rows, out, stop), daemon=True
    )
    reader.start()
    try:
        while (item := out.get()) is not _DONE:
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        reader.join()
