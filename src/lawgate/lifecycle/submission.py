"""A request's first steps: intake stores it, the law sets its deadline, the case opens, the
policy advises, and the case lands on the right desk."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import Agency, Outcome, Request, RequesterStatus, Verification
from lawgate.intake import services as intake
from lawgate.intake.signals import Channel
from lawgate.policy.deadlines import deadline_for
from lawgate.policy.facts import PolicyInput

SYSTEM_ACTOR = "system:intake"
STAND_IN_VERIFICATION = Verification(requester=RequesterStatus.VERIFIED)
"""The header stand-in names a registered agency; call-backs are recorded from issue 6 on."""


def submit_request(
    session: Session,
    request: Request,
    sender: Agency,
    settings: Settings,
    received_at: dt.datetime | None = None,
    actor: str | None = None,
    *,
    submitted_via: Channel = "api",
    officer_id: int | None = None,
    document_sha256: str | None = None,
) -> str:
    """File a request and queue it for review, all in the caller's transaction; returns its id."""
    filed = intake.file_request(
        session,
        request,
        sender,
        settings,
        received_at,
        actor,
        submitted_via=submitted_via,
        officer_id=officer_id,
        document_sha256=document_sha256,
    )
    open_for_review(session, request, sender, settings, filed)
    return filed.request_id


def open_for_review(
    session: Session, request: Request, sender: Agency, settings: Settings, filed: intake.Filed
) -> None:
    """Open the case with its legal deadline, take the policy's advice, and pick the desk."""
    request_id = filed.request_id
    deadline = deadline_for(request, filed.received_at, settings.policy)
    cases.open_case(session, request_id, deadline)
    cases.transition(session, request_id, CaseState.VERIFIED, SYSTEM_ACTOR)
    source = PolicyInput(
        sender, request, STAND_IN_VERIFICATION, filed.received_at, filed.prior_extensions
    )
    advice = cases.recommend(session, request_id, source, settings.policy)
    escalate = advice is not None and advice.outcome is Outcome.ESCALATE
    desk = CaseState.ESCALATED if escalate else CaseState.IN_REVIEW
    cases.transition(session, request_id, desk, SYSTEM_ACTOR)
