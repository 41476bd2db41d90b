"""One clock, passed in: nothing under policy/ reads the time; the caller says which moment."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine

import lawgate.policy
from lawgate.domain import Agency, Request, Verification
from lawgate.policy import engine
from lawgate.policy.facts import PolicyInput
from tests.factories import FBI, request_body

WALL_CLOCK = re.compile(
    r"\b(?:datetime|dt\.datetime|date|dt\.date)\.(?:now|utcnow|today)\(|"
    r"\btime\.(?:time|time_ns|monotonic|localtime|gmtime)\(|\butcnow\(|\bdate\.today\("
)
POLICY = Path(lawgate.policy.__file__).parent
POLICY_MODULES = sorted(POLICY.rglob("*.py"))
"""The policy package, its deadline rules included (lawgate.policy.deadlines)."""


def test_no_module_of_the_policy_reads_the_wall_clock() -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in POLICY_MODULES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WALL_CLOCK.search(line)
    ]
    assert found == []
    assert len(POLICY_MODULES) >= 8  # the scan really covers the package


def test_the_pattern_would_catch_a_wall_clock_read() -> None:
    """The scan above cannot pass by matching nothing."""
    for line in ("x = dt.datetime.now(dt.UTC)", "today = date.today()", "t = time.time()"):
        assert WALL_CLOCK.search(line)


def test_the_same_moment_gives_the_same_decision_whatever_the_wall_clock() -> None:
    """Evaluated a year apart on the wall clock, one `as_of` gives one decision."""
    source = PolicyInput(
        Agency.model_validate(FBI),
        Request.model_validate(request_body()),
        Verification(requester="verified"),
        dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 11, 25, tzinfo=dt.UTC), tick=False):
        then = engine.evaluate(source)
    with time_machine.travel(dt.datetime(2027, 11, 25, tzinfo=dt.UTC), tick=False):
        later = engine.evaluate(source)
    assert then == later and then.outcome.value == "approve"
