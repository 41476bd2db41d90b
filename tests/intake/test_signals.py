"""Fraud signals, one check at a time: each fires on its red flag and stays quiet on a near miss."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from lawgate.domain import Agency, Request
from lawgate.intake import signals
from lawgate.intake.history import History
from lawgate.intake.signals import Submission, assess, band
from tests.factories import FBI, request_body

RECEIVED = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
DOCUMENT = "9f" * 32
KNOWN = History(prior_requests=40, officer_prior_requests=6, last_day=1, daily_mean=1.5)
EMERGENCY = {"threat": "a child is held by the account holder; ransom due tonight", "harm": "death"}


def submission(body: dict[str, Any] | None = None, **changes: Any) -> Submission:
    """A clean submission from a known FBI officer, with any field replaced."""
    base = Submission(
        request=Request.model_validate(body or request_body()),
        agency=Agency.model_validate(FBI),
        history=KNOWN,
        received_at=RECEIVED,
        document_sha256=DOCUMENT,
        submitted_via="api",
    )
    return dataclasses.replace(base, **changes)


def emergency(**changes: Any) -> dict[str, Any]:
    """A valid emergency request body."""
    return request_body(
        kind="emergency_disclosure",
        emergency={**EMERGENCY, **changes},
        categories=["subscriber"],
        non_disclosure=None,
    )


def officer(**changes: Any) -> dict[str, Any]:
    """A request body whose officer block is changed."""
    body = request_body()
    body["officer"] = {**body["officer"], **changes}
    return body


def process(**changes: Any) -> dict[str, Any]:
    """A request body whose legal process is changed."""
    body = request_body()
    body["legal_process"] = {**body["legal_process"], **changes}
    return body


def codes(sub: Submission) -> dict[str, signals.Signal]:
    """The signals raised, by code."""
    return {s.code: s for s in assess(sub).signals}


def test_a_clean_request_raises_nothing_and_scores_zero() -> None:
    result = assess(submission())
    assert result.signals == []
    assert result.score == 0


POSITIVE: list[Any] = [
    pytest.param(
        "free_webmail_sender",
        submission(officer(email="dana.reyes@gmail.com")),
        "dana.reyes@gmail.com",
        id="webmail",
    ),
    pytest.param(
        "free_webmail_sender",
        submission(officer(email="d.reyes@gmx.net")),
        "gmx.net",
        id="webmail-country-domain",
    ),
    pytest.param(
        "sender_domain_mismatch",
        submission(officer(email="dreyes@fbi-gov.us")),
        "fbi-gov.us",
        id="domain",
    ),
    pytest.param(
        "document_hash_mismatch",
        submission(document_sha256="ab" * 32),
        "abababababab",
        id="document-hash",
    ),
    pytest.param(
        "legal_document_missing",
        submission(process(document_sha256=None), document_sha256=None),
        "search warrant",
        id="document-missing",
    ),
    pytest.param(
        "volume_spike",
        submission(history=dataclasses.replace(KNOWN, last_day=11, daily_mean=1.5)),
        "number 12",
        id="volume",
    ),
    pytest.param(
        "requester_country_mismatch",
        submission(request_body(country="MX")),
        "MX",
        id="country",
    ),
    pytest.param(
        "officer_phone_foreign",
        submission(officer(phone="+44 20 7946 0958")),
        "+1",
        id="officer-phone",
    ),
    pytest.param(
        "callback_number_differs",
        submission(emergency(threat="hostage taken, call me back on +1 310 555 0199 only")),
        "+1 310 555 0199",
        id="callback-in-text",
    ),
    pytest.param(
        "callback_number_differs",
        submission(request_body(case_reference="NY-17; please phone 212 555 0199")),
        "212 555 0199",
        id="bare-number-after-phone",
    ),
    pytest.param(
        "urgency_language",
        submission(request_body(case_reference="URGENT - NY-2026-00417")),
        "URGENT",
        id="urgency",
    ),
    pytest.param(
        "new_officer",
        submission(history=dataclasses.replace(KNOWN, officer_prior_requests=0)),
        "40 earlier",
        id="new-officer",
    ),
    pytest.param(
        "new_officer",
        submission(history=History()),
        "first from this agency",
        id="new-agency",
    ),
    pytest.param(
        "process_issued_in_future",
        submission(process(issued_on="2026-12-05", expires_on=None)),
        "2026-12-05",
        id="future",
    ),
    pytest.param(
        "process_expired",
        submission(process(issued_on="2026-09-01", expires_on="2026-11-01")),
        "2026-11-01",
        id="expired",
    ),
    pytest.param(
        "process_stale",
        submission(process(issued_on="2024-06-01", expires_on=None)),
        "days before",
        id="stale",
    ),
    pytest.param(
        "instrument_framework_mismatch",
        submission(
            request_body(
                country="GB",
                legal_process={**request_body()["legal_process"], "type": "subpoena"},
            ),
            agency=Agency.model_validate({**FBI, "country": "GB"}),
        ),
        "subpoena",
        id="framework",
    ),
    pytest.param(
        "emergency_without_specifics",
        submission(emergency(threat="life at risk", harm="death")),
        "3 words",
        id="emergency-vague",
    ),
    pytest.param(
        "emergency_without_specifics",
        submission(emergency(harm="other")),
        "'other'",
        id="emergency-other-harm",
    ),
    pytest.param(
        "many_targets",
        submission(
            request_body(
                targets=[{"type": "email", "value": f"u{i}@example.com"} for i in range(11)]
            )
        ),
        "11 targets",
        id="many-targets",
    ),
    pytest.param(
        "many_targets",
        submission(
            {
                **emergency(),
                "targets": [{"type": "email", "value": f"u{i}@example.com"} for i in range(4)],
            }
        ),
        "emergency",
        id="many-targets-emergency",
    ),
    pytest.param(
        "outside_signed_api",
        submission(submitted_via="cli"),
        "'cli'",
        id="cli",
    ),
]


@pytest.mark.parametrize(("code", "sub", "detail"), POSITIVE)
def test_each_signal_fires_and_explains_itself(code: str, sub: Submission, detail: str) -> None:
    raised = codes(sub)
    assert code in raised, f"{code} not raised; got {sorted(raised)}"
    signal = raised[code]
    assert detail in signal.explanation
    assert signal.weight == signals.WEIGHTS[code]


NEGATIVE: list[Any] = [
    pytest.param("free_webmail_sender", submission(officer(email="a@gmx.police.de")), id="webmail"),
    pytest.param(
        "sender_domain_mismatch", submission(officer(email="dreyes@ny.fbi.gov")), id="subdomain"
    ),
    pytest.param(
        "document_hash_mismatch", submission(document_sha256=DOCUMENT.upper()), id="same-hash"
    ),
    pytest.param("document_hash_mismatch", submission(document_sha256=None), id="nothing-uploaded"),
    pytest.param(
        "legal_document_missing",
        submission(process(document_sha256=None), document_sha256=DOCUMENT),
        id="uploaded-only",
    ),
    pytest.param(
        "legal_document_missing",
        submission(
            {
                **emergency(),
                "legal_process": {**process(document_sha256=None)["legal_process"], "type": "none"},
            },
            document_sha256=None,
        ),
        id="no-process",
    ),
    pytest.param(
        "volume_spike",
        submission(history=dataclasses.replace(KNOWN, last_day=11, daily_mean=4.0)),
        id="busy-agency",
    ),
    pytest.param("requester_country_mismatch", submission(), id="country"),
    pytest.param(
        "officer_phone_foreign", submission(officer(phone="(212) 555-0100")), id="national-form"
    ),
    pytest.param(
        "callback_number_differs",
        submission(emergency(threat="hostage taken; our desk is on +1 (212) 384-1000 all night")),
        id="registry-number",
    ),
    pytest.param(
        "callback_number_differs",
        submission(request_body(case_reference="NY-2026-00417 of 2026-11-20")),
        id="dates-are-not-numbers",
    ),
    pytest.param(
        "urgency_language",
        submission(emergency(threat="urgent: hostage taken, ransom demanded tonight")),
        id="emergency",
    ),
    pytest.param("new_officer", submission(), id="known-officer"),
    pytest.param(
        "process_issued_in_future",
        submission(process(issued_on="2026-11-29", expires_on=None)),
        id="time-zone",
    ),
    pytest.param(
        "process_expired", submission(process(expires_on="2026-11-28")), id="expires-today"
    ),
    pytest.param("process_stale", submission(process(issued_on="2026-01-01")), id="this-year"),
    pytest.param("instrument_framework_mismatch", submission(), id="us-warrant"),
    pytest.param("emergency_without_specifics", submission(emergency()), id="specific"),
    pytest.param(
        "many_targets",
        submission(
            request_body(
                targets=[{"type": "email", "value": f"u{i}@example.com"} for i in range(10)]
            )
        ),
        id="ten",
    ),
    pytest.param("outside_signed_api", submission(submitted_via="demo"), id="demo"),
]


@pytest.mark.parametrize(("code", "sub"), NEGATIVE)
def test_each_signal_stays_quiet_on_a_near_miss(code: str, sub: Submission) -> None:
    assert code not in codes(sub)


def test_webmail_outranks_a_domain_mismatch_rather_than_adding_to_it() -> None:
    raised = codes(submission(officer(email="dana@outlook.com")))
    assert "free_webmail_sender" in raised
    assert "sender_domain_mismatch" not in raised


def test_the_portal_weighs_less_than_an_unsigned_filing() -> None:
    portal = codes(submission(submitted_via="portal"))["outside_signed_api"]
    assert portal.weight == signals.PORTAL_WEIGHT < signals.WEIGHTS["outside_signed_api"]
    assert "portal" in portal.explanation


def test_the_score_sums_the_weights_heaviest_first() -> None:
    result = assess(submission(officer(email="dana@gmail.com", phone="+44 20 7946 0958")))
    assert [s.code for s in result.signals] == ["free_webmail_sender", "officer_phone_foreign"]
    assert result.score == 35 + 15
    assert band(result.score) == "high"


def test_the_score_is_capped_at_100() -> None:
    body = officer(email="dana@gmail.com", phone="+44 20 7946 0958")
    body["case_reference"] = "URGENT reply asap"
    body["legal_process"] = {**body["legal_process"], "issued_on": "2027-03-01", "expires_on": None}
    result = assess(submission(body, document_sha256="ab" * 32, history=History()))
    assert sum(s.weight for s in result.signals) > 100
    assert result.score == 100


@pytest.mark.parametrize(
    ("score", "word"), [(0, "low"), (19, "low"), (20, "elevated"), (50, "high")]
)
def test_bands(score: int, word: str) -> None:
    assert band(score) == word


def test_every_weight_is_documented_and_positive() -> None:
    assert all(0 < w <= 40 for w in signals.WEIGHTS.values())
    raised = {p.values[0] for p in POSITIVE}
    assert raised == set(signals.WEIGHTS), "every signal needs a positive test"
