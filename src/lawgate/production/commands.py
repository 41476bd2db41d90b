"""`lawgate package verify`: check a sealed package exactly as the receiving agency would."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lawgate.errors import LawgateError
from lawgate.production.keys import DEFAULT_PRINCIPAL
from lawgate.production.package import verify_package

app = typer.Typer(help="Sealed production packages.")
out = Console()
err = Console(stderr=True)


def _read_identity(path: Path) -> str:
    """The agency's age identity file, or a clear error naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"[bold red]error:[/] {path}: cannot be read ({exc})")
        raise typer.Exit(2) from exc


@app.command()
def verify(
    package: Annotated[Path, typer.Argument(help="The sealed package (.age)")],
    identity: Annotated[Path, typer.Option(help="The agency's age identity file")],
    signer: Annotated[Path, typer.Option(help="allowed_signers file holding the platform key")],
    principal: Annotated[str, typer.Option(help="Signer name in allowed_signers")] = (
        DEFAULT_PRINCIPAL
    ),
) -> None:
    """Decrypt, check the signature, every file's hash and row count, and the scope's tables."""
    try:
        report = verify_package(package, _read_identity(identity), signer, principal)
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    for check in report.checks:
        mark = "[green]ok[/]    " if check.ok else "[red]FAILED[/]"
        out.print(f"{mark} {check.name}: {check.message}", soft_wrap=True)
    if not report.ok:
        err.print(f"[bold red]the package failed:[/] {', '.join(report.failed())}")
        raise typer.Exit(1)
    out.print("[bold green]the package is genuine and complete[/]")
