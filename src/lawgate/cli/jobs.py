"""`lawgate worker` runs background jobs; `lawgate jobs run-once NAME` runs one periodic job now."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from lawgate import boot
from lawgate.config import load_settings
from lawgate.errors import LawgateError
from lawgate.jobs import tasks, worker
from lawgate.jobs.queue import describe

app = typer.Typer(help="Background jobs: exports, hold expiry, user notices, deadline alerts.")
out = Console()
err = Console(stderr=True)


class Periodic(StrEnum):
    """The periodic jobs an operator may run at once."""

    EXPIRE_HOLDS = "expire-holds"
    SEND_NOTICES = "send-notices"
    DEADLINE_ALERTS = "deadline-alerts"


@contextmanager
def reported() -> Iterator[None]:
    """lawgate's own errors (bad settings first) as a message and exit code 2."""
    try:
        yield
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc


def worker_command(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Jobs run at the same time")] = (
        worker.DEFAULT_WORKERS
    ),
) -> None:
    """Run queued exports and the periodic jobs until Ctrl-C or SIGTERM (then stop cleanly)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    def ready(running: worker.Running) -> None:
        where = describe(running.tasks.huey)
        out.print(f"lawgate worker: {where}, {workers} worker(s)", soft_wrap=True)

    with reported():
        worker.run(load_settings(), workers, on_ready=ready)
    out.print("lawgate worker stopped")


@app.command("run-once")
def run_once(name: Annotated[Periodic, typer.Argument(help="The job to run now")]) -> None:
    """Run one periodic job in this process now, without the queue (catch-up, checks)."""
    with reported():
        settings = load_settings()
        boot.open_store(settings).dispose()
        if name is Periodic.EXPIRE_HOLDS:
            out.print(f"expired {tasks.run_expire_holds(settings)} hold(s)")
        elif name is Periodic.SEND_NOTICES:
            run = tasks.run_send_notices(settings)
            out.print(f"notices: made {run.made}, sent {run.sent}, failed {run.failed}")
        else:
            out.print(f"sent {tasks.run_deadline_alerts(settings)} deadline alert(s)")
