"""The `lawgate` command: serve, load the demo marketplace, and work with requests."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.table import Table

from lawgate import boot
from lawgate.cli import agencies, client, requests
from lawgate.cli import audit as audit_commands
from lawgate.cli import holds as holds_commands
from lawgate.cli import jobs as jobs_commands
from lawgate.cli import notices as notice_commands
from lawgate.cli import officers as officer_commands
from lawgate.cli import package as package_commands
from lawgate.cli import policy as policy_commands
from lawgate.cli import report as report_commands
from lawgate.cli import staff as staff_commands
from lawgate.cli.common import err, fail, out, progress_bar, reported, settings_or_exit
from lawgate.config import Settings, sqlite_url
from lawgate.demo import marketplace
from lawgate.production import keys as keys_module
from lawgate.production import signing
from lawgate.staff import demo as staff_demo
from lawgate.web.report_page import render_report

app = typer.Typer(help="lawgate: answer government requests for user data, lawfully and provably.")
app.add_typer(requests.app, name="requests")
app.add_typer(agencies.app, name="agencies")
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
MAX_SERVE_WORKERS = 32


@app.command("demo-data")
def demo_data(
    url: Annotated[
        str | None, typer.Option(help="SQLAlchemy URL; default $LAWGATE_HOME/marketplace.sqlite")
    ] = None,
    users: Annotated[int, typer.Option(min=10, help="Number of users")] = marketplace.DEFAULT_USERS,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data")] = 1,
) -> None:
    """Write the synthetic demo marketplace (users, shops, orders, payments, logins, messages)."""
    settings = settings_or_exit()
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

    from lawgate.app import create_app
    from lawgate.cli import serving
    from lawgate.jobs import worker as jobs_worker
    from lawgate.jobs.queue import describe

    settings = settings_or_exit()
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
    settings = settings_or_exit()
    with reported():
        key, created = keys_module.ensure_platform_key(settings.home)
        line = signing.allowed_signers_line(principal, key)
    path = keys_module.platform_key_path(settings.home)
    err.print(f"{'created' if created else 'using'} the platform signing key {path}")
    out.print(f"public key: {signing.public_key_line(key)}", soft_wrap=True)
    out.print("allowed_signers line for agencies (ssh-keygen -Y verify -f allowed_signers):")
    out.print(line, soft_wrap=True)


if __name__ == "__main__":
    app()
