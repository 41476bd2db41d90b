"""What the cases package tells the API, CLI and console about a request."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from lawgate.cases.workflow import CaseState, is_answered
from lawgate.domain import Decision, Outcome, Request


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


class CaseDetail(BaseModel):
    """Everything a reviewer needs about one request."""

    model_config = ConfigDict(frozen=True)

    summary: CaseSummary
    request: Request
    decisions: list[RecordedDecision]
    trail: list[TrailEntry]


class AgencyStatus(BaseModel):
    """What the requesting agency may see of its own request."""

    model_config = ConfigDict(frozen=True)

    id: str
    state: CaseState
    received_at: dt.datetime
    deadline: dt.datetime
    decision: Decision | None
