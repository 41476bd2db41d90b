"""`lawgate officers`: add portal accounts under an agency, list them, end a lockout."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from lawgate import boot
from lawgate.config import load_settings
from lawgate.errors import LawgateError
from lawgate.portal import accounts
from lawgate.store.base import utcnow
from lawgate.store.session import session_factory, transaction

app = typer.Typer(help="Officer accounts of the web portal (password + TOTP authenticator).")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> NoReturn:
    """Print an error the user can act on and exit 2."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


@contextmanager
def _store() -> Iterator[Session]:
    """One transaction on the configured store; lawgate's errors become a message, not a trace."""
    try:
        engine = boot.open_store(load_settings())
        with transaction(session_factory(engine)) as session:
            yield session
    except LawgateError as exc:
        _fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)


def _actor() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{getpass.getuser()}"


def _password(password_file: Path | None) -> str:
    """The new password: the first line of a file, or typed twice without echo."""
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            _fail(f"cannot read the password file {password_file}: {exc.strerror}")
        if not lines or not lines[0]:
            _fail(f"the password file {password_file} is empty")
        return lines[0]
    first = getpass.getpass("Password for the officer: ")
    if getpass.getpass("Repeat the password: ") != first:
        _fail("the two passwords differ; nothing was created")
    return first


@app.command("add")
def add(
    agency_id: Annotated[str, typer.Argument(help="The agency's registry id")],
    email: Annotated[str, typer.Argument(help="Work email, on one of the agency's domains")],
    name: Annotated[str, typer.Option("--name", help="The officer's full name")],
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="Read the password from this file's first line"),
    ] = None,
) -> None:
    """Create an officer account; prints the authenticator secret once, never again."""
    password = _password(password_file)
    with _store() as session:
        made = accounts.create_officer(session, agency_id, email, name, password, _actor())
    out.print(f"created officer {made.officer.email} (id {made.officer.id}) of {agency_id}")
    out.print("Give these to the officer once, over a trusted channel; they are not shown again:")
    out.print(f"TOTP secret: {made.totp_secret}")
    out.print(f"authenticator URI: {made.provisioning_uri}")


@app.command("list")
def list_officers(
    agency_id: Annotated[str | None, typer.Argument(help="Only this agency's officers")] = None,
) -> None:
    """Officer accounts, with failures and lockouts."""
    with _store() as session:
        officers = accounts.list_officers(session, agency_id)
    now = utcnow()
    table = Table("id", "agency", "email", "name", "failures", "status")
    for o in officers:
        status = "disabled" if o.disabled else "active"
        if o.locked(now) and o.locked_until is not None:
            status = f"locked until {o.locked_until:%Y-%m-%d %H:%M} UTC"
        table.add_row(str(o.id), o.agency_id, o.email, o.name, str(o.failed_logins), status)
    out.print(table)


@app.command("unlock")
def unlock(email: Annotated[str, typer.Argument(help="The officer's email")]) -> None:
    """End a lockout after failed logins and reset the failure count."""
    with _store() as session:
        officer = accounts.unlock(session, email, _actor())
    out.print(f"unlocked {officer.email}")
