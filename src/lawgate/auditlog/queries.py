"""What other packages ask of the log's entries: whether one was made, and what it said.

The entry rows stay in the audit log; callers get booleans, details, or an EXISTS clause to put
in a query of their own.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Exists, Select, SQLColumnExpression, exists, select
from sqlalchemy.orm import Session

from lawgate.auditlog.models import AuditEntryRow


def was_logged(
    session: Session, event: str, subject: str, since: dt.datetime | None = None
) -> bool:
    """True when an entry of this event is logged about the subject (after `since`, if given)."""
    query = select(AuditEntryRow.index).where(
        AuditEntryRow.subject == subject, AuditEntryRow.event == event
    )
    if since is not None:
        query = query.where(AuditEntryRow.at > since)
    return session.execute(query.limit(1)).first() is not None


def logged(event: str, subject: SQLColumnExpression[str]) -> Exists:
    """An EXISTS clause: an entry of this event is logged about the caller's subject column."""
    return exists(
        select(AuditEntryRow.index).where(
            AuditEntryRow.event == event, AuditEntryRow.subject == subject
        )
    )


def details_about(
    session: Session, event: str, subjects: Select[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Each entry of this event about a subject the caller's query names: subject and details."""
    query = select(AuditEntryRow.subject, AuditEntryRow.canonical).where(
        AuditEntryRow.event == event, AuditEntryRow.subject.in_(subjects)
    )
    return [
        (subject, dict(json.loads(canonical)["details"]))
        for subject, canonical in session.execute(query)
    ]
