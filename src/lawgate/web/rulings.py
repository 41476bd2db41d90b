"""The console's decision form, read into a ruling: a verdict per category, narrowing, a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

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

REVIEWER_RULE = "reviewer"
REVIEWER_CITATION = "Company policy: users' privacy first; the reviewer's written reason applies"
ESCALATE = "escalate"


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


def _reason(
    code: ReasonCode, category: Category | None, note: str, recommended: Decision | None
) -> Reason:
    """The policy's own reason when the reviewer agrees with it, else the reviewer's."""
    for reason in recommended.reasons if recommended else []:
        if reason.code is code and reason.category in (category, None):
            return reason.model_copy(update={"category": category})
    message = note or f"{code.value.replace('_', ' ')} (reviewer's ruling)"
    return Reason(
        code=code,
        category=category,
        rule=REVIEWER_RULE,
        citation=REVIEWER_CITATION,
        message=message[:2000],
    )


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
    note = form.get("note", "").strip()
    verdicts = {c: _verdict(form, c) for c in request.categories}
    reasons = [
        _reason(_code(form, f"reason_{c}"), c, note, recommended)
        for c, v in verdicts.items()
        if v is Verdict.DENY
    ]
    all_denied = all(v is Verdict.DENY for v in verdicts.values())
    if form.get("action") == ESCALATE:
        if all_denied:
            raise InvalidInputError(
                "an escalation leaves at least one category allowed for counsel to rule on; "
                "to refuse everything, deny every category and record the ruling",
                "categories",
            )
        outcome = Outcome.ESCALATE
        reasons.append(_reason(_code(form, "escalate_reason"), None, note, recommended))
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
    return Ruling(decision, note, None if empty else narrowing)
