"""Console pages: the reviewer's queue and one request, rendered on the server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from lawgate.api.deps import STAFF_NAME_MAX, DbSession, is_loopback
from lawgate.cases import callbacks
from lawgate.cases import services as cases
from lawgate.cases.workflow import DECIDABLE, CaseState
from lawgate.config import Settings
from lawgate.domain import CallbackStatus, RequestKind
from lawgate.errors import ForbiddenError, InvalidInputError
from lawgate.intake.signals import band
from lawgate.store.base import utcnow
from lawgate.store.session import transaction

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
templates.env.filters["risk"] = band


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
    sort: Annotated[str | None, Query()] = None,
) -> Response:
    """The reviewer's queue, by deadline or by risk, filtered by state, country and kind."""
    chosen_state = _choice(CaseState, state)
    chosen_kind = _choice(RequestKind, kind)
    chosen_country = (country or "").upper() or None
    by_risk = sort == "risk"
    where = cases.CaseFilter(
        state=chosen_state, country=chosen_country, kind=chosen_kind, by_risk=by_risk
    )
    rows = cases.list_cases(db, where)
    everything = cases.list_cases(db)
    chosen = {"state": chosen_state, "country": chosen_country, "kind": chosen_kind}
    context = {
        "rows": rows,
        "now": utcnow(),
        "states": list(CaseState),
        "kinds": list(RequestKind),
        "countries": sorted({r.country for r in everything}),
        "chosen": chosen,
        "by_risk": by_risk,
        "sort_link": _sort_link(chosen, not by_risk),
    }
    return templates.TemplateResponse(request, "queue.html", context)


def _sort_link(chosen: dict[str, str | None], by_risk: bool) -> str:
    """The queue's address with the same filters, sorted the other way."""
    query = {k: v for k, v in chosen.items() if v}
    if by_risk:
        query["sort"] = "risk"
    return "/console" + ("?" + urlencode(query) if query else "")


@router.get(
    "/console/requests/{request_id}",
    response_class=HTMLResponse,
    dependencies=[Depends(console_access)],
)
def case_page(request: Request, request_id: str, db: DbSession) -> Response:
    """One request: what was asked, under which process, what was decided, and its trail."""
    detail = cases.case_detail(db, request_id)
    context = {
        "case": detail,
        "now": utcnow(),
        "emergency": detail.request.kind is RequestKind.EMERGENCY_DISCLOSURE,
        "can_call": detail.summary.state in DECIDABLE,
    }
    return templates.TemplateResponse(request, "case.html", context)


@contextmanager
def committed(request: Request) -> Iterator[Session]:
    """One transaction committed before the redirect leaves, so the next page shows the change."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with transaction(factory) as db:
        yield db


def same_origin(request: Request) -> None:
    """Refuse a form posted from another site: the console trusts loopback, not the browser."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site", "same-origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if (origin is not None and origin != own) or fetch_site not in {"same-origin", "none"}:
        raise ForbiddenError(f"a console form must be posted from the console itself ({own})")


def reviewer(name: str) -> str:
    """The staff member recording, named on the form as the staff API's header names them."""
    name = name.strip()
    if not name or len(name) > STAFF_NAME_MAX:
        raise InvalidInputError(f"name yourself (1 to {STAFF_NAME_MAX} characters)", "reviewer")
    return f"staff:{name}"


def call_time(value: str, now: dt.datetime) -> dt.datetime:
    """The form's UTC call time (YYYY-MM-DDTHH:MM), or now when left blank."""
    if not value.strip():
        return now
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        message = f"called_at {value!r} is not a time such as 2026-11-28T10:15 (UTC)"
        raise InvalidInputError(message, "called_at") from exc
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def call_outcome(value: str) -> CallbackStatus:
    """Confirmed or failed: a call that was not made is not recorded."""
    if value not in {CallbackStatus.CONFIRMED, CallbackStatus.FAILED}:
        raise InvalidInputError(f"outcome {value!r} must be confirmed or failed", "outcome")
    return CallbackStatus(value)


@router.post(
    "/console/requests/{request_id}/callbacks",
    dependencies=[Depends(console_access), Depends(same_origin)],
)
def add_callback(
    request: Request,
    request_id: str,
    reviewer_name: Annotated[str, Form(alias="reviewer")] = "",
    number_called: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    called_at: Annotated[str, Form()] = "",
    spoke_to: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a call to the registry's number from the case page, then show the case again."""
    call = callbacks.Call(
        number_called=number_called,
        outcome=call_outcome(outcome),
        called_at=call_time(called_at, utcnow()),
        spoke_to=spoke_to,
        note=note,
    )
    settings: Settings = request.app.state.settings
    with committed(request) as db:
        callbacks.record_callback(db, request_id, call, reviewer(reviewer_name), settings.policy)
    return RedirectResponse(f"/console/requests/{request_id}#callbacks", status_code=303)
