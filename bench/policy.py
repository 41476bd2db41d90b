"""Benchmark the policy engine against bare Cedar on the conformance corpus.

Usage: .venv/bin/python bench/policy.py [--rounds N] [--warmup N] [--check]

1. Loads every case of ../shared/corpus (or $LAWGATE_SHARED/corpus).
2. lawgate: times `engine.evaluate(case.policy_input())` (default configuration and packs), one
   decision per call: facts extraction, the Cedar batch, reasons, findings and the deadline.
3. bare Cedar: for the same cases, precomputes the exact batch the engine sends (the
   disclose/preserve request and the escalate request for every category, the same context and
   principal entity) and times `cedarpy.is_authorized_batch` alone.
Rounds of the two alternate, so that drift in the machine affects both alike. Prints decisions
per second, median and p99 latency per decision, the overhead over bare Cedar, and whether the
goals hold: median decision under 1 ms, overhead at most 2x. With --check, a missed goal exits 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cedarpy

from lawgate.domain import Decision, Verdict
from lawgate.policy import engine, facts
from lawgate.policy.casefile import CaseFile, read_case
from lawgate.policy.config import PolicyConfig
from lawgate.policy.packs import Packs, default_packs

GOAL_MEDIAN_NS = 1_000_000
GOAL_OVERHEAD = 2.0


@dataclass(frozen=True)
class Bare:
    """One case as the engine hands it to Cedar: the batch and the entities."""

    batch: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    categories: int


@dataclass(frozen=True)
class Timing:
    """Per-call latencies of one contender, in nanoseconds."""

    name: str
    samples: list[int]

    @property
    def total(self) -> int:
        """Time spent in the calls."""
        return sum(self.samples)

    @property
    def median(self) -> float:
        """Median latency."""
        return statistics.median(self.samples)

    @property
    def p99(self) -> int:
        """99th-percentile latency (nearest rank)."""
        ordered = sorted(self.samples)
        return ordered[max(0, -(-len(ordered) * 99 // 100) - 1)]

    @property
    def per_second(self) -> float:
        """Calls per second of time spent in them."""
        return len(self.samples) / (self.total / 1e9)


def _arguments(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="passes over the corpus")
    parser.add_argument("--warmup", type=int, default=20, help="untimed passes first")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    return parser.parse_args(argv)


def corpus_dir() -> Path:
    """../shared/corpus next to the repository, or $LAWGATE_SHARED/corpus."""
    shared = os.environ.get("LAWGATE_SHARED")
    root = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    return root / "corpus"


def load_cases(folder: Path) -> list[CaseFile]:
    """Every corpus case, or exit saying the corpus is missing."""
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        sys.exit(f"bench/policy.py: no corpus cases in {folder} (set LAWGATE_SHARED to ../shared)")
    return [read_case(path) for path in files]


def bare_batch(case: CaseFile, config: PolicyConfig) -> Bare:
    """The Cedar batch and entities `engine.explain` builds for a case."""
    source = case.policy_input()
    request = source.request
    ctx = facts.context(source, config)
    action = "preserve" if request.kind in engine.PRESERVATION_KINDS else "disclose"
    batch = [
        {
            "principal": f'Agency::"{source.agency.id}"',
            "action": f'Action::"{verb}"',
            "resource": f'Category::"{category.value}"',
            "context": ctx,
        }
        for verb in (action, "escalate")
        for category in request.categories
    ]
    return Bare(batch, [facts.principal(source.agency)], len(request.categories))


def check_same_verdicts(cases: list[CaseFile], bares: list[Bare], packs: Packs) -> None:
    """Refuse to compare unless bare Cedar reaches the engine's verdicts on every case."""
    for case, bare in zip(cases, bares, strict=True):
        decision = engine.evaluate(case.policy_input(), packs=packs)
        results = cedarpy.is_authorized_batch(
            bare.batch, packs.policy_set, bare.entities, packs.schema
        )
        verdicts = [
            Verdict.ALLOW if r.allowed else Verdict.DENY for r in results[: bare.categories]
        ]
        if verdicts != list(decision.categories.values()):
            sys.exit(f"bench/policy.py: {case.id}: the bare batch differs from the engine's")


def timed(call: Callable[..., object], *args: Any) -> int:
    """Nanoseconds one call takes."""
    start = time.perf_counter_ns()
    call(*args)
    return time.perf_counter_ns() - start


def decide(case: CaseFile) -> Decision:
    """What lawgate does per request: the engine's decision on the case."""
    return engine.evaluate(case.policy_input())


def run(
    cases: list[CaseFile], bares: list[Bare], packs: Packs, rounds: int, warmup: int
) -> tuple[Timing, Timing]:
    """Alternate rounds of lawgate and bare Cedar; the warm-up rounds are not recorded."""
    mine: list[int] = []
    theirs: list[int] = []
    authorize = cedarpy.is_authorized_batch
    for n in range(warmup + rounds):
        ours = [timed(decide, case) for case in cases]
        bare = [
            timed(authorize, b.batch, packs.policy_set, b.entities, packs.schema) for b in bares
        ]
        if n >= warmup:
            mine += ours
            theirs += bare
    return Timing("lawgate evaluate", mine), Timing("bare cedarpy batch", theirs)


def report(ours: Timing, bare: Timing, cases: int, rounds: int) -> bool:
    """Print the figures and the goals; True when both goals hold."""
    print(f"Python {platform.python_version()}, cedarpy {version('cedarpy')}")
    print(f"{cases} corpus cases x {rounds} rounds = {len(ours.samples)} decisions each")
    for t in (ours, bare):
        print(
            f"  {t.name:<20} {t.per_second:>10,.0f} decisions/s   "
            f"median {t.median / 1000:8.1f} us   p99 {t.p99 / 1000:8.1f} us"
        )
    overhead = ours.total / bare.total
    print(
        f"overhead {overhead:.2f}x bare Cedar "
        f"(total time; medians {ours.median / bare.median:.2f}x)"
    )
    fast = ours.median < GOAL_MEDIAN_NS
    lean = overhead <= GOAL_OVERHEAD
    print(f"goal median decision < 1 ms: {'met' if fast else 'MISSED'}")
    print(f"goal overhead <= {GOAL_OVERHEAD:g}x bare Cedar: {'met' if lean else 'MISSED'}")
    return fast and lean


def main(argv: list[str]) -> int:
    """Run the benchmark."""
    args = _arguments(argv)
    cases = load_cases(corpus_dir())
    packs = default_packs()
    config = PolicyConfig()
    bares = [bare_batch(case, config) for case in cases]
    check_same_verdicts(cases, bares, packs)
    ours, bare = run(cases, bares, packs, args.rounds, args.warmup)
    met = report(ours, bare, len(cases), args.rounds)
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
