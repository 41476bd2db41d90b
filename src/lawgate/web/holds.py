"""The console's list of preservation holds, so reviewers see what is kept and until when."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lawgate.api.deps import DbSession
from lawgate.holds import services
from lawgate.web.staff import SignedIn
from lawgate.web.views import templates

router = APIRouter(include_in_schema=False)


@router.get("/console/holds", response_class=HTMLResponse)
def holds_page(request: Request, db: DbSession, me: SignedIn) -> Response:
    """Every preservation hold by request, so reviewers see what is kept and until when."""
    context = {"groups": services.list_holds(db), "me": me}
    return templates.TemplateResponse(request, "holds.html", context)
