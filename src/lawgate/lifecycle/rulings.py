"""A reviewer's ruling as the request's owner records it: the case decides, then holds follow.

Every face (console, staff API, demo) rules through here, so a granted preservation always
places its holds in the same transaction as the ruling that grants it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from lawgate.cases import review
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.datamap.sources import Source
from lawgate.holds import services as holds


def rule(
    session: Session,
    request_id: str,
    ruling: review.Ruling,
    reviewer: review.Reviewer,
    settings: Settings,
    source: Source,
    at: dt.datetime,
) -> CaseState:
    """Record a ruling at `at` under the configured policy; holds follow a ruling in force."""
    state = review.record_decision(
        session, request_id, ruling, reviewer, config=settings.policy, at=at
    )
    holds.after_decision(session, request_id, settings, source, reviewer.actor)
    return state


def confirm(
    session: Session,
    request_id: str,
    reviewer: review.Reviewer,
    note: str,
    settings: Settings,
    source: Source,
    at: dt.datetime,
) -> CaseState:
    """A second reviewer confirms the proposed ruling; holds follow it now that it is in force."""
    state = review.confirm(session, request_id, reviewer, note, config=settings.policy, at=at)
    holds.after_decision(session, request_id, settings, source, reviewer.actor)
    return state
