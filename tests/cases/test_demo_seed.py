"""The demo queue shows realistic signals and both sides of the emergency call-back rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import services as cases
from lawgate.config import Settings
from lawgate.demo import seed_cases
from lawgate.domain import CallbackStatus, Outcome, RequestKind
from lawgate.staff import accounts as staff_accounts
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import STAFF, console_login

__all__ = ["built"]


def test_the_demo_seeds_signals_and_emergencies_with_and_without_a_call_back(
    built: Built,
    session: Session,
    settings: Settings,
    client: TestClient,
    api_staff: Any,
    staff_member: Any,
) -> None:
    ids = seed_cases.marketplace_identities(built.url)
    settings = dataclasses.replace(settings, marketplace_url=built.url)  # holds resolve targets
    made = seed_cases.seed(session, settings, ids)
    session.commit()
    details = [cases.case_detail(session, request_id) for request_id in made]
    emergencies = [d for d in details if d.request.kind is RequestKind.EMERGENCY_DISCLOSURE]
    confirmed = [d for d in emergencies if d.callback is CallbackStatus.CONFIRMED]
    unconfirmed = [d for d in emergencies if d.callback is CallbackStatus.NOT_DONE]
    assert confirmed and unconfirmed
    assert confirmed[0].decisions[-1].decision.outcome is Outcome.APPROVE
    assert confirmed[0].callbacks[0].number_called == confirmed[0].registry_callback_phone
    assert unconfirmed[0].decisions[-1].decision.outcome is Outcome.REJECT

    scores = sorted(d.summary.signal_score for d in details)
    assert scores[-1] >= 50, "one demo request should look like fraud"
    assert scores[0] == 0, "and most should look ordinary"
    worst = max(details, key=lambda d: d.summary.signal_score)
    assert {"free_webmail_sender", "document_hash_mismatch"} <= {s.code for s in worst.signals}

    queue = client.get("/api/v1/staff/requests?sort=risk", headers=STAFF).json()
    assert queue[0]["id"] == worst.summary.id
    account, password, secret = staff_member("reviewer")
    console_login(client, account.email, password, secret)
    assert client.get(f"/console/requests/{confirmed[0].summary.id}").status_code == 200


def test_demo_rulings_are_made_by_the_demo_staff_accounts(
    built: Built, session: Session, settings: Settings
) -> None:
    """Demo decisions name real demo accounts, so the console shows who decided."""
    ids = seed_cases.marketplace_identities(built.url)
    settings = dataclasses.replace(settings, marketplace_url=built.url)
    made = seed_cases.seed(session, settings, ids)
    session.commit()
    names = staff_accounts.actor_names(session)
    deciders = {
        d.decided_by
        for request_id in made
        for d in cases.case_detail(session, request_id).decisions
        if d.source == "reviewer"
    }
    assert deciders and {names.get(a) for a in deciders} <= {"Ada Reviewer", "Grace Counsel"}
    assert (settings.home / "demo-staff.txt").stat().st_mode & 0o077 == 0


def test_every_demo_case_page_renders_for_each_role(
    built: Built, session: Session, settings: Settings, client: TestClient, staff_member: Any
) -> None:
    """Each state and kind the demo holds renders for a reviewer, counsel and an admin."""
    ids = seed_cases.marketplace_identities(built.url)
    settings = dataclasses.replace(settings, marketplace_url=built.url)
    made = seed_cases.seed(session, settings, ids)
    session.commit()
    for role in ("reviewer", "senior_counsel", "admin"):
        account, password, secret = staff_member(role)
        console_login(client, account.email, password, secret)
        for request_id in made:
            page = client.get(f"/console/requests/{request_id}")
            assert page.status_code == 200, (role, request_id, page.text[-500:])
            in_review = 'class="state state-in_review"' in page.text
            escalated = 'class="state state-escalated"' in page.text
            may_rule = (in_review and role != "admin") or (escalated and role == "senior_counsel")
            assert ('id="ruling"' in page.text) is may_rule, (role, request_id)


def test_the_demo_shows_a_lapsed_warrant_and_one_that_runs_out_tomorrow(
    built: Built, session: Session, settings: Settings
) -> None:
    """Item 10 of issue 15: the queue tells the truth about time from the first page."""
    settings = dataclasses.replace(settings, marketplace_url=built.url)
    made = seed_cases.seed(session, settings, seed_cases.marketplace_identities(built.url))
    session.commit()
    details = [cases.case_detail(session, request_id) for request_id in made]
    lapsed = [d for d in details if d.lapse is not None]
    assert [d.summary.agency_id for d in lapsed] == ["us-ca-lasd"]
    assert lapsed[0].lapse is not None and "search warrant expired on" in lapsed[0].lapse.fact
    assert lapsed[0].summary.state.value == "in_review"
    made_on = dt.datetime.now(dt.UTC).date()
    ends = [d.request.legal_process.expires_on for d in details if d.lapse is None]
    assert made_on + dt.timedelta(days=1) in ends, ends
