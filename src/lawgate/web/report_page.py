"""The transparency report as one standalone HTML page: served at /transparency, saved to disk.

No FastAPI here and no external requests: the publisher writes the same page next to the files,
and it must read the same when opened from disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from lawgate.reports import charts
from lawgate.reports.google import EMERGENCY, PRESERVATION
from lawgate.reports.model import (
    GOOGLE_COLUMNS,
    OUTCOME_COLUMNS,
    OUTCOME_FIELDS,
    Period,
    Report,
    Row,
)
from lawgate.reports.store import FILES, Publication

TEMPLATES = Path(__file__).parent / "templates" / "reports"
APART = (EMERGENCY, PRESERVATION)
"""Legal processes shown in their own table: they are not ordinary compulsory process."""
NOT_REPORTED = Markup('<span class="blank" title="not reported">\u2014</span>')
HEADLINES = (
    ("requests", "User data requests"),
    ("accounts", "Accounts specified"),
    *zip(OUTCOME_FIELDS, OUTCOME_COLUMNS, strict=True),
)
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True)


def figure(value: int | None) -> Markup | str:
    """A figure for a table cell: blank is 'not reported', shown as a dash, never as 0."""
    return NOT_REPORTED if value is None else charts.number(value)


_ENV.filters["fig"] = figure


@dataclass(frozen=True)
class Headline:
    """One total for the period, None when no row reported it."""

    label: str
    value: int | None


@dataclass(frozen=True)
class Download:
    """A published file: where to fetch it and the SHA-256 recorded in the audit log."""

    name: str
    href: str
    sha256: str


@dataclass(frozen=True)
class Check:
    """What a reader needs to check the report against the audit log."""

    index: int
    size: int | None
    root: str | None
    site: str


def total(rows: Iterable[Row], field: str) -> int | None:
    """The sum of a field over rows, skipping blanks; None if every row left it blank."""
    values = [v for v in (getattr(r, field) for r in rows) if v is not None]
    return sum(values) if values else None


def headlines(rows: Sequence[Row]) -> list[Headline]:
    """The period's totals over every country and legal process."""
    return [Headline(label, total(rows, name)) for name, label in HEADLINES]


def checkpoint_tree(text: str) -> tuple[int | None, str | None]:
    """The tree size and root hash of a C2SP checkpoint (lines 2 and 3), if it reads as one."""
    lines = text.splitlines()
    size = int(lines[1]) if len(lines) > 2 and lines[1].isdigit() else None
    return size, (lines[2] if size is not None else None)


def site_of(publication: Publication) -> str:
    """Where the log API lives by default: the host part of the log's origin, over HTTPS."""
    return "https://" + publication.log_origin.split("/", 1)[0]


def downloads(publication: Publication, files_base: str) -> list[Download]:
    """The published data files with their digests, in the order store.FILES lists them."""
    return [
        Download(name, files_base + name, publication.sha256[name])
        for name in FILES
        if name in publication.sha256
    ]


def _sorted(rows: Iterable[Row]) -> list[Row]:
    """Rows by country name, then legal process, as readers scan a table."""
    return sorted(rows, key=lambda r: (r.country_name, r.legal_process))


def render_report(
    report: Report,
    publication: Publication,
    *,
    files_base: str = "",
    site: str = "",
    periods: Sequence[Period] = (),
) -> str:
    """The whole page; files_base prefixes download links, site the log API in the commands."""
    rows = charts.in_period(report)
    size, root = checkpoint_tree(publication.checkpoint)
    context = {
        "report": report,
        "publication": publication,
        "headlines": headlines(rows),
        "by_country": Markup(charts.requests_by_country(report)),
        "over_time": Markup(charts.outcomes_over_time(report)),
        "columns": (*GOOGLE_COLUMNS[1:], *OUTCOME_COLUMNS),
        "fields": OUTCOME_FIELDS,
        "ordinary": _sorted(r for r in rows if r.legal_process not in APART),
        "apart": _sorted(r for r in rows if r.legal_process in APART),
        "national": sorted(report.national_security, key=lambda n: n.period_ending),
        "rejections": sorted(report.rejections_by_reason.items(), key=lambda kv: (-kv[1], kv[0])),
        "downloads": downloads(publication, files_base),
        "check": Check(publication.audit_index, size, root, site or site_of(publication)),
        "periods": periods,
        "site_links": bool(files_base),
    }
    return _ENV.get_template("transparency.html").render(context)


def render_notice(title: str, message: str, command: str = "") -> str:
    """A page in the report's style saying why there is no report to show (and what to run)."""
    context = {"notice": {"title": title, "message": message, "command": command}}
    return _ENV.get_template("transparency.html").render(context)
