"""`lawgate agencies key`: register, list and revoke agencies' API keys; make a key pair."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from lawgate import boot
from lawgate.config import Settings, load_settings
from lawgate.errors import LawgateError
from lawgate.intake import keys
from lawgate.store.session import session_factory, transaction

app = typer.Typer(
    help="Agencies' Ed25519 API keys. Rotate by adding the new key, then revoking the old one."
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print an error the user can act on and exit 2."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(2)


@contextmanager
def reported() -> Iterator[None]:
    """lawgate's own errors become a message naming the field, not a traceback."""
    try:
        yield
    except LawgateError as exc:
        fail(f"{exc.field}: {exc.message}" if exc.field else exc.message)


def _settings() -> Settings:
    """Settings from the environment, or exit 2 naming the bad variable."""
    with reported():
        return load_settings()
    raise AssertionError("unreachable")


def _actor() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{getpass.getuser()}"


@app.command("add")
def add(
    agency_id: Annotated[str, typer.Argument(metavar="AGENCY", help="Registered agency id")],
    key_id: Annotated[str, typer.Option("--key-id", help="The keyid the agency signs with")],
    public_key: Annotated[
        str,
        typer.Option(
            "--public-key",
            help="File or text: an 'ssh-ed25519 AAAA...' line, a PEM key, or base64 of 32 bytes",
        ),
    ],
) -> None:
    """Register an agency's Ed25519 public key under a key id."""
    settings = _settings()
    with reported():
        raw = keys.read_public_key(public_key)
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            added = keys.add_key(session, agency_id, key_id, raw, _actor())
    out.print(f"added key {added.key_id} for {added.agency_id}: {keys.public_key_text(raw)}")


@app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="Key to revoke")]) -> None:
    """Revoke a key: calls signed with it are refused from now on."""
    settings = _settings()
    with reported():
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            revoked = keys.revoke_key(session, key_id, _actor())
    out.print(f"revoked key {revoked.key_id} of {revoked.agency_id}")


@app.command("list")
def list_keys(
    agency_id: Annotated[
        str | None, typer.Argument(metavar="[AGENCY]", help="Only this agency's keys")
    ] = None,
) -> None:
    """Registered keys, active and revoked."""
    settings = _settings()
    with reported():
        engine = boot.open_store(settings)
        with session_factory(engine)() as session:
            found = keys.list_keys(session, agency_id)
    table = Table("key id", "agency", "public key", "added (UTC)", "revoked (UTC)")
    for key in found:
        revoked = f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-"
        table.add_row(
            key.key_id, key.agency_id, key.public_key, f"{key.created_at:%Y-%m-%d %H:%M}", revoked
        )
    out.print(table)


@app.command("generate")
def generate(
    key_id: Annotated[str, typer.Option("--key-id", help="The key id to register it under")],
    out_file: Annotated[Path, typer.Option("--out", help="Private key file to create (PEM)")],
) -> None:
    """For agencies: make an Ed25519 key pair and print the command that registers it."""
    with reported():
        keys.check_key_id(key_id)
        raw = keys.generate_key_file(out_file)
    err.print(f"wrote the private key to {out_file} (mode 0600); keep it secret")
    out.print(f"public key: {keys.public_key_text(raw)}")
    out.print(
        f"register it: lawgate agencies key add AGENCY --key-id {key_id} "
        f"--public-key {keys.public_key_text(raw)}"
    )
