"""`lawgate requests`: file, list and show requests on this server's store."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lawgate import boot, jsonfiles
from lawgate.cases import queue
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.cli.common import out, print_json, reported, settings_or_exit
from lawgate.domain import Request, RequestKind
from lawgate.intake import services as intake
from lawgate.lifecycle import submission
from lawgate.store.session import session_factory, transaction

app = typer.Typer(help="Submit, list and show requests on this server's store.")


def _read_request(path: Path) -> Request:
    """A request file, or the request inside a policy case file."""
    with reported():
        data = jsonfiles.read_json(path)
        if isinstance(data, dict) and "request" in data and "expect" in data:
            data = data["request"]
        return jsonfiles.validated(path, Request, data)
    raise AssertionError("unreachable")


@app.command("submit")
def submit(
    file: Annotated[Path, typer.Argument(help="Request JSON (or a policy case file)")],
) -> None:
    """File a request received by other means, as its agency (which must be registered)."""
    settings = settings_or_exit()
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


@app.command("list")
def list_requests(
    state: Annotated[CaseState | None, typer.Option(help="Only this state")] = None,
    country: Annotated[str | None, typer.Option(help="Only this country (ISO code)")] = None,
    kind: Annotated[RequestKind | None, typer.Option(help="Only this kind")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The queue, soonest deadline first."""
    settings = settings_or_exit()
    with reported():
        engine = boot.open_store(settings)
        where = queue.CaseFilter(
            state=state, country=country.upper() if country else None, kind=kind
        )
        with transaction(session_factory(engine)) as session:
            rows = queue.list_cases(session, where)
    if as_json:
        print_json(rows)
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


@app.command("show")
def show(
    request_id: Annotated[str, typer.Argument(help="Request id, e.g. LG-7KQ2M9XA")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """One request: what was asked, its state, decisions and audit trail."""
    settings = settings_or_exit()
    with reported():
        engine = boot.open_store(settings)
        with transaction(session_factory(engine)) as session:
            detail = cases.case_detail(session, request_id)
    if as_json:
        print_json(detail)
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
