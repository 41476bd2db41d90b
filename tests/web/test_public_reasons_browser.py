"""The message to the agency in a real browser with JavaScript off: previewed, then sent as seen.

Screenshots go to test-artifacts/review/ (kept by CI as artifacts).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawgate.cases import public
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.domain import ReasonCode
from tests.factories import FBI, register, request_body
from tests.web.test_console_browser import submit
from tests.web.test_public_reasons import MARKERS, MESSAGE, SECRET
from tests.web.test_review_browser import shot, sign_in


@pytest.fixture
def plain_page(browser_page: Any) -> Iterator[Any]:
    """A page of the same chromium with JavaScript switched off."""
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_preview_shows_what_leaves_and_sends_it(
    live_server: str, plain_page: Any, session: Session, staff_member: Any
) -> None:
    """The note stays on the record; the agency's view and the recorded message match."""
    register(session, FBI)
    request_id = submit(live_server, request_body(categories=["subscriber", "content"]), FBI["id"])
    reviewer, password, secret = staff_member("reviewer")
    page = plain_page
    sign_in(page, live_server, reviewer.email, password, secret)
    page.goto(f"{live_server}/console/requests/{request_id}")
    page.check("input[name=verdict_subscriber][value=allow]")
    page.check("input[name=verdict_content][value=deny]")
    page.select_option("select[name=reason_content]", "political_offence")
    page.fill("textarea[name=note]", SECRET)
    page.fill("textarea[name=message_to_agency]", MESSAGE)
    page.click("#preview-ruling")
    page.wait_for_selector("#agency-view")
    shot(page, "public-01-preview")
    view = page.locator("#agency-view").inner_text()
    assert public.PUBLIC_WORDING[ReasonCode.POLITICAL_OFFENCE] in view
    assert page.locator("#agency-message p").all_inner_texts() == MESSAGE.splitlines()
    assert not any(marker in view for marker in MARKERS)
    assert cases.locked_state(session, request_id) is CaseState.IN_REVIEW
    session.rollback()

    page.click("#send-ruling")
    page.wait_for_selector(".second-review")
    shot(page, "public-02-sent")
    assert "To the agency:" in page.locator("#decision").inner_text()
    session.expire_all()
    proposal = cases.case_detail(session, request_id).decisions[-1]
    assert (proposal.status, proposal.note) == ("proposed", SECRET)
    assert proposal.agency_message == MESSAGE
