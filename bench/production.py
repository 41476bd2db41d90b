"""Benchmark a production for a power seller against PostgreSQL's own COPY of the same rows.

Usage: .venv/bin/python bench/production.py [--orders N] [--seller-orders N] [--rebuild]
                                             [--admin-url URL] [--database NAME] [--check]

1. Builds (once, in SQL with generate_series; kept between runs) a marketplace database on
   PostgreSQL in the demo schema (lawgate.demo.schema) with N orders (default 10,000,000), of
   which --seller-orders (default 1,000,000) are sold by the power seller A000000001
   (seller.one@example.com), spread evenly through time 2024-01-01 .. 2026-06-30; the rest go
   to other sellers. Users, addresses, shops, listings, payments, sign-ins and messages are
   smaller, with all demo indexes.
2. In a temporary lawgate store, an FBI request for A000000001's traffic data over the whole
   period, approved by a reviewer (bench/production_worker.py prepare).
3. Baseline: COPY (<the collector's own SELECT for each released table, literal values>)
   TO STDOUT, read to the end through psycopg. It runs before and after the production; the
   faster of the two is the baseline (the stricter comparison).
4. Production.run from the approved request to the sealed, signed, age-encrypted package.
Each measured step runs in a fresh process; its peak RSS comes from wait4. Prints rows,
seconds, rows/s, the ratio and peak RSS, and whether the goals hold: at least half of COPY's
rows per second, peak memory under 300 MB. With --check, a missed goal exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lawgate.demo import schema

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "lawgate_bench_production"
DEFAULT_ORDERS = 10_000_000
DEFAULT_SELLER_ORDERS = 1_000_000
GOAL_RATIO = 0.5
GOAL_RSS_MB = 300.0
BUILD_VERSION = "1"
CHUNK = 1_000_000
EPOCH = dt.datetime(2024, 1, 1)
SPAN = int((dt.datetime(2026, 7, 1) - EPOCH).total_seconds())
WORKER = Path(__file__).with_name("production_worker.py")
out = Console(soft_wrap=True)


@dataclass(frozen=True)
class Sizes:
    """Row counts of the bench marketplace; everything but orders follows from two numbers."""

    orders: int
    seller_orders: int

    @property
    def users(self) -> int:
        """Ten orders per account on average, as in the demo."""
        return max(self.orders // 10, 100)

    @property
    def shops(self) -> int:
        """One account in ten sells."""
        return self.users // 10

    @property
    def meta(self) -> dict[str, str]:
        """What the bench_meta table records once a build is complete."""
        return {
            "version": BUILD_VERSION,
            "orders": str(self.orders),
            "seller_orders": str(self.seller_orders),
        }


def _acct(number: str) -> str:
    """SQL for an account id from a number expression: 'A' and nine digits."""
    return f"'A' || lpad(({number})::text, 9, '0')"


def _order(number: str) -> str:
    """SQL for an order id from a number expression: 'ORD-' and eight digits."""
    return f"'ORD-' || lpad(({number})::text, 8, '0')"


def _stages(s: Sizes) -> list[tuple[str, int, str]]:
    """(table, rows, INSERT for numbers {lo}..{hi}) in load order; orders before their children."""
    u, n, m, shops = s.users, s.orders, s.seller_orders, s.shops
    seller = (
        f"CASE WHEN (i * {m}) / {n} > ((i - 1) * {m}) / {n} THEN 1"
        f" ELSE 2 + (i * 7919) % {shops - 1} END"
    )
    buyer = f"1 + (i * 104729) % {u}"
    series = "FROM generate_series({lo}::bigint, {hi}::bigint) AS i"
    number = "substr(order_id, 5)::int"
    first, other = "buyer_account_id", "seller_account_id"
    return [
        (
            "users",
            u,
            f"""INSERT INTO users SELECT {_acct("i")},
            CASE WHEN i = 1 THEN 'sellerone' ELSE 'user' || i END,
            CASE WHEN i = 1 THEN 'seller.one@example.com' ELSE 'user' || i || '@example.com' END,
            '+1415' || lpad(i::text, 9, '0'),
            CASE WHEN i = 1 THEN 'Sam O''Neil' ELSE 'User ' || i END,
            'active', 'US', timestamp '2022-01-01 09:00' + i * interval '1 minute',
            '10.' || (i / 65536) % 256 || '.' || (i / 256) % 256 || '.' || i % 256 {series}""",
        ),
        (
            "addresses",
            u,
            f"""INSERT INTO addresses SELECT i, {_acct("i")}, 'shipping',
            i || ' Main Street', 'Springfield', lpad((i % 100000)::text, 5, '0'), 'US' {series}""",
        ),
        (
            "shops",
            shops,
            f"""INSERT INTO shops SELECT i, {_acct("i")},
            CASE WHEN i = 1 THEN 'Seller One Supply Co.' ELSE 'Shop ' || i END,
            timestamp '2022-01-02' + i * interval '1 minute' {series}""",
        ),
        (
            "listings",
            2 * shops,
            f"""INSERT INTO listings SELECT 'LST-' || lpad(i::text, 8, '0'),
            (i - 1) % {shops} + 1, 'Item ' || i, 'A fine item, number ' || i || '.',
            100 + (i * 7919) % 20000, 'USD',
            timestamp '2022-01-03' + i * interval '1 minute' {series}""",
        ),
        (
            "orders",
            n,
            f"""INSERT INTO orders SELECT {_order("i")}, {_acct(buyer)}, {_acct(seller)},
            'LST-' || lpad(({seller} + {shops} * (i % 2))::text, 8, '0'), {buyer},
            500 + (i * 7919) % 20000, (ARRAY['USD', 'EUR', 'GBP'])[1 + i % 3],
            (ARRAY['paid', 'shipped', 'delivered', 'cancelled', 'refunded'])[1 + (i * 31) % 5],
            timestamp '{EPOCH}' + ((i - 1) * {SPAN} / {n}) * interval '1 second' {series}""",
        ),
        (
            "payments",
            n // 10,
            f"""INSERT INTO payments SELECT {number}, order_id,
            buyer_account_id, '**** **** **** ' || right(order_id, 4), 'visa',
            'ch_' || left(md5(order_id), 24), amount_cents, created_at + interval '1 minute'
            FROM orders WHERE order_id BETWEEN {_order("{lo}")} AND {_order("{hi}")}""",
        ),
        (
            "logins",
            u // 10,
            f"""INSERT INTO logins SELECT i, {_acct(buyer)},
            '10.9.' || i % 250 || '.1',
            timestamp '{EPOCH}' + (i * {SPAN} / {u // 10}) * interval '1 second', 'iPhone 15',
            'Mozilla/5.0 (iPhone)' {series}""",
        ),
        (
            "messages",
            n // 19,
            f"""INSERT INTO messages SELECT {number} / 19, order_id,
            CASE WHEN {number} % 2 = 0 THEN {first} ELSE {other} END,
            CASE WHEN {number} % 2 = 0 THEN {other} ELSE {first} END,
            'Hello about my order.', created_at + interval '1 hour' FROM orders
            WHERE order_id BETWEEN {_order("{lo} * 19")} AND {_order("{hi} * 19")}
              AND {number} % 19 = 0""",
        ),
    ]


def _bar() -> Progress:
    """Progress of the build: rows or indexes done of the total, and time taken."""
    return Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.completed:>12,} / {task.total:,}"),
        TimeElapsedColumn(),
        console=out,
    )


def _load(conn: psycopg.Connection[Any], sizes: Sizes, bar: Progress) -> None:
    """Fill every table in chunks of numbers, so the bar moves on the big ones."""
    for table, rows, sql in _stages(sizes):
        task = bar.add_task(f"load {table}", total=rows)
        for lo in range(1, rows + 1, CHUNK):
            hi = min(lo + CHUNK - 1, rows)
            conn.execute(sql.replace("{lo}", str(lo)).replace("{hi}", str(hi)).encode())
            bar.update(task, completed=hi)


def _index(conn: psycopg.Connection[Any], engine: sa.Engine, bar: Progress) -> None:
    """Build the demo's indexes after the load, then VACUUM ANALYZE so plans see real sizes."""
    task = bar.add_task("indexes, vacuum analyze", total=len(schema.INDEXES) + 1)
    conn.execute("SET maintenance_work_mem = '1GB'")
    for number, index in enumerate(schema.INDEXES, start=1):
        conn.execute(str(sa.schema.CreateIndex(index).compile(engine)).encode())
        bar.update(task, completed=number)
    conn.execute("VACUUM ANALYZE")
    bar.update(task, completed=len(schema.INDEXES) + 1)


def build(url: str, sizes: Sizes) -> float:
    """(Re)create the bench marketplace; returns the seconds it took."""
    started = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_meta")
        schema.metadata.drop_all(conn)
        for table in schema.TABLES:
            conn.execute(sa.schema.CreateTable(table))
    with _libpq(url, autocommit=True) as conn, _bar() as bar:
        conn.execute("SET synchronous_commit = off")
        _load(conn, sizes, bar)
        _index(conn, engine, bar)
        conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_meta VALUES (%s, %s)", list(sizes.meta.items()))
    engine.dispose()
    return time.perf_counter() - started


def _libpq(url: str, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A psycopg connection to the database of a SQLAlchemy URL."""
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(dsn, autocommit=autocommit)


def ensure_database(admin_url: str, name: str) -> str:
    """Create the bench database if missing; its URL. Exits with a clear error if unreachable."""
    try:
        with _libpq(admin_url, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if found is None:
                conn.execute(f'CREATE DATABASE "{name}"'.encode())
    except psycopg.OperationalError as exc:
        out.print(f"[bold red]error:[/] PostgreSQL is not reachable at {admin_url}: {exc}")
        sys.exit(2)
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def is_built(url: str, sizes: Sizes) -> bool:
    """True when a complete build of these sizes is there (bench_meta is written last)."""
    with _libpq(url) as conn:
        if conn.execute("SELECT to_regclass('bench_meta')").fetchone() in (None, (None,)):
            return False
        return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall()) == sizes.meta


@dataclass(frozen=True)
class Measured:
    """A worker's JSON result, with the peak RSS of its process."""

    result: dict[str, Any]
    peak_mb: float


def run_worker(*args: str) -> Measured:
    """Run one bench step in a fresh process; peak RSS from wait4, attributable to it alone."""
    command = [sys.executable, str(WORKER), *args]
    with tempfile.TemporaryFile() as captured:
        process = subprocess.Popen(command, stdout=captured)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"bench step {args[0]} failed (exit {process.returncode})")
        captured.seek(0)
        result = json.loads(captured.read().decode().strip().splitlines()[-1])
    return Measured(result, usage.ru_maxrss / 1024)


def _arguments(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--seller-orders", type=int, default=DEFAULT_SELLER_ORDERS)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even if built")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="an existing database to connect to")
    parser.add_argument(
        "--database", help=f"bench database (default {DATABASE}, sized if not default)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if not 1 <= args.seller_orders <= args.orders:
        parser.error("--seller-orders must be between 1 and --orders")
    return args


def _database_name(args: argparse.Namespace) -> str:
    """One database per size, so a quick small run does not destroy the big build."""
    if args.database:
        return str(args.database)
    if (args.orders, args.seller_orders) == (DEFAULT_ORDERS, DEFAULT_SELLER_ORDERS):
        return DATABASE
    return f"{DATABASE}_{args.orders}_{args.seller_orders}"


def _rate(rows: int, seconds: float) -> float:
    """Rows per second."""
    return rows / seconds if seconds > 0 else 0.0


def _line(label: str, measured: Measured) -> tuple[list[str], float]:
    """One row of the result table, and its rows per second."""
    rows, seconds = sum(measured.result["rows"].values()), measured.result["seconds"]
    rate = _rate(rows, seconds)
    cells = [label, f"{rows:,}", f"{seconds:.2f}", f"{rate:,.0f}", f"{measured.peak_mb:.0f}"]
    return cells, rate


def report(copies: list[Measured], produced: Measured) -> bool:
    """Print the comparison table and the goals; True when both goals hold."""
    baseline = min(copies, key=lambda m: m.result["seconds"])
    table = Table(title="production vs COPY of the same rows")
    for column in ("", "rows", "seconds", "rows/s", "peak RSS MB"):
        table.add_column(column, justify="right")
    for number, measured in enumerate(copies, start=1):
        chosen = " (baseline)" if measured is baseline else ""
        table.add_row(*_line(f"COPY run {number}{chosen}", measured)[0])
    cells, prod_rate = _line("production", produced)
    table.add_row(*cells)
    out.print(table)
    ratio = prod_rate / _line("", baseline)[1]
    speed_ok, memory_ok = ratio >= GOAL_RATIO, produced.peak_mb < GOAL_RSS_MB
    verdict = {True: "met", False: "NOT met"}
    out.print(f"rows per table: production {produced.result['rows']}")
    out.print(f"                COPY       {baseline.result['rows']}")
    out.print(
        f"ratio production/COPY rows/s: {ratio:.3f} (goal >= {GOAL_RATIO}: {verdict[speed_ok]})"
    )
    out.print(
        f"production peak RSS: {produced.peak_mb:.0f} MB "
        f"(goal < {GOAL_RSS_MB:.0f} MB: {verdict[memory_ok]})"
    )
    if produced.result["rows"] != baseline.result["rows"]:
        out.print("[bold red]warning:[/] COPY and the package hold different row counts")
    return speed_ok and memory_ok


def measure(url: str) -> tuple[list[Measured], Measured]:
    """Prepare a request, then COPY, produce, COPY, each in its own process."""
    with tempfile.TemporaryDirectory(prefix="lawgate-bench-") as tmp:
        home, packages = Path(tmp) / "home", Path(tmp) / "out"
        packages.mkdir()
        request_id = run_worker("prepare", "--url", url, "--home", str(home)).result["request_id"]
        out.print(f"approved request {request_id}; COPY, production, COPY (each a fresh process)")
        first = run_worker("copy", "--url", url)
        produce = ["--home", str(home), "--request", request_id, "--out", str(packages)]
        produced = run_worker("produce", "--url", url, *produce)
        second = run_worker("copy", "--url", url)
    out.print(
        f"sealed package: {produced.result['bytes'] / 2**20:,.1f} MiB, "
        f"sha256 {produced.result['sha256']}"
    )
    out.print(f"COPY text bytes: {first.result['bytes'] / 2**20:,.1f} MiB")
    out.print("the orders SELECT (the collector's, as COPY ran it):")
    out.print(first.result["sql"]["orders"], soft_wrap=True, markup=False, highlight=False)
    return [first, second], produced


def main(argv: list[str]) -> int:
    """Build if needed, measure, report."""
    args = _arguments(argv)
    sizes = Sizes(args.orders, args.seller_orders)
    url = ensure_database(args.admin_url, _database_name(args))
    with _libpq(url) as conn:
        server = conn.execute("SHOW server_version").fetchone()
    out.print(
        f"PostgreSQL {server[0] if server else '?'} database {_database_name(args)}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if args.rebuild or not is_built(url, sizes):
        out.print(
            f"building: {sizes.orders:,} orders, {sizes.seller_orders:,} by A000000001, "
            f"{sizes.users:,} users"
        )
        out.print(f"built in {build(url, sizes):,.0f} s")
    else:
        out.print(
            f"database already built: {sizes.orders:,} orders, "
            f"{sizes.seller_orders:,} by A000000001 (--rebuild to rebuild)"
        )
    copies, produced = measure(url)
    ok = report(copies, produced)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
