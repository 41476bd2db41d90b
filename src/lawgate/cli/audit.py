"""`lawgate audit`: verify the whole log, print an inclusion proof, make a signed checkpoint."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lawgate import boot
from lawgate.auditlog import merkle, publish, tree
from lawgate.auditlog.verify import verify_log
from lawgate.config import Settings, load_settings
from lawgate.errors import LawgateError
from lawgate.store.session import session_factory, transaction

app = typer.Typer(help="The tamper-evident audit log: verify it, prove entries, checkpoint it.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _settings() -> Settings:
    """Settings, or exit 2 naming the bad variable."""
    try:
        return load_settings()
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc


@app.command()
def verify(
    vkey: Annotated[
        str | None,
        typer.Option(help="Verifier key to check checkpoints with (default: this log's own key)"),
    ] = None,
) -> None:
    """Recompute the tree from every entry; check nodes, head and every checkpoint."""
    settings = _settings()
    engine = boot.open_store(settings)
    key = vkey or publish.verifier_key(settings.log_origin, publish.ensure_log_key(settings.home))
    columns = (TextColumn("entries"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bar, session_factory(engine)() as session:
        task = bar.add_task("verify", total=None)
        report = verify_log(
            session, key, lambda done, total: bar.update(task, completed=done, total=total)
        )
    out.print(
        f"checked {report.entries:,} entries, {report.nodes:,} tree nodes, "
        f"{report.checkpoints:,} checkpoints"
    )
    if not report.ok:
        for problem in report.problems:
            err.print(f"[bold red]FAILED[/] {problem}")
        raise typer.Exit(1)
    out.print("[bold green]the audit log is intact[/]")


@app.command()
def proof(
    index: Annotated[int, typer.Argument(help="Entry index", min=0)],
    size: Annotated[int | None, typer.Option(help="Tree size (default: the whole log)")] = None,
) -> None:
    """Print the inclusion proof of one entry, and check it."""
    settings = _settings()
    engine = boot.open_store(settings)
    with session_factory(engine)() as session:
        try:
            found = tree.inclusion(session, index, size if size is not None else tree.size(session))
        except LawgateError as exc:
            err.print(f"[bold red]error:[/] {exc.message}")
            raise typer.Exit(2) from exc
    ok = merkle.verify_inclusion(found.leaf_hash, found.index, found.size, found.proof, found.root)
    out.print(f"index      {found.index}\nsize       {found.size}")
    out.print(
        f"leaf hash  {merkle.encode(found.leaf_hash)}\nroot       {merkle.encode(found.root)}"
    )
    for number, step in enumerate(found.proof):
        out.print(f"proof[{number}]  {merkle.encode(step)}")
    out.print(f"verifies   {'yes' if ok else 'NO'}")
    if not ok:
        raise typer.Exit(1)


@app.command()
def checkpoint() -> None:
    """Sign the log as it stands now; prints the checkpoint and the verifier key."""
    settings = _settings()
    engine = boot.open_store(settings)
    key = publish.ensure_log_key(settings.home)
    with transaction(session_factory(engine)) as session:
        row = publish.make_checkpoint(session, key, settings.log_origin)
        note = row.note
    out.print(note, end="", markup=False, highlight=False)
    err.print(f"verifier key: {publish.verifier_key(settings.log_origin, key)}")
