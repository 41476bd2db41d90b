"""The public compare page: our published figures beside a peer's, blanks shown as dashes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.reports import peers
from lawgate.reports.model import Period, Report, Row
from lawgate.reports.store import Publication

H1 = dt.date(2025, 6, 30)
OURS = [
    Row(H1, "Germany", "DE", "Other Legal Requests", 7, 43, 9),
    Row(H1, "Germany", "DE", "Preservation Requests", 0, None, 0),
    Row(H1, "France", "FR", "Other Legal Requests", 3, 100, 3),
]
THEIRS = [
    Row(H1, "Germany", "DE", "Other Legal Requests", 12873, 61, 22409),
    Row(H1, "Germany", "DE", "Emergency Disclosure Requests", 211, 70, 260),
    Row(H1, "Germany", "DE", "Preservation Requests", 1400, None, 2500),
]


def publish(home: Path, period: Period, rows: list[Row]) -> None:
    """Write a report and its publication record where the store looks for them."""
    folder = home / "reports" / str(period)
    folder.mkdir(parents=True)
    at = dt.datetime(2025, 7, 2, 9, 0, tzinfo=dt.UTC)
    report = Report(period, "lawgate", at, rows, [])
    publication = Publication(period, at.isoformat(), {}, 41, "checkpoint", "lawgate.test/log")
    (folder / "report.json").write_text(json.dumps(report.to_json()), encoding="utf-8")
    (folder / "publication.json").write_text(json.dumps(publication.to_json()), encoding="utf-8")


def cells(page: str, label: str) -> list[str]:
    """The six figure cells of one legal process's row, as shown."""
    row = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", page, re.S)
    assert row is not None, f"no row for {label}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))


@pytest.fixture
def imported(session: Session) -> None:
    """Google's figures for Germany, 2025-H1."""
    peers.import_peer(session, "google", THEIRS)
    session.commit()


def test_our_figures_stand_beside_the_peers(
    client: TestClient, settings: Settings, imported: None
) -> None:
    publish(settings.home, Period(2025, 1), OURS)
    answer = client.get("/transparency/compare?country=DE&period=2025-H1&source=google")
    assert answer.status_code == 200
    page = answer.text
    assert "Germany (DE), 2025-H1: lawgate beside google" in page
    assert cells(page, "Other Legal Requests") == ["7", "43%", "9", "12,873", "61%", "22,409"]
    assert cells(page, "Emergency Disclosure Requests") == ["—", "—", "—", "211", "70%", "260"]
    assert cells(page, "Preservation Requests") == ["0", "—", "0", "1,400", "—", "2,500"]
    assert page.count('title="not reported"') == 5
    assert "entry 41" in page
    assert '<link rel="stylesheet" href="/static/console.css">' in page


def test_the_latest_report_serves_an_earlier_half_year(
    client: TestClient, settings: Settings, imported: None
) -> None:
    publish(settings.home, Period(2025, 2), OURS)
    page = client.get("/transparency/compare?country=de&period=2025-H1").text
    assert cells(page, "Other Legal Requests")[:3] == ["7", "43%", "9"]


def test_a_period_after_our_latest_report_says_so(
    client: TestClient, settings: Settings, imported: None
) -> None:
    publish(settings.home, Period(2024, 2), [])
    page = client.get("/transparency/compare?country=DE&period=2025-H1").text
    assert "covers up to 2024-H2" in page
    assert cells(page, "Other Legal Requests")[:3] == ["—", "—", "—"]


def test_with_nothing_published_or_imported_the_page_says_how(client: TestClient) -> None:
    answer = client.get("/transparency/compare")
    assert answer.status_code == 200
    assert "lawgate report build" in answer.text
    assert "lawgate report import-peer" in answer.text
    assert "Choose a country" in answer.text


def test_the_form_offers_the_peers_countries_periods_and_sources(
    client: TestClient, imported: None
) -> None:
    page = client.get("/transparency/compare").text
    assert '<option value="DE">Germany</option>' in page
    assert '<option value="2025-H1" selected>2025-H1</option>' in page
    assert '<option value="google" selected>google</option>' in page


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("country=QQ&period=2025-H1", 422, "country"),
        ("country=ZZ&period=2025-H1", 422, "country"),
        ("country=Germany&period=2025-H1", 422, "country"),
        ("country=DE&period=2025", 422, "period"),
        ("country=DE&period=2025-H3", 422, "period"),
        ("country=DE&period=2025-H1&source=meta", 404, "source"),
        ("country=DE&period=2025-H1&source=%3Cb%3E", 422, "source"),
    ],
)
def test_bad_parameters_get_a_readable_page_naming_the_parameter(
    client: TestClient, imported: None, query: str, status: int, field: str
) -> None:
    answer = client.get(f"/transparency/compare?{query}")
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<strong>{field}</strong>:" in answer.text
    assert "Cannot compare" in answer.text
    assert "<b>" not in answer.text


def test_no_sign_in_is_needed(client: TestClient) -> None:
    answer = client.get("/transparency/compare?country=DE", follow_redirects=False)
    assert answer.status_code == 200


def test_a_bad_period_is_shown_back_in_the_form(client: TestClient) -> None:
    answer = client.get("/transparency/compare?country=DE&period=2025-Q1")
    assert answer.status_code == 422
    assert '<input name="period" value="2025-Q1"' in answer.text
