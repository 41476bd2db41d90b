"""Peers' published figures: import them, read them back as rows, and line them up with ours.

Journalists judge a report against others; keeping a peer's figures in the same `Row` shape
(blank is None, never 0) lets the compare view put both side by side without guessing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.errors import InvalidInputError
from lawgate.reports.google import LABEL_ORDER, write_google_csv
from lawgate.reports.model import Period, Row
from lawgate.reports.models import PeerFigureRow
from lawgate.store.base import as_utc, utcnow

SOURCE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
SYSTEM_ACTOR = "system:reports"
NAME_MAX = 200
INT_MAX = 2**31 - 1
"""The largest count a SQL INTEGER column holds on every supported database."""


@dataclass(frozen=True)
class PeerSource:
    """One imported peer: how many rows, the newest half-year, and when it was imported."""

    source: str
    rows: int
    latest: Period
    imported_at: dt.datetime


@dataclass(frozen=True)
class Comparison:
    """One legal process: our row and the peer's (None where one side has no such row)."""

    legal_process: str
    ours: Row | None
    theirs: Row | None


def check_source(source: str) -> str:
    """A short lowercase name such as 'google', so it is safe in URLs, logs and tables."""
    if not SOURCE.fullmatch(source):
        raise InvalidInputError(
            f"source {source!r} must be 1-40 lowercase letters, digits, '.', '_' or '-'", "source"
        )
    return source


def import_peer(
    session: Session,
    source: str,
    rows: Sequence[Row],
    sha256: str | None = None,
    actor: str = SYSTEM_ACTOR,
) -> int:
    """Replace a source's figures with `rows` in the caller's transaction, and log the import."""
    check_source(source)
    now = utcnow()
    values = [_values(source, row, n, now) for n, row in enumerate(rows, start=1)]
    digest = sha256 or hashlib.sha256(write_google_csv(rows).encode("utf-8")).hexdigest()
    session.execute(delete(PeerFigureRow).where(PeerFigureRow.source == source))
    if values:
        session.execute(insert(PeerFigureRow), values)
    details: dict[str, log.Scalar] = {"source": source, "rows": len(values), "sha256": digest}
    log.append(session, "report:peer:imported", actor, f"peer:{source}", details)
    return len(values)


def _values(source: str, row: Row, number: int, now: dt.datetime) -> dict[str, object]:
    """One row as column values, refused (naming the row) where the store cannot hold it."""
    for name in (row.country_name, row.legal_process):
        if len(name) > NAME_MAX:
            raise InvalidInputError(f"row {number}: {name[:40]!r}… is over {NAME_MAX}", "rows")
    for count in (row.requests, row.percentage_disclosed, row.accounts):
        if count is not None and not 0 <= count <= INT_MAX:
            raise InvalidInputError(f"row {number}: {count} is out of range", "rows")
    return {
        "source": source,
        "period_ending": row.period_ending,
        "country": row.country,
        "country_name": row.country_name,
        "legal_process": row.legal_process,
        "requests": row.requests,
        "percentage": row.percentage_disclosed,
        "accounts": row.accounts,
        "imported_at": now,
    }


def peer_rows(session: Session, source: str, country: str, period: Period) -> list[Row]:
    """A peer's rows for one country and half-year, in the order it published them."""
    found = session.scalars(
        select(PeerFigureRow)
        .where(
            PeerFigureRow.source == source,
            PeerFigureRow.country == country.upper(),
            PeerFigureRow.period_ending == period.ending,
        )
        .order_by(PeerFigureRow.id)
    )
    return [_row(figure) for figure in found]


def _row(figure: PeerFigureRow) -> Row:
    """A stored figure as a report row."""
    return Row(
        period_ending=figure.period_ending,
        country_name=figure.country_name,
        country=figure.country,
        legal_process=figure.legal_process,
        requests=figure.requests,
        percentage_disclosed=figure.percentage,
        accounts=figure.accounts,
    )


def peer_sources(session: Session) -> list[PeerSource]:
    """Every imported source with its row count, newest half-year and import time."""
    found = session.execute(
        select(
            PeerFigureRow.source,
            func.count(),
            func.max(PeerFigureRow.period_ending),
            func.max(PeerFigureRow.imported_at),
        )
        .group_by(PeerFigureRow.source)
        .order_by(PeerFigureRow.source)
    )
    return [
        PeerSource(source, count, Period.of(latest), as_utc(imported))
        for source, count, latest, imported in found
    ]


def peer_periods(session: Session, source: str) -> list[Period]:
    """The half-years a source has figures for, newest first."""
    endings = session.scalars(
        select(PeerFigureRow.period_ending).where(PeerFigureRow.source == source).distinct()
    )
    return sorted({Period.of(day) for day in endings}, reverse=True)


def peer_countries(session: Session, source: str) -> list[tuple[str, str]]:
    """(code, name) of every country a source has figures for, by name."""
    found = session.execute(
        select(PeerFigureRow.country, PeerFigureRow.country_name)
        .where(PeerFigureRow.source == source, PeerFigureRow.country != "")
        .distinct()
    )
    return sorted({(code, name) for code, name in found}, key=lambda pair: pair[1])


def compare(ours: Iterable[Row], theirs: Iterable[Row]) -> list[Comparison]:
    """Line rows up by legal-process label, Google's order first; blanks stay None."""
    mine, peer = _by_label(ours), _by_label(theirs)
    known = [label for label in LABEL_ORDER if label in mine or label in peer]
    labels = dict.fromkeys([*known, *mine, *peer])
    return [Comparison(label, mine.get(label), peer.get(label)) for label in labels]


def _by_label(rows: Iterable[Row]) -> dict[str, Row]:
    """Rows keyed by label; a label twice is refused, as it could not be compared."""
    found: dict[str, Row] = {}
    for row in rows:
        if row.legal_process in found:
            raise InvalidInputError(f"legal process {row.legal_process!r} appears twice", "rows")
        found[row.legal_process] = row
    return found
