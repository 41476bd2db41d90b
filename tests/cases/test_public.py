"""What leaves for the agency: reason codes, citations and public wording; never a note."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lawgate.cases import public, review
from lawgate.cases import services as cases
from lawgate.cases.models import DecisionRow
from lawgate.config import Settings
from lawgate.domain import Category, Decision, Finding, Reason, ReasonCode
from lawgate.errors import InvalidInputError
from lawgate.policy.packs import default_packs
from lawgate.staff.roles import Role
from tests.factories import FBI, request_body, rule
from tests.intake.helpers import file_request, register_agency

SECRET = "SECRET-NOTE-7f3a the real suspect is A000004242"
WARRANT_RULE = default_packs().rules["us.content.warrant"]


def reason(**changes: Any) -> Reason:
    """A reason for denying content, with fields replaced."""
    fields = {
        "code": "overbroad",
        "category": "content",
        "rule": "reviewer",
        "citation": "company.b4",
        "message": SECRET,
    }
    return Reason.model_validate({**fields, **changes})


def partial(*reasons: Reason, findings: list[Finding] | None = None) -> Decision:
    """Subscriber allowed, content denied for the reasons given."""
    return Decision(
        outcome="partial",
        categories={Category.SUBSCRIBER: "allow", Category.CONTENT: "deny"},
        reasons=list(reasons),
        findings=findings or [],
    )


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_has_a_public_sentence(code: ReasonCode) -> None:
    wording = public.PUBLIC_WORDING[code]
    assert wording.strip() == wording and wording.endswith(".") and len(wording) > 30


def test_a_reviewers_own_reason_reads_as_its_code_never_the_note() -> None:
    shown = public.public_reason(reason())
    assert shown == public.reviewer_reason(ReasonCode.OVERBROAD, Category.CONTENT)
    assert shown.message == public.PUBLIC_WORDING[ReasonCode.OVERBROAD]
    assert (shown.rule, shown.citation) == (public.REVIEWER_RULE, public.REVIEWER_CITATION)


def test_a_shipped_rule_keeps_its_own_words_and_citation_whatever_was_sent() -> None:
    sent = reason(code="instrument_insufficient", rule=WARRANT_RULE.id, citation=SECRET)
    shown = public.public_reason(sent)
    assert shown.rule == WARRANT_RULE.id and shown.category is Category.CONTENT
    assert (shown.message, shown.citation) == (WARRANT_RULE.message, WARRANT_RULE.citation)


def test_a_shipped_rule_named_with_another_code_is_the_reviewers_own() -> None:
    shown = public.public_reason(reason(code="political_offence", rule=WARRANT_RULE.id))
    assert shown.rule == public.REVIEWER_RULE
    assert shown.message == public.PUBLIC_WORDING[ReasonCode.POLITICAL_OFFENCE]


def test_the_projection_drops_findings_and_the_duplicates_notes_made() -> None:
    noted = partial(
        reason(), reason(message="another note"), findings=[Finding(code="x", message=SECRET)]
    )
    shown = public.public_decision(noted)
    assert shown.findings == [] and len(shown.reasons) == 1
    assert (shown.outcome, shown.categories) == (noted.outcome, noted.categories)
    assert SECRET not in shown.model_dump_json()
    assert public.public_decision(shown) == shown, "projecting twice changes nothing"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("before\x00after", "U+0000"),
        ("ring \x07", "U+0007"),
        ("\x1b[31mred", "U+001B"),
        ("next\x85line", "U+0085"),
        ("abc \u202edcba", "U+202E"),
        ("x" * (public.MESSAGE_MAX + 1), "at most 2000 characters"),
    ],
)
def test_a_message_to_the_agency_must_be_plain_bounded_text(text: str, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(problem)) as refused:
        public.agency_message(text)
    assert refused.value.field == "message_to_agency"


def test_a_message_keeps_its_lines_and_tabs_with_one_kind_of_line_break() -> None:
    text = "  Please send the order.\r\nIt must name\tthe account.\rThank you.  "
    expected = "Please send the order.\nIt must name\tthe account.\nThank you."
    assert public.agency_message(text) == expected


@pytest.fixture
def filed(session: Session, settings: Settings) -> str:
    """A warrant for subscriber and content data, in review."""
    register_agency(session)
    return file_request(session, settings, request_body(categories=["subscriber", "content"]))


def test_a_ruling_is_stored_in_public_words_with_its_note_and_message_apart(
    session: Session, filed: str
) -> None:
    """Whatever path a ruling takes, its reasons are stored reworded; the note is kept apart."""
    noted = partial(reason(), reason(code="instrument_insufficient", rule=WARRANT_RULE.id))
    first = review.Reviewer("staff:1", Role.REVIEWER)
    ruled = review.Ruling(noted, SECRET, None, "Send a narrower order.\r\nThank you.")
    review.record_decision(session, filed, ruled, first)
    review.confirm(session, filed, review.Reviewer("staff:2", Role.REVIEWER))
    recorded = cases.latest_ruling(session, filed)
    assert recorded is not None and recorded.note == SECRET
    assert recorded.agency_message == "Send a narrower order.\nThank you."
    assert recorded.decision.reasons == public.public_reasons(noted.reasons)
    seen = cases.agency_status(session, filed, FBI["id"])
    assert seen.message == recorded.agency_message
    assert SECRET not in seen.model_dump_json()


def test_a_ruling_stored_before_this_rule_still_leaves_without_its_note(
    session: Session, filed: str
) -> None:
    """Old rows carried the note in reasons[].message; the agency's projection rewords them."""
    rule(session, filed, partial(reason(code="overbroad")))
    stored = session.query(DecisionRow).filter_by(request_id=filed, source="reviewer").one()
    stored.reasons = [{**stored.reasons[0], "message": SECRET, "citation": SECRET}]
    session.commit()
    seen = cases.agency_status(session, filed, FBI["id"])
    assert seen.decision is not None
    assert seen.decision.reasons == [public.reviewer_reason(ReasonCode.OVERBROAD, Category.CONTENT)]
    assert SECRET not in seen.model_dump_json() and seen.message == ""
