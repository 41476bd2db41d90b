"""Properties of the policy engine on generated requests: explained, monotone and ordered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawgate.domain import (
    Agency,
    AgencyKind,
    CallbackStatus,
    Category,
    DateRange,
    Decision,
    Emergency,
    Harm,
    IssuerRole,
    LegalProcess,
    LegalProcessType,
    ListedOffence,
    Offence,
    Officer,
    Outcome,
    Preservation,
    Purpose,
    Reason,
    ReasonCode,
    Request,
    RequesterStatus,
    RequestKind,
    Target,
    TargetType,
    Validation,
    Verdict,
    Verification,
)
from lawgate.policy.casefile import CaseFile
from lawgate.policy.engine import evaluate
from lawgate.policy.packs import default_packs

COUNTRIES = ("US", "DE", "FR", "GB", "CN", "IN", "BR", "JP")
ALLOWED_PURPOSES = frozenset(
    {Purpose.TERRORISM, Purpose.NATIONAL_SECURITY, Purpose.CRIMINAL_INVESTIGATION}
)
OTHER_PURPOSES = tuple(p for p in Purpose if p not in ALLOWED_PURPOSES)
CHAIN = (
    LegalProcessType.SEARCH_WARRANT,
    LegalProcessType.COURT_ORDER,
    LegalProcessType.SUBPOENA,
    LegalProcessType.NONE,
)
CHAIN_ISSUERS = [IssuerRole.JUDGE, IssuerRole.COURT, IssuerRole.PROSECUTOR, IssuerRole.AGENCY_HEAD]
SPEC_REASON_CODES = frozenset(
    {
        "purpose_not_permitted",
        "no_offence_stated",
        "requester_unverified",
        "no_specific_target",
        "overbroad",
        "process_expired",
        "instrument_insufficient",
        "issuer_not_competent",
        "offence_below_threshold",
        "missing_validation",
        "emergency_not_qualifying",
        "emergency_unconfirmed",
        "foreign_direct_request_barred",
        "no_dual_criminality",
        "political_offence",
        "preservation_limit_exceeded",
        "national_security_review",
    }
)
STATUTES = (
    "18 U.S.C. 1343",
    "StGB 263",
    "Code pénal art. 313-1",
    "Fraud Act 2006 s.1",
    "PRC Criminal Law Art 266",
    "IPC 420",
)
DESCRIPTIONS = (
    "wire fraud through counterfeit listings",
    "sale of stolen goods",
    "financing of a terrorist group",
)
POLITICAL_STATUTES = (
    "PRC Criminal Law Art 293",
    "Criminal Law of the People's Republic of China, Article one hundred and five",
    "Thailand Criminal Code s.112",
)
POLITICAL_DESCRIPTIONS = (
    "organising a street protest against the government",
    "investigative journalism about local officials",
)
THREATS = ("a bomb threat against a school", "a missing child", "a threat to the power grid")
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TARGET_VALUES: dict[TargetType, Callable[[int], str]] = {
    TargetType.ACCOUNT_ID: lambda n: f"acct{n}",
    TargetType.EMAIL: lambda n: f"user{n}@example.com",
    TargetType.PHONE: lambda n: f"+1 212 555 {n:04d}",
    TargetType.USERNAME: lambda n: f"seller{n}",
    TargetType.ORDER_ID: lambda n: f"ORD{n:06d}",
    TargetType.LISTING_ID: lambda n: f"L{n}",
    TargetType.PAYMENT_REFERENCE: lambda n: f"PAY{n}",
    TargetType.IP_ADDRESS: lambda n: f"203.0.113.{n % 254 + 1}",
}
AT = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


GOOD_PROCESSES: dict[str, list[tuple[LegalProcessType, IssuerRole]]] = {
    "US": [
        (LegalProcessType.SEARCH_WARRANT, IssuerRole.JUDGE),
        (LegalProcessType.COURT_ORDER, IssuerRole.COURT),
        (LegalProcessType.SUBPOENA, IssuerRole.PROSECUTOR),
        (LegalProcessType.SUBPOENA, IssuerRole.AGENCY_HEAD),
        (LegalProcessType.NATIONAL_SECURITY_LETTER, IssuerRole.FBI_DESIGNEE),
        (LegalProcessType.FISA_ORDER, IssuerRole.COURT),
    ],
    "EU": [
        (LegalProcessType.PRODUCTION_ORDER, IssuerRole.PROSECUTOR),
        (LegalProcessType.PRODUCTION_ORDER, IssuerRole.INVESTIGATING_JUDGE),
        (LegalProcessType.PRODUCTION_ORDER, IssuerRole.POLICE),
        (LegalProcessType.SEARCH_WARRANT, IssuerRole.JUDGE),
        (LegalProcessType.COURT_ORDER, IssuerRole.COURT),
    ],
    "GB": [
        (LegalProcessType.COMMUNICATIONS_DATA_AUTHORISATION, IssuerRole.OCDA),
        (LegalProcessType.COMMUNICATIONS_DATA_AUTHORISATION, IssuerRole.DESIGNATED_SENIOR_OFFICER),
        (LegalProcessType.OVERSEAS_PRODUCTION_ORDER, IssuerRole.JUDGE),
    ],
    "CN": [
        (LegalProcessType.EVIDENCE_NOTICE, IssuerRole.DEPARTMENT_HEAD),
        (LegalProcessType.PRESERVATION_ORDER, IssuerRole.COUNTY_PSB_HEAD),
    ],
    "ROW": [
        (LegalProcessType.COURT_ORDER, IssuerRole.JUDGE),
        (LegalProcessType.SEARCH_WARRANT, IssuerRole.COURT),
        (LegalProcessType.SUBPOENA, IssuerRole.PROSECUTOR),
    ],
}
REGION = {"US": "US", "DE": "EU", "FR": "EU", "GB": "GB", "CN": "CN"}


def likely(draw: st.DrawFn, percent: int) -> bool:
    """A biased coin, so that most generated requests get far enough to be allowed something."""
    return draw(st.integers(0, 99)) < percent


def pick(draw: st.DrawFn, preferred: list[Any], everything: list[Any], percent: int = 75) -> Any:
    """Mostly one of the values that let a request through, otherwise any value."""
    return draw(st.sampled_from(preferred if likely(draw, percent) else everything))


@st.composite
def targets(draw: st.DrawFn, start: int = 0) -> Target:
    """One specific identifier of any supported type."""
    kind = draw(st.sampled_from(list(TargetType)))
    n = draw(st.integers(start, start + 9999))
    at = AT if kind is TargetType.IP_ADDRESS else None
    return Target(type=kind, value=TARGET_VALUES[kind](n), at=at)


@st.composite
def offences(draw: st.DrawFn) -> Offence | None:
    """The offence, usually with a statute and a sentence, sometimes none at all."""
    if not likely(draw, 90):
        return None
    years = draw(st.integers(0, 30)) if likely(draw, 85) else None
    return Offence(
        description=pick(draw, list(DESCRIPTIONS), list(POLITICAL_DESCRIPTIONS), 90),
        statute=pick(draw, list(STATUTES), [*POLITICAL_STATUTES, ""], 85),
        max_custodial_years=None if years is None else float(years),
        listed_offence=pick(draw, [None], [None, *ListedOffence], 60),
        dual_criminality=pick(draw, [True], [True, False, None], 70),
    )


@st.composite
def validations(draw: st.DrawFn, on: dt.date) -> Validation:
    """A validation of the order by some authority."""
    role = pick(draw, [IssuerRole.JUDGE, IssuerRole.INVESTIGATING_JUDGE], list(IssuerRole), 60)
    return Validation(role=role, on=on)


@st.composite
def legal_processes(draw: st.DrawFn, country: str, today: dt.date) -> LegalProcess:
    """An instrument and its issuer (usually right for the country), dates, maybe a validation."""
    good = GOOD_PROCESSES[REGION.get(country, "ROW")]
    anything = [(t, r) for t in LegalProcessType for r in IssuerRole]
    kind, issuer = pick(draw, good, anything, 70)
    issued = today - dt.timedelta(days=pick(draw, list(range(0, 25)), list(range(-3, 60)), 85))
    expires = draw(st.integers(0, 120)) if likely(draw, 50) else None
    validated = draw(validations(issued)) if likely(draw, 30) else None
    return LegalProcess(
        type=kind,
        issuer_role=issuer,
        issued_on=issued,
        expires_on=None if expires is None else issued + dt.timedelta(days=expires),
        validated_by=validated,
        document_sha256="ab" * 32,
    )


@st.composite
def date_ranges(draw: st.DrawFn, today: dt.date) -> DateRange:
    """A period ending before today, from one day to a few years long."""
    to = today - dt.timedelta(days=draw(st.integers(0, 90)))
    span = pick(draw, list(range(0, 366)), list(range(0, 900)), 70)
    return DateRange(from_=to - dt.timedelta(days=span), to=to)


@st.composite
def kind_blocks(draw: st.DrawFn) -> dict[str, Any]:
    """A request kind with the block that kind carries."""
    kind = pick(draw, [RequestKind.PRODUCTION], list(RequestKind), 50)
    blocks: dict[str, Any] = {"kind": kind}
    if kind is RequestKind.EMERGENCY_DISCLOSURE:
        harm = pick(draw, [Harm.DEATH, Harm.SERIOUS_PHYSICAL_INJURY], list(Harm))
        blocks["emergency"] = Emergency(threat=draw(st.sampled_from(THREATS)), harm=harm)
    if kind in (RequestKind.PRESERVATION, RequestKind.PRESERVATION_EXTENSION):
        blocks["preservation"] = Preservation(days=draw(st.integers(1, 120)))
    if kind is RequestKind.PRESERVATION_EXTENSION:
        blocks["preservation_ref"] = "PRES-0001"
    return blocks


@st.composite
def requests(draw: st.DrawFn, agency: Agency, today: dt.date) -> Request:
    """A valid request from that agency (now and then under another agency's id)."""
    many = st.lists(targets(), min_size=1, max_size=60)
    few = st.lists(targets(), min_size=1, max_size=5)
    return Request(
        agency_id=agency.id if likely(draw, 95) else "some-other-agency",
        officer=Officer(name="Officer Example", email="officer@agency.example"),
        country=agency.country,
        purpose=pick(draw, sorted(ALLOWED_PURPOSES), list(Purpose), 85),
        offence=draw(offences()),
        case_reference="CASE-2026-0001",
        legal_process=draw(legal_processes(agency.country, today)),
        targets=draw(few if likely(draw, 60) else many),
        categories=draw(st.lists(st.sampled_from(list(Category)), min_size=1, unique=True)),
        date_range=draw(date_ranges(today)) if likely(draw, 85) else None,
        **draw(kind_blocks()),
    )


@st.composite
def cases(draw: st.DrawFn) -> CaseFile:
    """A complete, valid case file across countries, kinds, processes and verifications."""
    country = draw(st.sampled_from(COUNTRIES))
    agency = Agency(
        id=f"{country.lower()}-agency",
        name=f"{country} Agency",
        country=country,
        kind=pick(draw, [AgencyKind.POLICE, AgencyKind.NATIONAL_SECURITY], list(AgencyKind)),
        domains=["agency.example"],
    )
    today = draw(st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)))
    requester = pick(draw, [RequesterStatus.VERIFIED], list(RequesterStatus), 90)
    callback = pick(draw, [CallbackStatus.CONFIRMED], list(CallbackStatus), 70)
    return CaseFile(
        today=today,
        agency=agency,
        verification=Verification(requester=requester, callback=callback),
        request=draw(requests(agency, today)),
        prior_extensions=pick(draw, [0], [0, 1, 2], 80),
    )


def decide(case: CaseFile) -> Decision:
    """The engine's decision on a case, with the default configuration and packs."""
    return evaluate(case.policy_input())


def allowed(decision: Decision) -> set[Category]:
    """The categories a decision allows."""
    return {c for c, v in decision.categories.items() if v is Verdict.ALLOW}


def with_request(case: CaseFile, **changes: Any) -> CaseFile:
    """The same case with request fields replaced."""
    return case.model_copy(update={"request": case.request.model_copy(update=changes)})


def with_process(case: CaseFile, **changes: Any) -> CaseFile:
    """The same case with legal-process fields replaced."""
    process = case.request.legal_process.model_copy(update=changes)
    return with_request(case, legal_process=process)


def is_escalation(reason: Reason) -> bool:
    """True for a reason from an escalate rule (a permit), not a refusal (a forbid)."""
    return default_packs().rules[reason.rule].effect == "permit"


def only_incompetent_issuer(decision: Decision, category: Category) -> bool:
    """True when every refusal of the category says the issuer cannot issue this instrument."""
    codes = {r.code for r in decision.reasons if r.category is category and not is_escalation(r)}
    return codes == {ReasonCode.ISSUER_NOT_COMPETENT}


@EXAMPLES
@given(cases(), st.sampled_from(OTHER_PURPOSES))
def test_a_purpose_outside_the_baseline_allows_nothing(case: CaseFile, purpose: Purpose) -> None:
    decision = decide(with_request(case, purpose=purpose))
    assert decision.outcome is Outcome.REJECT
    assert set(decision.categories) == set(case.request.categories)
    assert all(v is Verdict.DENY for v in decision.categories.values())
    refused = {r.category for r in decision.reasons if r.code is ReasonCode.PURPOSE_NOT_PERMITTED}
    assert refused == set(case.request.categories)


@EXAMPLES
@given(cases())
def test_every_deny_and_escalation_carries_a_full_reason(case: CaseFile) -> None:
    decision = decide(case)
    assert set(decision.categories) == set(case.request.categories)
    for category, verdict in decision.categories.items():
        if verdict is Verdict.DENY:
            assert any(r.category is category and not is_escalation(r) for r in decision.reasons)
    if decision.outcome is Outcome.ESCALATE:
        assert any(is_escalation(r) for r in decision.reasons)
    for reason in decision.reasons:
        assert reason.code.value in SPEC_REASON_CODES
        assert reason.category in decision.categories
        assert reason.rule.strip() and reason.citation.strip() and reason.message.strip()


@EXAMPLES
@given(cases(), st.one_of(st.sampled_from(CHAIN_ISSUERS), st.sampled_from(list(IssuerRole))))
def test_a_weaker_instrument_never_allows_more(case: CaseFile, issuer: IssuerRole) -> None:
    """Along warrant, court order, subpoena, none, with the same issuer, the allowed set shrinks."""
    # A stronger instrument its issuer cannot issue at all (a prosecutor's search warrant in the
    # US) is void rather than strong: a category it refuses only with issuer_not_competent is not
    # compared (legal rules §2: a prosecutor may issue a subpoena, only a judge a warrant).
    ladder = [with_process(case, type=kind, issuer_role=issuer) for kind in CHAIN]
    decisions = [decide(c) for c in ladder]
    for i, stronger in enumerate(decisions):
        for j in range(i + 1, len(decisions)):
            gained = allowed(decisions[j]) - allowed(stronger)
            gained = {c for c in gained if not only_incompetent_issuer(stronger, c)}
            assert not gained, (CHAIN[i], CHAIN[j], gained)


@EXAMPLES
@given(cases(), st.data())
def test_removing_the_validation_never_allows_more(case: CaseFile, data: st.DataObject) -> None:
    process = case.request.legal_process
    validation = process.validated_by or data.draw(validations(process.issued_on))
    validated = with_process(case, validated_by=validation)
    bare = with_process(case, validated_by=None)
    assert allowed(decide(bare)) <= allowed(decide(validated))


@EXAMPLES
@given(cases(), st.lists(targets(start=20_000), min_size=1, max_size=10))
def test_more_targets_never_allow_more(case: CaseFile, extra: list[Target]) -> None:
    more = with_request(case, targets=[*case.request.targets, *extra])
    assert allowed(decide(more)) <= allowed(decide(case))


@EXAMPLES
@given(cases(), st.data(), st.integers(0, 400), st.integers(0, 400))
def test_a_longer_date_range_never_allows_more(
    case: CaseFile, data: st.DataObject, later: int, earlier: int
) -> None:
    span = case.request.date_range or data.draw(date_ranges(case.today))
    base = with_request(case, date_range=span)
    longer = DateRange(
        from_=span.from_ - dt.timedelta(days=earlier), to=span.to + dt.timedelta(days=later)
    )
    assert allowed(decide(with_request(case, date_range=longer))) <= allowed(decide(base))


def expected_outcome(decision: Decision) -> Outcome:
    """The spec's precedence, from the verdicts and the escalation reasons alone."""
    granted = allowed(decision)
    if not granted:
        return Outcome.REJECT
    if any(is_escalation(r) for r in decision.reasons):
        return Outcome.ESCALATE
    return Outcome.APPROVE if granted == set(decision.categories) else Outcome.PARTIAL


@EXAMPLES
@given(cases())
def test_the_outcome_follows_the_precedence_of_the_spec(case: CaseFile) -> None:
    decision = decide(case)
    assert decision.outcome is expected_outcome(decision)
    if decision.outcome is Outcome.ESCALATE:
        escalated = {r.category for r in decision.reasons if is_escalation(r)}
        assert escalated & allowed(decision)


@EXAMPLES
@given(cases())
def test_the_same_input_gives_the_same_decision(case: CaseFile) -> None:
    source = case.policy_input()
    first = evaluate(source)
    assert all(evaluate(source) == first for _ in range(3))
    assert decide(CaseFile.model_validate(case.model_dump(by_alias=True))) == first


def prosecutor_case(instrument: LegalProcessType) -> CaseFile:
    """A US prosecutor asks for subscriber data under the given instrument."""
    agency = Agency(id="us-agency", name="US Agency", country="US", kind=AgencyKind.POLICE)
    request = Request(
        kind=RequestKind.PRODUCTION,
        agency_id=agency.id,
        officer=Officer(name="Officer Example", email="officer@agency.example"),
        country="US",
        purpose=Purpose.CRIMINAL_INVESTIGATION,
        offence=Offence(description="wire fraud", statute="18 U.S.C. 1343"),
        case_reference="CASE-2026-0001",
        legal_process=LegalProcess(
            type=instrument, issuer_role=IssuerRole.PROSECUTOR, issued_on=dt.date(2026, 11, 20)
        ),
        targets=[Target(type=TargetType.EMAIL, value="seller.one@example.com")],
        categories=[Category.SUBSCRIBER],
    )
    verification = Verification(requester=RequesterStatus.VERIFIED)
    return CaseFile(
        today=dt.date(2026, 11, 28), agency=agency, verification=verification, request=request
    )


def test_a_prosecutors_warrant_is_void_where_the_subpoena_is_not() -> None:
    """The one spec-mandated exception to instrument monotonicity, pinned (legal rules §2)."""
    warrant = decide(prosecutor_case(LegalProcessType.SEARCH_WARRANT))
    subpoena = decide(prosecutor_case(LegalProcessType.SUBPOENA))
    assert allowed(warrant) == set()
    assert only_incompetent_issuer(warrant, Category.SUBSCRIBER)
    assert allowed(subpoena) == {Category.SUBSCRIBER}
