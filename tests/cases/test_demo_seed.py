"""The demo queue shows realistic signals and both sides of the emergency call-back rule."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import services as cases
from lawgate.config import Settings
from lawgate.demo import seed_cases
from lawgate.domain import CallbackStatus, Outcome, RequestKind
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import STAFF

__all__ = ["built"]


def test_the_demo_seeds_signals_and_emergencies_with_and_without_a_call_back(
    built: Built, session: Session, settings: Settings, client: TestClient
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
    assert client.get(f"/console/requests/{confirmed[0].summary.id}").status_code == 200
