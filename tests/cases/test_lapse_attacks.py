"""The lapse checks attacked: an insider who edits the store, a clock set back, a careless fact.

Each test files the expiring sample warrant (in force through 2026-11-27) and then tries what an
insider with database access, or a clock moved back, would do to get its data out anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from lawgate.cases import lapses, review
from lawgate.cases import services as cases
from lawgate.cases.models import CaseRow, DecisionRow
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.demo.samples import EXPIRING_WARRANT
from lawgate.domain import Decision, Request
from lawgate.errors import ConflictError
from lawgate.intake import services as intake
from lawgate.intake.models import RequestRow
from lawgate.lifecycle import submission
from lawgate.staff.roles import Role
from lawgate.store.session import session_factory, transaction
from tests.cases.test_lapses import LAST_SECOND, PAST_IT, RECEIVED
from tests.factories import register, request_body

REVIEWER = review.Reviewer("staff:21", Role.REVIEWER)
GRANT = Decision.model_validate(
    {"outcome": "approve", "categories": {"subscriber": "allow", "traffic": "allow"}}
)
BKA: dict[str, Any] = {
    "id": "de-bka",
    "name": "Bundeskriminalamt",
    "country": "DE",
    "kind": "police",
    "level": "federal",
    "domains": ["bka.de"],
    "callback_phone": "+49 611 550",
}


@pytest.fixture
def factory(session: Session) -> sessionmaker[Session]:
    """Sessions on the test store, each transaction committed or kept as the code decides."""
    return session_factory(session.get_bind())  # type: ignore[arg-type]


def filed(factory: sessionmaker[Session], settings: Settings, **changes: Any) -> str:
    """The expiring warrant (or a variant) filed on 2026-11-25."""
    fields: dict[str, Any] = {
        "legal_process": EXPIRING_WARRANT,
        "categories": ["subscriber", "traffic"],
        "non_disclosure": None,
        **changes,
    }
    request = Request.model_validate(request_body(**fields))
    with transaction(factory) as db:
        sender = intake.get_agency(db, request.agency_id)
        return submission.submit_request(db, request, sender, settings, RECEIVED)


def rule(factory: sessionmaker[Session], request_id: str, at: dt.datetime) -> CaseState:
    """A reviewer's approval of subscriber and traffic data at `at`."""
    with transaction(factory) as db:
        ruling = review.Ruling(GRANT, "ok")
        return review.record_decision(db, request_id, ruling, REVIEWER, at=at)


def test_an_insider_who_moves_the_warrants_expiry_stops_everything(
    factory: sessionmaker[Session], settings: Settings, session: Session
) -> None:
    """Editing the stored body to extend the warrant makes it no longer the request received."""
    register(session)
    request_id = filed(factory, settings)
    with transaction(factory) as db:
        row = db.get(RequestRow, request_id)
        assert row is not None
        body = dict(row.body)
        body["legal_process"] = {**body["legal_process"], "expires_on": "2027-11-27"}
        row.body = body
    with pytest.raises(ConflictError, match="not the request received"):
        rule(factory, request_id, PAST_IT)
    with transaction(factory) as db:
        assert cases.latest_ruling(db, request_id) is None
        assert cases.locked_state(db, request_id) is CaseState.IN_REVIEW


def test_an_insider_who_restores_a_lapsed_ruling_gets_the_lapse_again(
    factory: sessionmaker[Session], settings: Settings, session: Session
) -> None:
    """The ruling set back to 'final' and the case to 'approved' by SQL: the next step refuses."""
    register(session)
    request_id = filed(factory, settings)
    assert rule(factory, request_id, LAST_SECOND) is CaseState.APPROVED
    moment = lapses.Moment(PAST_IT, "scheduled check", lapses.SWEEP_ACTOR)
    with transaction(factory) as db:
        assert lapses.sweep(db, request_id, moment, settings.policy) is not None
    with transaction(factory) as db:
        db.execute(
            update(DecisionRow)
            .where(DecisionRow.request_id == request_id, DecisionRow.status == "lapsed")
            .values(status="final")
        )
        db.execute(update(CaseRow).where(CaseRow.request_id == request_id).values(state="approved"))
    later = lapses.Moment(PAST_IT + dt.timedelta(days=1), "production start", "cli:mallory")
    with (
        pytest.raises(lapses.PolicyLapsedError, match="expired on 2026-11-27"),
        transaction(factory) as db,
    ):
        lapses.check(db, request_id, lapses.standing_grant(db, request_id), later, settings.policy)
    with transaction(factory) as db:
        assert cases.latest_ruling(db, request_id) is None
        assert cases.locked_state(db, request_id) is CaseState.IN_REVIEW


def test_a_clock_set_back_after_a_lapse_does_not_revive_the_warrant(
    factory: sessionmaker[Session], settings: Settings, session: Session
) -> None:
    """Found lapsed at midnight; a ruling claiming the last second before it is still refused."""
    register(session)
    request_id = filed(factory, settings)
    with pytest.raises(lapses.PolicyLapsedError):
        rule(factory, request_id, PAST_IT)
    with pytest.raises(lapses.PolicyLapsedError, match="expired on 2026-11-27"):
        rule(factory, request_id, LAST_SECOND)
    with transaction(factory) as db:
        assert cases.latest_ruling(db, request_id) is None


def test_an_unvalidated_ordinary_order_is_not_said_to_have_missed_a_48_hour_window(
    factory: sessionmaker[Session], settings: Settings, session: Session
) -> None:
    """A careless fact would send the agency the wrong remedy: only emergencies have 48 hours."""
    register(session, BKA)
    police_order = {
        **EXPIRING_WARRANT,
        "type": "production_order",
        "issuer_role": "police",
        "expires_on": None,
    }
    request_id = filed(
        factory,
        settings,
        agency_id="de-bka",
        country="DE",
        legal_process=police_order,
        categories=["subscriber"],
        officer={"name": "K. Braun", "title": "KHK", "email": "k.braun@bka.de"},
    )
    grant = Decision.model_validate({"outcome": "approve", "categories": {"subscriber": "allow"}})
    with pytest.raises(lapses.PolicyLapsedError) as refused, transaction(factory) as db:
        ruling = review.Ruling(grant, "departing")
        review.record_decision(db, request_id, ruling, REVIEWER, at=LAST_SECOND)
    lapse = refused.value.lapse
    assert lapse.code == "missing_validation"
    assert "48 hours" not in lapse.fact and lapse.fact.endswith("(as of 2026-11-27 23:59 UTC)")
    assert "validation" in lapse.remedy
