"""What the cases package tells the API, CLI and console about a request."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lawgate.cases.clocks import TimeLimit
from lawgate.cases.workflow import CaseState, is_answered
from lawgate.domain import CallbackStatus, DateRange, Decision, Outcome, Request
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
    time_limits: list[TimeLimit] = []
    """What the request sets running out (process, validation, hold, gag), soonest first."""
    next_limit: TimeLimit | None = None
    """What runs out first while the case needs work, its response deadline included."""

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


class Narrowing(BaseModel):
    """What a reviewer kept of the request: some of its targets, part of its period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    targets: Annotated[list[int], Field(min_length=1, max_length=1000)] | None = None
    """Positions (from 0) of the request's targets that may be resolved; None keeps all."""
    date_range: DateRange | None = None
    """The period released; None keeps the request's."""

    def apply(self, request: Request) -> Request:
        """The request as the production must read it: only what was kept."""
        targets = request.targets
        if self.targets is not None:
            targets = [request.targets[i] for i in sorted(set(self.targets))]
        return request.model_copy(
            update={"targets": targets, "date_range": self.date_range or request.date_range}
        )


class RecordedDecision(BaseModel):
    """A decision with who took it and when, and who confirmed it when a second look was due."""

    model_config = ConfigDict(frozen=True)

    source: str
    decided_by: str
    decided_at: dt.datetime
    note: str
    decision: Decision
    status: str = "final"
    """final or confirmed (in force), proposed (awaits a second reviewer), returned (set aside)"""
    departs: bool = False
    second_review: list[str] = []
    narrowing: Narrowing | None = None
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None = None
    confirm_note: str = ""
    agency_message: str = ""
    """The reviewer's message to the agency; the note and confirm_note never leave."""

    @property
    def in_force(self) -> bool:
        """True for a reviewer's ruling that counts: final, or confirmed by a second reviewer."""
        return self.source == "reviewer" and self.status in ("final", "confirmed")


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


class Lapse(BaseModel):
    """Why a granted or pending ruling no longer has a legal basis, and what would restore it."""

    model_config = ConfigDict(frozen=True)

    rule: str
    """The policy rule that now refuses (its @id), e.g. baseline.process_expired."""
    code: str
    """The reason code, e.g. process_expired."""
    citation: str
    categories: list[str]
    """The categories a ruling granted that the policy now refuses."""
    fact: str
    """The fact and its date in words: "the search warrant expired on 2026-11-27"."""
    since: dt.datetime
    """When the basis lapsed (or, if unknown, when the lapse was found)."""
    found_at: dt.datetime
    """The moment of the evaluation that found it."""
    remedy: str
    """What the agency must send for the request to be reconsidered."""


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
    lapse: Lapse | None = None
    """Set when the policy, re-run at a later moment, refuses what had been granted or advised."""


class AgencyStatus(BaseModel):
    """What the requesting agency may see of its own request."""

    model_config = ConfigDict(frozen=True)

    id: str
    state: CaseState
    received_at: dt.datetime
    deadline: dt.datetime
    decision: Decision | None
    """The ruling in force, as cases.public.public_decision projects it: never a note."""
    message: str = ""
    """The reviewers' message to the agency, if they wrote one."""
    lapse: Lapse | None = None
    """Why the request went back to review: the rule, the fact and what to send."""
