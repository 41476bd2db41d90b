"""Console page listing user notices: where each stands, never to whom it goes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lawgate.api.deps import DbSession
from lawgate.notices import services
from lawgate.web.staff import SignedIn
from lawgate.web.views import templates

router = APIRouter(include_in_schema=False)


@router.get("/console/notices", response_class=HTMLResponse)
def notices_page(request: Request, db: DbSession, me: SignedIn) -> Response:
    """Every notice with its status, so staff see what is held, sent or failing."""
    rows = services.list_notices(db)
    undated = sum(1 for r in rows if r.status == "delayed" and r.delayed_until is None)
    context = {"rows": rows, "undated": undated, "me": me}
    return templates.TemplateResponse(request, "notices.html", context)
