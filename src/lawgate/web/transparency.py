"""The public transparency pages, without sign-in: latest report, each period, its files."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from lawgate.api.deps import AppSettings
from lawgate.errors import InvalidInputError, NotFoundError
from lawgate.production.delivery import Package
from lawgate.reports import store
from lawgate.reports.model import Period
from lawgate.web.report_page import render_notice, render_report

router = APIRouter(include_in_schema=False)
BUILD = "lawgate report build --period 2026-H2"
TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
}


def _site(request: Request) -> str:
    """This server's own address, so the page's curl commands point at its log API."""
    return str(request.base_url).rstrip("/")


def _notice(status: int, title: str, message: str, command: str = "") -> HTMLResponse:
    """An error or empty page in the report's style, with the status it stands for."""
    return HTMLResponse(render_notice(title, message, command), status_code=status)


def _period(text: str) -> Period | HTMLResponse:
    """The period named in the path, or a 400 page naming what was malformed."""
    try:
        return Period.parse(text)
    except InvalidInputError as exc:
        return _notice(400, "Not a half-year", exc.message)


def _page(request: Request, settings: AppSettings, period: Period | None) -> HTMLResponse:
    """A published report (the latest when period is None) with links to every other one."""
    periods = store.published_periods(settings.home)
    if period is None and not periods:
        message = "No transparency report has been published yet. An operator publishes one with:"
        return _notice(200, "No transparency report yet", message, BUILD)
    wanted = period or periods[0]
    try:
        report, publication = store.load(settings.home, wanted)
    except NotFoundError as exc:
        return _notice(404, "No such report", exc.message)
    body = render_report(
        report,
        publication,
        files_base=f"/transparency/{wanted}/",
        site=_site(request),
        periods=periods,
    )
    return HTMLResponse(body)


@router.get("/transparency", response_class=HTMLResponse)
def latest_page(request: Request, settings: AppSettings) -> HTMLResponse:
    """The newest published report, public, so anyone can read and check it."""
    return _page(request, settings, None)


@router.get("/transparency/{period}", response_class=HTMLResponse)
def period_page(request: Request, settings: AppSettings, period: str) -> HTMLResponse:
    """One published half-year, so earlier reports stay readable and linkable."""
    parsed = _period(period)
    return parsed if isinstance(parsed, HTMLResponse) else _page(request, settings, parsed)


@router.get("/transparency/{period}/{name}")
def published_file(settings: AppSettings, period: str, name: str) -> Response:
    """A published file with its Repr-Digest, so a download can be checked against the log."""
    parsed = _period(period)
    if isinstance(parsed, HTMLResponse):
        return parsed
    if name not in store.FILES:
        listed = ", ".join(store.FILES)
        return _notice(404, "No such file", f"a report publishes only {listed}, not {name!r}")
    folder = store.period_dir(settings.home, parsed)
    path = folder / name
    if not (folder / store.PUBLICATION).is_file() or not path.is_file():
        return _notice(404, "No such file", f"{name} is not published for {parsed}")
    data = path.read_bytes()
    digest = Package(str(parsed), path, hashlib.sha256(data).hexdigest(), len(data)).repr_digest
    media = TYPES[path.suffix]
    return Response(data, media_type=media, headers={"Repr-Digest": digest})
