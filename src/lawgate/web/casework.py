"""What the case page shows a signed-in reviewer beyond the request: advice, proposal, preview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lawgate.cases.schemas import CaseDetail, RecordedDecision
from lawgate.cases.workflow import DECIDABLE, GRANTED, CaseState
from lawgate.datamap.sources import Source
from lawgate.domain import PRESERVATION_KINDS, ReasonCode
from lawgate.lifecycle.preview import preview_targets
from lawgate.production.records import SealedRecord, latest_sealed
from lawgate.staff.accounts import StaffAccount
from lawgate.staff.roles import may_decide_escalated, may_review
from lawgate.store.base import utcnow

CLOSABLE = frozenset({CaseState.DELIVERED, CaseState.REJECTED})
PRODUCTION_EVENTS = ("production:requested", "production:started", "production:failed")
STALLED = dt.timedelta(minutes=30)
"""A production with no news for this long is offered again: its worker may have died."""


@dataclass(frozen=True)
class ProductionStatus:
    """Where the package stands: not asked, queued, running, failed, or sealed."""

    stage: str
    package: SealedRecord | None = None


def recommendation(detail: CaseDetail) -> RecordedDecision | None:
    """The policy's latest advice on the request."""
    advice = [d for d in detail.decisions if d.source == "policy"]
    return advice[-1] if advice else None


def proposal(detail: CaseDetail) -> RecordedDecision | None:
    """The ruling waiting for a second reviewer, if any."""
    waiting = [d for d in detail.decisions if d.status == "proposed"]
    return waiting[-1] if waiting and detail.summary.state is CaseState.SECOND_REVIEW else None


def production_status(db: Session, detail: CaseDetail) -> ProductionStatus:
    """The package's stage, read from its record and the case's audit trail."""
    sealed = latest_sealed(db, detail.summary.id)
    if sealed is not None:
        return ProductionStatus("sealed", sealed)
    events = [e for e in detail.trail if e.event in PRODUCTION_EVENTS]
    if not events:
        return ProductionStatus("none")
    stage = {
        "production:requested": "queued",
        "production:started": "running",
        "production:failed": "failed",
    }[events[-1].event]
    if stage != "failed" and utcnow() - events[-1].at > STALLED:
        stage = "stalled"  # a worker died mid-job (huey drops a job once it starts)
    return ProductionStatus(stage)


def advised_reasons(advice: RecordedDecision | None) -> dict[str, str]:
    """The policy's reason code per category (and '' for the request), to preset the form."""
    found: dict[str, str] = {}
    for reason in advice.decision.reasons if advice else []:
        found.setdefault(str(reason.category or ""), reason.code.value)
    return found


def permissions(detail: CaseDetail, me: StaffAccount, stage: str = "none") -> dict[str, bool]:
    """Which forms this staff member sees on this case."""
    state, kind = detail.summary.state, detail.summary.kind
    waiting = proposal(detail)
    may_rule = state in DECIDABLE and may_review(me.role)
    if state is CaseState.ESCALATED:
        may_rule = may_decide_escalated(me.role)
    produced_kind = kind not in PRESERVATION_KINDS
    return {
        "decide": may_rule,
        "confirm": waiting is not None and may_review(me.role) and waiting.decided_by != me.actor,
        "produce": produced_kind and may_review(me.role) and _producible(state, stage),
        "deliver": state is CaseState.PRODUCING and may_review(me.role),
        "close": may_review(me.role) and _closable(state, produced_kind),
    }


def _producible(state: CaseState, stage: str) -> bool:
    """Granted and not yet asked for, or a production that failed and may be tried again."""
    return (state in GRANTED and stage == "none") or stage in ("failed", "stalled")


def _closable(state: CaseState, produced_kind: bool) -> bool:
    """Answered cases close: delivered, rejected, or a granted preservation (nothing to send)."""
    return state in CLOSABLE or (not produced_kind and state in GRANTED)


def context(
    db: Session, detail: CaseDetail, me: StaffAccount, marketplace: Source
) -> dict[str, Any]:
    """Everything the case page adds for a signed-in reviewer."""
    advice = recommendation(detail)
    production = production_status(db, detail)
    return {
        "recommended": advice,
        "advised_reasons": advised_reasons(advice),
        "proposal": proposal(detail),
        "preview": preview_targets(
            db, detail.summary.id, detail.request.targets, marketplace, me.actor
        ),
        "production": production,
        "may": permissions(detail, me, production.stage),
        "reason_codes": list(ReasonCode),
    }
