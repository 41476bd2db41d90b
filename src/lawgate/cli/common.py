"""What every command shares: its consoles, a clean error and exit code, settings, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session, sessionmaker

from lawgate import boot
from lawgate.config import Settings, load_settings
from lawgate.errors import LawgateError
from lawgate.store.session import session_factory

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error the user can act on and stop."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Turn lawgate's own errors into a message and exit code instead of a traceback."""
    try:
        yield
    except LawgateError as exc:
        where = f"{exc.field}: " if exc.field else ""
        fail(f"{where}{exc.message}")


def settings_or_exit() -> Settings:
    """Settings from the environment, or a clean error naming the bad variable."""
    with reported():
        return load_settings()
    raise AssertionError("unreachable")


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar fed by (stage, done, total) callbacks."""
    columns = (
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def print_json(value: BaseModel | list[Any]) -> None:
    """Machine-readable output."""
    if isinstance(value, BaseModel):
        sys.stdout.write(value.model_dump_json(indent=2, by_alias=True) + "\n")
        return
    items = [v.model_dump(mode="json") for v in value]
    sys.stdout.write(json.dumps(items, indent=2) + "\n")


@contextmanager
def opened_store(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """lawgate's own store for one command, migrated, and its pool closed when the command ends."""
    engine = boot.open_store(settings)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()
