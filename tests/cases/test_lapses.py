"""The law on the day: a warrant that expires while the case waits stops every later step.

Each test files a request while its process is in force and then moves the clock (time-machine)
to the last second the process is in force and to one second past it, through the real paths:
the staff API's ruling and confirmation, the job worker's sweep, and the agency's status.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow
from lawgate.cases import lapses, review
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.demo.samples import EXPIRING_WARRANT
from lawgate.domain import Agency, Decision, Request, Verification
from lawgate.intake import services as intake
from lawgate.jobs.tasks import run_recheck_policy
from lawgate.lifecycle import submission
from lawgate.policy import engine
from lawgate.policy.facts import PolicyInput
from lawgate.staff.roles import Role
from lawgate.store.session import session_factory, transaction
from tests.factories import (
    CSRF_FIELD as CSRF,
)
from tests.factories import (
    STAFF,
    console_login,
    get_status,
    post_request,
    register,
    request_body,
)

RECEIVED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
LAST_SECOND = dt.datetime(2026, 11, 27, 23, 59, 59, tzinfo=dt.UTC)
"""The warrant below says it expires on 2026-11-27: in force through that whole day."""
PAST_IT = LAST_SECOND + dt.timedelta(seconds=1)
WARRANT = EXPIRING_WARRANT
NON_CONTENT = {"subscriber": "allow", "traffic": "allow"}
APPROVE = {"outcome": "approve", "categories": NON_CONTENT, "reasons": []}


def expiring(**changes: Any) -> dict[str, Any]:
    """The sample request under a warrant that expires on 2026-11-27, without content."""
    fields: dict[str, Any] = {
        "legal_process": WARRANT,
        "categories": ["subscriber", "traffic"],
        "non_disclosure": None,
    }
    return request_body(**{**fields, **changes})


def filed(client: TestClient, session: Session) -> str:
    """File the expiring request through the agency API while the warrant is in force."""
    register(session)
    with time_machine.travel(RECEIVED, tick=False):
        answer = post_request(client, expiring())
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def rule_at(client: TestClient, request_id: str, moment: dt.datetime) -> Any:
    """A reviewer's approval through the staff API at a given moment."""
    with time_machine.travel(moment, tick=False):
        return client.post(
            f"/api/v1/staff/requests/{request_id}/decision",
            json={"decision": APPROVE, "note": ""},
            headers=STAFF,
        )


def lapse_entries(session: Session, request_id: str) -> list[dict[str, Any]]:
    """The details of each request:policy:lapsed entry about a request, oldest first."""
    session.expire_all()
    query = select(AuditEntryRow).where(
        AuditEntryRow.subject == request_id, AuditEntryRow.event == "request:policy:lapsed"
    )
    rows = session.scalars(query.order_by(AuditEntryRow.index))
    return [json.loads(row.canonical)["details"] for row in rows]


@pytest.mark.usefixtures("api_staff")
def test_a_ruling_in_the_last_second_stands(client: TestClient, session: Session) -> None:
    request_id = filed(client, session)
    answer = rule_at(client, request_id, LAST_SECOND)
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "approved"


@pytest.mark.usefixtures("api_staff")
def test_a_ruling_one_second_past_expiry_is_a_recorded_lapse(
    client: TestClient, session: Session
) -> None:
    request_id = filed(client, session)
    answer = rule_at(client, request_id, PAST_IT)
    assert answer.status_code == 409, answer.text
    message = answer.json()["errors"][0]["message"]
    assert "the search warrant expired on 2026-11-27" in message
    assert "baseline.in_force" in message and "fresh legal process" in message
    lapsed = lapse_entries(session, request_id)
    assert len(lapsed) == 1 and lapsed[0]["code"] == "process_expired"
    assert lapsed[0]["step"] == "ruling" and lapsed[0]["rule"] == "baseline.in_force"
    detail = client.get(f"/api/v1/staff/requests/{request_id}", headers=STAFF).json()
    assert detail["summary"]["state"] == "in_review"
    assert detail["lapse"]["fact"] == "the search warrant expired on 2026-11-27"
    assert detail["lapse"]["since"].startswith("2026-11-28T00:00:00")
    assert detail["summary"]["recommendation"] == "reject"
    with time_machine.travel(PAST_IT, tick=False):
        status = get_status(client, request_id).json()
    assert status["state"] == "in_review" and status["decision"] is None
    assert status["lapse"]["remedy"].startswith("a fresh legal process")


def test_a_proposal_lapses_at_confirmation(settings: Settings, session: Session) -> None:
    """Service level: a content ruling (second reviewer required) confirmed a second too late."""
    register(session)
    factory = session_factory(session.get_bind())  # type: ignore[arg-type]
    body = expiring(categories=["subscriber", "content"])
    with transaction(factory) as db:
        sender = intake.get_agency(db, "us-doj-fbi-nyfo")
        request_id = submission.submit_request(
            db, Request.model_validate(body), sender, settings, RECEIVED
        )
    grant = Decision.model_validate(
        {"outcome": "approve", "categories": {"subscriber": "allow", "content": "allow"}}
    )
    first, second = (
        review.Reviewer("staff:1", Role.REVIEWER),
        review.Reviewer("staff:2", Role.REVIEWER),
    )
    with transaction(factory) as db:
        state = review.record_decision(
            db, request_id, review.Ruling(grant, "content, warrant"), first, at=LAST_SECOND
        )
    assert state is CaseState.SECOND_REVIEW
    with (
        pytest.raises(lapses.PolicyLapsedError, match="expired on 2026-11-27"),
        transaction(factory) as db,
    ):
        review.confirm(db, request_id, second, at=PAST_IT)
    with transaction(factory) as db:
        detail = cases.case_detail(db, request_id)
        assert detail.summary.state is CaseState.IN_REVIEW
        assert [d.status for d in detail.decisions if d.source == "reviewer"] == ["lapsed"]
        assert cases.latest_ruling(db, request_id) is None
        assert detail.lapse is not None and detail.lapse.categories == ["content", "subscriber"]


@pytest.mark.usefixtures("api_staff")
def test_the_worker_finds_the_lapse_without_anyone_opening_the_case(
    client: TestClient, session: Session, settings: Settings
) -> None:
    request_id = filed(client, session)
    ruled = rule_at(client, request_id, RECEIVED + dt.timedelta(hours=3))
    assert ruled.json()["state"] == "approved"
    assert run_recheck_policy(settings, LAST_SECOND) == 0
    assert run_recheck_policy(settings, PAST_IT) == 1
    assert run_recheck_policy(settings, PAST_IT + dt.timedelta(hours=1)) == 0  # once, not again
    detail = client.get(f"/api/v1/staff/requests/{request_id}", headers=STAFF).json()
    assert detail["summary"]["state"] == "in_review"
    assert detail["lapse"]["found_at"].startswith("2026-11-28T00:00:00")
    assert [e["step"] for e in lapse_entries(session, request_id)] == ["scheduled check"]


@pytest.mark.usefixtures("api_staff")
def test_an_unruled_case_in_review_is_swept_too(
    client: TestClient, session: Session, settings: Settings
) -> None:
    request_id = filed(client, session)
    assert run_recheck_policy(settings, PAST_IT) == 1
    detail = client.get(f"/api/v1/staff/requests/{request_id}", headers=STAFF).json()
    assert detail["lapse"]["code"] == "process_expired"
    assert detail["summary"]["recommendation"] == "reject"


@pytest.mark.parametrize(
    ("hours", "refused"),
    [(0, False), (48, False), (48 + 1 / 3600, True), (49, True)],
)
def test_an_eu_emergency_order_lapses_unvalidated_after_48_hours(
    hours: float, refused: bool
) -> None:
    """Regulation 2023/1543 Art 4(5): validation within 48 hours of issue, to the second."""

    agency = Agency.model_validate(
        {
            "id": "de-bka",
            "name": "Bundeskriminalamt",
            "country": "DE",
            "kind": "police",
            "level": "federal",
            "domains": ["bka.de"],
            "callback_phone": "+49 611 550",
        }
    )
    body = request_body(
        agency_id="de-bka",
        country="DE",
        kind="emergency_disclosure",
        categories=["subscriber"],
        non_disclosure=None,
        date_range=None,
        emergency={"threat": "bomb threat against a school", "harm": "death"},
        legal_process={
            **WARRANT,
            "type": "production_order",
            "issuer_role": "police",
            "issued_on": "2026-11-25",
            "expires_on": None,
        },
        officer={"name": "K. Braun", "title": "KHK", "email": "k.braun@bka.de"},
    )
    issued = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    moment = issued + dt.timedelta(hours=hours)
    source = PolicyInput(
        agency,
        Request.model_validate(body),
        Verification(requester="verified", callback="confirmed"),
        moment,
    )
    decision = engine.evaluate(source)
    assert (decision.categories["subscriber"].value == "deny") is refused
    if refused:
        assert [r.code.value for r in decision.reasons] == ["missing_validation"]


def test_a_console_ruling_past_expiry_shows_the_lapse_in_red(
    client: TestClient, session: Session, staff_member: Any
) -> None:
    """The real console: sign in, open the case, rule a second too late; nothing is recorded."""
    request_id = filed(client, session)
    account, password, secret = staff_member("reviewer")
    with time_machine.travel(PAST_IT, tick=True):
        console_login(client, account.email, password, secret, PAST_IT)
        page = f"/console/requests/{request_id}"
        token = CSRF.search(client.get(page).text)
        assert token is not None
        form = {
            "csrf_token": token.group(1),
            "action": "rule",
            "verdict_subscriber": "allow",
            "verdict_traffic": "allow",
            "target": "0",
        }
        answer = client.post(f"{page}/decision", data=form, follow_redirects=True)
    assert "the search warrant expired on 2026-11-27" in answer.text
    assert 'role="alert"' in answer.text and "Policy basis lapsed" in answer.text
    assert [e["step"] for e in lapse_entries(session, request_id)] == ["ruling"]
    with transaction(session_factory(session.get_bind())) as db:  # type: ignore[arg-type]
        assert cases.latest_ruling(db, request_id) is None
        assert cases.locked_state(db, request_id) is CaseState.IN_REVIEW


def test_a_granted_preservation_is_left_to_its_holds(settings: Settings, session: Session) -> None:
    """The sweep reopens disclosures, never an answered preservation (its holds keep time)."""
    register(session)
    factory = session_factory(session.get_bind())  # type: ignore[arg-type]
    body = expiring(kind="preservation", preservation={"days": 90}, categories=["subscriber"])
    grant = Decision.model_validate({"outcome": "approve", "categories": {"subscriber": "allow"}})
    with transaction(factory) as db:
        sender = intake.get_agency(db, "us-doj-fbi-nyfo")
        request_id = submission.submit_request(
            db, Request.model_validate(body), sender, settings, RECEIVED
        )
        reviewer = review.Reviewer("staff:1", Role.REVIEWER)
        ruling = review.Ruling(grant, "preserve")
        state = review.record_decision(db, request_id, ruling, reviewer, at=RECEIVED)
    assert state is CaseState.APPROVED
    with transaction(factory) as db:
        assert request_id not in lapses.open_cases(db)
    assert run_recheck_policy(settings, PAST_IT) == 0
