"""The public "compare with peers" page: our published figures beside a peer's, side by side."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from lawgate.api.deps import AppSettings, DbSession
from lawgate.api.status import http_status
from lawgate.errors import LawgateError, NotFoundError
from lawgate.reports import google, peers, store
from lawgate.reports.model import Period, Report, Row
from lawgate.reports.store import Publication

templates = Jinja2Templates(directory=Path(__file__).parent / "templates" / "reports")
router = APIRouter(include_in_schema=False)
BUILD = "lawgate report build --period 2026-H1 --out DIR"
IMPORT = "lawgate report import-peer FILE --source google"


@dataclass
class Choice:
    """What the visitor asked for, once checked, and what the form offers."""

    source: str | None
    period: Period | None
    country: str
    asked_period: str = ""
    """The period as typed, shown back in the form when it could not be read."""
    sources: list[peers.PeerSource] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    countries: list[tuple[str, str]] = field(default_factory=list)


@router.get("/transparency/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    country: str = "",
    period: str = "",
    source: str = "",
) -> Response:
    """Our figures and a peer's for one country and half-year; bad parameters get a 4xx page."""
    sources = peers.peer_sources(db)
    choice = Choice(None, None, country.strip().upper(), period.strip(), sources)
    try:
        choice = _choose(db, settings.home, sources, (country, period, source))
        context = _figures(db, settings.home, choice)
    except LawgateError as exc:
        context = {"error": exc}
        status = http_status(exc)
    else:
        status = 200
    page = {"choice": choice, "build": BUILD, "import_command": IMPORT, **context}
    return templates.TemplateResponse(request, "compare.html", page, status_code=status)


def _choose(
    db: Session, home: Path, sources: list[peers.PeerSource], asked: tuple[str, str, str]
) -> Choice:
    """Check country, period and source, naming the one that is wrong; default from what exists."""
    country, period, source = asked
    chosen = _source(sources, source.strip())
    published = store.published_periods(home)
    periods = sorted({*published, *(peers.peer_periods(db, chosen) if chosen else [])})[::-1]
    countries = peers.peer_countries(db, chosen) if chosen else []
    code = country.strip().upper()
    if code:
        google.country_name(code)  # refuses a code CLDR does not know, naming "country"
    wanted = Period.parse(period) if period.strip() else _default_period(published, sources)
    return Choice(chosen, wanted, code, period.strip(), sources, periods, countries)


def _source(sources: list[peers.PeerSource], asked: str) -> str | None:
    """The asked source if imported; by default the first one (None when none is imported)."""
    if not asked:
        return sources[0].source if sources else None
    peers.check_source(asked)
    if asked not in {s.source for s in sources}:
        raise NotFoundError(f"no figures are imported from {asked!r}", "source")
    return asked


def _default_period(published: list[Period], sources: list[peers.PeerSource]) -> Period | None:
    """Our newest published half-year, else the newest a peer has, else none."""
    if published:
        return published[0]
    return max((s.latest for s in sources), default=None)


def _figures(db: Session, home: Path, choice: Choice) -> dict[str, Any]:
    """Our report, the peer's rows and both lined up, once a country and period are chosen."""
    found = _our_report(home, choice.period)
    report, publication = found if found else (None, None)
    if not choice.country or choice.period is None:
        return {"report": report, "publication": publication}
    ours = _our_rows(report, choice.country, choice.period)
    theirs = (
        peers.peer_rows(db, choice.source, choice.country, choice.period) if choice.source else []
    )
    return {
        "report": report,
        "publication": publication,
        "country_name": google.country_name(choice.country),
        "comparisons": peers.compare(ours, theirs),
        "covered": report is not None and report.period >= choice.period,
    }


def _our_report(home: Path, period: Period | None) -> tuple[Report, Publication] | None:
    """The report published for that half-year, else the latest (it covers every earlier one)."""
    if period is not None and period in store.published_periods(home):
        return store.load(home, period)
    return store.latest(home)


def _our_rows(report: Report | None, country: str, period: Period) -> list[Row]:
    """Our rows for one country and half-year (none without a report)."""
    rows = report.rows if report else []
    return [r for r in rows if r.country == country and r.period_ending == period.ending]
