"""SVG charts of a transparency report: plain markup with text labels, readable without JS.

Blank figures mean "not reported": they are left out of every sum and the chart says so, never
drawn as zero. Every label is escaped (country names such as "Côte d'Ivoire").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from lawgate.reports.model import Period, Report, Row

WIDTH = 720
EMPTY = "no requests in this period"
UNREPORTED = "requests not reported for this period"
BAR = "#1d4f7a"
"""Dark blue: 8.9:1 against white, so bars and the white numbers inside them stay legible."""
INK = "#1a1a1a"
MUTED = "#4a4a4a"
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\""


@dataclass(frozen=True)
class Series:
    """One outcome stacked in the time chart: the Row field, its label and a contrasting colour."""

    field: str
    label: str
    colour: str


OUTCOMES = (
    Series("content_disclosed", "Content disclosed", "#1d4f7a"),
    Series("non_content_only", "Non-content only", "#2e7bb4"),
    Series("no_data_found", "No data found", "#5c6570"),
    Series("rejected_or_challenged", "Rejected or challenged", "#a1281c"),
    Series("escalated", "Escalated", "#9a4a06"),
    Series("preserved", "Preserved", "#2f6b3a"),
    Series("pending", "Pending", "#6b3fa0"),
)
"""Each colour has at least 4.5:1 contrast with white (the text drawn on it and the page)."""


def number(value: int) -> str:
    """Figures as the tables print them: 12,345."""
    return f"{value:,}"


def _text(x: float, y: float, body: str, attrs: str = "") -> str:
    """An escaped text label."""
    return f'<text x="{x:g}" y="{y:g}" {attrs}>{escape(body)}</text>'


def _svg(name: str, title: str, desc: str, height: float, body: Iterable[str]) -> str:
    """The accessible frame every chart shares: role, title, desc and a viewBox to scale."""
    ident = f"chart-{name}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" role="img" '
        f'viewBox="0 0 {WIDTH} {height:g}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" {FONT} font-size="13" fill="{INK}">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{height:g}" fill="#ffffff"/>'
    )
    return head + "".join(body) + "</svg>"


def _empty(name: str, title: str, says: str = EMPTY) -> str:
    """A chart that says there is nothing to draw, rather than drawing nothing."""
    message = _text(WIDTH / 2, 50, says, f'text-anchor="middle" fill="{MUTED}" font-size="15"')
    return _svg(name, title, f"{title}: {says}.", 90, [message])


def in_period(report: Report) -> list[Row]:
    """The rows of the report's own half-year (the report also carries earlier ones)."""
    return [r for r in report.rows if r.period_ending == report.period.ending]


def country_totals(rows: Iterable[Row]) -> tuple[list[tuple[str, int]], list[str]]:
    """Requests per country, largest first, and the countries whose figures were all blank."""
    totals: dict[str, int] = {}
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(row.country, row.country_name)
        if row.requests is not None:
            totals[row.country] = totals.get(row.country, 0) + row.requests
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], seen[kv[0]]))
    blank = sorted(seen[c] for c in seen if c not in totals)
    return [(seen[c], n) for c, n in ranked], blank


def _blank_note(rows: list[Row], blank_countries: list[str]) -> str:
    """The sentence saying which figures were not reported and left out (not counted as 0)."""
    count = sum(1 for r in rows if r.requests is None)
    if not count:
        return ""
    note = (
        f"{count} figure{'s' if count != 1 else ''} not reported (blank) left out, not counted as 0"
    )
    return note + (
        f"; no figure at all for {', '.join(blank_countries)}." if blank_countries else "."
    )


def requests_by_country(report: Report) -> str:
    """Bars of requests per country in the period, so the largest requesters stand out."""
    title = f"Requests by country, {report.period}"
    rows = in_period(report)
    ranked, blank = country_totals(rows)
    if not ranked:
        return _empty("by-country", title, UNREPORTED if blank else EMPTY)
    if not sum(n for _, n in ranked):
        return _empty("by-country", title)
    note = _blank_note(rows, blank)
    label_w, top, step, bar_h = 190, 34, 30, 22
    scale = (WIDTH - label_w - 90) / max(n for _, n in ranked)
    heading = f"User data requests, {report.period} (all legal processes)"
    body = [_text(0, 20, heading, 'font-weight="600"')]
    for i, (name, value) in enumerate(ranked):
        y = top + i * step
        width = max(value * scale, 1.0)
        body.append(_text(label_w - 8, y + 16, name, 'text-anchor="end"'))
        body.append(
            f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{BAR}">'
            f"<title>{escape(name)}: {number(value)}</title></rect>"
        )
        body.append(_text(label_w + width + 6, y + 16, number(value), 'font-weight="600"'))
    height = top + len(ranked) * step + (28 if note else 8)
    if note:
        body.append(_text(0, height - 10, note, f'fill="{MUTED}" font-size="12"'))
    listed = "; ".join(f"{name} {number(value)}" for name, value in ranked)
    desc = f"Requests per country in {report.period}, largest first: {listed}. {note}".strip()
    return _svg("by-country", title, desc, height, body)


def outcome_totals(report: Report) -> list[tuple[Period, dict[str, int]]]:
    """Per half-year, the sum of each outcome over every country (blanks left out)."""
    by_period: dict[Period, dict[str, int]] = {}
    for row in report.rows:
        sums = by_period.setdefault(Period.of(row.period_ending), {})
        for series in OUTCOMES:
            value = getattr(row, series.field)
            if value is not None:
                sums[series.field] = sums.get(series.field, 0) + value
    return sorted(by_period.items())


def _legend(y: float) -> list[str]:
    """A swatch and a label per outcome, in stacking order."""
    parts = []
    for i, series in enumerate(OUTCOMES):
        x, row_y = (i % 3) * 220, y + (i // 3) * 22
        parts.append(f'<rect x="{x}" y="{row_y:g}" width="14" height="14" fill="{series.colour}"/>')
        parts.append(_text(x + 20, row_y + 12, series.label))
    return parts


def _stack(
    x: float, bar_w: float, base: float, scale: float, label: str, sums: dict[str, int]
) -> list[str]:
    """One half-year's bar: outcomes stacked bottom-up, each with its figure, total on top."""
    parts, y = [], base
    for series in OUTCOMES:
        value = sums.get(series.field)
        if not value:
            continue
        h = value * scale
        y -= h
        tip = f"{label}, {series.label}: {number(value)}"
        parts.append(
            f'<rect x="{x:g}" y="{y:.1f}" width="{bar_w:g}" height="{h:.1f}" '
            f'fill="{series.colour}" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if h >= 15:
            attrs = 'text-anchor="middle" fill="#ffffff" font-size="11"'
            parts.append(_text(x + bar_w / 2, y + h / 2 + 4, number(value), attrs))
    total = sum(sums.values())
    parts.append(
        _text(x + bar_w / 2, y - 6, number(total), 'text-anchor="middle" font-weight="600"')
    )
    parts.append(_text(x + bar_w / 2, base + 18, label, 'text-anchor="middle"'))
    return parts


def outcomes_over_time(report: Report) -> str:
    """Stacked bars of outcomes per half-year, so a trend in refusals or disclosures shows."""
    title = f"Outcomes of requests per half-year, up to {report.period}"
    periods = outcome_totals(report)
    if not any(sums for _, sums in periods):
        return _empty("outcomes", title, UNREPORTED if report.rows else EMPTY)
    if not any(sum(sums.values()) for _, sums in periods):
        return _empty("outcomes", title)
    top, plot_h = 110, 260
    slot = min(150.0, (WIDTH - 60) / len(periods))
    left = 50 + ((WIDTH - 60) - slot * len(periods)) / 2
    peak = max(sum(s.values()) for _, s in periods)
    scale = plot_h / peak
    base = top + plot_h
    body = [_text(0, 20, "Outcomes per half-year (all countries)", 'font-weight="600"')]
    body.extend(_legend(32))
    body.append(f'<line x1="40" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{MUTED}"/>')
    for i, (period, sums) in enumerate(periods):
        body.extend(
            _stack(left + i * slot + slot * 0.2, slot * 0.6, base, scale, str(period), sums)
        )
    described = "; ".join(
        f"{period}: "
        + ", ".join(f"{s.label} {number(sums[s.field])}" for s in OUTCOMES if s.field in sums)
        for period, sums in periods
    )
    desc = f"Outcomes per half-year; blank figures are not reported and left out. {described}."
    return _svg("outcomes", title, desc, base + 34, body)
