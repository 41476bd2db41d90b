"""Time limits that bind a request (process, validation, authorisation, hold, gag), how near."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from lawgate.domain import Request, RequestKind
from lawgate.policy import deadlines
from lawgate.policy.facts import midnight

SOON = dt.timedelta(days=3)
"""A limit at most this far ahead is shown as soon (amber), so reviewers act before it passes."""


class LimitKind(StrEnum):
    """What runs out."""

    PROCESS_EXPIRES = "process_expires"
    VALIDATION_DUE = "validation_due"
    AUTHORISATION_LAPSES = "authorisation_lapses"
    PRESERVATION_ENDS = "preservation_ends"
    GAG_ENDS = "gag_ends"
    RESPONSE_DUE = "response_due"


VERBS: dict[LimitKind, tuple[str, str]] = {
    LimitKind.PROCESS_EXPIRES: ("expires", "expired"),
    LimitKind.VALIDATION_DUE: ("due", "was due"),
    LimitKind.AUTHORISATION_LAPSES: ("lapses", "lapsed"),
    LimitKind.PRESERVATION_ENDS: ("ends", "ended"),
    LimitKind.GAG_ENDS: ("ends", "ended"),
    LimitKind.RESPONSE_DUE: ("due", "was due"),
}
"""Each kind's verb before and after its moment, so every page words a limit the same way."""


class TimeLimit(BaseModel):
    """One moment after which something about the request no longer holds."""

    model_config = ConfigDict(frozen=True)

    kind: LimitKind
    label: str
    """What runs out, short enough for the queue: "search warrant", "validation"."""
    what: str
    """The limit in words: "the search warrant expires"."""
    at: dt.datetime
    """When it passes (aware UTC): lapsed from then; the packs refuse from then or just after."""


class Level(StrEnum):
    """How urgent a limit is at a given moment."""

    OK = "ok"
    SOON = "soon"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class Countdown:
    """A limit as read at one moment: "search warrant expires in 2 days", and how urgent."""

    text: str
    level: Level


def _day_after(day: dt.date) -> dt.datetime:
    """The end of a date-bound period: in force through `day`, out from the next midnight UTC."""
    return midnight(day + dt.timedelta(days=1))


def _hours_after_issue(request: Request, hours: int) -> dt.datetime:
    """An hour window's end from issue midnight; facts counts hours begun, so past it is > hours."""
    return midnight(request.legal_process.issued_on) + dt.timedelta(hours=hours)


def _process_expiry(request: Request) -> list[TimeLimit]:
    """B6 (baseline.in_force): a process past its expires_on date is no longer in force."""
    process = request.legal_process
    if process.expires_on is None:
        return []
    label = process.type.value.replace("_", " ")
    at = _day_after(process.expires_on)
    return [
        TimeLimit(kind=LimitKind.PROCESS_EXPIRES, label=label, what=f"the {label} expires", at=at)
    ]


def _validation(request: Request) -> list[TimeLimit]:
    """An emergency order the pack requires validated (EU Art 4(5): 48 hours) lapses unvalidated.

    The window and the issuers exempt from it are the pack's (pack.yml, time_limits), the same
    numbers its pack.cedar reads (eu.emergency.validation).
    """
    process = request.legal_process
    window = deadlines.emergency_validation(request.country)
    if (
        window is None
        or request.kind is not RequestKind.EMERGENCY_DISCLOSURE
        or process.issuer_role in window.exempt_issuers
        or process.validated_by is not None
    ):
        return []
    what = "validation of the emergency order is due"
    at = _hours_after_issue(request, window.hours)
    return [TimeLimit(kind=LimitKind.VALIDATION_DUE, label="validation", what=what, at=at)]


def _authorisation(request: Request) -> list[TimeLimit]:
    """An authorisation lapses the pack's hours after issue (IPA s.65: a month, urgent 3 days)."""
    rule = deadlines.authorisation(request.country)
    if rule is None or request.legal_process.type is not rule.instrument:
        return []
    urgent = request.kind is RequestKind.EMERGENCY_DISCLOSURE
    label = "urgent authorisation" if urgent else "authorisation"
    at = _hours_after_issue(request, rule.hours_for(urgent))
    kind = LimitKind.AUTHORISATION_LAPSES
    return [TimeLimit(kind=kind, label=label, what=f"the {label} lapses", at=at)]


def _preservation(request: Request, received_at: dt.datetime) -> list[TimeLimit]:
    """The days the agency asked data to be kept, counted from receipt as §2703(f) counts them.

    A hold placed later runs its own days from placement (lawgate.holds); an extension's clock
    depends on its original's hold, which the request alone does not tell.
    """
    if request.kind is not RequestKind.PRESERVATION or request.preservation is None:
        return []
    at = received_at.astimezone(dt.UTC) + dt.timedelta(days=request.preservation.days)
    what = "the preservation asked for ends"
    return [TimeLimit(kind=LimitKind.PRESERVATION_ENDS, label="preservation", what=what, at=at)]


def _gag(request: Request) -> list[TimeLimit]:
    """A gag holds user notices through its `until` date (lawgate.notices), then users are told."""
    gag = request.non_disclosure
    if gag is None or gag.until is None:
        return []
    what = "the non-disclosure period ends"
    at = _day_after(gag.until)
    return [TimeLimit(kind=LimitKind.GAG_ENDS, label="non-disclosure", what=what, at=at)]


def time_limits(request: Request, received_at: dt.datetime) -> list[TimeLimit]:
    """Every limit the request itself sets, soonest first (the response deadline is the case's)."""
    found = [
        *_process_expiry(request),
        *_validation(request),
        *_authorisation(request),
        *_preservation(request, received_at),
        *_gag(request),
    ]
    return sorted(found, key=lambda limit: limit.at)


def response_due(deadline: dt.datetime) -> TimeLimit:
    """The case's response deadline as a limit, so the queue can weigh it against the others."""
    at = deadline.astimezone(dt.UTC)
    return TimeLimit(
        kind=LimitKind.RESPONSE_DUE, label="response", what="the response is due", at=at
    )


def _count(amount: int, unit: str) -> str:
    """'1 day', '2 days'."""
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"


def _span(span: dt.timedelta) -> str:
    """A span as a person reads it, rounded down so time left is never overstated."""
    seconds = int(span.total_seconds())
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        return _count(seconds // 60, "minute")
    if seconds < 48 * 3600:
        return _count(seconds // 3600, "hour")
    return _count(seconds // 86400, "day")


def countdown(limit: TimeLimit, now: dt.datetime, soon: dt.timedelta = SOON) -> Countdown:
    """The limit relative to `now`: lapsed from its moment on, soon within `soon` of it."""
    left = limit.at - now
    before, after = VERBS[limit.kind]
    if left <= dt.timedelta(0):
        return Countdown(f"{limit.label} {after} {_span(-left)} ago", Level.LAPSED)
    level = Level.SOON if left <= soon else Level.OK
    return Countdown(f"{limit.label} {before} in {_span(left)}", level)


def next_limit(limits: list[TimeLimit], deadline: dt.datetime) -> TimeLimit:
    """What runs out first: the request's own limits weighed against the response deadline."""
    return min([*limits, response_due(deadline)], key=lambda limit: limit.at)


def runs_out_by(limit: TimeLimit | None, cutoff: dt.datetime) -> bool:
    """True when there is a limit and it passes at or before `cutoff` (or already passed)."""
    return limit is not None and limit.at <= cutoff


NO_LIMIT = dt.datetime.min.replace(tzinfo=dt.UTC)
"""The sort key of no limit, constant so a stable sort keeps those rows in their given order."""


def soonest_first(limit: TimeLimit | None) -> tuple[bool, dt.datetime]:
    """A sort key: what runs out first (lapsed longest first), then rows with no limit."""
    return (True, NO_LIMIT) if limit is None else (False, limit.at)
