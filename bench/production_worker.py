"""One measured step of bench/production.py, run in a fresh process so its peak RSS is its own.

Usage (bench/production.py drives it; each prints one JSON object on stdout):

  production_worker.py prepare --home DIR --url URL [--target ACCOUNT]
                                                      an approved traffic request in a new store
  production_worker.py produce --home DIR --url URL --request ID --out DIR
                                                      Production.run, timed: the sealed package
  production_worker.py copy --url URL [--target ACCOUNT]
                                                      COPY (the collector's own SELECTs) TO STDOUT,
                                                      read to the end through psycopg, timed

Progress goes to stderr (Rich, only on a terminal); the JSON result is the only thing on stdout.
lawgate is imported inside each step, so a step's peak RSS holds only what that step loads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from lawgate.config import Settings, sqlite_url

TARGET = "A000000001"
CATEGORIES = ("traffic",)
DATE_FROM = dt.date(2024, 1, 1)
DATE_TO = dt.date(2026, 6, 30)
AGENCY_ID = "us-doj-fbi-nyfo"
err = Console(stderr=True)


def _settings(home: Path, url: str) -> Settings:
    """lawgate's settings for a throwaway SQLite store under home, reading the bench marketplace."""
    return Settings(
        home=home, database_url=sqlite_url(home / "lawgate.sqlite"), marketplace_url=url
    )


def _request_body(target: str) -> dict[str, Any]:
    """A production warrant for an account's traffic data over the whole table's period."""
    from lawgate.demo.samples import WARRANT_REQUEST, warrant_request

    process = {
        **WARRANT_REQUEST["legal_process"],
        "issued_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "expires_on": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
    }
    return warrant_request(
        agency_id=AGENCY_ID,
        case_reference="BENCH-PRODUCTION",
        legal_process=process,
        targets=[{"type": "account_id", "value": target}],
        categories=list(CATEGORIES),
        date_range={"from": DATE_FROM.isoformat(), "to": DATE_TO.isoformat()},
        non_disclosure=None,
    )


def prepare(home: Path, url: str, target: str = TARGET) -> dict[str, Any]:
    """Store, platform key, agency with an age key, and a request a reviewer approved."""
    from lawgate import boot
    from lawgate.cases import review
    from lawgate.cases.workflow import CaseState
    from lawgate.demo.agency_keys import demo_recipient
    from lawgate.domain import Agency, Decision, Outcome, Request, Verdict
    from lawgate.intake import services as intake
    from lawgate.lifecycle import submission
    from lawgate.production.keys import ensure_platform_key
    from lawgate.staff.roles import Role
    from lawgate.store.session import session_factory, transaction

    settings = _settings(home, url)
    factory = session_factory(boot.open_store(settings))
    ensure_platform_key(home)
    agency = Agency(
        id=AGENCY_ID,
        name="FBI New York Field Office",
        country="US",
        kind="police",
        domains=["fbi.gov"],
        age_recipient=demo_recipient(home, AGENCY_ID),
    )
    decision = Decision(
        outcome=Outcome.APPROVE, categories=dict.fromkeys(CATEGORIES, Verdict.ALLOW)
    )
    with transaction(factory) as session:
        intake.register_agency(session, agency, "bench")
        request = Request.model_validate(_request_body(target))
        request_id = submission.submit_request(session, request, agency, settings)
        ruling = review.Ruling(decision, "bench: approved as asked")
        first = review.Reviewer("bench:reviewer", Role.REVIEWER)
        state = review.record_decision(session, request_id, ruling, first)
        if state is CaseState.SECOND_REVIEW:
            second = review.Reviewer("bench:second-reviewer", Role.REVIEWER)
            state = review.confirm(session, request_id, second)
    return {"request_id": request_id, "state": str(state)}


def _rows_bar() -> Progress:
    """Rows (or bytes) read so far and time elapsed (the total is not known while streaming)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        TextColumn("{task.completed:>14,} {task.fields[unit]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def produce(home: Path, url: str, request_id: str, out: Path) -> dict[str, Any]:
    """Time Production.run from an approved request to the sealed package on disk."""
    from lawgate import boot
    from lawgate.lifecycle.production import CaseGate
    from lawgate.production.keys import ensure_platform_key
    from lawgate.production.produce import Production
    from lawgate.store.session import session_factory

    settings = _settings(home, url)
    factory = session_factory(boot.open_store(settings))
    key, _ = ensure_platform_key(home)
    marketplace = sa.create_engine(url)
    with _rows_bar() as bar:
        tasks: dict[str, Any] = {}

        def progress(collection: str, rows: int) -> None:
            """One bar per table, moved after each batch the collector reads."""
            if collection not in tasks:
                tasks[collection] = bar.add_task(
                    f"production: {collection}", total=None, unit="rows"
                )
            bar.update(tasks[collection], completed=rows)

        job = Production(
            factory,
            marketplace,
            key,
            actor="bench:production",
            case=CaseGate(),
            on_progress=progress,
        )
        started = time.perf_counter()
        produced = job.run(request_id, out)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": produced.rows,
        "sha256": produced.sha256,
        "bytes": produced.path.stat().st_size,
        "path": str(produced.path),
    }


def statements(url: str, target: str = TARGET) -> dict[str, str]:
    """The SELECT the collector runs for each released table, compiled with literal values."""
    from lawgate.datamap import shipped
    from lawgate.datamap.query import reflect, select_rows
    from lawgate.datamap.resolve import resolve_targets
    from lawgate.datamap.traverse import DateWindow, plan
    from lawgate.domain import Target, TargetType

    engine = sa.create_engine(url)
    datamap = shipped()
    accounts = resolve_targets(
        engine, datamap, [Target(type=TargetType.ACCOUNT_ID, value=target)]
    ).account_ids
    traversal = plan(datamap, CATEGORIES, DateWindow.from_dates(DATE_FROM, DATE_TO))
    tables = reflect(engine, datamap, traversal)
    compiled = {
        table.collection: str(
            select_rows(traversal, table, tables, accounts).compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        for table in traversal.released
    }
    engine.dispose()
    return compiled


def _libpq_url(url: str) -> str:
    """The same database as a libpq connection string, for psycopg directly."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _copy_out(
    cursor: psycopg.Cursor[Any], sql: str, bar: Progress, task: TaskID
) -> tuple[int, int]:
    """Run one COPY TO STDOUT and read it to the end; rows (from the COPY tag) and bytes."""
    size = 0
    last = time.monotonic()
    with cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
        for block in copy:
            size += len(block)
            if time.monotonic() - last > 0.2:
                bar.update(task, completed=size)
                last = time.monotonic()
    bar.update(task, completed=size)
    return cursor.rowcount, size


def copy(url: str, target: str = TARGET) -> dict[str, Any]:
    """Time COPY of every table the package holds, through one psycopg connection."""
    sql = statements(url, target)
    rows: dict[str, int] = {}
    size = 0
    with _rows_bar() as bar:
        started = time.perf_counter()
        with psycopg.connect(_libpq_url(url)) as conn, conn.cursor() as cursor:
            for table, statement in sql.items():
                task = bar.add_task(f"COPY: {table}", total=None, unit="bytes")
                rows[table], got = _copy_out(cursor, statement, bar, task)
                size += got
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "bytes": size, "sql": sql}


def _arguments(argv: list[str]) -> argparse.Namespace:
    """The command line: one step and what it needs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=("prepare", "produce", "copy"))
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the bench marketplace")
    parser.add_argument("--home", type=Path, help="lawgate home of the run (store, keys)")
    parser.add_argument("--request", help="the approved request id (produce)")
    parser.add_argument("--out", type=Path, help="folder for the sealed package (produce)")
    parser.add_argument("--target", default=TARGET, help="the account asked for (prepare, copy)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run one step and print its result as JSON."""
    args = _arguments(argv)
    if args.step == "prepare":
        result = prepare(args.home, args.url, args.target)
    elif args.step == "produce":
        result = produce(args.home, args.url, args.request, args.out)
    else:
        result = copy(args.url, args.target)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
