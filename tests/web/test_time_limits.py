"""The queue warns ahead: what runs out first, sorted and filtered; a lapsed case says so on top."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import services as cases
from lawgate.cases.schemas import Lapse
from lawgate.config import Settings
from lawgate.credentials import SignedIn
from lawgate.datamap.sources import marketplace_for
from lawgate.staff.accounts import StaffAccount
from lawgate.web import views
from tests.factories import STAFF, request_body, rule
from tests.intake.helpers import file_request, register_agency

ROW = re.compile(r'href="/console/requests/(LG-\w+)"')
LAPSE = Lapse(
    rule="baseline.in_force",
    code="process_expired",
    citation="Company policy B6 (legal process in force)",
    categories=["subscriber", "traffic"],
    fact="the search warrant expired on 2026-11-27",
    since=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    found_at=dt.datetime(2026, 11, 28, 9, 15, tzinfo=dt.UTC),
    remedy="a warrant in force <renewed by the court> for the same targets.",
)


def warrant(expires_in_days: int, gag_days: int | None = None) -> dict[str, Any]:
    """The sample warrant issued 20 days ago, expiring relative to today, gagged or not."""
    today = dt.datetime.now(dt.UTC).date()
    body = request_body(non_disclosure=None)
    body["legal_process"] = {
        **body["legal_process"],
        "issued_on": str(today - dt.timedelta(days=20)),
        "expires_on": str(today + dt.timedelta(days=expires_in_days)),
    }
    if gag_days is not None:
        until = str(today + dt.timedelta(days=gag_days))
        body["non_disclosure"] = {"until": until, "basis": "18 U.S.C. 2705(b) order"}
    return body


def three_cases(session: Session, settings: Settings) -> tuple[str, str, str]:
    """Filed in deadline order: a warrant good for months, one expiring tomorrow, one expired."""
    register_agency(session)
    now = dt.datetime.now(dt.UTC)
    filed = [
        file_request(session, settings, body, received_at=now - dt.timedelta(hours=hours))
        for body, hours in ((warrant(60, 90), 3), (warrant(1), 2), (warrant(-10), 1))
    ]
    later, soon, lapsed = filed
    return later, soon, lapsed


def order(page: str) -> list[str]:
    """The request ids of a queue page, top to bottom."""
    return ROW.findall(page)


def test_the_queue_shows_what_runs_out_first_in_words_and_colour(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    later, soon, lapsed = three_cases(session, settings)
    page = console_client.get("/console").text
    assert order(page) == [later, soon, lapsed], "by deadline unless asked otherwise"
    shown = dict(re.findall(r'class="limit limit-(\w+)"[^>]*>([^<]+)<', page))
    assert re.fullmatch(r"search warrant expires in \d+ hours", shown["soon"])
    assert re.fullmatch(r"search warrant expired (9|10) days ago", shown["lapsed"])
    assert re.fullmatch(r"response due in 9 days", shown["ok"]), "the deadline comes first"
    assert 'title="the search warrant expires: ' in page


def test_the_queue_sorts_and_filters_by_time_limit_with_links_that_keep_the_rest(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    later, soon, lapsed = three_cases(session, settings)
    plain = console_client.get("/console").text
    assert 'href="/console?sort=time_limit"' in plain and 'href="/console?within=3"' in plain
    assert order(console_client.get("/console?sort=time_limit").text) == [lapsed, soon, later]
    assert order(console_client.get("/console?within=3").text) == [soon, lapsed]
    assert order(console_client.get("/console?within=0").text) == [lapsed]
    assert order(console_client.get("/console?within=many").text) == [later, soon, lapsed]
    both = console_client.get("/console?sort=time_limit&within=3&country=US").text
    assert order(both) == [lapsed, soon]
    assert "by what runs out first with a time limit within 3 days" in both
    assert 'href="/console?country=US&amp;sort=risk&amp;within=3"' in both
    assert 'href="/console?country=US&amp;within=3"' in both, "the header link sorts back"
    assert 'href="/console?country=US&amp;sort=time_limit"' in both, "and 'any' drops the window"
    assert '<input type="hidden" name="within" value="3">' in both
    assert '<input type="hidden" name="sort" value="time_limit">' in both


def test_the_staff_api_sorts_by_time_limit_filters_by_days_and_limits_honestly(
    client: TestClient, api_staff: Any, session: Session, settings: Settings
) -> None:
    later, soon, lapsed = three_cases(session, settings)

    def ids(query: str) -> list[str]:
        answer = client.get(f"/api/v1/staff/requests?{query}", headers=STAFF)
        assert answer.status_code == 200, answer.text
        return [row["id"] for row in answer.json()]

    assert ids("sort=time_limit") == [lapsed, soon, later]
    assert ids("sort=time_limit&limit=1") == [lapsed], "the first of the order asked for"
    assert ids("within_days=3") == [soon, lapsed]
    assert ids("within_days=3&limit=1") == [soon]
    rows = client.get("/api/v1/staff/requests?within_days=0", headers=STAFF).json()
    assert [row["id"] for row in rows] == [lapsed]
    assert rows[0]["next_limit"]["kind"] == "process_expires"
    assert rows[0]["next_limit"]["what"] == "the search warrant expires"
    for query in ("within_days=-1", "sort=soonest"):
        assert client.get(f"/api/v1/staff/requests?{query}", headers=STAFF).status_code == 422


def test_an_answered_case_no_longer_counts_down(
    client: TestClient, api_staff: Any, session: Session, settings: Settings
) -> None:
    _, _, lapsed = three_cases(session, settings)
    advice = [d for d in cases.case_detail(session, lapsed).decisions if d.source == "policy"]
    assert advice[-1].decision.outcome == "reject", "the policy refuses an expired warrant"
    rule(session, lapsed, advice[-1].decision)
    session.commit()
    rows = client.get("/api/v1/staff/requests?sort=time_limit", headers=STAFF).json()
    answered = next(row for row in rows if row["id"] == lapsed)
    assert answered["next_limit"] is None and answered["time_limits"]
    assert rows[-1]["id"] == lapsed, "answered cases come last"
    within = client.get("/api/v1/staff/requests?within_days=0", headers=STAFF).json()
    assert within == []


def test_the_case_page_lists_the_time_limits_in_the_legal_process(
    console_client: TestClient, session: Session, settings: Settings
) -> None:
    later, soon, _ = three_cases(session, settings)
    page = console_client.get(f"/console/requests/{later}").text
    limits = visible(page.split('id="time-limits">', 1)[1].split("</dd>", 1)[0])
    assert re.match(r"search warrant expires in \d+ days the search warrant expires: ", limits)
    assert "non-disclosure ends in" in limits and "the non-disclosure period ends: " in limits
    assert limits.index("search warrant") < limits.index("non-disclosure"), "soonest first"
    assert 'id="lapse"' not in page, "no banner while the basis holds"
    soon_page = console_client.get(f"/console/requests/{soon}").text
    assert 'class="limit limit-soon">search warrant expires in' in soon_page


def visible(markup: str) -> str:
    """The text a reader sees: line breaks as spaces, tags dropped, entities decoded."""
    text = re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", markup))
    return " ".join(html.unescape(text).split())


def lapsed_page(session: Session, settings: Settings, reviewer: StaffAccount) -> str:
    """The case page of a real request whose detail carries a lapse, as the console renders it."""
    register_agency(session)
    request_id = file_request(session, settings, warrant(1))
    detail = cases.case_detail(session, request_id).model_copy(update={"lapse": LAPSE})
    now = dt.datetime.now(dt.UTC)
    me = SignedIn(reviewer, "csrf-token", now + dt.timedelta(hours=1))
    with marketplace_for(settings) as marketplace:
        context = views.case_context(session, detail, me, marketplace, now)
    return views.templates.get_template("case.html").render(context)


def test_a_lapse_heads_the_case_page_as_an_alert(
    session: Session, settings: Settings, staff_member: Any
) -> None:
    reviewer, _, _ = staff_member("reviewer")
    page = lapsed_page(session, settings, reviewer)
    banner = page.split('<div id="lapse" class="lapse-banner" role="alert">', 1)[1]
    assert visible(banner.split("</div>", 1)[0]).startswith(
        "Policy basis lapsed: the search warrant expired on 2026-11-27 "
        "(rule baseline.in_force, Company policy B6 (legal process in force)). "
        "Granted categories now refused: subscriber, traffic. "
        "The agency must send: a warrant in force <renewed by the court> for the same targets. "
        "Lapsed 2026-11-28 00:00 UTC"
    )
    assert "&lt;renewed by the court&gt;" in banner, "words from the lapse are escaped"
    assert page.index('id="lapse"') < page.index("<h1>"), "at the very top of the case"
