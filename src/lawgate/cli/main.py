"""The `lawgate` command: serve, load the demo marketplace, and work with requests."""

from __future__ import annotations

import getpass
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lawgate import boot, jsonfiles
from lawgate.cases import queue
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.cli import agency_keys as key_commands
from lawgate.cli import audit as audit_commands
from lawgate.cli import client
from lawgate.cli import holds as holds_commands
from lawgate.cli import jobs as jobs_commands
from lawgate.cli import notices as notice_commands
from lawgate.cli import officers as officer_commands
from lawgate.cli import package as package_commands
from lawgate.cli import policy as policy_commands
from lawgate.cli import report as report_commands
from lawgate.cli import staff as staff_commands
from lawgate.config import Settings, load_settings, sqlite_url
from lawgate.demo import marketplace
from lawgate.domain import Agency, Request, RequestKind
from lawgate.errors import LawgateError
from lawgate.intake import services as intake
from lawgate.lifecycle import submission
from lawgate.production import keys as keys_module
from lawgate.production import signing
from lawgate.staff import demo as staff_demo
from lawgate.store.session import session_factory, transaction
from lawgate.web.report_page import render_report

app = typer.Typer(help="lawgate: answer government requests for user data, lawfully and provably.")
requests_app = typer.Typer(help="Submit, list and show requests on this server's store.")
agencies_app = typer.Typer(help="The agency registry: agencies and their API keys.")
app.add_typer(requests_app, name="requests")
app.add_typer(agencies_app, name="agencies")
agencies_app.add_typer(key_commands.app, name="key")
app.add_typer(client.app, name="client")
app.add_typer(policy_commands.app, name="policy")
app.add_typer(package_commands.app, name="package")
app.command("produce")(package_commands.produce)
app.add_typer(audit_commands.app, name="audit")
app.add_typer(officer_commands.app, name="officers")
app.add_typer(staff_commands.app, name="staff")
app.add_typer(notice_commands.app, name="notices")
app.add_typer(holds_commands.app, name="holds")
app.add_typer(jobs_commands.app, name="jobs")
app.add_typer(report_commands.app, name="report")
app.command("worker")(jobs_commands.worker_command)
out = Console()
err = Console(stderr=True)
MAX_SERVE_WORKERS = 32


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error the user can act on and stop."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Turn lawgate's own errors into a message and exit code instead of a traceback."""
    try:
        yield
    except LawgateError as exc:
        where = f"{exc.field}: " if exc.field else ""
        fail(f"{where}{exc.message}")


def _settings() -> Settings:
    """Settings from the environment, or a clean error naming the bad variable."""
    with reported():
        return load_settings()
    raise AssertionError("unreachable")


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar fed by (stage, done, total) callbacks."""
    columns = (
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@app.command("demo-data")
def demo_data(
    url: Annotated[
        str | None, typer.Option(help="SQLAlchemy URL; default $LAWGATE_HOME/marketplace.sqlite")
    ] = None,
    users: Annotated[int, typer.Option(min=10, help="Number of users")] = marketplace.DEFAULT_USERS,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data")] = 1,
) -> None:
    """Write the synthetic demo marketplace (users, shops, orders, payments, logins, messages)."""
    settings = _settings()
    target = url or sqlite_url(settings.home / "marketplace.sqlite")
    settings.home.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with progress_bar() as update:
        try:
            counts = marketplace.generate(target, users=users, seed=seed, progress=update)
        except ValueError as exc:
            fail(str(exc))
    table = Table("table", "rows")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    out.print(table)
    out.print(f"demo marketplace written to {target} in {time.monotonic() - started:.1f} s")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    demo: Annotated[bool, typer.Option(help="Seed the demo on a fresh embedded store")] = True,
    users: Annotated[
        int, typer.Option(min=10, help="Demo marketplace size")
    ] = marketplace.DEFAULT_USERS,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Run background jobs in this process; default: yes on the embedded queue, "
            "no with LAWGATE_JOBS_URL (run `lawgate worker` there)",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_SERVE_WORKERS,
            help="HTTP worker processes (uvicorn); more than one pays off on PostgreSQL, "
            "where writers do not queue behind one lock as they do on SQLite",
        ),
    ] = 1,
) -> None:
    """Serve the API and the console; the first start on the embedded default seeds a demo."""
    import uvicorn

    from lawgate.api.app import create_app
    from lawgate.cli import serving
    from lawgate.jobs import worker as jobs_worker
    from lawgate.jobs.queue import describe

    settings = _settings()
    with reported():
        application = create_app(settings)
        engine = boot.open_store(settings)
        if demo and settings.uses_default_database and boot.needs_demo_requests(engine):
            _seed_demo(settings, engine, users)
    where_host = host or settings.host
    where_port = port or settings.port
    out.print(
        f"lawgate is serving the console at [bold]http://{where_host}:{where_port}/console[/]"
        f" (API docs at http://{where_host}:{where_port}/docs)"
        + (f" with {workers} worker processes" if workers > 1 else "")
    )
    jobs = None
    if worker if worker is not None else settings.jobs_url is None:
        with reported():
            jobs = jobs_worker.start_in_thread(settings)
        out.print(f"background jobs run here: {describe(jobs.tasks.huey)}", soft_wrap=True)
    try:
        if workers == 1:
            uvicorn.run(application, host=where_host, port=where_port, log_level="info")
        else:  # each process builds its own app (and engine) from the same environment
            uvicorn.run(
                serving.APP,
                factory=True,
                workers=workers,
                http=serving.HTTP,
                host=where_host,
                port=where_port,
                log_level="info",
            )
    finally:
        if jobs is not None:
            jobs.stop()


def _seed_demo(settings: Settings, engine: Any, users: int) -> None:
    """Build the demo marketplace if absent, file the demo requests, and make demo staff."""
    err.print("First start: building the demo marketplace and demo requests.")
    staff_made = boot.seed_demo_staff(settings, engine)
    with progress_bar() as update:
        boot.ensure_marketplace(settings, users, update)
        made = boot.seed_demo_requests(settings, engine, lambda d, t: update("requests", d, t))
    err.print(f"Seeded {len(made)} demo requests.")
    published = boot.publish_demo_report(settings, engine, render_report)
    err.print(f"Published the demo transparency report ({published.name}): /transparency")
    if staff_made:
        where = staff_demo.credentials_path(settings.home)
        err.print(f"Demo console accounts and passwords: {where} (yours only)", soft_wrap=True)
        err.print("A demo account's sign-in code: lawgate staff code reviewer@lawgate.example")


@app.command()
def keys(
    principal: Annotated[
        str, typer.Option(help="Name agencies use for the platform in allowed_signers")
    ] = keys_module.DEFAULT_PRINCIPAL,
) -> None:
    """Create the platform signing key if needed; print its public key and allowed_signers line."""
    settings = _settings()
    with reported():
        key, created = keys_module.ensure_platform_key(settings.home)
        line = signing.allowed_signers_line(principal, key)
    path = keys_module.platform_key_path(settings.home)
    err.print(f"{'created' if created else 'using'} the platform signing key {path}")
    out.print(f"public key: {signing.public_key_line(key)}", soft_wrap=True)
    out.print("allowed_signers line for agencies (ssh-keygen -Y verify -f allowed_signers):")
    out.print(line, soft_wrap=True)


def _read_request(path: Path) -> Request:
    """A request file, or the request inside a policy case file."""
    with reported():
        data = jsonfiles.read_json(path)
        if isinstance(data, dict) and "request" in data and "expect" in data:
            data = data["request"]
        return jsonfiles.validated(path, Request, data)
    raise AssertionError("unreachable")


@agencies_app.command("add")
def add_agency(file: Annotated[Path, typer.Argument(help="Agency record JSON")]) -> None:
    """Register an agency from its registry record (spec/request-format.md)."""
    settings = _settings()
    with reported():
        data = jsonfiles.read_json(file)
        if isinstance(data, dict) and "agency" in data and "request" in data:
            data = data["agency"]
        agency = jsonfiles.validated(file, Agency, data)
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            intake.register_agency(session, agency, f"cli:{getpass.getuser()}")
    out.print(f"registered {agency.id}")


@agencies_app.command("list")
def list_agencies() -> None:
    """Every registered agency."""
    settings = _settings()
    with reported():
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            agencies = intake.list_agencies(session)
    table = Table("id", "name", "country", "kind", "domains", "call-back")
    for a in agencies:
        table.add_row(a.id, a.name, a.country, a.kind.value, ", ".join(a.domains), a.callback_phone)
    out.print(table)


@requests_app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(help="Request JSON (or a policy case file)")],
) -> None:
    """File a request received by other means, as its agency (which must be registered)."""
    settings = _settings()
    request = _read_request(file)
    with reported():
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            sender = intake.get_agency(session, request.agency_id)
            actor = f"cli:{getpass.getuser()} for agency:{sender.id}"
            request_id = submission.submit_request(
                session, request, sender, settings, actor=actor, submitted_via="cli"
            )
    out.print(request_id)


def _print_json(value: BaseModel | list[Any]) -> None:
    """Machine-readable output."""
    if isinstance(value, BaseModel):
        sys.stdout.write(value.model_dump_json(indent=2, by_alias=True) + "\n")
        return
    items = [v.model_dump(mode="json") for v in value]
    sys.stdout.write(json.dumps(items, indent=2) + "\n")


@requests_app.command("list")
def list_requests(
    state: Annotated[CaseState | None, typer.Option(help="Only this state")] = None,
    country: Annotated[str | None, typer.Option(help="Only this country (ISO code)")] = None,
    kind: Annotated[RequestKind | None, typer.Option(help="Only this kind")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The queue, soonest deadline first."""
    settings = _settings()
    with reported():
        engine = boot.open_store(settings)
        where = queue.CaseFilter(
            state=state, country=country.upper() if country else None, kind=kind
        )
        with transaction(session_factory(engine)) as session:
            rows = queue.list_cases(session, where)
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "agency", "country", "kind", "policy", "state", "deadline (UTC)", "targets")
    for r in rows:
        table.add_row(
            r.id,
            r.agency_name,
            r.country,
            r.kind,
            r.recommendation.value if r.recommendation else "-",
            r.state.value,
            r.deadline.strftime("%Y-%m-%d %H:%M"),
            str(r.target_count),
        )
    out.print(table)


@requests_app.command("show")
def show(
    request_id: Annotated[str, typer.Argument(help="Request id, e.g. LG-7KQ2M9XA")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """One request: what was asked, its state, decisions and audit trail."""
    settings = _settings()
    with reported():
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            detail = cases.case_detail(session, request_id)
    if as_json:
        _print_json(detail)
        return
    s, r = detail.summary, detail.request
    out.print(f"[bold]{s.id}[/]  {s.state.value}  due {s.deadline:%Y-%m-%d %H:%M} UTC")
    out.print(f"{s.agency_name} ({s.country}) · {r.kind.value} · {r.purpose.value}")
    out.print(f"process: {r.legal_process.type.value} by {r.legal_process.issuer_role.value}")
    out.print(f"categories: {', '.join(s.categories)} · targets: {s.target_count}")
    for d in detail.decisions:
        when = f"{d.decided_at:%Y-%m-%d %H:%M}"
        out.print(f"decision: {d.decision.outcome.value} by {d.decided_by} at {when}")
        for reason in d.decision.reasons:
            out.print(
                f"  {reason.code.value} ({reason.category}): {reason.message} [{reason.citation}]"
            )
    for e in detail.trail:
        out.print(f"  #{e.index} {e.at:%Y-%m-%d %H:%M:%S} {e.event} by {e.actor}")


if __name__ == "__main__":
    app()
