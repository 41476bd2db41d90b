"""When a request is due: EU e-Evidence Art 10 sets 10 days and 8 hours; others configured."""

from __future__ import annotations

import datetime as dt

from lawgate.domain import EU_MEMBER_STATES, Request, RequestKind
from lawgate.policy.config import PolicyConfig

EU_DEADLINE = dt.timedelta(days=10)
EU_EMERGENCY_DEADLINE = dt.timedelta(hours=8)


def deadline_for(request: Request, received_at: dt.datetime, config: PolicyConfig) -> dt.datetime:
    """The moment the answer is due, counted from receipt."""
    emergency = request.kind is RequestKind.EMERGENCY_DISCLOSURE
    if request.country in EU_MEMBER_STATES:
        return received_at + (EU_EMERGENCY_DEADLINE if emergency else EU_DEADLINE)
    if emergency:
        return received_at + dt.timedelta(hours=config.emergency_deadline_hours)
    return received_at + dt.timedelta(days=config.deadline_days)
