"""Benchmark the job worker's policy sweep (issue 15) against the bare policy on the same cases.

Usage: .venv/bin/python bench/recheck.py [--cases N] [--rounds N]

1. Builds a migrated SQLite store in a temporary folder and files N requests from the FBI under a
   search warrant that expires on 2026-11-27, received 2026-11-25, half of them approved.
2. lawgate: times `lapses.sweep_open` at a moment when nothing lapses (2026-11-26): per case, a
   transaction, the row lock, the stored request, call-back and advice, and the evaluation.
3. baseline: times `engine.evaluate` on the same N policy inputs held in memory (no store).
Rounds alternate so drift in the machine affects both alike. Prints the median per case of each,
the ratio, then one sweep past the expiry (2026-11-28) that records every lapse, with its count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lawgate.cases import lapses, review
from lawgate.config import Settings
from lawgate.demo.samples import EXPIRING_WARRANT, SAMPLE_AGENCY, warrant_request
from lawgate.domain import Agency, Decision, Request
from lawgate.intake import services as intake
from lawgate.lifecycle import submission
from lawgate.policy import engine
from lawgate.policy.config import PolicyConfig
from lawgate.policy.facts import PolicyInput
from lawgate.staff.roles import Role
from lawgate.store.migrate import upgrade
from lawgate.store.session import make_engine, session_factory, transaction

RECEIVED = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
IN_FORCE = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
PAST_IT = dt.datetime(2026, 11, 28, 0, 0, 1, tzinfo=dt.UTC)
GRANT = Decision.model_validate(
    {"outcome": "approve", "categories": {"subscriber": "allow", "traffic": "allow"}}
)


def build(folder: Path, count: int) -> tuple[Settings, list[str]]:
    """A store with `count` requests filed on 2026-11-25, every other one approved."""
    url = f"sqlite:///{folder / 'lawgate.sqlite3'}"
    upgrade(make_engine(url))
    settings = Settings(
        home=folder, database_url=url, marketplace_url="sqlite://", rate_limit_per_hour=10**9
    )
    factory = session_factory(make_engine(url))
    body = warrant_request(
        legal_process=EXPIRING_WARRANT, categories=["subscriber", "traffic"], non_disclosure=None
    )
    request = Request.model_validate(body)
    reviewer = review.Reviewer("staff:bench", Role.REVIEWER)
    ids = []
    with transaction(factory) as session:
        intake.register_agency(session, Agency.model_validate(SAMPLE_AGENCY), "bench")
        sender = intake.get_agency(session, "us-doj-fbi-nyfo")
        for number in range(count):
            request_id = submission.submit_request(session, request, sender, settings, RECEIVED)
            if number % 2 == 0:
                ruling = review.Ruling(GRANT, "bench")
                review.record_decision(session, request_id, ruling, reviewer, at=RECEIVED)
            ids.append(request_id)
    return settings, ids


def sweep_once(settings: Settings, moment: dt.datetime) -> tuple[float, int]:
    """Seconds for one sweep of every open case, and the lapses it recorded."""
    factory = session_factory(make_engine(settings.database_url))
    step = lapses.Moment(moment, "scheduled check", lapses.SWEEP_ACTOR)
    started = time.perf_counter()
    found = lapses.sweep_open(factory, step, PolicyConfig())
    return time.perf_counter() - started, len(found)


def bare_once(inputs: list[PolicyInput]) -> float:
    """Seconds to evaluate the same cases in memory, as the sweep's floor."""
    started = time.perf_counter()
    for source in inputs:
        engine.evaluate(source)
    return time.perf_counter() - started


def main() -> int:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings, ids = build(Path(tmp), args.cases)
        factory = session_factory(make_engine(settings.database_url))
        with factory() as session:
            inputs = [lapses.policy_input(session, i, IN_FORCE) for i in ids]
        swept, bare = [], []
        for _ in range(args.rounds):
            seconds, found = sweep_once(settings, IN_FORCE)
            assert found == 0, "nothing may lapse while the warrant is in force"
            swept.append(seconds / len(ids))
            bare.append(bare_once(inputs) / len(ids))
        sweep_ms, bare_ms = statistics.median(swept) * 1e3, statistics.median(bare) * 1e3
        print(f"cases: {len(ids)} open (half approved), {args.rounds} rounds, SQLite store")
        print(f"sweep (lawgate): {sweep_ms:.3f} ms per case")
        print(f"baseline (engine.evaluate in memory): {bare_ms:.3f} ms per case")
        print(f"ratio: {sweep_ms / bare_ms:.2f}x the bare policy")
        seconds, found = sweep_once(settings, PAST_IT)
        print(f"sweep past expiry: {found} lapses recorded in {seconds:.2f} s")
        return 0 if found == len(ids) else 1


if __name__ == "__main__":
    sys.exit(main())
