"""Benchmark the audit log: appends on SQLite and PostgreSQL, full verification, inclusion proofs.

Usage: .venv/bin/python bench/auditlog.py [--entries N] [--single N] [--batches N]
           [--batch-size N] [--proofs N] [--admin-url URL] [--database NAME] [--no-postgresql]
           [--check]

1. Appends, in a fresh store on each backend (a temporary SQLite file; a PostgreSQL database
   dropped and recreated every run): --single entries one at a time (log.append, one committed
   transaction per entry), then --batches batches of --batch-size entries (log.append_many, one
   transaction per batch). Each appended log is then verified, so the appends are known good.
2. A log of --entries entries (default 1,000,000) is built on SQLite with append_many in batches
   of 10,000, and one signed checkpoint is made, which verification checks too.
3. The limit: the same entries' canonical JSON, read into memory, hashed as RFC 9162 leaves
   (sha256(0x00 || text)) in a tight loop; best of five (freed before verification runs).
4. verify_log's own loop (its private helpers) timed in two parts: reading batches from the
   database, checking them in memory; then verify_log end to end over the whole log (headline).
5. --proofs inclusion proofs of random indexes at the full size, one session each (as the API
   serves them), each checked with merkle.verify_inclusion against the checkpoint's root.
Prints appends/s, leaves/s, the ratio to raw hashing, proof latencies, and whether the goals
hold: verification at least half the raw hashing rate, batched appends on PostgreSQL at least
2,000/s. With --check, a missed goal exits 1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from lawgate import boot
from lawgate.auditlog import log, merkle, publish, tree, verify
from lawgate.auditlog.models import AuditEntryRow
from lawgate.config import Settings, sqlite_url
from lawgate.store.session import session_factory, transaction

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "lawgate_bench_auditlog"
ORIGIN = "bench.localhost/audit-log"
BUILD_BATCH = 10_000
GOAL_VERIFY_RATIO = 0.5
GOAL_PG_BATCHED = 2_000.0
VERDICT = {True: "met", False: "[bold red]NOT met[/]"}
out = Console(soft_wrap=True)


@dataclass(frozen=True)
class Rate:
    """How many things were done and the seconds they took."""

    label: str
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Things per second."""
        return self.count / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Appends:
    """The two append rates of one backend, and whether the log they wrote verifies."""

    backend: str
    single: Rate
    batched: Rate
    verified: bool


def _arguments(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="size of the big log")
    parser.add_argument("--single", type=int, default=2_000, help="one-at-a-time appends")
    parser.add_argument("--batches", type=int, default=200, help="batched appends: batches")
    parser.add_argument("--batch-size", type=int, default=1_000, help="entries per batch")
    parser.add_argument("--proofs", type=int, default=1_000, help="inclusion proofs to time")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="an existing database to connect to")
    parser.add_argument("--database", default=DATABASE, help="bench database (dropped each run)")
    parser.add_argument("--no-postgresql", action="store_true", help="measure SQLite only")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if min(args.entries, args.single, args.batches, args.batch_size, args.proofs) < 1:
        parser.error("every count must be at least 1")
    return args


def _bar() -> Progress:
    """Progress of a long step: entries done of the total, and time taken."""
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed:>10,} / {task.total:,}"),
        TimeElapsedColumn(),
        console=out,
        transient=True,
    )


def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create the bench database; its URL. Exits with a clear error if unreachable."""
    dsn = sa.make_url(admin_url).set(drivername="postgresql")
    try:
        conninfo = dsn.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
            server = conn.execute("SHOW server_version").fetchone()
            durable = conn.execute("SHOW synchronous_commit").fetchone()
    except psycopg.OperationalError as exc:
        out.print(f"[bold red]error:[/] PostgreSQL is not reachable at {admin_url}: {exc}")
        out.print("(start it, pass --admin-url, or run with --no-postgresql)")
        sys.exit(2)
    out.print(
        f"PostgreSQL {server[0] if server else '?'}, database {name} (fresh), "
        f"synchronous_commit={durable[0] if durable else '?'}"
    )
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def open_log(home: Path, url: str) -> tuple[sa.Engine, sessionmaker[Session]]:
    """A migrated lawgate store at url (an empty log), and its session factory."""
    settings = Settings(
        home=home, database_url=url, marketplace_url=sqlite_url(home / "marketplace.sqlite")
    )
    engine = boot.open_store(settings)
    return engine, session_factory(engine)


def _event(i: int) -> log.Event:
    """The bench's entry number i."""
    return log.Event("bench:written", "bench", f"s-{i}", {"n": i})


def append_single(factory: sessionmaker[Session], first: int, count: int, bar: Progress) -> float:
    """Seconds to append count entries, each in its own committed transaction."""
    task = bar.add_task("one at a time", total=count)
    started = time.perf_counter()
    for i in range(first, first + count):
        with transaction(factory) as session:
            log.append(session, "bench:written", "bench", f"s-{i}", {"n": i})
        if i % 100 == 0:
            bar.update(task, completed=i - first)
    return time.perf_counter() - started


def append_batched(
    factory: sessionmaker[Session], first: int, count: int, size: int, bar: Progress, label: str
) -> float:
    """Seconds to append count entries with append_many, one transaction per batch of size."""
    task = bar.add_task(label, total=count)
    started = time.perf_counter()
    for start in range(first, first + count, size):
        end = min(start + size, first + count)
        with transaction(factory) as session:
            log.append_many(session, [_event(i) for i in range(start, end)])
        bar.update(task, completed=end - first)
    return time.perf_counter() - started


def measure_appends(
    backend: str, home: Path, url: str, vkey: str, a: argparse.Namespace
) -> Appends:
    """Both append modes on a fresh log of one backend, then a full verification of that log."""
    engine, factory = open_log(home, url)
    batched = a.batches * a.batch_size
    with _bar() as bar:
        single = append_single(factory, 0, a.single, bar)
        many = append_batched(factory, a.single, batched, a.batch_size, bar, "batched")
    with factory() as session:
        report = verify.verify_log(session, vkey)
    engine.dispose()
    ok = report.ok and report.entries == a.single + batched
    return Appends(
        backend, Rate("one at a time", a.single, single), Rate("batched", batched, many), ok
    )


def read_canonicals(factory: sessionmaker[Session]) -> list[str]:
    """Every entry's canonical JSON, in index order, in memory."""
    with factory() as session:
        query = sa.select(AuditEntryRow.canonical).order_by(AuditEntryRow.index)
        return list(session.scalars(query))


def raw_hashing(texts: Sequence[str]) -> float:
    """Seconds plain hashlib takes to hash every text as an RFC 9162 leaf: the limit."""
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for text in texts:
        sha256(b"\x00" + text.encode()).digest()
    return time.perf_counter() - started


def verify_end_to_end(factory: sessionmaker[Session], vkey: str) -> tuple[float, verify.Report]:
    """Seconds verify_log takes over the whole log, reading it from the database, and its report."""
    with factory() as session:
        started = time.perf_counter()
        report = verify.verify_log(session, vkey)
        return time.perf_counter() - started, report


def verify_split(factory: sessionmaker[Session]) -> tuple[float, float]:
    """verify_log's loop timed in two parts: (reading batches and nodes, checking them)."""
    reading = checking = 0.0
    with factory() as session:
        state = verify._Pass(set())
        batches = verify._batches(session)
        while True:
            started = time.perf_counter()
            rows = next(batches, None)
            if rows is None:
                return reading + time.perf_counter() - started, checking
            first, end = (
                merkle.nodes_before(state.count),
                merkle.nodes_before(state.count + len(rows)),
            )
            stored = verify._nodes(session, first, end)
            read = time.perf_counter()
            state.feed(rows, stored)
            reading, checking = reading + read - started, checking + time.perf_counter() - read


def time_proofs(
    factory: sessionmaker[Session], size: int, root: bytes, count: int
) -> tuple[list[float], list[float]]:
    """Seconds per proof (a session each) and per client-side check; exits if one fails."""
    rng = random.Random(20240501)
    fetched: list[float] = []
    checked: list[float] = []
    for _ in range(count):
        index = rng.randrange(size)
        started = time.perf_counter()
        with factory() as session:
            found = tree.inclusion(session, index, size)
        middle = time.perf_counter()
        ok = merkle.verify_inclusion(found.leaf_hash, index, size, found.proof, root)
        fetched.append(middle - started)
        checked.append(time.perf_counter() - middle)
        if not ok or found.root != root:
            sys.exit(f"bench/auditlog.py: the inclusion proof of entry {index} does not verify")
    return fetched, checked


def p99(samples: Sequence[float]) -> float:
    """99th-percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * 99 // 100) - 1)]


def report_appends(results: list[Appends]) -> bool | None:
    """Print the append table; whether PostgreSQL's batched goal holds (None if not measured)."""
    table = Table(title="appends")
    for column in ("backend", "mode", "entries", "seconds", "appends/s", "log verifies"):
        table.add_column(column, justify="right")
    for result in results:
        for rate in (result.single, result.batched):
            table.add_row(
                result.backend,
                rate.label,
                f"{rate.count:,}",
                f"{rate.seconds:.2f}",
                f"{rate.per_second:,.0f}",
                "yes" if result.verified else "[bold red]NO[/]",
            )
    out.print(table)
    if not all(result.verified for result in results):
        out.print("[bold red]warning:[/] an appended log did not verify")
    pg = [result for result in results if result.backend == "PostgreSQL"]
    if not pg:
        return None
    met = pg[0].batched.per_second >= GOAL_PG_BATCHED and pg[0].verified
    out.print(
        f"goal batched appends on PostgreSQL >= {GOAL_PG_BATCHED:,.0f}/s: {VERDICT[met]} "
        "(Trillian on MySQL 400-500/s, Tessera on POSIX 1,600-10,000/s)"
    )
    return met


def report_verify(entries: int, raw: float, end_to_end: float, split: tuple[float, float]) -> bool:
    """Print leaves per second against raw hashing; whether the verify goal holds."""
    table = Table(title=f"full verification of {entries:,} entries (SQLite)")
    for column in ("", "seconds", "leaves/s", "x raw hashing"):
        table.add_column(column, justify="right")
    rows = [
        ("raw hashlib SHA-256, in memory (limit)", raw),
        ("verify_log, end to end (headline)", end_to_end),
        ("  its loop: reading from the database", split[0]),
        ("  its loop: checking in memory", split[1]),
    ]
    for label, seconds in rows:
        table.add_row(label, f"{seconds:.2f}", f"{entries / seconds:,.0f}", f"{raw / seconds:.3f}")
    out.print(table)
    ratio = raw / end_to_end
    met = ratio >= GOAL_VERIFY_RATIO
    out.print(f"goal verify >= {GOAL_VERIFY_RATIO}x raw hashing: {ratio:.3f}x, {VERDICT[met]}")
    return met


def report_proofs(size: int, fetched: list[float], checked: list[float]) -> None:
    """Print inclusion-proof latencies."""
    table = Table(title=f"inclusion proofs at size {size:,} (SQLite, {len(fetched):,} random)")
    for column in ("", "median ms", "p99 ms", "per second"):
        table.add_column(column, justify="right")
    for label, samples in (("tree.inclusion", fetched), ("merkle.verify_inclusion", checked)):
        table.add_row(
            label,
            f"{statistics.median(samples) * 1e3:.3f}",
            f"{p99(samples) * 1e3:.3f}",
            f"{len(samples) / sum(samples):,.0f}",
        )
    out.print(table)


def big_log(tmp: Path, a: argparse.Namespace) -> bool:
    """Build the big SQLite log, checkpoint it, verify it beside raw hashing, time proofs."""
    engine, factory = open_log(tmp / "big", sqlite_url(tmp / "big" / "lawgate.sqlite"))
    with _bar() as bar:
        built = append_batched(factory, 0, a.entries, BUILD_BATCH, bar, "build log (SQLite)")
    out.print(
        f"built {a.entries:,} entries on SQLite in {built:.1f} s "
        f"({a.entries / built:,.0f}/s, batches of {BUILD_BATCH:,})"
    )
    key = publish.ensure_log_key(tmp)
    with transaction(factory) as session:
        root = bytes(publish.make_checkpoint(session, key, ORIGIN).root)
    vkey = publish.verifier_key(ORIGIN, key)
    texts = read_canonicals(factory)
    raw = min(raw_hashing(texts) for _ in range(5))
    del texts
    split = verify_split(factory)
    out.print(f"verifying {a.entries:,} entries end to end ...")
    seconds, report = verify_end_to_end(factory, vkey)
    intact = report.ok and report.entries == a.entries and report.checkpoints == 1
    out.print(
        f"verify_log: {report.entries:,} entries, {report.nodes:,} nodes, "
        f"{report.checkpoints} checkpoint, {'intact' if intact else '[bold red]NOT intact[/]'}"
    )
    for problem in report.problems:
        out.print(f"[bold red]problem:[/] {problem}")
    met = report_verify(a.entries, raw, seconds, split) and intact
    fetched, checked = time_proofs(factory, a.entries, root, a.proofs)
    report_proofs(a.entries, fetched, checked)
    engine.dispose()
    return met


def main(argv: list[str]) -> int:
    """Measure appends on both backends, then verification and proofs on the big log."""
    args = _arguments(argv)
    python, sqlite = platform.python_version(), sqlite3.sqlite_version
    out.print(f"{os.cpu_count()} cores, Python {python}, SQLite {sqlite}")
    pg_url = None if args.no_postgresql else fresh_database(args.admin_url, args.database)
    with tempfile.TemporaryDirectory(prefix="lawgate-bench-auditlog-") as name:
        tmp = Path(name)
        vkey = publish.verifier_key(ORIGIN, publish.ensure_log_key(tmp))
        results = [
            measure_appends(
                "SQLite", tmp / "sq", sqlite_url(tmp / "sq" / "lawgate.sqlite"), vkey, args
            )
        ]
        if pg_url is not None:
            results.append(measure_appends("PostgreSQL", tmp / "pg", pg_url, vkey, args))
        pg_met = report_appends(results)
        verify_met = big_log(tmp, args)
    met = verify_met and pg_met is not False
    if pg_met is None:
        out.print("PostgreSQL not measured (--no-postgresql): its goal is unchecked")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
