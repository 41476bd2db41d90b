"""Processes racing on one PostgreSQL store: appends, rulings, confirmations and productions."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import publish
from lawgate.auditlog.models import AuditEntryRow
from lawgate.auditlog.verify import verify_log
from lawgate.cases import review
from lawgate.cases import services as cases
from lawgate.cases.models import DecisionRow
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Decision
from lawgate.errors import ConflictError
from lawgate.lifecycle.production import CaseGate
from lawgate.production.delivery import productions_dir
from lawgate.production.keys import ensure_platform_key
from lawgate.production.models import ProductionRow
from lawgate.production.produce import Production
from lawgate.staff.roles import Role
from lawgate.store.session import make_engine, session_factory, transaction
from tests.auditlog.test_concurrency import ROUNDS
from tests.auditlog.test_concurrency import _worker as append_rounds
from tests.jobs.conftest import ALLOW_TWO, file, rule

pytestmark = pytest.mark.postgres

JOIN_SECONDS = 120
TWO = {"subscriber": "allow", "traffic": "allow"}
CONTENT = {"subscriber": "allow", "traffic": "allow", "content": "allow"}
Outcome = tuple[str, str, str]
"""(request id, who, 'ok' or 'conflict: <message>' or 'crash: <error>')."""


def _ruling(verdicts: dict[str, str]) -> review.Ruling:
    """A ruling granting every category given, with its reason written."""
    decision = Decision.model_validate({"outcome": "approve", "categories": verdicts})
    return review.Ruling(decision, "racing reviewers")


def _act(settings: Settings, kind: str, actor: str, request_id: str) -> None:
    """One reviewer's or producer's step on one case, in its own transaction."""
    factory = session_factory(make_engine(settings.database_url))
    reviewer = review.Reviewer(actor, Role.REVIEWER)
    if kind == "produce":
        production = Production(
            factory,
            make_engine(settings.marketplace_url),
            ensure_platform_key(settings.home)[0],
            actor=actor,
            case=CaseGate(),
            log_key=publish.ensure_log_key(settings.home),
        )
        production.run(request_id, productions_dir(settings.home))
        return
    with transaction(factory) as session:
        if kind == "confirm":
            review.confirm(session, request_id, reviewer)
        else:
            review.record_decision(session, request_id, _ruling(TWO), reviewer)


def _racer(
    settings: Settings,
    kind: str,
    actor: str,
    request_ids: list[str],
    barrier: Barrier,
    results: Any,
) -> None:
    """Wait for the others, then act on every case; report each outcome, never raise."""
    barrier.wait(timeout=JOIN_SECONDS)
    for request_id in request_ids:
        try:
            _act(settings, kind, actor, request_id)
            results.put((request_id, actor, "ok"))
        except ConflictError as exc:
            results.put((request_id, actor, f"conflict: {exc.message}"))
        except Exception as exc:  # a crash is a finding, reported to the test
            results.put((request_id, actor, f"crash: {type(exc).__name__}: {exc}"))


def race(settings: Settings, kind: str, actors: list[str], request_ids: list[str]) -> list[Outcome]:
    """Several processes doing the same thing to the same cases at the same moment."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(actors)), context.Queue()
    racers = [
        context.Process(target=_racer, args=(settings, kind, a, request_ids, barrier, results))
        for a in actors
    ]
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=JOIN_SECONDS) for _ in range(len(actors) * len(request_ids))]
    for racer in racers:
        racer.join(timeout=JOIN_SECONDS)
        assert racer.exitcode == 0
    return outcomes


def assert_one_winner(outcomes: list[Outcome], request_ids: list[str], losing: str) -> None:
    """Per case: one 'ok', every other racer a ConflictError naming why, no crash."""
    assert not [o for o in outcomes if o[2].startswith("crash")], outcomes
    for request_id in request_ids:
        mine = [o[2] for o in outcomes if o[0] == request_id]
        assert mine.count("ok") == 1, mine
        assert all(losing in o for o in mine if o != "ok"), mine


def assert_log_sound(factory: sessionmaker[Session], settings: Settings) -> int:
    """Indexes 0..n-1 each once, and the whole log verifies; returns n."""
    with factory() as session:
        indexes = list(session.scalars(select(AuditEntryRow.index)))
        key = publish.ensure_log_key(settings.home)
        report = verify_log(session, publish.verifier_key(settings.log_origin, key))
    assert sorted(indexes) == list(range(len(indexes)))
    assert report.ok, report.problems
    return len(indexes)


def ruled(factory: sessionmaker[Session], request_ids: list[str]) -> dict[str, list[str]]:
    """Each case's reviewer decision rows, as their statuses."""
    with factory() as session:
        rows = session.execute(
            select(DecisionRow.request_id, DecisionRow.status).where(
                DecisionRow.source != "policy", DecisionRow.request_id.in_(request_ids)
            )
        ).all()
    found: dict[str, list[str]] = {r: [] for r in request_ids}
    for request_id, status in rows:
        found[request_id].append(status)
    return found


def in_force(factory: sessionmaker[Session], request_id: str) -> int:
    """How many reviewer rulings count for the case (confirmed or final)."""
    with factory() as session:
        return len([d for d in cases.case_detail(session, request_id).decisions if d.in_force])


def test_two_second_reviewers_racing_confirm_each_proposal_once(
    pg_factory: sessionmaker[Session], pg_settings: Settings
) -> None:
    """Content needs a second person: two confirm at once, one counts, one gets a conflict."""
    ids = []
    for _ in range(4):
        request_id = file(pg_factory, pg_settings)
        with transaction(pg_factory) as session:
            reviewer = review.Reviewer("staff:rita", Role.REVIEWER)
            state = review.record_decision(session, request_id, _ruling(CONTENT), reviewer)
        assert state is CaseState.SECOND_REVIEW
        ids.append(request_id)
    outcomes = race(pg_settings, "confirm", ["staff:sam", "staff:tom"], ids)
    assert_one_winner(outcomes, ids, "no ruling waits for a second review")
    for request_id, statuses in ruled(pg_factory, ids).items():
        assert statuses == ["confirmed"]
        assert in_force(pg_factory, request_id) == 1
    with pg_factory() as session:
        confirmations = session.scalars(
            select(AuditEntryRow.subject).where(AuditEntryRow.event == "request:decision:confirmed")
        ).all()
    assert sorted(confirmations) == sorted(ids)
    assert_log_sound(pg_factory, pg_settings)


def approved(factory: sessionmaker[Session], settings: Settings, recipient: str) -> str:
    """A request for Seller One with subscriber and traffic granted."""
    request_id = file(factory, settings, recipient=recipient)
    assert rule(factory, request_id, ALLOW_TWO) is CaseState.PARTIALLY_APPROVED
    return request_id


def test_producers_racing_seal_each_case_once(
    pg_factory: sessionmaker[Session], pg_settings: Settings, recipient: str
) -> None:
    """Three producers on the same approved cases: one package and one record per request."""
    ids = [approved(pg_factory, pg_settings, recipient) for _ in range(2)]
    ensure_platform_key(pg_settings.home)
    publish.ensure_log_key(pg_settings.home)
    productions_dir(pg_settings.home).mkdir()
    outcomes = race(pg_settings, "produce", ["staff:p1", "staff:p2", "staff:p3"], ids)
    with pg_factory() as session:
        recorded = Counter(session.scalars(select(ProductionRow.request_id)))
    assert recorded == Counter(ids), outcomes
    assert sorted(p.name for p in productions_dir(pg_settings.home).iterdir()) == sorted(
        f"{r}.age" for r in ids
    )
    assert_one_winner(outcomes, ids, "")
    assert_log_sound(pg_factory, pg_settings)


def test_appenders_reviewers_and_producers_at_once_keep_one_gap_free_log(
    pg_factory: sessionmaker[Session], pg_settings: Settings, recipient: str
) -> None:
    """Appenders, racing reviewers and a producer at once: one ruling each, no entry lost."""
    product = approved(pg_factory, pg_settings, recipient)
    ids = [file(pg_factory, pg_settings, categories=["subscriber", "traffic"]) for _ in range(3)]
    ensure_platform_key(pg_settings.home)
    productions_dir(pg_settings.home).mkdir()
    before = assert_log_sound(pg_factory, pg_settings)
    context = multiprocessing.get_context("fork")
    appenders = [
        context.Process(target=append_rounds, args=(pg_settings.database_url, w)) for w in range(3)
    ]
    for appender in appenders:
        appender.start()
    decided = race(pg_settings, "decide", ["staff:rita", "staff:tom"], ids)
    produced = race(pg_settings, "produce", ["staff:p1"], [product])
    for appender in appenders:
        appender.join(timeout=JOIN_SECONDS)
        assert appender.exitcode == 0
    assert_one_winner(decided, ids, "decisions need")
    for request_id, statuses in ruled(pg_factory, ids).items():
        assert statuses == ["final"]
        assert in_force(pg_factory, request_id) == 1
    assert produced == [(product, "staff:p1", "ok")]
    appended = sum(1 + r % 3 for r in range(ROUNDS)) * len(appenders)
    with pg_factory() as session:
        subjects = Counter(
            session.scalars(
                select(AuditEntryRow.subject).where(AuditEntryRow.event == "test:written")
            )
        )
    assert len(subjects) == appended and set(subjects.values()) == {1}
    assert assert_log_sound(pg_factory, pg_settings) > before + appended
