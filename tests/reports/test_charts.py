"""The SVG charts: every figure as text, blanks left out and said so, accessible, well-formed."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from lawgate.reports import charts
from lawgate.reports.model import Period, Report
from tests.reports.test_page import CURRENT, sample_report

SVG = "{http://www.w3.org/2000/svg}"
Chart = tuple[str, object]


def texts(svg: str) -> list[str]:
    """Every piece of text the chart shows or names (labels, tooltips, title, description)."""
    root = ET.fromstring(svg)
    return [t.strip() for t in root.itertext() if t.strip()]


def labels(svg: str) -> list[str]:
    """Only the visible <text> labels, in drawing order."""
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def expected_by_country() -> dict[str, int]:
    """Requests per country in the period, summed by hand from the sample (blanks skipped)."""
    totals: dict[str, int] = defaultdict(int)
    for _code, name, _process, counts in CURRENT:
        if counts[0] is not None:
            totals[name] += counts[0]
    return dict(totals)


@pytest.mark.parametrize("draw", [charts.requests_by_country, charts.outcomes_over_time])
def test_charts_are_accessible_and_scale(draw: object) -> None:
    assert callable(draw)
    svg = draw(sample_report())
    root = ET.fromstring(svg)  # well-formed: every name was escaped
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+(\.\d+)?", root.get("viewBox") or "")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert (root.find(f"{SVG}desc").text or "").strip()  # type: ignore[union-attr]
    assert "<script" not in svg and "href" not in svg


def test_requests_by_country_labels_every_country_largest_first() -> None:
    svg = charts.requests_by_country(sample_report())
    expected = expected_by_country()
    shown = labels(svg)
    for name, total in expected.items():
        assert name in shown and f"{total:,}" in shown, name
    ranked = [n for n, _ in sorted(expected.items(), key=lambda kv: -kv[1])]
    positions = [shown.index(name) for name in ranked]
    assert positions == sorted(positions)
    assert "Bosnia &amp; Herzegovina" in svg and "C\u00f4te d\u2019Ivoire" not in shown


def test_blank_figures_are_skipped_and_said_so() -> None:
    svg = charts.requests_by_country(sample_report())
    note = next(t for t in labels(svg) if "not reported" in t)
    assert "2 figures not reported (blank) left out, not counted as 0" in note
    assert "C\u00f4te d\u2019Ivoire" in note  # named as having no figure, not drawn as 0
    assert "C\u00f4te d\u2019Ivoire: 0" not in svg


def test_outcomes_over_time_shows_every_figure_and_legend() -> None:
    report = sample_report()
    svg = charts.outcomes_over_time(report)
    shown = texts(svg)
    for period, sums in charts.outcome_totals(report):
        assert str(period) in labels(svg)
        assert f"{sum(sums.values()):,}" in labels(svg)
        for series in charts.OUTCOMES:
            if sums.get(series.field):
                assert f"{period}, {series.label}: {sums[series.field]:,}" in shown
    for series in charts.OUTCOMES:
        assert series.label in labels(svg)
    h2_pending = sum(c[9] or 0 for _, _, _, c in CURRENT if len(c) > 9)
    assert dict(charts.outcome_totals(report))[Period(2026, 2)]["pending"] == h2_pending


def test_empty_report_says_no_requests() -> None:
    empty = dataclasses.replace(sample_report(), rows=[], national_security=[])
    for draw in (charts.requests_by_country, charts.outcomes_over_time):
        svg = draw(empty)
        assert charts.EMPTY in labels(svg)
        assert ET.fromstring(svg).get("role") == "img"


def test_only_blank_figures_say_not_reported_not_none() -> None:
    report = sample_report()
    blank = [dataclasses.replace(r, requests=None) for r in report.rows]
    svg = charts.requests_by_country(dataclasses.replace(report, rows=blank))
    assert charts.UNREPORTED in labels(svg) and charts.EMPTY not in svg


def test_all_text_escaped() -> None:
    report: Report = sample_report()
    odd = dataclasses.replace(
        report.rows[-1], country="ZZ", country_name='<b>"Evil" & Co</b>', requests=5
    )
    svg = charts.requests_by_country(dataclasses.replace(report, rows=[*report.rows, odd]))
    assert "<b>" not in svg
    assert '<b>"Evil" & Co</b>' in labels(svg)


def test_outcomes_all_blank_say_not_reported() -> None:
    report = sample_report()
    nothing = dict.fromkeys((s.field for s in charts.OUTCOMES), None)
    blank = [dataclasses.replace(r, **nothing) for r in report.rows]  # type: ignore[arg-type]
    svg = charts.outcomes_over_time(dataclasses.replace(report, rows=blank))
    assert charts.UNREPORTED in labels(svg) and charts.EMPTY not in svg
