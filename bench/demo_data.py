"""Benchmark the demo marketplace generator against the naive row-by-row way of loading it.

Usage: .venv/bin/python bench/demo_data.py [--users N] [--mode auto|sequential|parallel]
                                           [--baseline-users N] [--seed N]

1. Runs lawgate.demo.marketplace.generate() at the requested size (default 200,000 users) into
   a temporary SQLite file and prints wall time, rows per table and rows per second.
2. Loads the same tables at a small size (default 2,000 users) the naive way: SQLAlchemy Core,
   one INSERT executed per row with datetime objects for timestamps, as an ORM-style loader
   would, indexes created up front (metadata.create_all). The baseline
   is generous: it reuses our vectorised row generation and runs in a single transaction, so
   it measures only the cost of writing row by row. Its rows/second, extrapolated per row,
   is compared with ours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from lawgate.demo import schema
from lawgate.demo.marketplace import DEFAULT_USERS, build, plan_world, stages
from lawgate.demo.sidecar import worthwhile
from lawgate.demo.writers import normalise_url


def _arguments(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=DEFAULT_USERS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-users", type=int, default=2_000)
    parser.add_argument("--mode", choices=("auto", "sequential", "parallel"), default="auto")
    return parser.parse_args(argv)


def run_ours(folder: Path, users: int, seed: int, mode: str) -> tuple[float, dict[str, int]]:
    """Wall time and row counts of the real generator."""
    url = f"sqlite:///{folder / 'ours.sqlite'}"
    auto = worthwhile(normalise_url(url), users)
    parallel = auto if mode == "auto" else mode == "parallel"
    started = time.perf_counter()
    counts = build(url, users, seed, parallel=parallel)
    elapsed = time.perf_counter() - started
    size = (folder / "ours.sqlite").stat().st_size
    print(f"generator: {users:,} users, {'two processes' if parallel else 'one process'}")
    print(f"  database file {size / 2**20:,.0f} MiB")
    return elapsed, counts


def run_naive(folder: Path, users: int, seed: int) -> tuple[float, dict[str, int]]:
    """Wall time and row counts of row-by-row Core inserts of the same tables."""
    engine = sa.create_engine(f"sqlite:///{folder / 'naive.sqlite'}")
    schema.metadata.create_all(engine)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    world = plan_world(users, seed)
    with engine.begin() as conn:
        for table, rows in stages(world):
            _, chunks = rows()
            names = [c.name for c in table.columns]
            times = [isinstance(c.type, sa.DateTime) for c in table.columns]
            statement = table.insert()
            counts[table.name] = 0
            for columns in chunks:
                for values in zip(*columns, strict=True):
                    row = {
                        name: dt.datetime.fromisoformat(v) if is_time else v
                        for name, v, is_time in zip(names, values, times, strict=True)
                    }
                    conn.execute(statement, row)
                    counts[table.name] += 1
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, counts


def _print_counts(title: str, elapsed: float, counts: dict[str, int]) -> float:
    """A table of rows per table, and the overall rate; returns rows per second."""
    total = sum(counts.values())
    rate = total / elapsed
    print(f"{title}: {elapsed:,.1f} s wall, {total:,} rows, {rate:,.0f} rows/s")
    for name, count in counts.items():
        print(f"  {name:<10} {count:>12,}")
    return rate


def main(argv: list[str]) -> int:
    """Run both measurements and print the comparison."""
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="lawgate-bench-") as tmp:
        folder = Path(tmp)
        elapsed, counts = run_ours(folder, args.users, args.seed, args.mode)
        ours = _print_counts("ours", elapsed, counts)
        naive_time, naive_counts = run_naive(folder, args.baseline_users, args.seed)
        print(f"baseline: {args.baseline_users:,} users, SQLAlchemy Core, one INSERT per row")
        naive = _print_counts("baseline", naive_time, naive_counts)
    projected = sum(counts.values()) / naive
    print(f"baseline extrapolated per row to {sum(counts.values()):,} rows: {projected:,.0f} s")
    print(f"speed-up: {ours / naive:,.1f}x rows/second (ours vs baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
