"""Console pages: the reviewer's queue and one request, rendered on the server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from lawgate.api.deps import DbSession, marketplace
from lawgate.api.status import http_status
from lawgate.cases import callbacks, clocks
from lawgate.cases import queue as worklist
from lawgate.cases import services as cases
from lawgate.cases.schemas import CaseDetail
from lawgate.cases.workflow import DECIDABLE, CaseState
from lawgate.config import Settings
from lawgate.datamap.sources import Source
from lawgate.domain import CallbackStatus, RequestKind
from lawgate.errors import ForbiddenError, InvalidInputError, LawgateError
from lawgate.intake.signals import band
from lawgate.staff import accounts as staff_accounts
from lawgate.staff.roles import may_review
from lawgate.store.base import utcnow
from lawgate.store.session import transaction
from lawgate.web import casework
from lawgate.web.staff import SignedIn, StaffSession, checked_form, require_role

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
Choice = TypeVar("Choice", CaseState, RequestKind)


def until(deadline: dt.datetime, now: dt.datetime) -> str:
    """A deadline as a person reads it: 'in 3 days', '5 hours overdue'."""
    seconds = (deadline - now).total_seconds()
    hours = abs(seconds) / 3600
    amount = f"{round(hours)} hours" if hours < 48 else f"{round(hours / 24)} days"
    return f"in {amount}" if seconds >= 0 else f"{amount} overdue"


templates.env.filters["until"] = until
templates.env.filters["risk"] = band
templates.env.filters["countdown"] = clocks.countdown
ORDERS = {
    "deadline": "deadline",
    "risk": "risk, highest first",
    "time_limit": "what runs out first",
}
"""The queue's sort orders (the `sort` parameter) and how the heading names each."""
WINDOWS = (1, 3, 7, 30)
"""The time-limit windows, in days, the queue's header offers as links."""
MAX_WINDOW_DAYS = 3650
"""A longer window is ignored, as the staff API refuses one (within_days <= 3650)."""


def _choice(enum: type[Choice], value: str | None) -> Choice | None:
    """A filter value from a list, or no filter when it is blank or unknown."""
    return enum(value) if value in {e.value for e in enum} else None


@router.get("/")
def home() -> RedirectResponse:
    """The console is the front page."""
    return RedirectResponse("/console", status_code=307)


def _days(value: str | None) -> int | None:
    """A window in whole days from the query, or none when blank or not a sensible number."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_WINDOW_DAYS:
        return None
    return int(text)


@router.get("/console", response_class=HTMLResponse)
def queue(
    request: Request,
    db: DbSession,
    me: SignedIn,
    state: Annotated[str | None, Query()] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    kind: Annotated[str | None, Query()] = None,
    sort: Annotated[str | None, Query()] = None,
    within: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """The queue by deadline, risk or time limit; filtered by state, country, kind and window."""
    order = sort if sort in ORDERS else "deadline"
    window = _days(within)
    chosen_state, chosen_kind = _choice(CaseState, state), _choice(RequestKind, kind)
    chosen_country = (country or "").upper() or None
    now = utcnow()
    where = worklist.CaseFilter(
        state=chosen_state,
        country=chosen_country,
        kind=chosen_kind,
        by_risk=order == "risk",
        by_time_limit=order == "time_limit",
        runs_out_by=None if window is None else now + dt.timedelta(days=window),
    )
    everything = worklist.list_cases(db)
    chosen = {"state": chosen_state, "country": chosen_country, "kind": chosen_kind}
    context = {
        "rows": worklist.list_cases(db, where),
        "now": now,
        "states": list(CaseState),
        "kinds": list(RequestKind),
        "countries": sorted({r.country for r in everything}),
        "chosen": chosen,
        "order": order,
        "order_words": ORDERS[order],
        "window": window,
        "links": _links(chosen, order, window),
        "overdue": sum(1 for r in everything if r.overdue(now)),
        "me": me,
    }
    return templates.TemplateResponse(request, "queue.html", context)


def _links(chosen: dict[str, str | None], order: str, window: int | None) -> dict[str, Any]:
    """The header's links: each keeps the filters and changes only the order or the window."""
    return {
        "risk": _queue_link(chosen, "deadline" if order == "risk" else "risk", window),
        "time_limit": _queue_link(
            chosen, "deadline" if order == "time_limit" else "time_limit", window
        ),
        "windows": {days: _queue_link(chosen, order, days) for days in (*WINDOWS, None)},
    }


def _queue_link(chosen: dict[str, str | None], order: str, window: int | None) -> str:
    """The queue's address with the same filters, in the given order and time-limit window."""
    query = {k: v for k, v in chosen.items() if v}
    if order != "deadline":
        query["sort"] = order
    if window is not None:
        query["within"] = str(window)
    return "/console" + ("?" + urlencode(query) if query else "")


@router.get("/console/requests/{request_id}", response_class=HTMLResponse)
def case_page(request: Request, request_id: str, me: SignedIn) -> Response:
    """One request: what was asked, the advice, the ruling forms, the package, the trail."""
    return render_case(request, request_id, me)


def render_case(
    request: Request, request_id: str, me: StaffSession, error: LawgateError | None = None
) -> Response:
    """The case page, with the refusal of the last action when there was one."""
    with committed(request) as db:
        detail = cases.case_detail(db, request_id)
        context = case_context(db, detail, me, marketplace(request), utcnow())
    status = http_status(error) if error else 200
    context["error"] = error
    return templates.TemplateResponse(request, "case.html", context, status_code=status)


def case_context(
    db: Session, detail: CaseDetail, me: StaffSession, source: Source, now: dt.datetime
) -> dict[str, Any]:
    """What case.html reads about one case at `now`, apart from the refusal of a last action."""
    extra = casework.context(db, detail, me.account, source)
    return {
        "case": detail,
        "now": now,
        "emergency": detail.request.kind is RequestKind.EMERGENCY_DISCLOSURE,
        "can_call": detail.summary.state in DECIDABLE and may_review(me.account.role),
        "me": me,
        "names": staff_accounts.actor_names(db),
        "error": None,
        **extra,
    }


@contextmanager
def committed(request: Request) -> Iterator[Session]:
    """One transaction committed before the redirect leaves, so the next page shows the change."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with transaction(factory) as db:
        yield db


def same_origin(request: Request) -> None:
    """Refuse a form posted from another site: a second wall behind the CSRF token."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site", "same-origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if (origin is not None and origin != own) or fetch_site not in {"same-origin", "none"}:
        raise ForbiddenError(f"a console form must be posted from the console itself ({own})")


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


@router.post("/console/requests/{request_id}/callbacks", dependencies=[Depends(same_origin)])
def add_callback(
    request: Request,
    request_id: str,
    me: SignedIn,
    csrf_token: Annotated[str, Form()] = "",
    number_called: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    called_at: Annotated[str, Form()] = "",
    spoke_to: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a call to the registry's number from the case page, then show the case again."""
    checked_form(request, me, csrf_token)
    require_role(request, me, may_review, "record call-backs")
    call = callbacks.Call(
        number_called=number_called,
        outcome=call_outcome(outcome),
        called_at=call_time(called_at, utcnow()),
        spoke_to=spoke_to,
        note=note,
    )
    settings: Settings = request.app.state.settings
    with committed(request) as db:
        callbacks.record_callback(db, request_id, call, me.account.actor, settings.policy)
    return RedirectResponse(f"/console/requests/{request_id}#callbacks", status_code=303)
