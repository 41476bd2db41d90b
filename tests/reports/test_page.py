"""The /transparency page: every figure, blanks as dashes, bands only, and how to check it."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from lawgate.config import Settings
from lawgate.reports import store
from lawgate.reports.model import OUTCOME_FIELDS, Band, NationalSecurity, Period, Report, Row
from lawgate.web.report_page import headlines, render_report

PERIOD = Period(2026, 2)
NS_EXACT = (4321, 7777)
"""Exact national-security counts the test banded: they must never reach the page."""
AUDIT_INDEX = 1187
TREE_SIZE = 1532
CHECKPOINT = (
    "lawgate.localhost/audit-log\n"
    f"{TREE_SIZE}\n"
    "ZAx6r0/3pCC2s2G3F2f1YxU3c0xkRjQ7pRgEMeO3Jxk=\n"
    "\n"
    "\u2014 lawgate.localhost/audit-log 3n2cKXZ2Z8Vt1gqP0Yb2m5c4X1rZf2yYwQ==\n"
)
Counts = tuple[int | None, ...]


def row(period: Period, code: str, name: str, process: str, counts: Counts) -> Row:
    """A row from (requests, percentage, accounts, then the outcome columns in order)."""
    requests, percent, accounts, *outcomes = counts
    values = dict(zip(OUTCOME_FIELDS, outcomes, strict=False))
    return Row(period.ending, name, code, process, requests, percent, accounts, **values)


CURRENT: list[tuple[str, str, str, Counts]] = [
    # requests, %, accounts, content, non-content, none, rejected, escalated, preserved, pending,
    # notices sent, notices delayed
    (
        "US",
        "United States",
        "Search Warrants",
        (412, 81, 530, 251, 83, 22, 41, 5, None, 10, 97, 60),
    ),
    ("US", "United States", "Subpoenas", (638, 74, 702, 0, 472, 31, 103, 2, None, 30, 201, 88)),
    (
        "US",
        "United States",
        "Emergency Disclosure Requests",
        (57, 65, 61, 21, 16, 3, 12, 0, None, 5),
    ),
    ("US", "United States", "Preservation Requests", (143, None, 188, 0, 0, 0, 9, 0, 121, 13)),
    ("DE", "Germany", "Other Legal Requests", (231, 58, 260, 49, 85, 19, 61, 3, None, 14, 40, 12)),
    ("FR", "France", "Other Legal Requests", (198, 52, 220, 33, 70, 14, 58, 4, None, 19, 22, 9)),
    ("GB", "United Kingdom", "Other Court Orders", (None, None, None)),
    ("GB", "United Kingdom", "Other Legal Requests", (87, 61, 95, 12, 41, 7, 21, 1, None, 5)),
    ("BR", "Brazil", "Other Court Orders", (164, 47, 203, 40, 37, 11, 66, 2, None, 8, 0, 31)),
    ("IN", "India", "Other Legal Requests", (305, 39, None, 18, 101, 29, 137, 6, None, 14)),
    ("TR", "T\u00fcrkiye", "Other Legal Requests", (76, 18, 90, 2, 12, 3, 52, 1, None, 6)),
    ("CI", "C\u00f4te d\u2019Ivoire", "Other Legal Requests", (None, None, None)),
    ("BA", "Bosnia & Herzegovina", "Other Legal Requests", (9, 33, 9, 1, 2, 0, 6, 0, None, 0)),
]
EARLIER: list[tuple[Period, str, str, str, Counts]] = [
    (
        Period(2025, 2),
        "US",
        "United States",
        "Subpoenas",
        (702, 70, 801, 0, 480, 40, 150, 2, None, 30),
    ),
    (
        Period(2025, 2),
        "DE",
        "Germany",
        "Other Legal Requests",
        (190, 55, 201, 41, 60, 20, 64, 5, None, 0),
    ),
    (
        Period(2026, 1),
        "US",
        "United States",
        "Subpoenas",
        (655, 72, 720, 0, 461, 35, 121, 3, None, 35),
    ),
    (
        Period(2026, 1),
        "FR",
        "France",
        "Other Legal Requests",
        (211, 50, 230, 30, 75, 16, 70, 4, None, 16),
    ),
    (
        Period(2026, 1),
        "TR",
        "T\u00fcrkiye",
        "Other Legal Requests",
        (88, 16, 99, 3, 11, 5, 60, 2, None, 7),
    ),
]


def sample_report() -> Report:
    """A realistic report: seven countries and more, three half-years, blanks and a band."""
    rows = [row(p, c, n, lp, v) for p, c, n, lp, v in EARLIER]
    rows += [row(PERIOD, c, n, lp, v) for c, n, lp, v in CURRENT]
    national = [
        NationalSecurity(PERIOD.ending, Band.of(NS_EXACT[0], 500), Band.of(NS_EXACT[1], 1000), 500)
    ]
    reasons = {"no-crime-or-terror-nexus": 211, "overbroad": 97, "no-valid-legal-process": 64}
    generated = dt.datetime(2027, 1, 6, 9, 30, tzinfo=dt.UTC)
    return Report(PERIOD, "Example Marketplace", generated, rows, national, reasons)


def publish_sample(home: Path, report: Report | None = None) -> tuple[Report, store.Publication]:
    """Write a report as the publisher does: files, report.json and publication.json."""
    report = report or sample_report()
    folder = store.period_dir(home, report.period)
    folder.mkdir(parents=True)
    outputs = {
        "google.csv": "Period Ending,Country/Region\n2026-12-31,T\u00fcrkiye\n",
        "extended.csv": "Period Ending,Country/Region,Pending\n2026-12-31,T\u00fcrkiye,6\n",
        store.REPORT_JSON: json.dumps(report.to_json(), ensure_ascii=False, indent=2),
    }
    digests = {}
    for name, text in outputs.items():
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    publication = store.Publication(
        report.period, "2027-01-06T09:31:00+00:00", digests, AUDIT_INDEX, CHECKPOINT,
        "lawgate.localhost/audit-log",
    )  # fmt: skip
    (folder / "report.html").write_text(render_report(report, publication), encoding="utf-8")
    (folder / store.PUBLICATION).write_text(json.dumps(publication.to_json()), encoding="utf-8")
    return report, publication


def shown_blanks(report: Report) -> int:
    """How many dashes the page must show: blank cells of the period's rows and blank totals."""
    rows = [r for r in report.rows if r.period_ending == report.period.ending]
    names = ("requests", "percentage_disclosed", "accounts", *OUTCOME_FIELDS)
    cells = sum(1 for r in rows for n in names if getattr(r, n) is None)
    return cells + sum(1 for h in headlines(rows) if h.value is None)


def test_page_shows_every_row_and_blank_as_not_reported() -> None:
    report = sample_report()
    page = render_report(report, _publication())
    assert page.count('title="not reported">\u2014</span>') == shown_blanks(report)
    for code, name, process, counts in CURRENT:
        assert f"<td>{code}</td><td>{process}</td>" in page
        assert name.replace("&", "&amp;") in page
        for value in counts:
            assert value is None or f">{value:,}<" in page
    assert "Bosnia &amp; Herzegovina" in page and "Bosnia & Herzegovina" not in page


def test_emergency_and_preservation_rows_are_apart() -> None:
    page = render_report(sample_report(), _publication())
    ordinary, apart = page.split('id="apart-h"', 1)
    assert "Preservation Requests" in apart.split('id="national-security"')[0]
    assert "Emergency Disclosure Requests" not in ordinary.split('id="requests-h"')[1]


def test_national_security_only_in_bands() -> None:
    page = render_report(sample_report(), _publication())
    for exact in NS_EXACT:
        assert str(exact) not in page and f"{exact:,}" not in page
    assert "4000\u20134499" in page and "7000\u20137999" in page
    assert "50 U.S.C. \u00a71874" in page
    assert '<td class="num">500</td>' in page


def test_check_section_names_files_entry_checkpoint_and_commands() -> None:
    report, publication = sample_report(), _publication()
    page = render_report(report, publication, site="https://lawgate.example")
    assert f'<pre id="checkpoint">{CHECKPOINT}</pre>' in page
    for name, digest in publication.sha256.items():
        assert f'href="{name}"' in page and digest in page
    assert "sha256sum google.csv extended.csv report.json" in page
    proof = f"https://lawgate.example/log/proof/inclusion?index={AUDIT_INDEX}&amp;size={TREE_SIZE}"
    assert proof in page
    assert f"lawgate audit proof {AUDIT_INDEX} --size {TREE_SIZE}" in page
    assert "ZAx6r0/3pCC2s2G3F2f1YxU3c0xkRjQ7pRgEMeO3Jxk=" in page


def test_page_is_standalone() -> None:
    page = render_report(sample_report(), _publication())
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) is None
    assert "<script" not in page and "<link" not in page
    assert 'id="chart-by-country"' in page and 'id="chart-outcomes"' in page


def _publication() -> store.Publication:
    """The publication record of the sample, without writing anything."""
    digests = {name: hashlib.sha256(name.encode()).hexdigest() for name in store.FILES[:3]}
    return store.Publication(
        PERIOD, "2027-01-06T09:31:00+00:00", digests, AUDIT_INDEX, CHECKPOINT,
        "lawgate.localhost/audit-log",
    )  # fmt: skip


def test_nothing_published_says_how(client: TestClient) -> None:
    answer = client.get("/transparency")
    assert answer.status_code == 200
    assert "lawgate report build --period 2026-H2" in answer.text


def test_latest_report_is_public_and_lists_periods(client: TestClient, settings: Settings) -> None:
    older = sample_report()
    older = Report(Period(2026, 1), older.platform, older.generated_at, older.rows[:5], [], {})
    publish_sample(settings.home, older)
    publish_sample(settings.home)
    answer = client.get("/transparency")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "<strong>2026-H2</strong>" in answer.text
    assert 'href="/transparency/2026-H1"' in answer.text
    assert 'href="/transparency/2026-H2/google.csv"' in answer.text
    assert f"{client.base_url}/log/proof/inclusion?index={AUDIT_INDEX}" in answer.text
    earlier = client.get("/transparency/2026-H1")
    assert earlier.status_code == 200 and "2026-H1 in figures" in earlier.text


def test_bad_and_unpublished_periods(client: TestClient, settings: Settings) -> None:
    publish_sample(settings.home)
    malformed = client.get("/transparency/2026-H3")
    assert malformed.status_code == 400 and "2026-H3" in malformed.text
    missing = client.get("/transparency/2031-H1")
    assert missing.status_code == 404 and "2031-H1" in missing.text
    assert client.get("/transparency/2026-Q1/google.csv").status_code == 400
    assert client.get("/transparency/2031-H1/google.csv").status_code == 404


def test_files_served_with_type_and_digest(client: TestClient, settings: Settings) -> None:
    _, publication = publish_sample(settings.home)
    folder = store.period_dir(settings.home, PERIOD)
    expected = {
        "google.csv": "text/csv; charset=utf-8",
        "extended.csv": "text/csv; charset=utf-8",
        "report.json": "application/json",
        "report.html": "text/html; charset=utf-8",
    }
    for name, media in expected.items():
        answer = client.get(f"/transparency/2026-H2/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-type"] == media
        assert answer.content == (folder / name).read_bytes()
        digest = base64.b64encode(hashlib.sha256(answer.content).digest()).decode()
        assert answer.headers["repr-digest"] == f"sha-256=:{digest}:"
        if name in publication.sha256:
            assert hashlib.sha256(answer.content).hexdigest() == publication.sha256[name]
    for name in ("publication.json", "secret.txt", "..%2Fpublication.json"):
        assert client.get(f"/transparency/2026-H2/{name}").status_code == 404, name
