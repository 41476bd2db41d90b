"""The console's decision form, read into a ruling: verdicts, narrowing, note and message.

The note is the written reason for the record; it never leaves. A reason the reviewer gives of
their own gets the public wording of its code (lawgate.cases.public); the agency reads free text
only in the separate message to the agency, which the reviewer previews before it is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from lawgate.cases import public
from lawgate.cases.review import Ruling
from lawgate.cases.schemas import Narrowing
from lawgate.domain import (
    Category,
    DateRange,
    Decision,
    Outcome,
    Reason,
    ReasonCode,
    Request,
    Verdict,
)
from lawgate.errors import InvalidInputError

RULE, ESCALATE, PREVIEW = "rule", "escalate", "preview"
THEN, PREVIEWED = "then", "previewed"
"""Fields of the preview's own: the action it leads to, and the fingerprint of what was seen."""
NOT_CARRIED = frozenset({"csrf_token", "action", THEN, PREVIEWED, public.MESSAGE_FIELD})
"""Fields the preview page does not carry over hidden: it sets them itself."""


@dataclass(frozen=True)
class AgencyView:
    """Exactly what the agency will read of a ruling in force: public reasons and the message."""

    decision: Decision
    message: str

    @property
    def digest(self) -> str:
        """A fingerprint of the view, so a message is sent only as it was previewed."""
        seen = {"decision": self.decision.model_dump(mode="json"), "message": self.message}
        return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


def agency_view(ruling: Ruling) -> AgencyView:
    """What the agency will see of this ruling: built by the same projection its status uses."""
    return AgencyView(public.public_decision(ruling.decision), ruling.message_to_agency)


def intent(form: Mapping[str, str]) -> str:
    """What the reviewer means to do, rule or escalate, also while previewing it."""
    action = form.get("action", RULE)
    if action == PREVIEW:
        action = form.get(THEN, RULE)
    return ESCALATE if action == ESCALATE else RULE


def unseen(form: Mapping[str, str], view: AgencyView) -> bool:
    """True when a message would leave that the reviewer has not previewed as it now stands."""
    return bool(view.message) and form.get(PREVIEWED, "") != view.digest


def _verdict(form: Mapping[str, str], category: Category) -> Verdict:
    """The verdict chosen for one category; a category left unruled is refused, not guessed."""
    value = form.get(f"verdict_{category}", "")
    if value not in {v.value for v in Verdict}:
        raise InvalidInputError(f"choose allow or deny for {category}", f"verdict_{category}")
    return Verdict(value)


def _code(form: Mapping[str, str], field: str) -> ReasonCode:
    """A reason code from the fixed vocabulary."""
    value = form.get(field, "")
    if value not in {c.value for c in ReasonCode}:
        raise InvalidInputError(f"choose a reason code for {field.removeprefix('reason_')}", field)
    return ReasonCode(value)


def _reason(code: ReasonCode, category: Category | None, recommended: Decision | None) -> Reason:
    """The policy's own reason when the reviewer agrees with it, else the code's public one."""
    for reason in recommended.reasons if recommended else []:
        if reason.code is code and reason.category in (category, None):
            return reason.model_copy(update={"category": category})
    return public.reviewer_reason(code, category)


def _date(form: Mapping[str, str], field: str) -> dt.date | None:
    """A date field (YYYY-MM-DD), or None when blank."""
    value = form.get(field, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        message = f"{field} {value!r} is not a date such as 2026-01-31"
        raise InvalidInputError(message, field) from exc


def _kept_targets(chosen: Sequence[str], request: Request) -> list[int] | None:
    """The target positions left ticked; None when all are kept."""
    try:
        kept = sorted({int(v) for v in chosen})
    except ValueError as exc:
        raise InvalidInputError("targets: the ticked targets are not positions", "target") from exc
    if not kept:
        raise InvalidInputError("keep at least one target, or deny the request", "target")
    return None if kept == list(range(len(request.targets))) else kept


def _dates(form: Mapping[str, str], request: Request) -> DateRange | None:
    """The period kept; None when it is the request's own (or none was asked and none set)."""
    first, last = _date(form, "date_from"), _date(form, "date_to")
    asked = request.date_range
    first = first or (asked.from_ if asked else None)
    last = last or (asked.to if asked else None)
    if first is None and last is None:
        return None
    if first is None or last is None:
        raise InvalidInputError("give both ends of the period, or neither", "date_from")
    if last < first:
        raise InvalidInputError(f"the period ends ({last}) before it starts ({first})", "date_to")
    kept = DateRange(from_=first, to=last)
    return None if kept == asked else kept


def narrowing_from(form: Mapping[str, str], targets: Sequence[str], request: Request) -> Narrowing:
    """What the reviewer kept of the targets and the period."""
    if not request.targets:
        return Narrowing(date_range=_dates(form, request))
    return Narrowing(targets=_kept_targets(targets, request), date_range=_dates(form, request))


def ruling_from(
    form: Mapping[str, str],
    targets: Sequence[str],
    request: Request,
    recommended: Decision | None,
) -> Ruling:
    """The ruling the form describes; bad or missing choices are refused naming the field."""
    verdicts = {c: _verdict(form, c) for c in request.categories}
    reasons = [
        _reason(_code(form, f"reason_{c}"), c, recommended)
        for c, v in verdicts.items()
        if v is Verdict.DENY
    ]
    all_denied = all(v is Verdict.DENY for v in verdicts.values())
    if intent(form) == ESCALATE:
        if all_denied:
            raise InvalidInputError(
                "an escalation leaves at least one category allowed for counsel to rule on; "
                "to refuse everything, deny every category and record the ruling",
                "categories",
            )
        outcome = Outcome.ESCALATE
        reasons.append(_reason(_code(form, "escalate_reason"), None, recommended))
    elif all_denied:
        outcome = Outcome.REJECT
    else:
        outcome = Outcome.PARTIAL if reasons else Outcome.APPROVE
    try:
        decision = Decision(outcome=outcome, categories=verdicts, reasons=reasons)
    except ValidationError as exc:
        raise InvalidInputError(str(exc.errors()[0]["msg"]), "categories") from exc
    narrowing = narrowing_from(form, targets, request)
    empty = narrowing.targets is None and narrowing.date_range is None
    message = public.agency_message(form.get(public.MESSAGE_FIELD, ""))
    note = form.get("note", "").strip()
    return Ruling(decision, note, None if empty else narrowing, message)
