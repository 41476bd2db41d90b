"""Console sign-in: the login page, sign-out, the `SignedIn` dependency, and the API token page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ClassVar
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError

from lawgate import credentials
from lawgate.api.status import http_status
from lawgate.auditlog import log
from lawgate.config import Settings
from lawgate.credentials import AccountLockedError, LoginRefusedError
from lawgate.errors import ForbiddenError, LawgateError, UnauthenticatedError
from lawgate.staff import accounts, demo, sessions, tokens
from lawgate.staff.roles import Role
from lawgate.staff.sessions import StaffSession as StaffSession
from lawgate.store.session import transaction
from lawgate.web.portal_pages import (
    LoginRequiredError,
    PortalRoute,
    cookie_name,
    forget_cookie,
    login_csrf,
    read_cookie,
    write_cookie,
)

LOGGER = logging.getLogger("lawgate.console")
COOKIE = "lawgate_console"
LOGIN_COOKIE = "lawgate_console_login"
LOGIN_PATH = "/console/login"
HOME = "/console"
LOGIN_COOKIE_AGE = 3600
SESSION_AGE = int(sessions.LIFETIME.total_seconds())
MAX_NEXT = 2000
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=[HERE / "templates", HERE / "templates" / "portal"])
"""The console's templates, and the portal's for the login fields both sign-in pages share."""


class ConsoleRoute(PortalRoute):
    """Console sign-in routes carry the portal's security headers; errors go to the app's pages."""

    caught: ClassVar[tuple[type[Exception], ...]] = ()


router = APIRouter(prefix=HOME, include_in_schema=False, route_class=ConsoleRoute)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a console path of this site, never another site."""
    if not value or len(value) > MAX_NEXT or not value.isprintable() or "\\" in value:
        return HOME
    parts = urlsplit(value)
    local = not parts.scheme and not parts.netloc
    console = parts.path == HOME or parts.path.startswith(HOME + "/")
    if local and console and not parts.path.startswith(LOGIN_PATH):
        return value
    return HOME


def signed_in(request: Request) -> StaffSession:
    """The staff session of the request; GETs without one are sent to sign in, others get 401."""
    with transaction(request.app.state.sessions) as db:
        found = sessions.resume(db, read_cookie(request, COOKIE))
    if found is not None:
        return found
    if request.method in ("GET", "HEAD"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = f"{LOGIN_PATH}?{urlencode({'next': here})}"
        raise LoginRequiredError("sign in to the console first", login)
    raise UnauthenticatedError("sign in to the console first: no session, or it has ended")


SignedIn = Annotated[StaffSession, Depends(signed_in)]


REFUSED_EVENT = "console:access:refused"


def _audit_refusal(request: Request, staff_session: StaffSession, refusal: ForbiddenError) -> None:
    """Log a signed-in member's refused action in its own transaction (ASVS 7.2.2).

    Only refusals of a signed-in session are logged: anonymous callers cannot grow the log.
    """
    details = {"method": request.method, "field": refusal.field or "", "reason": refusal.message}
    try:
        with transaction(request.app.state.sessions) as db:
            log.append(db, REFUSED_EVENT, staff_session.account.email, request.url.path, details)
    except (LawgateError, SQLAlchemyError):  # the refusal stands; the server log says why
        LOGGER.exception("could not log a refused console action on %s", request.url.path)


def require_role(
    request: Request, staff_session: StaffSession, predicate: Callable[[Role], bool], what: str
) -> None:
    """Refuse (and log) what the signed-in role may not do, naming the roles that may."""
    role = staff_session.account.role
    if predicate(role):
        return
    allowed = " or ".join(r.value.replace("_", " ") for r in Role if predicate(r)) or "nobody"
    refusal = ForbiddenError(
        f"only {allowed} may {what}; you are signed in as {role.value.replace('_', ' ')}", "role"
    )
    _audit_refusal(request, staff_session, refusal)
    raise refusal


def checked_form(
    request: Request, staff_session: StaffSession, form_csrf: str | None
) -> StaffSession:
    """Refuse (and log) a console form post without this session's CSRF token.

    The origin of console posts is checked by the console router itself (web.views.same_origin).
    """
    try:
        credentials.check_csrf(staff_session.csrf_token, form_csrf)
    except ForbiddenError as refusal:
        _audit_refusal(request, staff_session, refusal)
        raise
    return staff_session


def _demo_file(request: Request) -> str | None:
    """Where a demo store's accounts are listed, so a first-time user can sign in; else None."""
    with transaction(request.app.state.sessions) as db:
        if not accounts.has_demo_accounts(db):
            return None
    settings: Settings = request.app.state.settings
    return str(demo.credentials_path(settings.home))


def _login_form(
    request: Request, email: str, next_path: str, error: str | None, status: int
) -> Response:
    """The login page, with a login CSRF token held in a cookie of its own (no session yet)."""
    token = login_csrf(request, cookie_name(request, LOGIN_COOKIE))
    context = {
        "csrf_token": token,
        "email": email,
        "error": error,
        "next": next_path,
        "demo_file": _demo_file(request),
    }
    response = templates.TemplateResponse(request, "login.html", context, status_code=status)
    write_cookie(request, response, LOGIN_COOKIE, token, LOGIN_COOKIE_AGE, LOGIN_PATH, False)
    return response


@router.get("/login")
def login_page(request: Request, next_path: Annotated[str, Query(alias="next")] = HOME) -> Response:
    """Email, password and authenticator code in one form; signed-in staff go straight on."""
    with transaction(request.app.state.sessions) as db:
        if sessions.resume(db, read_cookie(request, COOKIE)) is not None:
            return RedirectResponse(safe_next(next_path), status_code=303)
    return _login_form(request, "", safe_next(next_path), None, 200)


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = HOME,
) -> Response:
    """Check the credentials; failures are counted and logged even though the login fails."""
    credentials.check_csrf(read_cookie(request, LOGIN_COOKIE), csrf_token)
    email, target = email[:320], safe_next(next_path)
    refused: LoginRefusedError | None = None
    with transaction(request.app.state.sessions) as db:
        try:
            account = accounts.authenticate(db, email, password, code)
        except LoginRefusedError as exc:
            refused = exc
        else:
            token, _ = sessions.start(db, account)
    if refused is not None:
        return _login_form(request, email, target, refused.message, http_status(refused))
    response = RedirectResponse(target, status_code=303)
    write_cookie(request, response, COOKIE, token, SESSION_AGE, "/", False)
    forget_cookie(request, response, LOGIN_COOKIE, LOGIN_PATH, False)
    return response


@router.post("/logout")
def logout(request: Request, me: SignedIn, csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session; the cookie's token opens nothing afterwards."""
    checked_form(request, me, csrf_token)
    with transaction(request.app.state.sessions) as db:
        sessions.end(db, read_cookie(request, COOKIE))
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    forget_cookie(request, response, COOKIE, "/", False)
    return response


TOKEN_PAGE = HOME + "/token"
TOKEN_REFUSED = "the password or code is wrong, or the code was already used: wait for a fresh code"


def _token_page(
    request: Request, me: StaffSession, token: str | None = None, error: LawgateError | None = None
) -> Response:
    """The token page: the token's state, and the token just issued (shown once) or a refusal."""
    with transaction(request.app.state.sessions) as db:
        status = tokens.status(db, me.account)
        names = accounts.actor_names(db)
    context = {
        "me": me,
        "status": status,
        "issuer": names.get(status.issued_by or "", status.issued_by),
        "token": token,
        "error": error.message if error else None,
    }
    code = http_status(error) if error else 200
    return templates.TemplateResponse(request, "token.html", context, status_code=code)


@router.get("/token")
def token_page(request: Request, me: SignedIn) -> Response:
    """Issue, confirm or revoke your own staff API token."""
    return _token_page(request, me)


@router.post("/token")
def issue_token(
    request: Request,
    me: SignedIn,
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Your own token, after your password and a fresh code: a console cookie alone mints none."""
    checked_form(request, me, csrf_token)
    refused: LawgateError | None = None
    with transaction(request.app.state.sessions) as db:
        try:
            token = tokens.issue_own(db, (me.account.email, password, code), sessions.origin(me))
        except AccountLockedError as exc:
            refused = exc
        except LoginRefusedError:  # counted like a failed sign-in: this transaction commits
            refused = UnauthenticatedError(TOKEN_REFUSED, "code")
    if refused is not None:
        return _token_page(request, me, error=refused)
    return _token_page(request, me, token=token)


@router.post("/token/confirm")
def confirm_token(
    request: Request,
    me: SignedIn,
    code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Confirm, with your own code, the token an admin issued you: until then it opens nothing."""
    checked_form(request, me, csrf_token)
    try:
        with transaction(request.app.state.sessions) as db:
            tokens.confirm(db, me.account.email, code)
    except LawgateError as exc:  # a wrong code's count is committed (CodeRefusedError.keeps_work)
        return _token_page(request, me, error=exc)
    return RedirectResponse(TOKEN_PAGE, status_code=303)


@router.post("/token/revoke")
def revoke_token(
    request: Request, me: SignedIn, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """Take your token away at once; revoking needs no second factor."""
    checked_form(request, me, csrf_token)
    with transaction(request.app.state.sessions) as db:
        tokens.revoke(db, me.account.email, me.account.actor)
    return RedirectResponse(TOKEN_PAGE, status_code=303)
