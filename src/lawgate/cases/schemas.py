"""What the cases package tells the API, CLI and console about a request."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from lawgate.cases.workflow import CaseState, is_answered
from lawgate.domain import CallbackStatus, Decision, Outcome, Request
from lawgate.intake.signals import Signal, band


class CaseSummary(BaseModel):
    """One row of the reviewer's queue."""

    model_config = ConfigDict(frozen=True)

    id: str
    agency_id: str
    agency_name: str
    country: str
    kind: str
    purpose: str
    state: CaseState
    deadline: dt.datetime
    received_at: dt.datetime
    target_count: int
    categories: list[str]
    recommendation: Outcome | None = None
    signal_score: int = 0
    """The combined fraud-signal score, 0 to 100 (see lawgate.intake.signals)."""

    @property
    def risk(self) -> str:
        """The signal score in words: low, elevated or high."""
        return band(self.signal_score)

    @property
    def answered(self) -> bool:
        """True once the agency has its answer and the deadline no longer runs."""
        return is_answered(self.state, self.kind)

    def overdue(self, now: dt.datetime) -> bool:
        """True when the deadline has passed and the case still needs work."""
        return self.deadline < now and not self.answered


class RecordedDecision(BaseModel):
    """A decision with who took it and when."""

    model_config = ConfigDict(frozen=True)

    source: str
    decided_by: str
    decided_at: dt.datetime
    note: str
    decision: Decision


class TrailEntry(BaseModel):
    """One audit entry about the case, without its data."""

    model_config = ConfigDict(frozen=True)

    index: int
    event: str
    actor: str
    at: dt.datetime


class CallbackRecord(BaseModel):
    """Staff's call to the agency's registered number about an emergency request."""

    model_config = ConfigDict(frozen=True)

    called_by: str
    number_called: str
    called_at: dt.datetime
    outcome: CallbackStatus
    spoke_to: str
    note: str
    recorded_at: dt.datetime


class CaseDetail(BaseModel):
    """Everything a reviewer needs about one request."""

    model_config = ConfigDict(frozen=True)

    summary: CaseSummary
    request: Request
    decisions: list[RecordedDecision]
    trail: list[TrailEntry]
    signals: list[Signal] = []
    """Fraud signals found at intake, heaviest first; their capped sum is summary.signal_score."""
    callbacks: list[CallbackRecord] = []
    """Call-backs recorded for an emergency request, oldest first."""
    callback: CallbackStatus = CallbackStatus.NOT_DONE
    """What the latest call-back established: the policy's verification.callback."""
    registry_callback_phone: str = ""
    """The number staff must call: the agency registry's, never one from the request."""


class AgencyStatus(BaseModel):
    """What the requesting agency may see of its own request."""

    model_config = ConfigDict(frozen=True)

    id: str
    state: CaseState
    received_at: dt.datetime
    deadline: dt.datetime
    decision: Decision | None
