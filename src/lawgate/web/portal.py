"""Portal pages: sign in, list the agency's requests, file one with its PDF, and follow it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData, UploadFile

from lawgate import domain
from lawgate.api.status import FaceStatus, http_headers, http_status
from lawgate.config import Settings
from lawgate.domain import Agency
from lawgate.errors import InvalidInputError, LawgateError, NotFoundError, RateLimitedError
from lawgate.intake import ratelimit
from lawgate.intake import services as intake
from lawgate.lifecycle import portal as submission
from lawgate.portal import accounts, documents, forms, sessions
from lawgate.portal.documents import Document
from lawgate.portal.sessions import CSRF_FIELD, PortalSession
from lawgate.store.base import utcnow
from lawgate.store.session import transaction
from lawgate.web.portal_pages import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    STATIC,
    LoginRequiredError,
    PortalRoute,
    cookie_name,
    forget_cookie,
    login_csrf,
    read_cookie,
    render,
    write_cookie,
)

router = APIRouter(prefix="/portal", include_in_schema=False, route_class=PortalRoute)
MAX_BODY = documents.MAX_BYTES + 512 * 1024
"""The largest form post read at all: the PDF limit plus room for the other fields."""
STATIC_TYPES = {"portal.css": "text/css", "portal.js": "text/javascript"}
LOGIN_COOKIE_AGE = 3600
SESSION_AGE = int(sessions.LIFETIME.total_seconds())
CHOICES: dict[str, list[str]] = {
    "kind": [k.value for k in domain.RequestKind],
    "purpose": [p.value for p in domain.Purpose],
    "listed_offence": [o.value for o in domain.ListedOffence],
    "process_type": [t.value for t in domain.LegalProcessType],
    "issuer_role": [r.value for r in domain.IssuerRole],
    "harm": [h.value for h in domain.Harm],
    "category": [c.value for c in domain.Category],
    "target_type": [t.value for t in domain.TargetType],
}


class PayloadTooLargeError(FaceStatus, InvalidInputError):
    """A post bigger than any acceptable form: refused before it is read."""

    http_status = 413


@contextmanager
def unit(request: Request) -> Iterator[Session]:
    """One transaction, committed before the answer leaves, so a redirect never outruns it."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with transaction(factory) as db:
        yield db


async def read_form(request: Request) -> FormData:
    """The posted form, refusing oversized posts before reading them."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        limit = documents.MAX_BYTES // (1024 * 1024)
        raise PayloadTooLargeError(
            f"the upload is too large: the legal-process PDF may have at most {limit} MB",
            documents.FIELD,
        )
    return await request.form(max_files=1, max_fields=64, max_part_size=64 * 1024)


PostedForm = Annotated[FormData, Depends(read_form)]


def text(form: FormData, name: str) -> str:
    """A text field of the form; blank when absent or a file."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def signed_in(db: Session, request: Request) -> PortalSession:
    """The officer's session, or a redirect to the login page."""
    found = sessions.resume(db, read_cookie(request, SESSION_COOKIE))
    if found is None:
        raise LoginRequiredError("sign in to the portal first")
    return found


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The portal's stylesheet and script."""
    if name not in STATIC_TYPES:
        raise NotFoundError(f"no portal file named {name!r}", "name")
    headers = {"Cache-Control": "public, max-age=3600"}
    return FileResponse(STATIC / name, media_type=STATIC_TYPES[name], headers=headers)


def _login_form(request: Request, email: str, error: str | None, status: int) -> Response:
    """The login page, with a login CSRF token held in a cookie of its own (no session yet)."""
    token = login_csrf(request, cookie_name(request, LOGIN_COOKIE))
    context = {"csrf_token": token, "email": email, "error": error}
    response = render(request, "login.html", context, status)
    write_cookie(request, response, LOGIN_COOKIE, token, LOGIN_COOKIE_AGE, "/portal/login")
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    """Email, password and authenticator code in one form."""
    with unit(request) as db:
        if sessions.resume(db, read_cookie(request, SESSION_COOKIE)) is not None:
            return RedirectResponse("/portal", status_code=303)
    return _login_form(request, "", None, 200)


@router.post("/login")
def login(request: Request, form: PostedForm) -> Response:
    """Check the credentials; failures are counted and logged even though the login fails."""
    sessions.check_csrf(read_cookie(request, LOGIN_COOKIE), text(form, CSRF_FIELD))
    email = text(form, "email")[:320]
    with unit(request) as db:
        try:
            officer = accounts.authenticate(db, email, text(form, "password"), text(form, "code"))
        except accounts.LoginRefusedError as exc:
            refused: accounts.LoginRefusedError | None = exc
        else:
            refused = None
            token, _ = sessions.start(db, officer)
    if refused is not None:
        return _login_form(request, email, refused.message, http_status(refused))
    response = RedirectResponse("/portal", status_code=303)
    write_cookie(request, response, SESSION_COOKIE, token, SESSION_AGE, "/portal")
    forget_cookie(request, response, LOGIN_COOKIE, "/portal/login")
    return response


@router.post("/logout")
def logout(request: Request, form: PostedForm) -> Response:
    """End the session; the cookie's token opens nothing afterwards."""
    with unit(request) as db:
        current = signed_in(db, request)
        sessions.check_csrf(current.csrf_token, text(form, CSRF_FIELD))
        sessions.end(db, read_cookie(request, SESSION_COOKIE))
    response = RedirectResponse("/portal/login", status_code=303)
    forget_cookie(request, response, SESSION_COOKIE, "/portal")
    return response


@router.get("")
def home(request: Request) -> Response:
    """The requests of the officer's agency, open ones first by deadline."""
    with unit(request) as db:
        current = signed_in(db, request)
        agency = intake.get_agency(db, current.account.agency_id)
        rows = submission.agency_requests(db, agency.id)
    context = {"me": current, "agency": agency, "rows": rows, "now": utcnow()}
    return render(request, "home.html", context)


def _request_form(
    request: Request,
    current: PortalSession,
    agency: Agency,
    entered: forms.Entered,
    errors: dict[str, list[str]],
    status: int,
) -> Response:
    """The new-request form, filled with what was entered and the errors next to their inputs."""
    context: dict[str, Any] = {
        "me": current,
        "agency": agency,
        "form": entered,
        "errors": errors,
        "choices": CHOICES,
        "max_mb": documents.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "new_request.html", context, status)


@router.get("/requests/new")
def new_request(request: Request) -> Response:
    """A blank request form for the officer's agency."""
    with unit(request) as db:
        current = signed_in(db, request)
        agency = intake.get_agency(db, current.account.agency_id)
    return _request_form(request, current, agency, forms.blank_form(), {}, 200)


def _document(
    form: FormData, entered: forms.Entered, problems: forms.InvalidFormError
) -> Document | None:
    """The uploaded PDF, hashed; required unless the legal process is 'none'."""
    upload = form.get(documents.FIELD)
    document = None
    if isinstance(upload, UploadFile):
        try:
            document = documents.read_pdf(upload.filename, upload.file)
        except documents.DocumentRejectedError as exc:
            problems.add(documents.FIELD, exc.message)
            return None
    if document is None and entered.get("legal_process.type") not in ("", "none"):
        problems.add(
            documents.FIELD, "attach the legal process as a PDF (needed unless its type is 'none')"
        )
    return document


def _file(
    db: Session,
    settings: Settings,
    current: PortalSession,
    agency: Agency,
    entered: forms.Entered,
    form: FormData,
) -> str:
    """Validate the form and the PDF, then store the request; InvalidFormError says what is off."""
    problems = forms.InvalidFormError()
    document = _document(form, entered, problems)
    parsed = forms.validate(entered, current.account, agency, document, problems)
    try:
        return submission.file_request(db, parsed, agency, current.account, document, settings)
    except LawgateError as exc:
        problems.add(forms.input_for(exc.field or "", [])[0], exc.message)
        problems.status = http_status(exc)
        raise problems from exc


def _record_rate_limit(request: Request, refused: RateLimitedError) -> None:
    """Log a rate-limit refusal; the filing's own transaction was rolled back with the request."""
    with unit(request) as db:
        ratelimit.record_refusal(db, refused, utcnow())


@router.post("/requests/new")
def submit(request: Request, form: PostedForm) -> Response:
    """File the request; on any error show the form again with the entered values kept."""
    with unit(request) as db:
        current = signed_in(db, request)
        sessions.check_csrf(current.csrf_token, text(form, CSRF_FIELD))
        agency = intake.get_agency(db, current.account.agency_id)
    values = {name: text(form, name) for name in forms.TEXT_FIELDS}
    categories = [c for c in form.getlist("categories") if isinstance(c, str)]
    entered = forms.entered(values, categories)
    settings: Settings = request.app.state.settings
    try:
        with unit(request) as db:
            request_id = _file(db, settings, current, agency, entered, form)
    except forms.InvalidFormError as problems:
        response = _request_form(
            request, current, agency, entered, problems.by_field, problems.status
        )
        if isinstance(problems.__cause__, LawgateError):
            response.headers.update(http_headers(problems.__cause__))
        if isinstance(problems.__cause__, RateLimitedError):
            _record_rate_limit(request, problems.__cause__)
        return response
    return RedirectResponse(f"/portal/requests/{request_id}", status_code=303)


@router.get("/requests/{request_id}")
def request_status(request: Request, request_id: str) -> Response:
    """One request of the agency: its state, deadline, decision and the document received."""
    with unit(request) as db:
        current = signed_in(db, request)
        shown = submission.status_for(db, request_id, current.account.agency_id)
        agency = intake.get_agency(db, current.account.agency_id)
    context = {"me": current, "agency": agency, "shown": shown, "now": utcnow()}
    return render(request, "status.html", context)


@router.get("/{unknown:path}")
def not_found(unknown: str) -> Response:
    """Any other portal address: a readable page, not the API's JSON."""
    if not unknown:
        return RedirectResponse("/portal", status_code=307)
    raise NotFoundError(f"the portal has no page /portal/{unknown}", "path")
