"""`lawgate report`: transparency reports, and peers' published figures to compare them with."""

from __future__ import annotations

import getpass
import hashlib
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lawgate import boot
from lawgate.cli.holds import store
from lawgate.config import load_settings
from lawgate.errors import InvalidInputError, LawgateError
from lawgate.reports import google, peers, publish
from lawgate.reports.model import Period
from lawgate.store.base import utcnow
from lawgate.store.session import session_factory
from lawgate.web.report_page import render_report

app = typer.Typer(help="Transparency reports: build them; import peers' figures to compare.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _empty_folder(folder: Path | None) -> Path | None:
    """The --out folder, refused when it already holds files (a copy never overwrites)."""
    if folder is not None and folder.exists() and any(folder.iterdir()):
        raise InvalidInputError(f"{folder} is not empty; choose a new folder for the copy", "out")
    return folder


@app.command("build")
def build(
    period: Annotated[str, typer.Option(help="The half-year, e.g. 2026-H2")],
    copy_to: Annotated[
        Path | None, typer.Option("--out", help="Also copy the published files here")
    ] = None,
) -> None:
    """Count every request up to the half-year's end, publish the report, record its digests."""
    settings = load_settings()
    try:
        chosen, target = Period.parse(period), _empty_folder(copy_to)
        engine = boot.open_store(settings)
        try:
            factory = session_factory(engine)
            report, publication, folder = publish.publish(
                factory, settings, chosen, utcnow(), render_report
            )
        finally:
            engine.dispose()
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc
    if target is not None:
        shutil.copytree(folder, target, dirs_exist_ok=True)
    out.print(f"published {chosen}: {len(report.rows)} rows in {folder}")
    for name, digest in publication.sha256.items():
        out.print(f"  {digest}  {name}")
    out.print(f"recorded as audit entry {publication.audit_index}; checkpoint:")
    out.print(publication.checkpoint.rstrip("\n"))
    if target is not None:
        out.print(f"copied to {target}")


def _read_text(file: Path) -> tuple[str, str]:
    """A UTF-8 file's text and the SHA-256 of its bytes, or an error saying why not."""
    try:
        data = file.read_bytes()
        return data.decode("utf-8"), hashlib.sha256(data).hexdigest()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {file}: {exc.strerror or exc}", "file") from exc
    except UnicodeDecodeError as exc:
        message = f"{file} is not UTF-8 (byte {exc.start}); save it as UTF-8 and try again"
        raise InvalidInputError(message, "file") from exc


@app.command("import-peer")
def import_peer(
    file: Annotated[Path, typer.Argument(help="A CSV in Google's layout, e.g. Google's export")],
    source: Annotated[
        str, typer.Option(help="Whose figures these are; importing again replaces them")
    ] = "google",
) -> None:
    """Import a peer's published figures (Google's CSV layout) to compare with ours."""
    with store() as session:  # any error: exit 2 with its message, nothing stored
        peers.check_source(source)
        text, digest = _read_text(file)
        rows = google.read_google_csv(text)
        actor = f"cli:{getpass.getuser()}"
        count = peers.import_peer(session, source, rows, sha256=digest, actor=actor)
    out.print(f"imported {count:,} rows of {source} from {file} (sha256 {digest})")


@app.command("peers")
def list_peers() -> None:
    """Every imported peer with its row count, newest half-year and import time."""
    with store() as session:
        sources = peers.peer_sources(session)
    if not sources:
        out.print("no peer figures; import some: lawgate report import-peer FILE --source google")
        return
    table = Table("source", "rows", "newest half-year", "imported (UTC)")
    for found in sources:
        when = f"{found.imported_at:%Y-%m-%d %H:%M}"
        table.add_row(found.source, f"{found.rows:,}", str(found.latest), when)
    out.print(table)
