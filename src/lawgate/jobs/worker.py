"""Running the jobs: huey's consumer as `lawgate worker`, or in a thread beside `lawgate serve`."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from huey import Huey, SqliteHuey
from huey.consumer import Consumer
from huey.signals import SIGNAL_INTERRUPTED

from lawgate.config import Settings
from lawgate.jobs.queue import make_queue
from lawgate.jobs.tasks import Tasks, register
from lawgate.store import migrate

LOGGER = logging.getLogger("lawgate.jobs")
DEFAULT_WORKERS = 2
SHUTDOWN_SECONDS = 30.0
"""How long a stop waits for running jobs to finish before leaving them to the next start."""
POLL_SECONDS = 2.0
"""The longest an idle worker waits between looks at a SQLite queue (Redis blocks instead)."""
HEALTH_SECONDS = 10.0


class _HostedConsumer(Consumer):  # type: ignore[misc] # huey is untyped
    """huey's consumer, leaving signals to the process that hosts it."""

    def _set_signal_handlers(self) -> None:
        """The host (the worker command or the web server) owns SIGINT and SIGTERM."""


@dataclass
class Running:
    """A started consumer: its queue and threads, and how to stop them."""

    tasks: Tasks
    consumer: Consumer

    def stop(self) -> None:
        """Stop taking jobs, let running ones finish (up to SHUTDOWN_SECONDS), requeue the rest."""
        self.consumer.stop(graceful=True)
        self.tasks.huey.notify_interrupted_tasks()
        self.tasks.huey.storage.close()


def _requeue_interrupted(huey: Huey) -> None:
    """A job still running when a stop gives up goes back on the queue for the next start."""

    def requeue(_signal: str, task: Any, *_args: Any, **_kwargs: Any) -> None:
        LOGGER.warning("%s did not finish before the stop; queued again", task)
        huey.enqueue(task)

    huey.signal(SIGNAL_INTERRUPTED)(requeue)


def clear_stale_locks(tasks: Tasks) -> None:
    """On SQLite (one host), drop locks a killed worker left so its jobs are not stuck."""
    huey = tasks.huey
    if not isinstance(huey, SqliteHuey):
        return
    prefix = f"{huey.name}.lock."
    stale = [key for key in huey.storage.result_items() if key.startswith(prefix)]
    for key in stale:
        huey.delete(key)
    if stale:
        LOGGER.warning("cleared %d lock(s) left by a stopped worker", len(stale))


def start(tasks: Tasks, workers: int = DEFAULT_WORKERS) -> Running:
    """Start worker threads and the periodic scheduler on a registered queue."""
    clear_stale_locks(tasks)
    _requeue_interrupted(tasks.huey)
    consumer = _HostedConsumer(
        tasks.huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        max_delay=POLL_SECONDS,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    consumer.start()
    return Running(tasks, consumer)


def start_in_thread(settings: Settings, workers: int = DEFAULT_WORKERS) -> Running:
    """A consumer inside this process (as `lawgate serve` runs one); call `.stop()` to end it."""
    return start(register(make_queue(settings), settings), workers)


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGINT (Ctrl-C) and SIGTERM both ask for a clean stop."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        LOGGER.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)


def run(
    settings: Settings,
    workers: int = DEFAULT_WORKERS,
    on_ready: Callable[[Running], None] | None = None,
) -> None:
    """Serve jobs until SIGINT or SIGTERM: migrate the store, start, watch the threads, stop."""
    migrate.open_store(settings.database_url, settings.home).dispose()
    stop = threading.Event()
    _stop_on_signals(stop)
    running = start_in_thread(settings, workers)
    if on_ready:
        on_ready(running)
    try:
        while not stop.wait(HEALTH_SECONDS):
            running.consumer.check_worker_health()
    finally:
        running.stop()
