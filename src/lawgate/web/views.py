"""Console pages: the reviewer's queue and one request, rendered on the server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from lawgate.api.deps import DbSession, is_loopback
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.domain import RequestKind
from lawgate.errors import ForbiddenError
from lawgate.store.base import utcnow

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
Choice = TypeVar("Choice", CaseState, RequestKind)


def console_access(request: Request) -> None:
    """The console is loopback-only until staff login arrives."""
    if not is_loopback(request.client.host if request.client else None):
        raise ForbiddenError("the console answers only on loopback until staff login exists")


def until(deadline: dt.datetime, now: dt.datetime) -> str:
    """A deadline as a person reads it: 'in 3 days', '5 hours overdue'."""
    seconds = (deadline - now).total_seconds()
    hours = abs(seconds) / 3600
    amount = f"{round(hours)} hours" if hours < 48 else f"{round(hours / 24)} days"
    return f"in {amount}" if seconds >= 0 else f"{amount} overdue"


templates.env.filters["until"] = until


def _choice(enum: type[Choice], value: str | None) -> Choice | None:
    """A filter value from a list, or no filter when it is blank or unknown."""
    return enum(value) if value in {e.value for e in enum} else None


@router.get("/")
def home() -> RedirectResponse:
    """The console is the front page."""
    return RedirectResponse("/console", status_code=307)


@router.get("/console", response_class=HTMLResponse, dependencies=[Depends(console_access)])
def queue(
    request: Request,
    db: DbSession,
    state: Annotated[str | None, Query()] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    kind: Annotated[str | None, Query()] = None,
) -> Response:
    """The reviewer's queue, soonest deadline first, filtered by state, country and kind."""
    chosen_state = _choice(CaseState, state)
    chosen_kind = _choice(RequestKind, kind)
    chosen_country = (country or "").upper() or None
    where = cases.CaseFilter(state=chosen_state, country=chosen_country, kind=chosen_kind)
    rows = cases.list_cases(db, where)
    everything = cases.list_cases(db)
    context = {
        "rows": rows,
        "now": utcnow(),
        "states": list(CaseState),
        "kinds": list(RequestKind),
        "countries": sorted({r.country for r in everything}),
        "chosen": {"state": chosen_state, "country": chosen_country, "kind": chosen_kind},
    }
    return templates.TemplateResponse(request, "queue.html", context)


@router.get(
    "/console/requests/{request_id}",
    response_class=HTMLResponse,
    dependencies=[Depends(console_access)],
)
def case_page(request: Request, request_id: str, db: DbSession) -> Response:
    """One request: what was asked, under which process, what was decided, and its trail."""
    detail = cases.case_detail(db, request_id)
    return templates.TemplateResponse(request, "case.html", {"case": detail, "now": utcnow()})
