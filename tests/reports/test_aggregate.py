"""Generated request histories with known totals: every figure in every output must match them.

The generator picks each request's fate first (disclosed with content, non-content only, no data,
rejected, escalated, preserved, pending) and builds the facts from it, so the expected totals are
counted from the generator's choices, not by the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawgate.reports import google, outputs, store
from lawgate.reports.aggregate import Record, aggregate, percentage
from lawgate.reports.model import Band, Period, Report
from lawgate.web.report_page import render_report

NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
CHECKPOINT = "test/log\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 test/log AAAA\n"
LAST = Period(2026, 2)
COUNTRIES = ("US", "DE", "FR", "BR", "TR")
FATES = (
    "content_disclosed",
    "non_content_only",
    "no_data_found",
    "rejected_or_challenged",
    "escalated",
    "pending",
)


@dataclass(frozen=True)
class Planned:
    """One generated request and the fate it was given."""

    record: Record
    fate: str
    label: str | None


def facts(fate: str) -> dict[str, Any]:
    """Record fields that produce a fate, built without the code under test."""
    return {
        "content_disclosed": {
            "state": "delivered",
            "ruling": "approve",
            "sealed": True,
            "content_allowed": True,
        },
        "non_content_only": {"state": "closed", "ruling": "partial", "sealed": True},
        "no_data_found": {
            "state": "delivered",
            "ruling": "approve",
            "sealed": True,
            "no_data": True,
        },
        "rejected_or_challenged": {
            "state": "rejected",
            "ruling": "reject",
            "reasons": ("overbroad", "purpose_not_permitted"),
        },
        "escalated": {"state": "escalated", "ruling": "escalate"},
        "pending": {"state": "in_review", "ruling": None},
        "preserved": {"state": "approved", "ruling": "approve"},
    }[fate]


@st.composite
def planned(draw: st.DrawFn) -> Planned:
    """A request of any kind, process, country and fate, in 2025 or 2026."""
    country = draw(st.sampled_from(COUNTRIES))
    kind = draw(st.sampled_from(["production", "emergency_disclosure", "preservation"]))
    security = country == "US" and kind == "production" and draw(st.booleans())
    process = draw(
        st.sampled_from(["national_security_letter", "fisa_order"])
        if security
        else st.sampled_from(["subpoena", "search_warrant", "court_order", "letter"])
    )
    fate = draw(st.sampled_from(FATES))
    if kind == "preservation" and fate not in ("rejected_or_challenged", "pending"):
        fate = "preserved"
    day = draw(st.dates(dt.date(2025, 1, 1), dt.date(2026, 11, 29)))
    record = Record(
        received=day,
        country=country,
        kind=kind,
        process=process,
        accounts=draw(st.integers(1, 40)),
        notices_sent=draw(st.integers(0, 3)),
        notices_delayed=draw(st.integers(0, 2)),
        **facts(fate),
    )
    label = None if security else google.google_label(kind, process, country)
    return Planned(record, fate, label)


def build(history: list[Planned], band: int = 500) -> Report:
    """The report under test."""
    records = [p.record for p in history]
    return aggregate(
        records, LAST, "test", NOW, google.google_label, google.country_name, band_size=band
    )


def expected(history: list[Planned]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Totals per (period ending, country, label), counted from the generator's choices."""
    totals: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(Counter)
    for plan in history:
        if plan.label is None:
            continue
        key = (Period.of(plan.record.received).ending.isoformat(), plan.record.country, plan.label)
        totals[key]["requests"] += 1
        totals[key]["accounts"] += plan.record.accounts
        totals[key][plan.fate] += 1
        totals[key]["notices_sent"] += plan.record.notices_sent
        totals[key]["notices_delayed"] += plan.record.notices_delayed
        totals[key]["preservation"] += plan.record.kind == "preservation"
    return totals


HISTORIES = st.lists(planned(), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(HISTORIES)
def test_every_row_matches_the_known_totals_in_json_and_both_csvs(history: list[Planned]) -> None:
    """Requests, accounts, percentage and each outcome, in report.json, google.csv, extended.csv."""
    report = build(history)
    files = outputs.data_files(report)
    totals = expected(history)
    as_json = json.loads(files["report.json"])["rows"]
    google_rows = google.read_google_csv(files["google.csv"].decode("utf-8"))
    extended = list(csv.DictReader(io.StringIO(files["extended.csv"].decode("utf-8"))))
    assert len(as_json) == len(google_rows) == len(extended) == len(totals)
    for row, g_row, x_row in zip(as_json, google_rows, extended, strict=True):
        want = totals[(row["period_ending"], row["country"], row["legal_process"])]
        preservation = want["preservation"] == want["requests"]
        disclosed = want["content_disclosed"] + want["non_content_only"]
        pct = None if preservation else percentage(disclosed, want["requests"])
        assert (row["requests"], row["accounts"]) == (want["requests"], want["accounts"])
        assert row["percentage_disclosed"] == pct
        assert (g_row.requests, g_row.accounts, g_row.percentage_disclosed) == (
            want["requests"],
            want["accounts"],
            pct,
        )
        assert x_row["User Data Requests"] == str(want["requests"])
        assert x_row["Percentage disclosed"] == ("" if pct is None else str(pct))
        for fate, column in [
            ("rejected_or_challenged", "Rejected or challenged"),
            ("escalated", "Escalated"),
            ("pending", "Pending"),
        ]:
            assert row[fate] == want[fate] and x_row[column] == str(want[fate])
        if not preservation:
            assert row["content_disclosed"] == want["content_disclosed"]
            assert x_row["Non-content only"] == str(want["non_content_only"])
            assert x_row["No data found"] == str(want["no_data_found"])
        assert row["notices_sent"] == want["notices_sent"]
        assert x_row["User notices delayed"] == str(want["notices_delayed"])


@settings(max_examples=60, deadline=None)
@given(HISTORIES, st.sampled_from([500, 1000]))
def test_national_security_appears_only_as_bands(history: list[Planned], band: int) -> None:
    """NSL and FISA counts are never a row, and each half-year's band holds the exact count."""
    report = build(history, band)
    security = [p.record for p in history if p.label is None]
    for entry in report.national_security:
        counted = [r for r in security if Period.of(r.received).ending == entry.period_ending]
        assert entry.requests == Band.of(len(counted), band)
        assert entry.accounts == Band.of(sum(r.accounts for r in counted), band)
        assert (
            entry.requests.low % band == 0 and entry.requests.high == entry.requests.low + band - 1
        )
    files = outputs.data_files(report)
    for name in ("google.csv", "extended.csv"):
        text = files[name].decode("utf-8")
        assert "national_security" not in text and "fisa" not in text.lower()
    data = json.loads(files["report.json"])
    for entry in data["national_security"]:
        assert set(entry) == {"period_ending", "requests", "accounts", "band_size"}
        assert set(entry["requests"]) == {"low", "high"}
    us_requests = sum(r["requests"] for r in data["rows"] if r["country"] == "US")
    assert us_requests == sum(1 for p in history if p.record.country == "US" and p.label)


def test_rejections_are_counted_by_reason_for_the_period() -> None:
    """Each rejected request of the period counts once per reason code it cites."""
    history = [
        Planned(
            Record(
                dt.date(2026, 8, 1),
                "DE",
                "production",
                "court_order",
                1,
                **facts("rejected_or_challenged"),
            ),
            "rejected_or_challenged",
            "Other Legal Requests",
        ),
        Planned(
            Record(
                dt.date(2026, 9, 1),
                "FR",
                "production",
                "letter",
                2,
                **{**facts("rejected_or_challenged"), "reasons": ("overbroad",)},
            ),
            "rejected_or_challenged",
            "Other Legal Requests",
        ),
        Planned(
            Record(
                dt.date(2026, 3, 1),
                "FR",
                "production",
                "letter",
                2,
                **facts("rejected_or_challenged"),
            ),
            "rejected_or_challenged",
            "Other Legal Requests",
        ),
    ]
    report = build(history)
    assert report.rejections_by_reason == {"overbroad": 2, "purpose_not_permitted": 1}


def test_an_empty_history_still_reports_the_bands() -> None:
    """No requests: no rows, and the national-security band 0 to 499 for the half-year."""
    report = build([])
    assert report.rows == []
    assert [str(n.requests) for n in report.national_security] == ["0\u2013499"]


@pytest.mark.parametrize(
    ("disclosed", "requests", "shown"),
    [(1, 3, 33), (1, 2, 50), (2, 3, 67), (1, 8, 13), (0, 5, 0), (5, 5, 100)],
)
def test_percentages_round_half_up(disclosed: int, requests: int, shown: int) -> None:
    """Whole numbers, half up: 12.5 % prints 13."""
    assert percentage(disclosed, requests) == shown


def test_a_period_is_read_and_written_as_published() -> None:
    """2026-H2 ends on 31 December; bad forms are refused naming the period."""
    assert Period.parse("2026-H2").ending == dt.date(2026, 12, 31)
    assert str(Period.parse(" 2025-H1 ")) == "2025-H1"
    with pytest.raises(Exception, match="half-year"):
        Period.parse("2026-Q3")
    assert re.fullmatch(r"\d{4}-H[12]", str(Period.of(dt.date(2026, 7, 1))))


ROW_HTML = re.compile(
    r'<tr><th scope="row">([^<]*)</th><td>([A-Z]{0,2})</td><td>([^<]*)</td>'
    r'<td class="num">(.*?)</td><td class="num">(.*?)</td><td class="num">(.*?)</td>'
)
TAG = re.compile(r"<[^>]+>")


def shown(cell: str) -> int | None:
    """A page cell back to a figure: a dash is 'not reported', commas group thousands."""
    text = html.unescape(TAG.sub("", cell)).strip()
    return None if text in ("\u2014", "") else int(text.replace(",", ""))


@settings(max_examples=30, deadline=None)
@given(HISTORIES)
def test_the_page_shows_every_row_of_the_period_with_its_figures(history: list[Planned]) -> None:
    """Requests, percentage and accounts of each row of the period, as the HTML page shows them."""
    report = build(history)
    publication = store.Publication(LAST, NOW.isoformat(), {}, 7, CHECKPOINT, "test/log")
    page = render_report(report, publication)
    found = {
        (html.unescape(code), html.unescape(label)): tuple(shown(c) for c in cells)
        for _name, code, label, *cells in ROW_HTML.findall(page)
    }
    totals = expected(history)
    wanted = {
        (country, label): totals[(ending, country, label)]
        for ending, country, label in totals
        if ending == LAST.ending.isoformat()
    }
    assert set(found) == set(wanted)
    for key, want in wanted.items():
        preservation = want["preservation"] == want["requests"]
        disclosed = want["content_disclosed"] + want["non_content_only"]
        pct = None if preservation else percentage(disclosed, want["requests"])
        assert found[key] == (want["requests"], pct, want["accounts"])
