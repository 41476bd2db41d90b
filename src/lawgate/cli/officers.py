"""`lawgate officers`: add portal accounts under an agency, list them, end a lockout."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from lawgate import boot
from lawgate.config import load_settings
from lawgate.credentials import Enrolment, PublicAccount
from lawgate.errors import LawgateError
from lawgate.portal import accounts
from lawgate.store.base import utcnow
from lawgate.store.session import session_factory, transaction

app = typer.Typer(help="Officer accounts of the web portal (password + TOTP authenticator).")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
Listed = TypeVar("Listed", bound=PublicAccount)
PasswordFile = Annotated[
    Path | None,
    typer.Option("--password-file", help="Read the password from this file's first line"),
]


def fail(message: str) -> NoReturn:
    """Print an error the user can act on and exit 2."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


@contextmanager
def store() -> Iterator[Session]:
    """One transaction on the configured store; lawgate's errors become a message, not a trace."""
    try:
        engine = boot.open_store(load_settings())
        with transaction(session_factory(engine)) as session:
            yield session
    except LawgateError as exc:
        fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)


def actor() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{getpass.getuser()}"


def read_password(password_file: Path | None, who: str = "the officer") -> str:
    """The new password: the first line of a file, or typed twice without echo."""
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            fail(f"cannot read the password file {password_file}: {exc.strerror}")
        if not lines or not lines[0]:
            fail(f"the password file {password_file} is empty")
        return lines[0]
    first = getpass.getpass(f"Password for {who}: ")
    if getpass.getpass("Repeat the password: ") != first:
        fail("the two passwords differ; nothing was created")
    return first


def print_accounts(accounts: Sequence[Listed], own: str, value: Callable[[Listed], str]) -> None:
    """Accounts as a table: who, the column of their kind (`own`), failures and status now."""
    now = utcnow()
    table = Table("id", "email", "name", own, "failures", "status")
    for a in accounts:
        table.add_row(str(a.id), a.email, a.name, value(a), str(a.failed_logins), a.status(now))
    out.print(table)


def print_enrolment(made: Enrolment[Any], created: str, to: str) -> None:
    """Say what was created and show its TOTP secret, the one time it is shown."""
    out.print(created)
    out.print(f"Give these to {to} once, over a trusted channel; they are not shown again:")
    out.print(f"TOTP secret: {made.totp_secret}")
    out.print(f"authenticator URI: {made.provisioning_uri}")


@app.command("add")
def add(
    agency_id: Annotated[str, typer.Argument(help="The agency's registry id")],
    email: Annotated[str, typer.Argument(help="Work email, on one of the agency's domains")],
    name: Annotated[str, typer.Option("--name", help="The officer's full name")],
    password_file: PasswordFile = None,
) -> None:
    """Create an officer account; prints the authenticator secret once, never again."""
    password = read_password(password_file)
    with store() as session:
        made = accounts.create_officer(session, agency_id, email, name, password, actor())
    created = f"created officer {made.officer.email} (id {made.officer.id}) of {agency_id}"
    print_enrolment(made, created, "the officer")


@app.command("list")
def list_officers(
    agency_id: Annotated[str | None, typer.Argument(help="Only this agency's officers")] = None,
) -> None:
    """Officer accounts, with failures and lockouts."""
    with store() as session:
        officers = accounts.list_officers(session, agency_id)
    print_accounts(officers, "agency", lambda o: o.agency_id)


@app.command("unlock")
def unlock(email: Annotated[str, typer.Argument(help="The officer's email")]) -> None:
    """End a lockout after failed logins and reset the failure count."""
    with store() as session:
        officer = accounts.unlock(session, email, actor())
    out.print(f"unlocked {officer.email}")
