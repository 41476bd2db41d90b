"""When a request is due: EU e-Evidence Art 10 sets 10 days and 8 hours; others configured."""

from __future__ import annotations

import datetime as dt

from lawgate.config import Settings
from lawgate.domain import Request, RequestKind

EU_MEMBER_STATES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
)
EU_DEADLINE = dt.timedelta(days=10)
EU_EMERGENCY_DEADLINE = dt.timedelta(hours=8)


def deadline_for(request: Request, received_at: dt.datetime, settings: Settings) -> dt.datetime:
    """The moment the answer is due, counted from receipt."""
    emergency = request.kind is RequestKind.EMERGENCY_DISCLOSURE
    if request.country in EU_MEMBER_STATES:
        return received_at + (EU_EMERGENCY_DEADLINE if emergency else EU_DEADLINE)
    if emergency:
        return received_at + dt.timedelta(hours=settings.emergency_deadline_hours)
    return received_at + dt.timedelta(days=settings.deadline_days)
