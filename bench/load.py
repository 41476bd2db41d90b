"""A bounded load test on loopback: agencies submit signed requests and poll their status.

Usage: .venv/bin/python bench/load.py [--submit-rate 20] [--poll-rate 100] [--duration 60]
       [--baseline-duration 20] [--agencies 4] [--workers 1] [--json FILE]
       [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/lawgate_bench_load]

1. Makes a fresh store (a temporary SQLite file, or the --database-url PostgreSQL database,
   dropped and re-created), registers the agencies with Ed25519 API keys, and starts a real
   `lawgate serve --no-demo --no-worker --workers N` on a free 127.0.0.1 port (its log goes to a
   file in the temporary directory).
2. Baseline: `GET /log/checkpoint` (unsigned, one small read) at the same total rate as the load.
3. Load: signed `POST /api/v1/requests` and signed `GET /api/v1/requests/{id}` (a random request of
   the polling agency), each at a fixed rate.
The generator is open-loop (asyncio + httpx): calls start on a fixed schedule whatever the server
answers, and latency is counted from the scheduled start, so a slow server cannot hide its queue
(no coordinated omission). Locust's users are closed-loop and it rounds its percentiles; wrk
cannot sign RFC 9421 requests. Prints progress every few seconds, then p50/p95/p99/max latency
and error counts per operation, and each operation's ratio to the baseline. Only loopback is
ever called; the run stops by itself. Exits 1 if any call failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from load_setup import (
    LoadAgency,
    check_database_url,
    free_port,
    fresh_store_url,
    make_agencies,
    prepare_store,
    served,
)

from auditlog import ADMIN_URL
from lawgate.cli.client import SignatureAuth

MAX_IN_FLIGHT = 2000
"""Calls outstanding at once before the generator counts new ones as dropped (overload)."""
TIMEOUT = 10.0
"""Seconds a call may take in all (pool wait, connect, send, answer) before it counts as failed."""
SEED_REQUESTS = 3
"""Requests each agency submits before the clock starts, so the first polls find something."""


@dataclass
class Operation:
    """Latencies (ms, from each call's scheduled start) and failures of one kind of call."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    late_starts: int = 0

    def percentile(self, share: float) -> float:
        """The nearest-rank percentile of the successful calls' latency."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
        return ordered[rank - 1]

    def summary(self, seconds: float) -> dict[str, Any]:
        """The figures the report prints and --json writes."""
        return {
            "ok": len(self.latencies),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "late_starts": self.late_starts,
            "rate_per_s": round((len(self.latencies) + sum(self.errors.values())) / seconds, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "max_ms": round(max(self.latencies, default=float("nan")), 2),
        }


@dataclass
class Phase:
    """One timed phase: its operations and how long it ran."""

    name: str
    operations: dict[str, Operation]
    seconds: float = 0.0
    in_flight: int = 0


Call = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


class Generator:
    """The open-loop generator: fixed-rate schedules, one task per call."""

    def __init__(self, base: str, agencies: list[LoadAgency], seed: int) -> None:
        self.base = base
        self.agencies = agencies
        self.random = random.Random(seed)
        self.numbers = iter(range(1, 10**9))
        self.submitted: dict[str, list[str]] = {a.id: [] for a in agencies}
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.plain: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Generator:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        for agency in self.agencies:
            auth = SignatureAuth(agency.key, agency.key_id)
            self.clients[agency.id] = httpx.AsyncClient(
                base_url=self.base, auth=auth, timeout=TIMEOUT, limits=limits
            )
        self.plain = httpx.AsyncClient(base_url=self.base, timeout=TIMEOUT, limits=limits)
        return self

    async def __aexit__(self, *_: object) -> None:
        for client in [*self.clients.values(), self.plain]:
            if client is not None:
                await client.aclose()

    async def submit(self) -> httpx.Response:
        """One signed submission by a random agency; its id joins that agency's pool."""
        agency = self.random.choice(self.agencies)
        body = json.dumps(agency.request(next(self.numbers))).encode()
        answer = await self.clients[agency.id].post(
            "/api/v1/requests", content=body, headers={"Content-Type": "application/json"}
        )
        if answer.status_code == httpx.codes.CREATED:
            self.submitted[agency.id].append(answer.json()["id"])
        return answer

    async def poll(self) -> httpx.Response:
        """One signed status poll by a random agency, of one of its own requests."""
        agency = self.random.choice([a for a in self.agencies if self.submitted[a.id]])
        request_id = self.random.choice(self.submitted[agency.id])
        return await self.clients[agency.id].get(f"/api/v1/requests/{request_id}")

    async def checkpoint(self) -> httpx.Response:
        """The baseline: the public log's latest checkpoint, unsigned."""
        assert self.plain is not None
        return await self.plain.get("/log/checkpoint")


async def timed(
    phase: Phase, operation: Operation, call: Callable[[], Awaitable[httpx.Response]], at: float
) -> None:
    """Make one call and record its latency from the scheduled start, or why it failed."""
    phase.in_flight += 1
    try:
        answer = await asyncio.wait_for(call(), TIMEOUT)
        if answer.is_success:
            operation.latencies.append((time.perf_counter() - at) * 1000)
        else:
            operation.errors[f"HTTP {answer.status_code}"] += 1
    except TimeoutError:
        operation.errors[f"no answer within {TIMEOUT:g} s"] += 1
    except httpx.HTTPError as exc:
        operation.errors[type(exc).__name__] += 1
    finally:
        phase.in_flight -= 1


async def schedule(
    phase: Phase,
    operation: Operation,
    call: Callable[[], Awaitable[httpx.Response]],
    rate: float,
    start: float,
    seconds: float,
) -> list[asyncio.Task[None]]:
    """Start `call` every 1/rate s from `start` for `seconds`, never waiting for answers."""
    tasks: list[asyncio.Task[None]] = []
    if rate <= 0:
        return tasks
    count = int(rate * seconds)
    for number in range(count):
        at = start + number / rate
        delay = at - time.perf_counter()
        if delay < -0.01:
            operation.late_starts += 1
        await asyncio.sleep(max(delay, 0))  # always yield, or a late schedule starves the loop
        if phase.in_flight >= MAX_IN_FLIGHT:
            operation.errors["dropped (overload)"] += 1
            continue
        tasks.append(asyncio.create_task(timed(phase, operation, call, at)))
    return tasks


async def progress(phase: Phase, start: float, seconds: float, every: float) -> None:
    """A line every few seconds: calls done, errors and p50 so far, per operation."""
    while True:
        await asyncio.sleep(every)
        elapsed = time.perf_counter() - start
        parts = []
        for op in phase.operations.values():
            errors = sum(op.errors.values())
            parts.append(
                f"{op.name} {len(op.latencies)} ok {errors} err p50 {op.percentile(0.5):.1f} ms"
            )
        when = f"{elapsed:5.1f}/{seconds:.0f} s"
        if elapsed > seconds:
            when = f"draining, {phase.in_flight} in flight"
        print(f"  [{phase.name} {when}] " + "; ".join(parts), flush=True)


async def run_phase(
    name: str,
    plan: list[tuple[str, Callable[[], Awaitable[httpx.Response]], float]],
    seconds: float,
    every: float,
) -> Phase:
    """Run each (name, call, rate) of the plan at once for `seconds`, then wait for stragglers."""
    phase = Phase(name, {op: Operation(op) for op, _, _ in plan})
    print(
        f"{name}: "
        + ", ".join(f"{op} at {rate:g}/s" for op, _, rate in plan)
        + f" for {seconds:g} s"
    )
    start = time.perf_counter() + 0.05
    reporter = asyncio.create_task(progress(phase, start, seconds, every))
    schedules = [
        schedule(phase, phase.operations[op], call, rate, start, seconds) for op, call, rate in plan
    ]
    started = await asyncio.gather(*schedules)
    await asyncio.gather(*(task for tasks in started for task in tasks))
    phase.seconds = seconds
    reporter.cancel()
    return phase


async def load_test(base: str, options: argparse.Namespace) -> tuple[Phase, Phase]:
    """Seed a few requests, run the baseline, then the load."""
    agencies = make_agencies(options.agencies)
    async with Generator(base, agencies, options.seed) as gen:
        for _ in range(SEED_REQUESTS):
            for agency in agencies:
                body = json.dumps(agency.request(next(gen.numbers))).encode()
                answer = await gen.clients[agency.id].post(
                    "/api/v1/requests", content=body, headers={"Content-Type": "application/json"}
                )
                if answer.status_code != httpx.codes.CREATED:
                    sys.exit(f"seeding a request failed: {answer.status_code} {answer.text}")
                gen.submitted[agency.id].append(answer.json()["id"])
        total = options.submit_rate + options.poll_rate
        baseline = await run_phase(
            "baseline",
            [("GET /log/checkpoint", gen.checkpoint, total)],
            options.baseline_duration,
            options.progress,
        )
        load = await run_phase(
            "load",
            [
                ("submit", gen.submit, options.submit_rate),
                ("poll", gen.poll, options.poll_rate),
            ],
            options.duration,
            options.progress,
        )
    return baseline, load


def report(baseline: Phase, load: Phase, options: argparse.Namespace) -> dict[str, Any]:
    """Print the table and the ratios to the baseline; return the same figures."""
    base_op = next(iter(baseline.operations.values()))
    base = base_op.summary(baseline.seconds)
    figures: dict[str, Any] = {
        "options": {k: v for k, v in vars(options).items() if k != "json"},
        "baseline": {base_op.name: base},
        "load": {},
    }
    header = f"{'operation':<22}{'ok':>7}{'errors':>7}{'rate/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    print("\n" + header + f"{'p99 ms':>9}{'max ms':>9}{'p50 x':>7}{'p99 x':>7}")
    rows = [(f"{base_op.name} (base)", base, None)]
    for op in load.operations.values():
        data = op.summary(load.seconds)
        data["p50_ratio"] = round(data["p50_ms"] / base["p50_ms"], 2) if base["ok"] else None
        data["p99_ratio"] = round(data["p99_ms"] / base["p99_ms"], 2) if base["ok"] else None
        figures["load"][op.name] = data
        rows.append((op.name, data, True))
    for name, data, ratio in rows:
        line = (
            f"{name:<22}{data['ok']:>7}{data['errors']:>7}{data['rate_per_s']:>8}"
            f"{data['p50_ms']:>9.2f}{data['p95_ms']:>9.2f}{data['p99_ms']:>9.2f}{data['max_ms']:>9.2f}"
        )
        if ratio:
            line += f"{data['p50_ratio'] or 0:>7.2f}{data['p99_ratio'] or 0:>7.2f}"
        print(line)
    for op in [base_op, *load.operations.values()]:
        if op.errors:
            print(f"  {op.name} errors: {dict(op.errors)}")
        if op.late_starts:
            print(f"  {op.name}: {op.late_starts} calls started >10 ms late (generator behind)")
    print("latency counts from each call's scheduled start (open loop); x = ratio to the baseline")
    return figures


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--submit-rate", type=float, default=20.0, help="submissions per second")
    parser.add_argument("--poll-rate", type=float, default=100.0, help="status polls per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument(
        "--baseline-duration", type=float, default=20.0, help="seconds of the baseline"
    )
    parser.add_argument("--agencies", type=int, default=4, help="agencies submitting and polling")
    parser.add_argument("--seed", type=int, default=9421, help="random seed of the generator")
    parser.add_argument(
        "--progress", type=float, default=5.0, help="seconds between progress lines"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store and log")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database named lawgate_bench_* as the store (dropped and re-created); "
        "default: a temporary SQLite file",
    )
    parser.add_argument(
        "--admin-url", default=ADMIN_URL, help="PostgreSQL URL that may drop and create databases"
    )
    parser.add_argument("--workers", type=int, default=1, help="`lawgate serve` worker processes")
    options = parser.parse_args(argv)
    why = check_database_url(options.database_url)
    if why:
        parser.error(why)
    if not 1 <= options.workers <= 32:
        parser.error("--workers must be within 1..32")
    if options.duration <= 0 or options.duration > 3600 or options.baseline_duration > 3600:
        parser.error("--duration and --baseline-duration must be within (0, 3600] s")
    if options.agencies < 1:
        parser.error("--agencies must be at least 1")
    return options


def main(argv: list[str] | None = None) -> int:
    """Run the whole test; 1 when any call failed."""
    options = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the server is stopped too
    home = Path(tempfile.mkdtemp(prefix="lawgate-load-"))
    try:
        url = fresh_store_url(home, options.database_url, options.admin_url)
        settings = prepare_store(home, make_agencies(options.agencies), url)
        with served(settings, free_port(), options.workers) as base:
            store = url.rsplit("/", 1)[-1] if options.database_url else "SQLite"
            print(f"lawgate serve on {base}, {options.workers} worker(s), store {store} ({home})")
            baseline, load = asyncio.run(load_test(base, options))
        figures = report(baseline, load, options)
    finally:
        if options.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    failed = sum(d["errors"] for d in [*figures["baseline"].values(), *figures["load"].values()])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
