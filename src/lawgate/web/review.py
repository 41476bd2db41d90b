"""Console actions on a case: rule, confirm or send back, produce, hand over, and close."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from lawgate.api.deps import Marketplace
from lawgate.cases import public, review
from lawgate.cases import services as cases
from lawgate.config import Settings
from lawgate.errors import LawgateError
from lawgate.jobs.tasks import enqueue_production
from lawgate.lifecycle import closing
from lawgate.lifecycle import delivery as handover
from lawgate.lifecycle import production as producing
from lawgate.lifecycle import rulings as deciding
from lawgate.staff.roles import may_review
from lawgate.staff.sessions import credential as session_credential
from lawgate.store.base import utcnow
from lawgate.web import casework, rulings
from lawgate.web.staff import SignedIn, StaffSession, checked_form, require_role
from lawgate.web.views import committed, render_case, same_origin, templates

router = APIRouter(include_in_schema=False, dependencies=[Depends(same_origin)])
MAX_FIELDS = 200
templates.env.globals["agency_message_max"] = public.MESSAGE_MAX


async def posted(request: Request, me: SignedIn) -> FormData:
    """The posted form, once its CSRF token has been checked against the session's."""
    form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=64 * 1024)
    token = form.get("csrf_token")
    checked_form(request, me, token if isinstance(token, str) else None)
    return form


Posted = Annotated[FormData, Depends(posted)]


def _reviewer(me: StaffSession) -> review.Reviewer:
    """The signed-in staff member as the review rules see them, with their session's origins."""
    return review.Reviewer(me.account.actor, me.account.role, session_credential(me))


def _fields(form: FormData) -> dict[str, str]:
    """The form's text fields (files and repeated fields aside)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _back(request_id: str, anchor: str) -> RedirectResponse:
    """Back to the case page, at the section that changed."""
    return RedirectResponse(f"/console/requests/{request_id}#{anchor}", status_code=303)


def _act(
    request: Request, request_id: str, me: StaffSession, anchor: str, work: Callable[..., object]
) -> Response:
    """Do one action in its own transaction; on refusal, show the case with the reason."""
    try:
        with committed(request) as db:
            work(db)
    except LawgateError as exc:
        return render_case(request, request_id, me, error=exc)
    return _back(request_id, anchor)


def _ruling(db: sa.orm.Session, request_id: str, form: FormData) -> review.Ruling:
    """The ruling the posted form describes, read against the case and the policy's advice."""
    detail = cases.case_detail(db, request_id)
    advice = casework.recommendation(detail)
    targets = [v for v in form.getlist("target") if isinstance(v, str)]
    return rulings.ruling_from(
        _fields(form), targets, detail.request, advice.decision if advice else None
    )


def _preview(
    request: Request, request_id: str, me: StaffSession, form: FormData, view: rulings.AgencyView
) -> Response:
    """What the agency will see, with the form carried over to send it as seen or change it."""
    require_role(request, me, may_review, "rule on requests")
    fields = _fields(form)
    context = {
        "me": me,
        "request_id": request_id,
        "view": view,
        "then": rulings.intent(fields),
        "asked": fields.get("action") == rulings.PREVIEW,
        "carried": [
            (k, v)
            for k, v in form.multi_items()
            if isinstance(v, str) and k not in rulings.NOT_CARRIED
        ],
    }
    return templates.TemplateResponse(request, "ruling_preview.html", context)


@router.post("/console/requests/{request_id}/decision")
def decide(
    request: Request, request_id: str, me: SignedIn, form: Posted, marketplace: Marketplace
) -> Response:
    """Record a ruling per category (a second reviewer confirms it where one is required).

    A message to the agency leaves only as the reviewer previewed it: asked for, or when the
    message is new or changed since, the preview is shown instead of recording anything.
    """
    settings: Settings = request.app.state.settings
    try:
        with committed(request) as db:
            ruling = _ruling(db, request_id, form)
    except LawgateError as exc:
        return render_case(request, request_id, me, error=exc)
    view = rulings.agency_view(ruling)
    if form.get("action") == rulings.PREVIEW or rulings.unseen(_fields(form), view):
        return _preview(request, request_id, me, form, view)

    def work(db: sa.orm.Session) -> None:
        deciding.rule(db, request_id, ruling, _reviewer(me), settings, marketplace, utcnow())

    return _act(request, request_id, me, "decision", work)


@router.post("/console/requests/{request_id}/confirm")
def confirm(
    request: Request, request_id: str, me: SignedIn, form: Posted, marketplace: Marketplace
) -> Response:
    """A second reviewer confirms the proposed ruling; the case moves on."""
    settings: Settings = request.app.state.settings
    note = str(form.get("note", ""))

    def work(db: sa.orm.Session) -> None:
        deciding.confirm(db, request_id, _reviewer(me), note, settings, marketplace, utcnow())

    return _act(request, request_id, me, "decision", work)


@router.post("/console/requests/{request_id}/return")
def send_back(request: Request, request_id: str, me: SignedIn, form: Posted) -> Response:
    """A second reviewer sends the proposed ruling back, saying why."""
    note = str(form.get("note", ""))
    return _act(
        request,
        request_id,
        me,
        "decision",
        lambda db: review.send_back(db, request_id, _reviewer(me), note),
    )


@router.post("/console/requests/{request_id}/produce")
def produce(request: Request, request_id: str, me: SignedIn, _form: Posted) -> Response:
    """Queue the sealed package's production; the page shows its download once it is sealed."""
    require_role(request, me, may_review, "produce packages")

    def work(db: sa.orm.Session) -> None:
        producing.request_production(db, request_id, me.account.actor)

    response = _act(request, request_id, me, "production", work)
    if response.status_code == 303:
        enqueue_production(request.app.state.jobs, request_id, me.account.actor)
    return response


@router.get("/console/requests/{request_id}/production", response_class=HTMLResponse)
def production_fragment(request: Request, request_id: str, me: SignedIn) -> Response:
    """The production section alone, which the page polls (htmx) until the package is sealed."""
    with committed(request) as db:
        detail = cases.case_detail(db, request_id)
        status = casework.production_status(db, detail)
        may = casework.permissions(detail, me.account, status.stage)
    context = {"case": detail, "production": status, "may": may, "me": me}
    return templates.TemplateResponse(request, "production.html", context)


@router.get("/console/requests/{request_id}/package")
def download(request: Request, request_id: str, me: SignedIn) -> FileResponse:
    """The sealed package (encrypted to the agency), for staff to hand over; audited."""
    require_role(request, me, may_review, "download packages")
    settings: Settings = request.app.state.settings
    with committed(request) as db:
        package = handover.staff_copy(
            db, request_id, settings.home, me.account.actor, settings.policy
        )
    headers = {"Repr-Digest": package.repr_digest}
    return FileResponse(
        package.path,
        media_type="application/octet-stream",
        filename=package.path.name,
        headers=headers,
    )


@router.post("/console/requests/{request_id}/deliver")
def deliver(request: Request, request_id: str, me: SignedIn, form: Posted) -> Response:
    """Record that the package was handed over outside the API (the API's download does it too)."""
    require_role(request, me, may_review, "deliver packages")
    settings: Settings = request.app.state.settings
    how = str(form.get("how", "")).strip() or "by hand"
    return _act(
        request,
        request_id,
        me,
        "production",
        lambda db: handover.mark_delivered(
            db, request_id, settings.home, me.account.actor, how, settings.policy
        ),
    )


@router.post("/console/requests/{request_id}/close")
def close(
    request: Request, request_id: str, me: SignedIn, _form: Posted, marketplace: Marketplace
) -> Response:
    """Close the case; each affected user's notice is made now (held while a gag runs)."""
    require_role(request, me, may_review, "close cases")

    def work(db: sa.orm.Session) -> None:
        closing.close(db, request_id, me.account.actor, marketplace, utcnow())

    return _act(request, request_id, me, "trail", work)
