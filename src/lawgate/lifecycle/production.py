"""Production as the request's owner runs it: the order comes from the case, the law is asked again
at each step, and preserved data becomes produced data once the package is sealed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log, publish
from lawgate.cases import lapses
from lawgate.cases import services as cases
from lawgate.cases.public import public_decision
from lawgate.cases.schemas import RecordedDecision
from lawgate.cases.workflow import GRANTED, CaseState
from lawgate.config import Settings
from lawgate.datamap.sources import Source
from lawgate.domain import PRESERVATION_KINDS, Category, RequestKind, Verdict
from lawgate.errors import ConflictError
from lawgate.holds import services as holds
from lawgate.intake import services as intake
from lawgate.policy.config import PolicyConfig
from lawgate.policy.engine import DEFAULT_CONFIG
from lawgate.production import delivery
from lawgate.production.collect import OnProgress
from lawgate.production.keys import ensure_platform_key
from lawgate.production.produce import Job, Production
from lawgate.store.base import utcnow

PRODUCIBLE = GRANTED | {CaseState.PRODUCING}
WHY_NOT: dict[CaseState, str] = {
    CaseState.RECEIVED: "it has not been verified and reviewed yet",
    CaseState.VERIFIED: "it has not been reviewed yet",
    CaseState.EVALUATED: "it has not been reviewed yet",
    CaseState.IN_REVIEW: "no reviewer has approved it yet",
    CaseState.ESCALATED: "it is escalated and waits for a senior decision",
    CaseState.SECOND_REVIEW: "its ruling waits for a second reviewer to confirm it",
    CaseState.REJECTED: "nothing may be disclosed",
    CaseState.DELIVERED: "its package was already delivered",
    CaseState.CLOSED: "the case is closed",
}


@dataclass(frozen=True)
class CaseGate:
    """The case's answers to a production (production.produce.CaseGate), under one policy."""

    policy: PolicyConfig = DEFAULT_CONFIG
    """The policy configuration each step re-checks the ruling against (settings.policy)."""

    def job(self, session: Session, request_id: str, out_file: Path) -> Job:
        """Load and check what the production needs; refuse anything not approved, saying why."""
        request = intake.received_request(session, request_id)
        state = cases.locked_state(session, request_id)
        _check_not_preservation(request_id, request.kind)
        if state not in PRODUCIBLE:
            raise ConflictError(f"request {request_id} is '{state}': {WHY_NOT[state]}")
        ruling = cases.latest_ruling(session, request_id)
        allowed = _allowed(ruling)
        if ruling is None or not allowed:
            raise ConflictError(
                f"request {request_id} has no reviewer decision allowing any category"
            )
        agency = intake.get_agency(session, request.agency_id)
        if not agency.age_recipient:
            raise ConflictError(
                f"agency {agency.id} has no age recipient on record; packages are encrypted to it"
            )
        if ruling.narrowing is not None:
            request = ruling.narrowing.apply(request)
        decision = _agency_copy(ruling)
        return Job(request_id, request, agency, agency.age_recipient, decision, allowed, out_file)

    def starting(self, session: Session, job: Job, actor: str) -> None:
        """The ruling must still stand at the start; the case moves to 'producing'."""
        self._recheck(session, job, "production start", actor)
        if cases.locked_state(session, job.request_id) is not CaseState.PRODUCING:
            cases.transition(session, job.request_id, CaseState.PRODUCING, actor)

    def sealing(self, session: Session, job: Job, actor: str) -> None:
        """Re-run the policy before the package is recorded: a lapse must destroy it."""
        self._recheck(session, job, "sealing", actor)

    def sealed(self, session: Session, job: Job, actor: str) -> None:
        """A production that follows a preservation turns its holds into produced data."""
        if job.request.kind is RequestKind.PRODUCTION and job.request.preservation_ref:
            holds.convert_holds(session, job.request_id, actor)

    def _recheck(self, session: Session, job: Job, step: str, actor: str) -> None:
        """The policy at this moment must still allow every category the ruling granted."""
        moment = lapses.Moment(utcnow(), step, actor)
        granted = {Category(c) for c in job.categories}
        lapses.check(session, job.request_id, granted, moment, self.policy)


def configured(
    factory: sessionmaker[Session],
    settings: Settings,
    source: Source,
    actor: str,
    on_progress: OnProgress | None = None,
) -> Production:
    """A production as settings configure it: platform key, signed log, policy, the data source."""
    key, _ = ensure_platform_key(settings.home)
    return Production(
        factory,
        source.engine,
        key,
        actor=actor,
        case=CaseGate(settings.policy),
        datamap=source.datamap,
        on_progress=on_progress,
        log_key=publish.ensure_log_key(settings.home),
        log_origin=settings.log_origin,
    )


def check_producible(session: Session, request_id: str) -> None:
    """Queue a production only for a granted, non-preservation case with a ruling in force."""
    state = cases.locked_state(session, request_id)
    _check_not_preservation(request_id, intake.get_request(session, request_id).kind)
    retry = state is CaseState.PRODUCING and not delivery.has_package(session, request_id)
    if (state not in GRANTED and not retry) or cases.latest_ruling(session, request_id) is None:
        raise ConflictError(f"request {request_id} is '{state}': only a granted ruling is produced")


def request_production(session: Session, request_id: str, actor: str) -> None:
    """Record that staff asked for the package, once the case may be produced."""
    check_producible(session, request_id)
    log.append(session, "production:requested", actor, request_id)


def _check_not_preservation(request_id: str, kind: RequestKind) -> None:
    """Preserved data is held, never produced."""
    if kind in PRESERVATION_KINDS:
        raise ConflictError(
            f"request {request_id} asks for preservation: data is held, not produced"
        )


def _allowed(ruling: RecordedDecision | None) -> tuple[str, ...]:
    """The categories the ruling allows, sorted."""
    verdicts = ruling.decision.categories if ruling else {}
    return tuple(sorted(str(c) for c, v in verdicts.items() if v is Verdict.ALLOW))


def _agency_copy(ruling: RecordedDecision) -> dict[str, Any]:
    """The ruling as the manifest states it: its public projection and message, never a note."""
    narrowing = ruling.narrowing
    return {
        **public_decision(ruling.decision).model_dump(mode="json", exclude_none=True),
        "message": ruling.agency_message,
        "decided_by": ruling.decided_by,
        "decided_at": ruling.decided_at.isoformat(),
        "confirmed_by": ruling.confirmed_by,
        "narrowing": (
            narrowing.model_dump(mode="json", by_alias=True, exclude_none=True)
            if narrowing
            else None
        ),
    }
