"""`lawgate produce` seals an approved request; `lawgate package verify` checks it."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from lawgate import boot
from lawgate.config import load_settings
from lawgate.datamap.sources import marketplace_for
from lawgate.errors import LawgateError
from lawgate.lifecycle import production as producing
from lawgate.production.delivery import productions_dir
from lawgate.production.keys import DEFAULT_PRINCIPAL
from lawgate.production.package import verify_package
from lawgate.store.session import session_factory

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


def _rows_bar() -> Progress:
    """A per-table progress display: rows read so far and the rate (totals are not known)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<12}"),
        TextColumn("{task.completed:>12,} rows"),
        TimeElapsedColumn(),
        console=err,
    )


def produce(
    request_id: Annotated[str, typer.Argument(help="The approved request to produce")],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write REQUEST_ID.age into; default $LAWGATE_HOME/productions, "
            "where the agency API serves it from",
        ),
    ] = None,
) -> None:
    """Collect exactly what was approved and seal it for the requesting agency."""
    try:
        settings = load_settings()
        if out_dir is None:
            out_dir = productions_dir(settings.home)
            out_dir.mkdir(parents=True, exist_ok=True)
        store = boot.open_store(settings)
        with marketplace_for(settings) as marketplace, _rows_bar() as bar:
            tasks: dict[str, TaskID] = {}

            def progress(collection: str, rows: int) -> None:
                if collection not in tasks:
                    tasks[collection] = bar.add_task(collection, total=None)
                bar.update(tasks[collection], completed=rows)

            actor = f"cli:{getpass.getuser()}"
            factory = session_factory(store)
            job = producing.configured(factory, settings, marketplace, actor, progress)
            produced = job.run(request_id, out_dir)
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    except sa.exc.SQLAlchemyError as exc:
        err.print(f"[bold red]error:[/] the platform database failed: {exc.__class__.__name__}")
        raise typer.Exit(2) from exc
    summary = ", ".join(f"{table} {count:,}" for table, count in produced.rows.items())
    out.print(f"sealed {produced.path}", soft_wrap=True)
    out.print(f"sha256 {produced.sha256}")
    out.print(
        f"rows: {summary or 'none'}{' (no data: no target matched)' if produced.no_data else ''}"
    )
    out.print(
        f"audit entries {produced.started_index} (started) to {produced.sealed_index} (sealed)"
    )
