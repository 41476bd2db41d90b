"""The bench marketplace on PostgreSQL, built in SQL so tens of millions of rows load in minutes.

Shared by bench/production.py and bench/scale.py. Every row is computed on the server by
``INSERT ... SELECT ... FROM generate_series`` (no data crosses the wire), in chunks of numbers
spread over two connections (this machine has two cores); indexes are built after the load,
two at a time, then each table is VACUUM ANALYZEd so plans see real sizes and index-only scans
see a visibility map. Tables are UNLOGGED: the data is disposable and reads are identical, but
the load writes no WAL (half the I/O). A ``bench_meta`` table, written last, records the sizes
of a complete build, so a run keeps a finished build and rebuilds an interrupted one.

Relations follow from formulas on row numbers, so no stage reads another table:

- account ``A`` + 9 digits; user k is ``userk`` / ``userk@example.com`` / ``+1415`` + k in 7
  digits (``+1415`` + 9 digits above ten million) / ``10.x.y.z``; account 1 is the power seller
  (sellerone, seller.one@example.com); accounts 1..shops own shop k;
- order j is ``ORD-`` + 8 digits, bought by ``1 + (j * 104729) % users`` (so every account buys
  orders/users orders) and sold by account 1 for ``seller_orders`` of them, evenly through time,
  else by one of the other shops; times run evenly from 2024-01-01 to 2026-06-30;
- payment i pays order ``1 + ((i - 1) * 7919) % orders`` and message i is about that order,
  between its buyer and seller: scattered (a prime step), so neither falls into step with
  the power seller's every (orders / seller_orders)-th order and every account gets its share.
"""

from __future__ import annotations

import datetime as dt
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from lawgate.demo import schema

BUILD_VERSION = "3"
CHUNK = 500_000
CONNECTIONS = 2
EPOCH = dt.datetime(2024, 1, 1)
SPAN = int((dt.datetime(2026, 7, 1) - EPOCH).total_seconds())
POWER_SELLER = "A000000001"
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)


@dataclass(frozen=True)
class Sizes:
    """Row counts of a bench marketplace; the small tables follow from users and orders."""

    users: int
    orders: int
    messages: int
    seller_orders: int

    @classmethod
    def from_orders(cls, orders: int, seller_orders: int) -> Sizes:
        """bench/production.py's proportions: ten orders per account, a message per 19 orders."""
        return cls(max(orders // 10, 100), orders, orders // 19, seller_orders)

    @property
    def shops(self) -> int:
        """One account in ten sells."""
        return max(self.users // 10, 2)

    @property
    def listings(self) -> int:
        """Two listings per shop."""
        return 2 * self.shops

    @property
    def payments(self) -> int:
        """One order in ten is paid through the processor (the rest predate it)."""
        return max(self.orders // 10, 1)

    @property
    def logins(self) -> int:
        """One sign-in row per ten accounts: enough for IP resolution, which is windowed."""
        return max(self.users // 10, 1)

    @property
    def meta(self) -> dict[str, str]:
        """What the bench_meta table records once a build is complete."""
        return {
            "version": BUILD_VERSION,
            "users": str(self.users),
            "orders": str(self.orders),
            "messages": str(self.messages),
            "seller_orders": str(self.seller_orders),
        }

    def check(self) -> str | None:
        """Why these sizes cannot be built, or None."""
        if self.users < 20:
            return "at least 20 users"
        if not 1 <= self.seller_orders <= self.orders:
            return "seller orders between 1 and orders"
        if self.messages < 1:
            return "at least one message"
        return None


def acct(number: str) -> str:
    """SQL for an account id from a number expression: 'A' and nine digits."""
    return f"'A' || lpad(({number})::text, 9, '0')"


def order_id(number: str) -> str:
    """SQL for an order id from a number expression: 'ORD-' and eight digits."""
    return f"'ORD-' || lpad(({number})::text, 8, '0')"


def buyer_number(s: Sizes, j: str) -> str:
    """SQL for the buyer's account number of order j: a bijection, so each buys the same."""
    return f"(1 + (({j}) * 104729) % {s.users})"


def seller_number(s: Sizes, j: str) -> str:
    """SQL for the seller's account number of order j: the power seller's share, evenly spread."""
    n, m = s.orders, s.seller_orders
    return (
        f"(CASE WHEN (({j}) * {m}) / {n} > ((({j}) - 1) * {m}) / {n} THEN 1"
        f" ELSE 2 + (({j}) * 7919) % {s.shops - 1} END)"
    )


def order_time(s: Sizes, j: str) -> str:
    """SQL for order j's time: evenly from EPOCH over SPAN seconds."""
    return f"(timestamp '{EPOCH}' + ((({j}) - 1) * {SPAN} / {s.orders}) * interval '1 second')"


def _phone(i: str) -> str:
    """SQL for a valid E.164 number per account: +1 415 and seven digits (nine above 10^7)."""
    return f"'+1415' || lpad(({i})::text, CASE WHEN {i} < 10000000 THEN 7 ELSE 9 END, '0')"


SCATTER = 7919
"""A prime step through the orders for payments and messages (distinct while i <= orders)."""
SERIES = "FROM generate_series({lo}::bigint, {hi}::bigint) AS i"


def stages(s: Sizes) -> list[tuple[str, int, str]]:
    """(table, rows, INSERT for numbers {lo}..{hi}); independent of each other, any order."""
    shops = s.shops
    j_pay = j_msg = f"(1 + ((i - 1) * {SCATTER}) % {s.orders})"
    buyer, seller = buyer_number(s, "i"), seller_number(s, "i")
    buyer_j, seller_j = buyer_number(s, "j"), seller_number(s, "j")
    return [
        (
            "users",
            s.users,
            f"""INSERT INTO users SELECT {acct("i")},
            CASE WHEN i = 1 THEN 'sellerone' ELSE 'user' || i END,
            CASE WHEN i = 1 THEN 'seller.one@example.com' ELSE 'user' || i || '@example.com' END,
            {_phone("i")}, CASE WHEN i = 1 THEN 'Sam O''Neil' ELSE 'User ' || i END,
            'active', 'US', timestamp '2022-01-01 09:00' + i * interval '1 minute',
            '10.' || (i / 65536) % 256 || '.' || (i / 256) % 256 || '.' || i % 256 {SERIES}""",
        ),
        (
            "addresses",
            s.users,
            f"""INSERT INTO addresses SELECT i, {acct("i")}, 'shipping',
            i || ' Main Street', 'Springfield', lpad((i % 100000)::text, 5, '0'), 'US' {SERIES}""",
        ),
        (
            "shops",
            shops,
            f"""INSERT INTO shops SELECT i, {acct("i")},
            CASE WHEN i = 1 THEN 'Seller One Supply Co.' ELSE 'Shop ' || i END,
            timestamp '2022-01-02' + i * interval '1 minute' {SERIES}""",
        ),
        (
            "listings",
            s.listings,
            f"""INSERT INTO listings SELECT 'LST-' || lpad(i::text, 8, '0'),
            (i - 1) % {shops} + 1, 'Item ' || i, 'A fine item, number ' || i || '.',
            100 + (i * 7919) % 20000, 'USD',
            timestamp '2022-01-03' + i * interval '1 minute' {SERIES}""",
        ),
        (
            "orders",
            s.orders,
            f"""INSERT INTO orders SELECT {order_id("i")}, {acct(buyer)}, {acct(seller)},
            'LST-' || lpad(({seller} + {shops} * (i % 2))::text, 8, '0'), {buyer},
            500 + (i * 7919) % 20000, (ARRAY['USD', 'EUR', 'GBP'])[1 + i % 3],
            (ARRAY['paid', 'shipped', 'delivered', 'cancelled', 'refunded'])[1 + (i * 31) % 5],
            {order_time(s, "i")} {SERIES}""",
        ),
        (
            "payments",
            s.payments,
            f"""INSERT INTO payments SELECT i, {order_id("j")}, {acct(buyer_j)},
            '**** **** **** ' || right(lpad(j::text, 8, '0'), 4), 'visa',
            'ch_' || left(md5({order_id("j")}), 24), 500 + (j * 7919) % 20000,
            {order_time(s, "j")} + interval '1 minute'
            {SERIES}, LATERAL (SELECT {j_pay} AS j) AS o""",
        ),
        (
            "logins",
            s.logins,
            f"""INSERT INTO logins SELECT i, {acct(buyer)}, '10.9.' || i % 250 || '.1',
            timestamp '{EPOCH}' + (i * {SPAN} / {s.logins}) * interval '1 second', 'iPhone 15',
            'Mozilla/5.0 (iPhone)' {SERIES}""",
        ),
        (
            "messages",
            s.messages,
            f"""INSERT INTO messages SELECT i, {order_id("j")},
            {acct(f"CASE WHEN j % 2 = 0 THEN {buyer_j} ELSE {seller_j} END")},
            {acct(f"CASE WHEN j % 2 = 0 THEN {seller_j} ELSE {buyer_j} END")},
            'Hello about my order.', {order_time(s, "j")} + interval '1 hour'
            {SERIES}, LATERAL (SELECT {j_msg} AS j) AS o""",
        ),
    ]


def libpq(url: str, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A psycopg connection to the database of a SQLAlchemy URL."""
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(dsn, autocommit=autocommit)


def ensure_database(admin_url: str, name: str) -> str:
    """Create the bench database if missing; its URL. Exits with a clear error if unreachable."""
    try:
        with libpq(admin_url, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if found is None:
                conn.execute(f'CREATE DATABASE "{name}"'.encode())
    except psycopg.OperationalError as exc:
        out.print(f"[bold red]error:[/] PostgreSQL is not reachable at {admin_url}: {exc}")
        sys.exit(2)
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def is_built(url: str, sizes: Sizes) -> bool:
    """True when a complete build of these sizes is there (bench_meta is written last)."""
    with libpq(url) as conn:
        if conn.execute("SELECT to_regclass('bench_meta')").fetchone() in (None, (None,)):
            return False
        found = dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())
    return {key: found.get(key) for key in sizes.meta} == sizes.meta


def build_seconds(url: str) -> float | None:
    """How long the kept build took, as its last step recorded."""
    with libpq(url) as conn:
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'build_seconds'").fetchone()
    return float(row[0]) if row else None


def bar(console: Console = out) -> Progress:
    """Progress of the build: rows or steps done of the total, and time taken."""
    return Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        TextColumn("{task.completed:>12,} / {task.total:,}"),
        TimeElapsedColumn(),
        console=console,
    )


Job = tuple[bytes, Callable[[], None]]


def _run_parallel(url: str, jobs: Iterable[Job], setup: tuple[str, ...]) -> None:
    """Run SQL statements over CONNECTIONS connections, calling each job's callback when done."""
    pending: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    failures: list[BaseException] = []

    def worker() -> None:
        """Take statements until none are left or another worker failed."""
        try:
            with libpq(url, autocommit=True) as conn:
                for statement in setup:
                    conn.execute(statement.encode())
                while not failures:
                    try:
                        sql, done = pending.get_nowait()
                    except queue.Empty:
                        return
                    conn.execute(sql)
                    done()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _advance(progress: Progress, task: TaskID, amount: int) -> Callable[[], None]:
    """A callback moving a bar by an amount (Rich's Progress is thread-safe)."""
    return lambda: progress.advance(task, amount)


def _load(url: str, sizes: Sizes, progress: Progress) -> None:
    """Fill every table in chunks; big chunks first, so both connections finish together."""
    jobs: list[tuple[int, Job]] = []
    for table, rows, sql in stages(sizes):
        task = progress.add_task(f"load {table}", total=rows)
        for lo in range(1, rows + 1, CHUNK):
            hi = min(lo + CHUNK - 1, rows)
            statement = sql.replace("{lo}", str(lo)).replace("{hi}", str(hi)).encode()
            jobs.append((hi - lo + 1, (statement, _advance(progress, task, hi - lo + 1))))
    jobs.sort(key=lambda job: -job[0])
    _run_parallel(url, (job for _, job in jobs), ("SET synchronous_commit = off",))


def _index(url: str, engine: sa.Engine, sizes: Sizes, progress: Progress) -> None:
    """Build the demo's indexes after the load (biggest tables first), then VACUUM ANALYZE."""
    rows = {table: count for table, count, _ in stages(sizes)}
    indexes = sorted(schema.INDEXES, key=lambda index: -rows[index.table.name])  # type: ignore[union-attr]
    task = progress.add_task("indexes", total=len(indexes))
    jobs = [
        (str(sa.schema.CreateIndex(index).compile(engine)).encode(), _advance(progress, task, 1))
        for index in indexes
    ]
    setup = ("SET maintenance_work_mem = '1GB'", "SET max_parallel_maintenance_workers = 0")
    _run_parallel(url, jobs, setup)
    tables = sorted(rows, key=lambda table: -rows[table])
    vacuum = progress.add_task("vacuum analyze", total=len(tables))
    _run_parallel(
        url,
        ((f"VACUUM ANALYZE {table}".encode(), _advance(progress, vacuum, 1)) for table in tables),
        (),
    )


def build(url: str, sizes: Sizes, console: Console = out) -> float:
    """(Re)create the bench marketplace; returns the seconds it took."""
    started = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_meta")
        schema.metadata.drop_all(conn)
        for table in schema.TABLES:
            ddl = str(sa.schema.CreateTable(table).compile(engine))
            conn.exec_driver_sql(ddl.replace("CREATE TABLE", "CREATE UNLOGGED TABLE", 1))
    with bar(console) as progress:
        _load(url, sizes, progress)
        _index(url, engine, sizes, progress)
    with libpq(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        with conn.cursor() as cursor:
            seconds = time.perf_counter() - started
            rows = [*sizes.meta.items(), ("build_seconds", f"{seconds:.1f}")]
            cursor.executemany("INSERT INTO bench_meta VALUES (%s, %s)", rows)
    engine.dispose()
    return seconds
