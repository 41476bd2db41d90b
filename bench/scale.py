"""Benchmark lawgate against a 10-million-user marketplace on PostgreSQL, with same-run baselines.

Usage: .venv/bin/python bench/scale.py [--users N] [--orders N] [--messages N]
           [--seller-orders N] [--samples N] [--misses N] [--seed N] [--skip-production]
           [--rebuild] [--admin-url URL] [--database NAME] [--json PATH]

1. Builds once (kept between runs unless --rebuild; bench/scale_marketplace.py) a marketplace in
   the demo schema: by default 10,000,000 users, 50,000,000 orders (1,000,000 of them sold by
   the power seller A000000001) and 20,000,000 messages, with addresses, shops, listings,
   payments and sign-ins in proportion and every demo index; prints the sizes of tables and
   indexes and each B-tree's height.
2. Target resolution (bench/scale_resolve.py): for every identifier type lawgate supports,
   --samples existing values and --misses that match nothing, one resolve_targets call each;
   p50/p99 against the baseline of a bare indexed SELECT 1 round trip on the same values, and
   the sequential scans PostgreSQL counted meanwhile (must be 0).
3. The collector's plans (bench/scale_plans.py): EXPLAIN of each SELECT a package of traffic
   data runs, for both targets below, planned as its cursor is; a sequential scan or an
   unbounded index walk of a table over 10,000 rows counts as reading the whole table.
4. Time to a sealed package (bench/production.py's steps, each in a fresh process) for a median
   user and for the power seller: an approved request for the account's traffic data, then
   Production.run, against COPY of the same rows (the collector's own SELECTs) as baseline.
Prints every figure in tables, with the baseline and the ratio, and writes them all as JSON
(default bench/results/scale-<users>.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psycopg
import scale_resolve
from rich.table import Table
from scale_marketplace import (
    POWER_SELLER,
    Sizes,
    bar,
    build,
    build_seconds,
    ensure_database,
    is_built,
    libpq,
    out,
)
from scale_plans import SMALL_TABLE, plans, print_plans

from lawgate.demo import schema
from lawgate.domain import TargetType
from production import ADMIN_URL, Measured
from production import measure as measure_production

DATABASE = "lawgate_bench_scale"
DEFAULT = Sizes(users=10_000_000, orders=50_000_000, messages=20_000_000, seller_orders=1_000_000)
RESULTS = Path(__file__).with_name("results")


def _arguments(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, default=DEFAULT.users)
    parser.add_argument("--orders", type=int, default=DEFAULT.orders)
    parser.add_argument("--messages", type=int, default=DEFAULT.messages)
    parser.add_argument("--seller-orders", type=int, default=DEFAULT.seller_orders)
    parser.add_argument("--samples", type=int, default=200, help="existing values per type")
    parser.add_argument("--misses", type=int, default=50, help="unmatched values per type")
    parser.add_argument("--seed", type=int, default=9, help="random seed of the samples")
    parser.add_argument("--skip-production", action="store_true", help="resolution only")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even if built")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="an existing database to connect to")
    parser.add_argument("--database", help=f"bench database (default {DATABASE}, sized otherwise)")
    parser.add_argument("--json", type=Path, help="where to write the figures")
    args = parser.parse_args(argv)
    problem = _sizes(args).check()
    if problem:
        parser.error(f"sizes: need {problem}")
    return args


def _sizes(args: argparse.Namespace) -> Sizes:
    """The sizes asked for on the command line."""
    return Sizes(args.users, args.orders, args.messages, args.seller_orders)


def _database_name(args: argparse.Namespace, sizes: Sizes) -> str:
    """One database per size, so a quick small run does not destroy the big build."""
    if args.database:
        return str(args.database)
    if sizes == DEFAULT:
        return DATABASE
    return f"{DATABASE}_{sizes.users}_{sizes.orders}_{sizes.messages}_{sizes.seller_orders}"


def _mb(size: int) -> str:
    """Bytes as MB for a table cell."""
    return f"{size / 1e6:,.0f}"


def storage(url: str) -> dict[str, Any]:
    """Rows and bytes of each table, bytes and B-tree height of each index (pageinspect)."""
    names = [t.name for t in schema.TABLES]
    with libpq(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT relname, reltuples::bigint, pg_table_size(oid) FROM pg_class"
            " WHERE relname = ANY(%s) AND relkind = 'r' ORDER BY 3 DESC",
            [names],
        ).fetchall()
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            level = "(SELECT level + 1 FROM bt_metap(i.relname::text))"
        except psycopg.Error:  # heights are optional: pageinspect needs a superuser
            level = "NULL::int"
        indexes = conn.execute(
            f"SELECT c.relname, i.relname, pg_relation_size(i.oid), {level}"
            " FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE c.relname = ANY(%s) ORDER BY 3 DESC",
            [names],
        ).fetchall()
    return {
        "tables": [{"table": t, "rows": r, "bytes": b} for t, r, b in tables],
        "indexes": [{"table": t, "index": i, "bytes": b, "height": h} for t, i, b, h in indexes],
    }


def print_storage(found: dict[str, Any]) -> None:
    """The storage figures as two tables."""
    tables = Table(title="tables")
    for column in ("table", "rows", "MB"):
        tables.add_column(column, justify="right")
    for t in found["tables"]:
        tables.add_row(t["table"], f"{t['rows']:,}", _mb(t["bytes"]))
    indexes = Table(title="indexes (height = B-tree levels, root to leaf)")
    for column in ("index", "MB", "height"):
        indexes.add_column(column, justify="right")
    for i in found["indexes"]:
        indexes.add_row(i["index"], _mb(i["bytes"]), str(i["height"] or "?"))
    out.print(tables, indexes)


def resolution(url: str, sizes: Sizes, args: argparse.Namespace) -> dict[str, Any]:
    """Resolve the samples and compare with the bare round trip; figures per target type."""
    chosen = scale_resolve.samples(url, sizes, args.samples, args.misses, args.seed)
    with bar() as progress:
        task = progress.add_task("resolve targets", total=len(chosen))
        timings, scans = scale_resolve.measure(url, chosen, lambda: progress.advance(task, 1))
    p = scale_resolve.percentile
    rows = [
        {
            "type": str(t.kind),
            "hops": t.hops,
            "hits": len(t.hit),
            "misses": len(t.miss),
            "hit_p50_ms": p(t.hit, 0.5),
            "hit_p99_ms": p(t.hit, 0.99),
            "miss_p50_ms": p(t.miss, 0.5),
            "miss_p99_ms": p(t.miss, 0.99),
            "baseline_sql": t.baseline_sql,
            "baseline_p50_ms": p(t.baseline, 0.5),
            "baseline_p99_ms": p(t.baseline, 0.99),
            "ratio_p50": p(t.hit + t.miss, 0.5) / p(t.baseline, 0.5),
            "ratio_p99": p(t.hit + t.miss, 0.99) / p(t.baseline, 0.99),
            "wrong": t.wrong,
        }
        for t in sorted(timings, key=lambda t: list(TargetType).index(t.kind))
    ]
    large = [s for s in scans if s.rows > SMALL_TABLE]
    return {
        "per_type": rows,
        "scans": [asdict(s) for s in scans],
        "seq_scans_large_tables": sum(s.sequential for s in large),
    }


def print_resolution(found: dict[str, Any]) -> None:
    """The resolution figures, each with its baseline and ratio."""
    table = Table(title="target resolution, one target per call (ms)")
    columns = ("type", "hops", "n hit/miss", "hit p50", "hit p99", "miss p50", "miss p99")
    for column in (*columns, "base p50", "base p99", "ratio p50", "ratio p99", "wrong"):
        table.add_column(column, justify="right")
    for r in found["per_type"]:
        table.add_row(
            r["type"],
            str(r["hops"]),
            f"{r['hits']}/{r['misses']}",
            *(f"{r[k]:.2f}" for k in ("hit_p50_ms", "hit_p99_ms", "miss_p50_ms", "miss_p99_ms")),
            f"{r['baseline_p50_ms']:.2f}",
            f"{r['baseline_p99_ms']:.2f}",
            f"{r['ratio_p50']:.1f}x",
            f"{r['ratio_p99']:.1f}x",
            str(r["wrong"]),
        )
    out.print(table)
    out.print(
        "baseline: one autocommit psycopg round trip of "
        f"{found['per_type'][0]['baseline_sql']!r} (per type: its first hop's table and column)"
    )
    scans = ", ".join(
        f"{s['table']} {s['sequential']}/{s['index']:,}" for s in found["scans"] if s["rows"]
    )
    out.print(f"scans while resolving, sequential/index, per table (biggest first): {scans}")
    seq = found["seq_scans_large_tables"]
    verdict = "[green]none: index lookups only[/]" if seq == 0 else "[bold red]SCANS[/]"
    out.print(f"sequential scans of tables over {SMALL_TABLE:,} rows: {seq} ({verdict})")


def median_account(sizes: Sizes) -> str:
    """An account that sells nothing (90% do) and buys orders/users orders: the median user."""
    return f"A{sizes.shops + (sizes.users - sizes.shops) // 2:09d}"


def _orders_of(url: str, account: str) -> int:
    """How many orders an account bought or sold (a bitmap OR of two index scans)."""
    with libpq(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM orders WHERE buyer_account_id = %s OR seller_account_id = %s",
            [account, account],
        ).fetchone()
    return int(row[0]) if row else 0


def _figures(
    label: str, account: str, orders: int, copies: list[Measured], produced: Measured
) -> dict[str, Any]:
    """One production's figures against the faster COPY."""
    baseline = min(copies, key=lambda m: m.result["seconds"])
    rows = sum(produced.result["rows"].values())
    return {
        "who": label,
        "account": account,
        "orders": orders,
        "rows": produced.result["rows"],
        "rows_total": rows,
        "production_seconds": produced.result["seconds"],
        "copy_seconds": baseline.result["seconds"],
        "copy_runs_seconds": [m.result["seconds"] for m in copies],
        "ratio": produced.result["seconds"] / baseline.result["seconds"],
        "package_bytes": produced.result["bytes"],
        "peak_rss_mb": produced.peak_mb,
        "same_rows_as_copy": produced.result["rows"] == baseline.result["rows"],
    }


def production(url: str, sizes: Sizes) -> list[dict[str, Any]]:
    """Sealed packages for the median user and the power seller, each against its COPY."""
    found = []
    for label, account in (("median user", median_account(sizes)), ("power seller", POWER_SELLER)):
        orders = _orders_of(url, account)
        out.print(f"{label} {account}: {orders:,} orders")
        copies, produced = measure_production(url, account, verbose=False)
        found.append(_figures(label, account, orders, copies, produced))
    return found


def print_production(found: list[dict[str, Any]]) -> None:
    """Time to a sealed package against COPY of the same rows."""
    table = Table(title="time to a sealed package (traffic data, whole period) vs COPY")
    columns = ("who", "account", "orders", "rows", "production s", "COPY s", "ratio")
    for column in (*columns, "rows/s", "package MB", "peak RSS MB"):
        table.add_column(column, justify="right")
    for f in found:
        table.add_row(
            f["who"],
            f["account"],
            f"{f['orders']:,}",
            f"{f['rows_total']:,}",
            f"{f['production_seconds']:.2f}",
            f"{f['copy_seconds']:.2f}",
            f"{f['ratio']:.1f}x",
            f"{f['rows_total'] / f['production_seconds']:,.0f}",
            f"{f['package_bytes'] / 1e6:,.1f}",
            f"{f['peak_rss_mb']:.0f}",
        )
    out.print(table)
    out.print("COPY: the collector's own SELECT per released table TO STDOUT, read to the end")
    out.print("(the faster of a run before and one after the production); ratio = time / COPY's")
    for f in found:
        if not f["same_rows_as_copy"]:
            out.print(f"[bold red]warning:[/] {f['who']}: the package and COPY differ in rows")


def main(argv: list[str]) -> int:
    """Build if needed, measure, print and save."""
    args = _arguments(argv)
    sizes = _sizes(args)
    name = _database_name(args, sizes)
    url = ensure_database(args.admin_url, name)
    with libpq(url) as conn:
        server = conn.execute("SHOW server_version").fetchone()
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": server[0] if server else "?",
        "database": name,
    }
    out.print(f"PostgreSQL {machine['postgresql']} database {name}; {machine['cores']} cores")
    described = (
        f"{sizes.users:,} users, {sizes.orders:,} orders ({sizes.seller_orders:,} sold by "
        f"{POWER_SELLER}), {sizes.messages:,} messages"
    )
    if args.rebuild or not is_built(url, sizes):
        out.print(f"building: {described}")
        built: float | None = build(url, sizes)
        out.print(f"built in {built or 0:,.0f} s")
    else:
        built = build_seconds(url)
        out.print(f"already built (--rebuild to rebuild): {described}")
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine,
        "sizes": {**sizes.meta, "shops": sizes.shops, "payments": sizes.payments},
        "build_seconds": built,
        "storage": storage(url),
    }
    print_storage(results["storage"])
    results["resolution"] = resolution(url, sizes, args)
    print_resolution(results["resolution"])
    targets = {"median user": median_account(sizes), "power seller": POWER_SELLER}
    results["plans"] = plans(url, targets)
    print_plans(results["plans"])
    if not args.skip_production:
        results["production"] = production(url, sizes)
        print_production(results["production"])
    results["measure_seconds"] = time.perf_counter() - started
    path = args.json or RESULTS / f"scale-{sizes.users}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    out.print(f"figures written to {path}")
    wrong = sum(r["wrong"] for r in results["resolution"]["per_type"])
    scans = results["resolution"]["seq_scans_large_tables"] + results["plans"]["whole_table_reads"]
    return 1 if wrong or scans else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
