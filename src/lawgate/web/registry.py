"""Console pages for the agency registry: who may ask, with which keys, through which officers.

Onboarding an agency and adding keys or officers stay on the CLI (they involve key files and a
TOTP secret shown once); the console shows the registry and does the two urgent things staff
must be able to do at once from the browser: revoke a key and unlock an officer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lawgate.api.deps import DbSession
from lawgate.intake import keys
from lawgate.intake import services as intake
from lawgate.portal import accounts
from lawgate.staff.roles import may_administer
from lawgate.store.base import utcnow
from lawgate.web.staff import SignedIn, checked_form, require_role
from lawgate.web.views import committed, same_origin, templates

router = APIRouter(include_in_schema=False)


@router.get("/console/agencies", response_class=HTMLResponse)
def registry(request: Request, db: DbSession, me: SignedIn) -> Response:
    """Every agency with its domains, call-back number, API keys and officer accounts."""
    agencies = intake.list_agencies(db)
    context = {
        "agencies": agencies,
        "keys": {a.id: keys.list_keys(db, a.id) for a in agencies},
        "officers": {a.id: accounts.list_officers(db, a.id) for a in agencies},
        "now": utcnow(),
        "me": me,
    }
    return templates.TemplateResponse(request, "registry.html", context)


@router.post("/console/agencies/keys/{key_id}/revoke", dependencies=[Depends(same_origin)])
def revoke(
    request: Request, key_id: str, me: SignedIn, csrf_token: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Revoke an API key now: any staff member may stop a stolen key at once; audited."""
    checked_form(request, me, csrf_token)
    with committed(request) as db:
        revoked = keys.revoke_key(db, key_id, me.account.actor)
    return RedirectResponse(f"/console/agencies#{revoked.agency_id}", status_code=303)


@router.post("/console/officers/unlock", dependencies=[Depends(same_origin)])
def unlock(
    request: Request,
    me: SignedIn,
    email: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """End an officer's lockout (admins, after confirming who the officer is); audited."""
    checked_form(request, me, csrf_token)
    require_role(request, me, may_administer, "unlock officers")
    with committed(request) as db:
        officer = accounts.unlock(db, email, me.account.actor)
    return RedirectResponse(f"/console/agencies#{officer.agency_id}", status_code=303)
