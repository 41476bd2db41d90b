"""A reviewer's preview of a request's targets: how many accounts each matches, and a record of
the lookup (a search of user data is an access even when no data is shown)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.datamap.resolve import resolve_targets
from lawgate.datamap.sources import Source
from lawgate.domain import Target
from lawgate.errors import LawgateError


@dataclass(frozen=True)
class Preview:
    """How many accounts each target matches: counts only, never who they are."""

    counts: list[int] | None
    problem: str = ""


def preview_targets(
    session: Session, request_id: str, targets: Sequence[Target], source: Source, actor: str
) -> Preview:
    """Resolve the targets to counts, audited; a failed search says so instead of failing."""
    if not targets:
        return Preview([])
    try:
        resolution = resolve_targets(source.engine, source.datamap, list(targets))
    except (SQLAlchemyError, LawgateError) as exc:
        return Preview(None, f"the platform's data could not be searched ({type(exc).__name__})")
    counts = [len(r.account_ids) for r in resolution.results]
    details = {"targets": len(counts), "accounts": sum(counts)}
    log.append(session, "request:targets:previewed", actor, request_id, details)
    return Preview(counts)
