"""`lawgate holds`: check an account, expire holds whose time is up, list holds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from lawgate.cli.common import opened_store
from lawgate.config import load_settings
from lawgate.errors import LawgateError
from lawgate.holds import services
from lawgate.store.session import transaction

app = typer.Typer(help="Preservation holds: accounts whose data must not be deleted.")
out = Console()
err = Console(stderr=True)


@contextmanager
def store() -> Iterator[Session]:
    """One committed transaction on the store, or a clean error instead of a traceback."""
    try:
        with opened_store(load_settings()) as factory, transaction(factory) as session:
            yield session
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc


@app.command("check")
def check(account: Annotated[str, typer.Argument(help="Account id, e.g. A000000001")]) -> None:
    """Say whether an account's data is held (exit 1 when it is), as the deletion pipeline asks."""
    with store() as session:
        holds = services.is_held(session, [account])[account]
    if not holds:
        out.print(f"{account}: not held")
        return
    for hold in holds:
        out.print(f"{account}: held by {hold.request_id} ({hold.status}) until {hold.expires_at}")
    raise typer.Exit(1)


@app.command("expire")
def expire() -> None:
    """End every hold whose time is up (run daily until the job scheduler exists)."""
    with store() as session:
        count = services.expire_holds(session)
    out.print(f"expired {count} hold(s)")


@app.command("list")
def list_holds() -> None:
    """Holds by request: agency, accounts, status, expiry and extension."""
    with store() as session:
        groups = services.list_holds(session)
    if not groups:
        out.print("no holds")
        return
    table = Table("request", "agency", "accounts", "status", "expires (UTC)", "extended by")
    for group in groups:
        expires = f"{group.expires_at:%Y-%m-%d %H:%M}"
        table.add_row(
            group.request_id,
            group.agency_name,
            str(group.accounts),
            group.status,
            expires,
            group.extended_by or "",
        )
    out.print(table)
