"""`lawgate staff`: console accounts: add, list, unlock, disable, role, API tokens, demo codes."""

from __future__ import annotations

from typing import Annotated

import typer

from lawgate.errors import LawgateError
from lawgate.portal.commands import (
    PasswordFile,
    actor,
    fail,
    out,
    print_accounts,
    print_enrolment,
    read_password,
    store,
)
from lawgate.staff import accounts, tokens
from lawgate.staff.roles import Role

app = typer.Typer(help="Staff accounts of the reviewer console (role, password + TOTP).")
ROLES = ", ".join(r.value for r in Role)


def _role(value: str) -> Role:
    """A role named on the command line, checked before any password is asked for."""
    try:
        return accounts.parse_role(value)
    except LawgateError as exc:
        fail(exc.message)


@app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The staff member's email")],
    name: Annotated[str, typer.Option("--name", help="Full name, shown in the console")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {ROLES}")],
    password_file: PasswordFile = None,
) -> None:
    """Create a staff account; prints the authenticator secret once, never again."""
    chosen = _role(role)
    password = read_password(password_file, "the staff member")
    with store() as session:
        made = accounts.create_staff(session, email, name, chosen, password, actor())
    created = f"created {chosen.value} {made.account.email} (id {made.account.id})"
    print_enrolment(made, created, "them")


@app.command("list")
def list_staff() -> None:
    """Staff accounts with their role, failures and lockouts."""
    with store() as session:
        staff = accounts.list_staff(session)
    print_accounts(staff, "role", lambda s: s.role.value + (" (demo)" if s.demo else ""))


@app.command("unlock")
def unlock(email: Annotated[str, typer.Argument(help="The staff member's email")]) -> None:
    """End a lockout after failed logins and reset the failure count."""
    with store() as session:
        account = accounts.unlock(session, email, actor())
    out.print(f"unlocked {account.email}")


@app.command("disable")
def disable(email: Annotated[str, typer.Argument(help="The staff member's email")]) -> None:
    """Stop an account from signing in; its open sessions end at their next request."""
    with store() as session:
        account = accounts.disable(session, email, actor())
    out.print(f"disabled {account.email}")


@app.command("role")
def role(
    email: Annotated[str, typer.Argument(help="The staff member's email")],
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help=f"One of: {ROLES}")],
) -> None:
    """Give a staff member another role."""
    chosen = _role(new_role)
    with store() as session:
        account = accounts.set_role(session, email, chosen, actor())
    out.print(f"{account.email} is now {account.role.value}")


@app.command("code")
def code(email: Annotated[str, typer.Argument(help="A demo account's email")]) -> None:
    """Print a demo account's current authenticator code (refused for real accounts)."""
    with store() as session:
        current = accounts.demo_code(session, email)
    out.print(current)


@app.command("token")
def token(
    email: Annotated[str, typer.Argument(help="The staff account's email")],
    revoke: Annotated[bool, typer.Option(help="Take the account's token away instead")] = False,
) -> None:
    """Issue a staff API token (shown once; replaces the old one), or revoke it."""
    with store() as session:
        if revoke:
            tokens.revoke(session, email, actor())
        else:
            issued = tokens.issue(session, email, actor())
    if revoke:
        out.print(f"{email}: API token revoked")
        return
    out.print(f"staff API token for {email} (shown once; send it as 'Authorization: Bearer ...'):")
    out.print(issued, soft_wrap=True)
