"""A lapse in words a reviewer and an agency can act on: the fact, its date, and what to send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lawgate.domain import Reason, ReasonCode, Request, RequestKind

VALIDATION_HOURS = 48
"""EU emergency orders lapse unvalidated after 48 hours (Regulation 2023/1543 Art 4(5))."""
GB_VALIDITY_HOURS = {True: 72, False: 744}
"""UK authorisations: urgent ones three days, others one month (IPA 2016 s.65), in hours."""
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


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day in UTC, as the policy counts from it."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _instrument(request: Request) -> str:
    """The legal process in words: 'search warrant', 'production order'."""
    return request.legal_process.type.value.replace("_", " ")


def _expired(request: Request, at: dt.datetime) -> tuple[str, dt.datetime]:
    """Why the process is not in force, and since when."""
    process = request.legal_process
    what = _instrument(request)
    if process.expires_on is not None and process.expires_on < at.date():
        return f"the {what} expired on {process.expires_on}", _midnight(
            process.expires_on + dt.timedelta(days=1)
        )
    if process.issued_on > at.date():
        return f"the {what} is dated {process.issued_on}, after today", at
    hours = GB_VALIDITY_HOURS[request.kind is RequestKind.EMERGENCY_DISCLOSURE]
    ended = _midnight(process.issued_on) + dt.timedelta(hours=hours)
    return (
        f"the {what} issued on {process.issued_on} was valid for {hours} hours "
        f"and lapsed on {ended:%Y-%m-%d %H:%M} UTC",
        min(ended, at),
    )


def _unvalidated(request: Request) -> tuple[str, dt.datetime]:
    """An emergency order that was not validated in time."""
    issued = request.legal_process.issued_on
    due = _midnight(issued) + dt.timedelta(hours=VALIDATION_HOURS)
    return (
        f"the {_instrument(request)} issued on {issued} was not validated within "
        f"{VALIDATION_HOURS} hours (due {due:%Y-%m-%d %H:%M} UTC)",
        due,
    )


REMEDIES = {
    ReasonCode.PROCESS_EXPIRED: "a fresh legal process in force (a new {what}) as a new request",
    ReasonCode.MISSING_VALIDATION: (
        "the validation of the {what} by a judge, court, investigating judge or prosecutor"
    ),
    ReasonCode.EMERGENCY_UNCONFIRMED: "a call-back confirmed on the registry's number",
}


def describe(request: Request, reason: Reason | None, at: dt.datetime) -> Said:
    """The lapse in words, from the rule that now refuses and the request's own dates."""
    if reason is None:
        return Said(
            NO_RULE,
            "no_permit",
            NO_RULE_CITATION,
            f"the policy no longer permits this disclosure on {at:%Y-%m-%d}",
            at,
            "a new request that meets the rules in force",
        )
    if reason.code is ReasonCode.PROCESS_EXPIRED:
        fact, since = _expired(request, at)
    elif reason.code is ReasonCode.MISSING_VALIDATION and not request.legal_process.validated_by:
        fact, since = _unvalidated(request)
    else:
        fact, since = f"{reason.message.rstrip('.')} (as of {at:%Y-%m-%d %H:%M} UTC)", at
    template = REMEDIES.get(reason.code, "a new request that meets the rule: {message}")
    remedy = template.format(what=_instrument(request), message=reason.message)
    return Said(reason.rule, reason.code.value, reason.citation, fact, since, remedy)
