"""Target resolution latency per identifier type, against a bare indexed round trip.

For each TargetType, random existing values (read by primary key from the bench marketplace)
and values that match nothing are resolved one target per call through
``lawgate.datamap.resolve.resolve_targets``, exactly as intake does. The baseline, timed on the
same values interleaved with it, is the cheapest possible answer to the same question: one
``SELECT 1 FROM <table> WHERE <identity column> = %s`` round trip (with the time window for IP
addresses) on a psycopg connection in autocommit. PostgreSQL's own counters then show how many
sequential scans the marketplace tables saw while this ran: it must be none.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
import sqlalchemy as sa
from scale_marketplace import EPOCH, SPAN, Sizes, libpq

from lawgate.datamap import shipped
from lawgate.datamap.model import DataMap
from lawgate.datamap.normalise import normalise
from lawgate.datamap.resolve import DEFAULT_WINDOW, Route, resolve_targets, routes
from lawgate.demo import schema
from lawgate.domain import Target, TargetType

WARM_UP = 20


@dataclass(frozen=True)
class Sample:
    """A target to resolve, and whether it exists on the platform."""

    target: Target
    exists: bool


def _pick(rng: random.Random, upper: int, count: int) -> list[int]:
    """Distinct random row numbers in 1..upper."""
    return rng.sample(range(1, upper + 1), min(count, upper))


def _existing(
    conn: psycopg.Connection[Any], sizes: Sizes, count: int, rng: random.Random
) -> dict[TargetType, list[Target]]:
    """Real identifier values, read by primary key from random rows of each table."""
    accounts = [f"A{k:09d}" for k in _pick(rng, sizes.users, count)]
    users = conn.execute(
        "SELECT account_id, email, username, phone FROM users WHERE account_id = ANY(%s)",
        [accounts],
    ).fetchall()
    orders = [f"ORD-{k:08d}" for k in _pick(rng, sizes.orders, count)]
    listings = [f"LST-{k:08d}" for k in _pick(rng, sizes.listings, count)]

    def column(sql: str, values: list[Any]) -> list[Any]:
        """One column of the rows a primary-key lookup finds."""
        return [row[0] for row in conn.execute(sql, [values]).fetchall()]

    references = column(
        "SELECT processor_reference FROM payments WHERE payment_id = ANY(%s)",
        _pick(rng, sizes.payments, count),
    )
    logins = conn.execute(
        "SELECT ip_address, at FROM logins WHERE login_id = ANY(%s)",
        [_pick(rng, sizes.logins, count)],
    ).fetchall()

    def targets(kind: TargetType, values: list[str]) -> list[Target]:
        """Targets of one type from stored values."""
        return [Target(type=kind, value=v) for v in values]

    return {
        TargetType.ACCOUNT_ID: targets(TargetType.ACCOUNT_ID, [u[0] for u in users]),
        TargetType.EMAIL: targets(TargetType.EMAIL, [u[1] for u in users]),
        TargetType.USERNAME: targets(TargetType.USERNAME, [u[2] for u in users]),
        TargetType.PHONE: targets(TargetType.PHONE, [u[3] for u in users]),
        TargetType.ORDER_ID: targets(
            TargetType.ORDER_ID,
            column("SELECT order_id FROM orders WHERE order_id = ANY(%s)", orders),
        ),
        TargetType.LISTING_ID: targets(
            TargetType.LISTING_ID,
            column("SELECT listing_id FROM listings WHERE listing_id = ANY(%s)", listings),
        ),
        TargetType.PAYMENT_REFERENCE: targets(TargetType.PAYMENT_REFERENCE, references),
        TargetType.IP_ADDRESS: [
            Target(
                type=TargetType.IP_ADDRESS,
                value=ip,
                at=at + dt.timedelta(minutes=rng.uniform(-30, 30)),
            )
            for ip, at in logins
        ],
    }


MISSING: dict[TargetType, Callable[[int], str]] = {
    TargetType.ACCOUNT_ID: lambda k: f"Z{k:09d}",
    TargetType.EMAIL: lambda k: f"nobody{k}@example.org",
    TargetType.USERNAME: lambda k: f"nobody{k}",
    TargetType.PHONE: lambda k: f"+4420{k:08d}",
    TargetType.ORDER_ID: lambda k: f"ORD-X{k:07d}",
    TargetType.LISTING_ID: lambda k: f"LST-X{k:07d}",
    TargetType.PAYMENT_REFERENCE: lambda k: f"ch_nomatch{k:014d}",
    TargetType.IP_ADDRESS: lambda k: f"192.0.2.{k % 250 + 1}",
}
"""Values of each type that the generator never produces: they must match nothing."""


def _missing(kind: TargetType, count: int, rng: random.Random) -> list[Target]:
    """Targets of a type that identify nobody (IP ones at a random moment in the period)."""
    found = []
    for k in _pick(rng, 10_000_000, count):
        at = EPOCH + dt.timedelta(seconds=rng.randrange(SPAN)) if kind in WINDOWED else None
        found.append(Target(type=kind, value=MISSING[kind](k), at=at))
    return found


WINDOWED = {TargetType.IP_ADDRESS}


def samples(url: str, sizes: Sizes, count: int, misses: int, seed: int) -> list[Sample]:
    """For every target type: `count` existing values and `misses` that match nothing, mixed."""
    rng = random.Random(seed)
    with libpq(url) as conn:
        existing = _existing(conn, sizes, count, rng)
    found: list[Sample] = []
    for kind in TargetType:
        found += [Sample(t, True) for t in existing[kind]]
        found += [Sample(t, False) for t in _missing(kind, misses, rng)]
    rng.shuffle(found)
    return found


@dataclass(frozen=True)
class Baseline:
    """The bare indexed round trip answering 'does this value exist' for one route."""

    sql: str
    windowed: bool

    @classmethod
    def of(cls, route: Route) -> Baseline:
        """The first hop of a route as a single-table SELECT 1 on its identity column."""
        hop = route.hops[0]
        sql = f"SELECT 1 FROM {hop.collection} WHERE {hop.match} = %s"
        if route.time_column is not None:
            sql += f" AND {route.time_column} BETWEEN %s AND %s"
        return cls(sql, route.time_column is not None)

    def run(self, conn: psycopg.Connection[Any], target: Target) -> None:
        """One round trip, reading the rows it returns."""
        value = normalise(target.type, target.value)
        params: list[Any] = [value]
        if self.windowed and target.at is not None:
            at = target.at.replace(tzinfo=None)
            params += [at - DEFAULT_WINDOW, at + DEFAULT_WINDOW]
        conn.execute(self.sql.encode(), params).fetchall()


@dataclass
class Timings:
    """Seconds per call for one target type, split by whether the value exists."""

    kind: TargetType
    hops: int
    baseline_sql: str
    hit: list[float]
    miss: list[float]
    baseline: list[float]
    wrong: int = 0


Scans = dict[str, tuple[int, int, int]]
"""Per marketplace table: sequential scans, index scans, live rows."""


def _settled_scans(url: str) -> Scans:
    """PostgreSQL's scan counters once every closed session's statistics have reached it."""
    time.sleep(1.5)
    with libpq(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute(
            "SELECT relname, seq_scan, coalesce(idx_scan, 0), n_live_tup FROM pg_stat_user_tables"
            " WHERE relname = ANY(%s)",
            [[t.name for t in schema.TABLES]],
        ).fetchall()
    return {name: (int(seq), int(idx), int(live)) for name, seq, idx, live in rows}


@dataclass(frozen=True)
class ScanCount:
    """The scans one table saw while resolving."""

    table: str
    rows: int
    sequential: int
    index: int


def _difference(before: Scans, after: Scans) -> list[ScanCount]:
    """Scans per table between two readings, biggest table first."""
    found = [
        ScanCount(
            name, live, seq - before.get(name, (0, 0, 0))[0], idx - before.get(name, (0, 0, 0))[1]
        )
        for name, (seq, idx, live) in after.items()
    ]
    return sorted(found, key=lambda s: -s.rows)


def measure(
    url: str, chosen: list[Sample], on_done: Callable[[], None]
) -> tuple[list[Timings], list[ScanCount]]:
    """Time resolution and baseline per target, interleaved; and the scans they caused."""
    datamap: DataMap = shipped()
    before = _settled_scans(url)
    engine = sa.create_engine(url)
    timings: dict[TargetType, Timings] = {}
    baselines: dict[TargetType, Baseline] = {}
    for kind in {sample.target.type for sample in chosen}:
        plan = routes(datamap, kind)
        baselines[kind] = Baseline.of(plan[0])
        timings[kind] = Timings(kind, len(plan[0].hops), baselines[kind].sql, [], [], [])
    with libpq(url, autocommit=True) as bare:
        for sample in chosen[:WARM_UP]:
            resolve_targets(engine, datamap, [sample.target])
            baselines[sample.target.type].run(bare, sample.target)
        for sample in chosen:
            entry = timings[sample.target.type]
            started = time.perf_counter()
            baselines[sample.target.type].run(bare, sample.target)
            entry.baseline.append(time.perf_counter() - started)
            started = time.perf_counter()
            found = resolve_targets(engine, datamap, [sample.target])
            (entry.hit if sample.exists else entry.miss).append(time.perf_counter() - started)
            if bool(found.account_ids) != sample.exists:
                entry.wrong += 1
            on_done()
    engine.dispose()
    after = _settled_scans(url)
    return list(timings.values()), _difference(before, after)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (linear interpolation), in ms."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return (statistics.median(values) if share == 0.5 else cuts[round(share * 100) - 1]) * 1000
