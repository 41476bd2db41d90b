"""Time limits: each falls where the policy starts refusing, and reads as words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lawgate.cases import clocks
from lawgate.cases.clocks import Level, LimitKind, TimeLimit
from lawgate.domain import Agency, Request, Verification
from lawgate.policy import engine
from lawgate.policy.facts import PolicyInput
from tests.factories import FBI, request_body

SECOND = dt.timedelta(seconds=1)
RECEIVED = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
DE_POLICE = {
    "id": "de-bka",
    "name": "Bundeskriminalamt",
    "country": "DE",
    "kind": "police",
    "domains": ["bka.de"],
}
GB_POLICE = {
    "id": "gb-met",
    "name": "Met",
    "country": "GB",
    "kind": "police",
    "domains": ["met.uk"],
}
EMERGENCY = {
    "kind": "emergency_disclosure",
    "emergency": {"threat": "a hostage will be killed tonight", "harm": "death"},
    "categories": ["subscriber", "identification"],
}


def make(
    agency: dict[str, Any] = FBI, process: dict[str, Any] | None = None, **changes: Any
) -> Request:
    """The sample warrant sent by `agency`, its legal process and other fields changed."""
    domain = agency["domains"][0]
    base = request_body(
        agency_id=agency["id"],
        country=agency["country"],
        officer={"name": "O", "email": f"o@{domain}"},
        non_disclosure=None,
    )
    legal = {**base["legal_process"], **(process or {})}
    return Request.model_validate({**base, "legal_process": legal, **changes})


def eu_emergency(**process: Any) -> Request:
    """An emergency order from German police, unvalidated unless changed."""
    legal = {"type": "production_order", "issuer_role": "police", "expires_on": None, **process}
    return make(DE_POLICE, legal, **EMERGENCY)


def gb_authorisation(**changes: Any) -> Request:
    """A communications data authorisation from OCDA for the Met."""
    legal = {"type": "communications_data_authorisation", "issuer_role": "ocda", "expires_on": None}
    return make(GB_POLICE, legal, **{"categories": ["subscriber"], **changes})


def fired(agency: dict[str, Any], request: Request, at: dt.datetime) -> set[str]:
    """The rule ids the shipped packs refuse with when the request is evaluated at `at`."""
    source = PolicyInput(
        Agency.model_validate(agency), request, Verification(requester="verified"), at
    )
    return {f.rule.id for f in engine.explain(source).denials}


def only(request: Request, kind: LimitKind) -> TimeLimit:
    """The one limit of a kind the request sets."""
    (found,) = [limit for limit in clocks.time_limits(request, RECEIVED) if limit.kind is kind]
    return found


@pytest.mark.parametrize(
    ("agency", "request_", "kind", "rule", "expected"),
    [
        pytest.param(
            FBI,
            make(process={"issued_on": "2026-11-01", "expires_on": "2026-11-27"}),
            LimitKind.PROCESS_EXPIRES,
            "baseline.in_force",
            dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
            id="warrant-in-force-through-its-date",
        ),
        pytest.param(
            DE_POLICE,
            eu_emergency(issued_on="2026-11-27"),
            LimitKind.VALIDATION_DUE,
            "eu.emergency.validation",
            dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
            id="eu-validation-within-48-hours",
        ),
        pytest.param(
            GB_POLICE,
            gb_authorisation(),
            LimitKind.AUTHORISATION_LAPSES,
            "gb.authorisation.validity",
            dt.datetime(2026, 12, 21, tzinfo=dt.UTC),
            id="gb-authorisation-for-744-hours",
        ),
        pytest.param(
            GB_POLICE,
            gb_authorisation(**EMERGENCY),
            LimitKind.AUTHORISATION_LAPSES,
            "gb.authorisation.validity",
            dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
            id="gb-urgent-authorisation-for-72-hours",
        ),
    ],
)
def test_a_limit_falls_on_the_second_the_packs_start_refusing(
    agency: dict[str, Any], request_: Request, kind: LimitKind, rule: str, expected: dt.datetime
) -> None:
    limit = only(request_, kind)
    assert limit.at == expected
    assert rule not in fired(agency, request_, limit.at - SECOND)
    assert rule in fired(agency, request_, limit.at + SECOND)
    assert clocks.countdown(limit, limit.at).level is Level.LAPSED


def test_each_limit_says_what_runs_out() -> None:
    assert only(make(), LimitKind.PROCESS_EXPIRES).what == "the search warrant expires"
    validation = only(eu_emergency(), LimitKind.VALIDATION_DUE)
    assert validation.what == "validation of the emergency order is due"
    assert (
        only(gb_authorisation(), LimitKind.AUTHORISATION_LAPSES).what == "the authorisation lapses"
    )
    urgent = only(gb_authorisation(**EMERGENCY), LimitKind.AUTHORISATION_LAPSES)
    assert urgent.what == "the urgent authorisation lapses"


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(eu_emergency(issuer_role="prosecutor"), id="prosecutor-needs-none"),
        pytest.param(eu_emergency(issuer_role="investigating_judge"), id="judge-needs-none"),
        pytest.param(
            eu_emergency(validated_by={"role": "judge", "on": "2026-11-27"}), id="validated"
        ),
        pytest.param(make(DE_POLICE, {"issuer_role": "police"}), id="not-an-emergency"),
        pytest.param(make(GB_POLICE, {"issuer_role": "police"}, **EMERGENCY), id="not-eu"),
    ],
)
def test_no_validation_clock_where_the_pack_asks_none(request_: Request) -> None:
    kinds = {limit.kind for limit in clocks.time_limits(request_, RECEIVED)}
    assert LimitKind.VALIDATION_DUE not in kinds


def test_only_a_gb_communications_data_authorisation_lapses_by_the_hour() -> None:
    warrant = make(GB_POLICE, {"type": "overseas_production_order"})
    american = make(FBI, {"type": "communications_data_authorisation"})
    for request in (warrant, american):
        kinds = {limit.kind for limit in clocks.time_limits(request, RECEIVED)}
        assert LimitKind.AUTHORISATION_LAPSES not in kinds


def test_a_gag_ends_the_midnight_after_its_date_and_a_preservation_counts_from_receipt() -> None:
    gagged = make(non_disclosure={"until": "2027-05-20", "basis": "18 U.S.C. 2705(b) order"})
    gag = only(gagged, LimitKind.GAG_ENDS)
    assert gag.at == dt.datetime(2027, 5, 21, tzinfo=dt.UTC)
    kept = make(kind="preservation", preservation={"days": 90}, categories=["subscriber"])
    assert only(kept, LimitKind.PRESERVATION_ENDS).at == RECEIVED + dt.timedelta(days=90)
    extension = make(
        kind="preservation_extension",
        preservation={"days": 90},
        preservation_ref="LG-ORIGINAL1",
        categories=["subscriber"],
    )
    assert LimitKind.PRESERVATION_ENDS not in {
        limit.kind for limit in clocks.time_limits(extension, RECEIVED)
    }


def test_limits_come_soonest_first_and_the_response_deadline_joins_them() -> None:
    request = make(
        process={"expires_on": "2027-01-20"},
        non_disclosure={"until": "2026-12-31", "basis": "18 U.S.C. 2705(b) order"},
    )
    limits = clocks.time_limits(request, RECEIVED)
    assert [limit.kind for limit in limits] == [LimitKind.GAG_ENDS, LimitKind.PROCESS_EXPIRES]
    early = dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC)
    assert clocks.next_limit(limits, early).kind is LimitKind.RESPONSE_DUE
    late = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    assert clocks.next_limit(limits, late) == limits[0]
    assert clocks.next_limit([], late).what == "the response is due"


WARRANT = TimeLimit(
    kind=LimitKind.PROCESS_EXPIRES,
    label="search warrant",
    what="the search warrant expires",
    at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
)
VALIDATION = TimeLimit(
    kind=LimitKind.VALIDATION_DUE,
    label="validation",
    what="validation of the emergency order is due",
    at=dt.datetime(2026, 11, 29, 1, tzinfo=dt.UTC),
)


@pytest.mark.parametrize(
    ("limit", "before", "text", "level"),
    [
        (WARRANT, dt.timedelta(days=2), "search warrant expires in 2 days", Level.SOON),
        (WARRANT, dt.timedelta(days=2, hours=23), "search warrant expires in 2 days", Level.SOON),
        (WARRANT, dt.timedelta(days=3), "search warrant expires in 3 days", Level.SOON),
        (WARRANT, dt.timedelta(days=3) + SECOND, "search warrant expires in 3 days", Level.OK),
        (WARRANT, dt.timedelta(hours=47), "search warrant expires in 47 hours", Level.SOON),
        (WARRANT, dt.timedelta(minutes=1), "search warrant expires in 1 minute", Level.SOON),
        (WARRANT, SECOND, "search warrant expires in under a minute", Level.SOON),
        (WARRANT, dt.timedelta(0), "search warrant expired under a minute ago", Level.LAPSED),
        (WARRANT, -SECOND, "search warrant expired under a minute ago", Level.LAPSED),
        (WARRANT, -dt.timedelta(days=10), "search warrant expired 10 days ago", Level.LAPSED),
        (WARRANT, -dt.timedelta(hours=1), "search warrant expired 1 hour ago", Level.LAPSED),
        (VALIDATION, dt.timedelta(hours=5), "validation due in 5 hours", Level.SOON),
        (VALIDATION, -dt.timedelta(hours=2), "validation was due 2 hours ago", Level.LAPSED),
    ],
)
def test_a_limit_reads_relative_to_the_moment_given(
    limit: TimeLimit, before: dt.timedelta, text: str, level: Level
) -> None:
    shown = clocks.countdown(limit, limit.at - before)
    assert (shown.text, shown.level) == (text, level)


def test_how_soon_is_soon_is_a_parameter() -> None:
    now = WARRANT.at - dt.timedelta(days=5)
    assert clocks.countdown(WARRANT, now).level is Level.OK
    assert clocks.countdown(WARRANT, now, soon=dt.timedelta(days=5)).level is Level.SOON


def test_the_queue_filter_and_order_of_limits() -> None:
    assert clocks.runs_out_by(WARRANT, WARRANT.at)
    assert not clocks.runs_out_by(WARRANT, WARRANT.at - SECOND)
    assert not clocks.runs_out_by(None, WARRANT.at)
    order = sorted([None, VALIDATION, WARRANT], key=clocks.soonest_first)
    assert order == [WARRANT, VALIDATION, None]
