"""What other packages read of cases and decisions: domain values, or SQL pieces.

The rows stay in cases. A caller that must filter or sort inside one query of its own (alerts,
notices, reports) joins cases with `join_case` and names the columns through `CASE`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Select, SQLColumnExpression, func, select
from sqlalchemy.orm import Session

from lawgate.cases.models import CaseRow, DecisionRow
from lawgate.cases.workflow import CaseState
from lawgate.domain import Category, Verdict

Ts = TypeVarTuple("Ts")
IN_FORCE = ("final", "confirmed")
"""A reviewer row's statuses that count as the ruling (cases.review)."""


@dataclass(frozen=True)
class CaseColumns:
    """The columns of a case that other packages select, filter and sort on."""

    request_id: SQLColumnExpression[str]
    state: SQLColumnExpression[str]
    deadline: SQLColumnExpression[dt.datetime]


CASE = CaseColumns(request_id=CaseRow.request_id, state=CaseRow.state, deadline=CaseRow.deadline)


def join_case(query: Select[*Ts], request_id: SQLColumnExpression[str]) -> Select[*Ts]:
    """A caller's query joined to the case of the request each of its rows names."""
    return query.join(CaseRow, CaseRow.request_id == request_id)


def case_state(session: Session, request_id: str) -> CaseState | None:
    """Where a request's case stands, or None when it has none."""
    state = session.scalar(select(CaseRow.state).where(CaseRow.request_id == request_id))
    return CaseState(state) if state is not None else None


def finding_codes(session: Session, request_id: str) -> set[str]:
    """The codes of every finding any decision on the request noted (the policy's or a person's)."""
    query = select(DecisionRow.findings).where(DecisionRow.request_id == request_id)
    return {
        code
        for findings in session.scalars(query)
        for finding in findings
        if isinstance(finding, dict) and isinstance(code := finding.get("code"), str)
    }


@dataclass(frozen=True)
class RulingFacts:
    """What a report counts of a ruling in force: its outcome, content, and the reasons cited."""

    outcome: str
    content_allowed: bool
    reasons: tuple[str, ...]


def _facts(row: DecisionRow) -> RulingFacts:
    """The counted facts of a stored ruling."""
    reasons: list[dict[str, Any]] = row.reasons
    return RulingFacts(
        outcome=row.outcome,
        content_allowed=row.categories.get(Category.CONTENT) == Verdict.ALLOW,
        reasons=tuple(sorted({str(r["code"]) for r in reasons})),
    )


def rulings_in_force(session: Session) -> dict[str, RulingFacts]:
    """The reviewers' ruling in force on each request (the latest final or confirmed one)."""
    latest = (
        select(func.max(DecisionRow.id))
        .where(DecisionRow.source == "reviewer", DecisionRow.status.in_(IN_FORCE))
        .group_by(DecisionRow.request_id)
    )
    rows = session.scalars(select(DecisionRow).where(DecisionRow.id.in_(latest)))
    return {row.request_id: _facts(row) for row in rows}
