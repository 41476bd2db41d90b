"""`lawgate staff`: console accounts: add, list, unlock, disable, role, API tokens, demo codes."""

from __future__ import annotations

from typing import Annotated

import typer

from lawgate.cli.officers import (
    PasswordFile,
    actor,
    fail,
    out,
    print_accounts,
    print_enrolment,
    read_password,
    store,
)
from lawgate.errors import LawgateError
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


NO_TOKEN_WITHOUT_A_SECOND_FACTOR = (
    "a staff API token needs its owner's second factor; issue one in either of two ways: "
    "(1) the owner signs in to the console and issues their own on /console/token (password and "
    "code again), or (2) an admin runs `lawgate staff token EMAIL --by ADMIN_EMAIL` with the "
    "admin's current code; that token opens nothing until its owner confirms it with their own "
    "code (`lawgate staff token EMAIL --confirm`, or on /console/token)"
)
Emails = Annotated[
    list[str], typer.Argument(metavar="EMAIL", help="Staff emails (several with --by)")
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="ADMIN_EMAIL",
        help="Your admin email: issue tokens that wait for each owner's code",
    ),
]
Code = Annotated[
    str | None,
    typer.Option(
        "--code",
        metavar="CODE",
        help="The current authenticator code of --by, or with --confirm the owner's",
    ),
]


def _code(given: str | None, whose: str) -> str:
    """The code given as an option, or typed at a prompt (it is spent once used)."""
    return given if given is not None else str(typer.prompt(f"Current code of {whose}"))


def _confirm(emails: list[str], code: str | None) -> None:
    """The owner confirms the token an admin issued them, with their own code.

    A wrong code is counted even though the command fails (factor.CodeRefusedError.keeps_work).
    """
    if len(emails) != 1:
        fail("--confirm takes one email: each owner confirms their own token")
    given = _code(code, emails[0])
    with store() as session:
        tokens.confirm(session, emails[0], given)
    out.print(f"{emails[0]}: API token confirmed; it opens the staff API now")


def _issue_pending(emails: list[str], by: str, code: str | None) -> None:
    """An admin issues tokens, one origin for this run, each waiting for its owner's code."""
    given, origin = _code(code, by), tokens.new_origin("cli")
    with store() as session:
        issued = tokens.issue_pending(session, emails, by, given, origin, actor())
    for email, token in issued.items():
        out.print(f"staff API token for {email} (shown once; pending until {email} confirms it):")
        out.print(token, soft_wrap=True)
    out.print(
        "each owner confirms with: lawgate staff token EMAIL --confirm (or on /console/token)"
    )


@app.command("token")
def token(
    emails: Emails,
    by: By = None,
    code: Code = None,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Confirm your pending token with your own code")
    ] = False,
    revoke: Annotated[bool, typer.Option(help="Take the accounts' tokens away instead")] = False,
) -> None:
    """An admin issues staff API tokens (pending their owners' codes); confirm one; or revoke.

    People issue their own on the console's token page, /console/token.
    """
    if sum((by is not None, confirm, revoke)) > 1:
        fail("choose one of --by, --confirm and --revoke")
    if revoke:
        with store() as session:
            for email in emails:
                tokens.revoke(session, email, actor())
        out.print(f"{', '.join(emails)}: API token revoked")
    elif confirm:
        _confirm(emails, code)
    elif by is not None:
        _issue_pending(emails, by, code)
    else:
        fail(NO_TOKEN_WITHOUT_A_SECOND_FACTOR)
