"""Benchmark a production for a power seller against PostgreSQL's own COPY of the same rows.

Usage: .venv/bin/python bench/production.py [--orders N] [--seller-orders N] [--rebuild]
                                             [--admin-url URL] [--database NAME] [--check]

1. Builds (once, in SQL with generate_series; kept between runs; see bench/scale_marketplace.py)
   a marketplace database on PostgreSQL in the demo schema (lawgate.demo.schema) with N orders
   (default 10,000,000), of which --seller-orders (default 1,000,000) are sold by the power
   seller A000000001 (seller.one@example.com), spread evenly through time 2024-01-01 ..
   2026-06-30; the rest go to other sellers. Users, addresses, shops, listings, payments,
   sign-ins and messages are smaller, with all demo indexes.
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
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table
from scale_marketplace import POWER_SELLER, Sizes, build, ensure_database, is_built, libpq, out

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE = "lawgate_bench_production"
DEFAULT_ORDERS = 10_000_000
DEFAULT_SELLER_ORDERS = 1_000_000
GOAL_RATIO = 0.5
GOAL_RSS_MB = 300.0
WORKER = Path(__file__).with_name("production_worker.py")


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


def measure(
    url: str, target: str = POWER_SELLER, verbose: bool = True
) -> tuple[list[Measured], Measured]:
    """Prepare a request for the target's traffic, then COPY, produce, COPY, each in its process."""
    chosen = ["--target", target]
    with tempfile.TemporaryDirectory(prefix="lawgate-bench-") as tmp:
        home, packages = Path(tmp) / "home", Path(tmp) / "out"
        packages.mkdir()
        prepared = run_worker("prepare", "--url", url, "--home", str(home), *chosen)
        request_id = prepared.result["request_id"]
        out.print(f"approved request {request_id} for {target}; COPY, production, COPY")
        first = run_worker("copy", "--url", url, *chosen)
        produce = ["--home", str(home), "--request", request_id, "--out", str(packages)]
        produced = run_worker("produce", "--url", url, *produce)
        second = run_worker("copy", "--url", url, *chosen)
    if verbose:
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
    sizes = Sizes.from_orders(args.orders, args.seller_orders)
    url = ensure_database(args.admin_url, _database_name(args))
    with libpq(url) as conn:
        server = conn.execute("SHOW server_version").fetchone()
    out.print(
        f"PostgreSQL {server[0] if server else '?'} database {_database_name(args)}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if args.rebuild or not is_built(url, sizes):
        out.print(
            f"building: {sizes.orders:,} orders, {sizes.seller_orders:,} by {POWER_SELLER}, "
            f"{sizes.users:,} users"
        )
        out.print(f"built in {build(url, sizes):,.0f} s")
    else:
        out.print(
            f"database already built: {sizes.orders:,} orders, "
            f"{sizes.seller_orders:,} by {POWER_SELLER} (--rebuild to rebuild)"
        )
    copies, produced = measure(url)
    ok = report(copies, produced)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
