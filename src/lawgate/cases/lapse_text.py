"""A lapse in words a reviewer and an agency can act on: the fact, its date, and what to send.

The dates come from `cases.clocks`, the one place that knows when a request's limits pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lawgate.cases.clocks import LimitKind, TimeLimit, time_limits
from lawgate.domain import Reason, ReasonCode, Request
from lawgate.policy.facts import midnight

NO_RULE = "policy.no_permit"
NO_RULE_CITATION = "Company policy: nothing is disclosed that no rule permits"


@dataclass(frozen=True)
class Said:
    """The lapse's rule, fact, date and remedy, ready for the record."""

    rule: str
    code: str
    citation: str
    fact: str
    since: dt.datetime
    remedy: str


def _instrument(request: Request) -> str:
    """The legal process in words: 'search warrant', 'production order'."""
    return request.legal_process.type.value.replace("_", " ")


def _passed(limits: list[TimeLimit], kind: LimitKind, at: dt.datetime) -> TimeLimit | None:
    """The limit of this kind that has passed by `at`, if any."""
    return next((limit for limit in limits if limit.kind is kind and limit.at <= at), None)


def _expired(request: Request, limits: list[TimeLimit], at: dt.datetime) -> tuple[str, dt.datetime]:
    """Why the process is not in force, and since when."""
    process, what = request.legal_process, _instrument(request)
    expiry = _passed(limits, LimitKind.PROCESS_EXPIRES, at)
    if expiry is not None:
        return f"the {what} expired on {process.expires_on}", expiry.at
    if process.issued_on > at.date():
        return f"the {what} is dated {process.issued_on}, after today", at
    lapsed = _passed(limits, LimitKind.AUTHORISATION_LAPSES, at)
    if lapsed is None:
        return f"the {what} issued on {process.issued_on} is no longer in force", at
    hours = int((lapsed.at - midnight(process.issued_on)).total_seconds() // 3600)
    return (
        f"the {what} issued on {process.issued_on} was valid for {hours} hours "
        f"and lapsed on {lapsed.at:%Y-%m-%d %H:%M} UTC",
        lapsed.at,
    )


def _unvalidated(
    request: Request, limits: list[TimeLimit], reason: Reason, at: dt.datetime
) -> tuple[str, dt.datetime]:
    """An emergency order whose validation window passed; else what the rule itself says."""
    due = _passed(limits, LimitKind.VALIDATION_DUE, at)
    if due is None:
        return _as_of(reason, at)
    hours = int((due.at - midnight(request.legal_process.issued_on)).total_seconds() // 3600)
    return (
        f"the {_instrument(request)} issued on {request.legal_process.issued_on} was not "
        f"validated within {hours} hours (due {due.at:%Y-%m-%d %H:%M} UTC)",
        due.at,
    )


def _as_of(reason: Reason, at: dt.datetime) -> tuple[str, dt.datetime]:
    """The rule's own message, dated by the evaluation that found it."""
    return f"{reason.message.rstrip('.')} (as of {at:%Y-%m-%d %H:%M} UTC)", at


REMEDIES = {
    ReasonCode.PROCESS_EXPIRED: "a fresh legal process in force (a new {what}) as a new request",
    ReasonCode.MISSING_VALIDATION: (
        "the validation of the {what} by a judge, court, investigating judge or prosecutor"
    ),
    ReasonCode.EMERGENCY_UNCONFIRMED: "a call-back confirmed on the registry's number",
}


def describe(
    request: Request, received_at: dt.datetime, reason: Reason | None, at: dt.datetime
) -> Said:
    """The lapse in words, from the rule that now refuses and the request's own limits."""
    if reason is None:
        return Said(
            NO_RULE,
            "no_permit",
            NO_RULE_CITATION,
            f"the policy no longer permits this disclosure on {at:%Y-%m-%d}",
            at,
            "a new request that meets the rules in force",
        )
    limits = time_limits(request, received_at)
    if reason.code is ReasonCode.PROCESS_EXPIRED:
        fact, since = _expired(request, limits, at)
    elif reason.code is ReasonCode.MISSING_VALIDATION:
        fact, since = _unvalidated(request, limits, reason, at)
    else:
        fact, since = _as_of(reason, at)
    template = REMEDIES.get(reason.code, "a new request that meets the rule: {message}")
    remedy = template.format(what=_instrument(request), message=reason.message)
    return Said(reason.rule, reason.code.value, reason.citation, fact, since, remedy)
