"""The rules of legal-rules.md beyond the corpus sample, one behaviour at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lawgate.domain import Agency, Decision, Request, Verification
from lawgate.policy import engine
from lawgate.policy.config import PolicyConfig
from lawgate.policy.facts import PolicyInput
from tests.factories import FBI, request_body

TODAY = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
AGENCIES = {
    "US": FBI,
    "DE": {
        "id": "de-sta-berlin",
        "name": "StA Berlin",
        "country": "DE",
        "kind": "prosecutor",
        "domains": ["sta.berlin.de"],
    },
    "GB": {
        "id": "gb-met",
        "name": "Met",
        "country": "GB",
        "kind": "police",
        "domains": ["met.police.uk"],
    },
    "CN": {
        "id": "cn-psb",
        "name": "PSB",
        "country": "CN",
        "kind": "police",
        "domains": ["gaj.gov.cn"],
    },
    "BR": {
        "id": "br-pf",
        "name": "PF",
        "country": "BR",
        "kind": "police",
        "domains": ["pf.gov.br"],
    },
}


def decide(
    country: str = "US",
    callback: str = "not_done",
    prior: int = 0,
    config: PolicyConfig | None = None,
    **changes: Any,
) -> Decision:
    """Decide a variant of the standard warrant request, sent from `country`."""
    agency = AGENCIES[country]
    domain = agency["domains"][0]
    base = request_body(
        agency_id=agency["id"],
        country=country,
        officer={"name": "O", "email": f"o@{domain}"},
        non_disclosure=None,
    )
    process = {**base["legal_process"], **changes.pop("process", {})}
    body = {**base, "legal_process": process, **changes}
    source = PolicyInput(
        Agency.model_validate(agency),
        Request.model_validate(body),
        Verification(requester="verified", callback=callback),
        TODAY,
        prior,
    )
    return engine.evaluate(source, config)


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code.value for r in decision.reasons}


@pytest.mark.parametrize("value", ["*@example.com", "example.com", "sell%", "10.0.0.0/8"])
def test_patterns_are_not_specific_targets(value: str) -> None:
    kind = "ip_address" if "/" in value else "email"
    target = {
        "type": kind,
        "value": value,
        **({"at": "2026-10-01T00:00:00Z"} if "/" in value else {}),
    }
    decision = decide(targets=[target])
    assert decision.outcome.value == "reject"
    assert "no_specific_target" in codes(decision)


def test_the_target_limit_is_configuration() -> None:
    targets = [{"type": "email", "value": f"u{i}@example.com"} for i in range(6)]
    assert decide(targets=targets).outcome.value == "approve"
    limited = decide(targets=targets, config=PolicyConfig(max_targets=5))
    assert "overbroad" in codes(limited)


def test_records_without_a_date_range_are_overbroad_but_subscriber_is_not() -> None:
    decision = decide(date_range=None)
    assert decision.categories["subscriber"].value == "allow"
    assert decision.categories["traffic"].value == "deny"
    assert "overbroad" in codes(decision)


def test_a_process_issued_tomorrow_is_not_in_force() -> None:
    assert "process_expired" in codes(decide(process={"issued_on": "2026-11-29"}))


def test_a_criminal_request_must_name_its_offence() -> None:
    offence = {"description": "fraud", "statute": ""}
    assert "no_offence_stated" in codes(decide(offence=offence))
    assert "no_offence_stated" in codes(decide(offence=None))


def test_nsl_is_escalated_and_reaches_subscriber_only() -> None:
    decision = decide(
        purpose="national_security",
        process={"type": "national_security_letter", "issuer_role": "fbi_designee"},
    )
    assert decision.outcome.value == "escalate"
    assert decision.categories["subscriber"].value == "allow"
    assert decision.categories["content"].value == "deny"
    assert "national_security_review" in codes(decision)


def test_a_warrant_from_a_prosecutor_is_not_competent() -> None:
    decision = decide(process={"issuer_role": "prosecutor"})
    assert "issuer_not_competent" in codes(decision)


def test_emergency_content_is_escalated_when_confirmed() -> None:
    emergency = {"threat": "hostage taken", "harm": "death"}
    decision = decide(
        kind="emergency_disclosure",
        emergency=emergency,
        callback="confirmed",
        date_range={"from": "2026-11-20", "to": "2026-11-28"},
        process={"type": "none", "issuer_role": "police"},
    )
    assert decision.outcome.value == "escalate"
    assert any(r.category and r.category.value == "content" for r in decision.reasons)


def test_eu_critical_infrastructure_qualifies_only_in_the_eu() -> None:
    emergency = {"threat": "grid attack tonight", "harm": "critical_infrastructure"}
    common = {
        "kind": "emergency_disclosure",
        "emergency": emergency,
        "callback": "confirmed",
        "categories": ["subscriber"],
    }
    assert decide("DE", **common).outcome.value == "approve"
    assert "emergency_not_qualifying" in codes(decide("US", **common))


def test_preservation_period_and_single_extension() -> None:
    preservation = {"kind": "preservation", "process": {"type": "none", "issuer_role": "police"}}
    assert decide(preservation={"days": 90}, **preservation).outcome.value == "approve"
    over = decide(preservation={"days": 91}, **preservation)
    assert "preservation_limit_exceeded" in codes(over)
    eu = decide(
        "DE",
        preservation={"days": 61},
        kind="preservation",
        process={"type": "preservation_order", "issuer_role": "prosecutor"},
    )
    assert "preservation_limit_exceeded" in codes(eu)
    extension = {
        "kind": "preservation_extension",
        "preservation": {"days": 90},
        "preservation_ref": "LG-AAAAAAAA",
        "process": {"type": "none", "issuer_role": "police"},
    }
    assert decide(**extension).outcome.value == "approve"
    assert "preservation_limit_exceeded" in codes(decide(prior=1, **extension))


def test_rest_of_world_needs_dual_criminality_and_a_judicial_issuer() -> None:
    offence = {**request_body()["offence"], "dual_criminality": False}
    process = {"type": "court_order", "issuer_role": "judge"}
    decision = decide("BR", offence=offence, process=process, categories=["subscriber"])
    assert "no_dual_criminality" in codes(decision)
    police = decide(
        "BR", process={"type": "letter", "issuer_role": "police"}, categories=["subscriber"]
    )
    assert "issuer_not_competent" in codes(police)


def test_gb_content_needs_an_overseas_production_order() -> None:
    process = {"type": "communications_data_authorisation", "issuer_role": "ocda"}
    decision = decide("GB", process=process)
    assert decision.categories["subscriber"].value == "allow"
    assert decision.categories["content"].value == "deny"
    assert "instrument_insufficient" in codes(decision)


def test_cn_political_statute_escalates_however_written() -> None:
    offence = {
        "description": "posted criticism",
        "statute": "Article 105 of the Criminal Law",
        "max_custodial_years": 5,
    }
    process = {"type": "evidence_notice", "issuer_role": "department_head"}
    decision = decide("CN", offence=offence, process=process, categories=["subscriber"])
    assert decision.outcome.value == "escalate"
    assert "political_offence" in codes(decision)


def test_red_flags_are_findings_not_refusals() -> None:
    decision = decide(
        officer={"name": "X", "email": "fbi.agent@gmail.com"},
        case_reference="URGENT reply immediately",
        non_disclosure={"until": "2027-01-01", "basis": "please keep quiet"},
        process={"type": "subpoena", "issuer_role": "prosecutor", "document_sha256": None},
        categories=["subscriber"],
    )
    assert decision.outcome.value == "approve"
    found = {f.code for f in decision.findings}
    assert {
        "free_webmail_sender",
        "urgency_language",
        "legal_document_missing",
        "non_disclosure_unsupported",
    } <= found


def test_the_deadline_follows_the_framework() -> None:
    assert decide("DE", categories=["subscriber"]).deadline == TODAY + dt.timedelta(days=10)
    assert decide(config=PolicyConfig(deadline_days=5)).deadline == TODAY + dt.timedelta(days=5)
