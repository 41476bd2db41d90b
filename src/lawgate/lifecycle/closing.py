"""Closing a case: the answer is final, and each affected user's notice is made (held while a
lawful gag runs)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.datamap.sources import Source
from lawgate.notices import services as notices


def close(session: Session, request_id: str, actor: str, source: Source, now: dt.datetime) -> None:
    """Close the case, then make its users' notices from the targets the source resolves."""
    cases.transition(session, request_id, CaseState.CLOSED, actor)
    notices.create_notices(session, source.engine, request_id, now, source.datamap)
