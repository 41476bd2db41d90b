"""`lawgate notices`: make notices for closed cases, send those due, list where they stand."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawgate.cli.common import opened_store
from lawgate.config import load_settings
from lawgate.datamap.sources import marketplace_for
from lawgate.errors import LawgateError
from lawgate.notices import services
from lawgate.store.base import utcnow
from lawgate.store.session import transaction

app = typer.Typer(help="User notices: telling users what was asked and given about them.")
out = Console()
err = Console(stderr=True)


def _moment(value: str | None) -> dt.datetime:
    """The run's clock: --now as ISO 8601 (UTC when no zone is given), else the current time."""
    if not value:
        return utcnow()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        err.print(f"[bold red]error:[/] --now {value!r} is not an ISO 8601 time")
        raise typer.Exit(2) from exc
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


@app.command()
def create(request_id: Annotated[str, typer.Argument(help="A closed request")]) -> None:
    """Make the notices of one closed case now (sending makes missing ones too)."""
    try:
        settings = load_settings()
        with marketplace_for(settings) as marketplace, opened_store(settings) as factory:
            engine, described = marketplace.engine, marketplace.datamap
            with transaction(factory) as session:
                made = services.create_notices(session, engine, request_id, utcnow(), described)
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    out.print(f"{made} notice(s) made for {request_id}")


@app.command()
def send(
    now: Annotated[
        str | None, typer.Option(help="Run as of this ISO time (tests, catch-up)")
    ] = None,
) -> None:
    """Make notices for newly closed cases, then send every notice now due (run periodically)."""
    moment = _moment(now)
    try:
        settings = load_settings()
        with marketplace_for(settings) as marketplace, opened_store(settings) as factory:
            engine, described = marketplace.engine, marketplace.datamap
            with transaction(factory) as session:
                made = services.create_for_closed(session, engine, moment, described)
            report = services.send_due(factory, engine, settings, moment)
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    channel = "smtp" if settings.smtp_url else f"outbox {settings.home / 'outbox'}"
    out.print(f"made {made}, sent {report.sent}, failed {report.failed} (via {channel})")
    if report.failed:
        raise typer.Exit(1)


@app.command("list")
def list_command() -> None:
    """Every notice and where it stands (addresses are never stored, so never shown)."""
    try:
        with opened_store(load_settings()) as factory, factory() as session:
            rows = services.list_notices(session)
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    table = Table("id", "request", "status", "delayed until", "sent at", "channel", "error")
    for row in rows:
        table.add_row(
            str(row.id),
            row.request_id,
            row.status,
            str(row.delayed_until or ("no end date" if row.status == "delayed" else "")),
            row.sent_at.strftime("%Y-%m-%d %H:%M") if row.sent_at else "",
            row.channel or "",
            row.error,
        )
    out.print(table)
