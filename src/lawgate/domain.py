"""The vocabulary of lawgate: the request, agency and decision of spec/request-format.md."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator


class RequestKind(StrEnum):
    """What the agency asks us to do."""

    PRODUCTION = "production"
    PRESERVATION = "preservation"
    PRESERVATION_EXTENSION = "preservation_extension"
    EMERGENCY_DISCLOSURE = "emergency_disclosure"


PRESERVATION_KINDS = frozenset({RequestKind.PRESERVATION, RequestKind.PRESERVATION_EXTENSION})
"""The kinds that ask us to keep data, not to disclose it."""


class Purpose(StrEnum):
    """Why the agency says it needs the data; the baseline allows only the first three."""

    TERRORISM = "terrorism"
    NATIONAL_SECURITY = "national_security"
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    CIVIL_LITIGATION = "civil_litigation"
    TAX_ADMINISTRATION = "tax_administration"
    IMMIGRATION = "immigration"
    REGULATORY = "regulatory"
    POLITICAL = "political"
    INTELLIGENCE = "intelligence"
    COMMERCIAL = "commercial"
    OTHER = "other"


class ListedOffence(StrEnum):
    """Offences the EU e-Evidence Regulation lists regardless of sentence (Art 5(4))."""

    TERRORISM = "terrorism"
    CHILD_SEXUAL_ABUSE = "child_sexual_abuse"
    PAYMENT_FRAUD = "payment_fraud"
    CYBERATTACK = "cyberattack"


class LegalProcessType(StrEnum):
    """The legal instrument supplied with the request."""

    SUBPOENA = "subpoena"
    COURT_ORDER = "court_order"
    SEARCH_WARRANT = "search_warrant"
    PRODUCTION_ORDER = "production_order"
    PRESERVATION_ORDER = "preservation_order"
    NATIONAL_SECURITY_LETTER = "national_security_letter"
    FISA_ORDER = "fisa_order"
    COMMUNICATIONS_DATA_AUTHORISATION = "communications_data_authorisation"
    OVERSEAS_PRODUCTION_ORDER = "overseas_production_order"
    EVIDENCE_NOTICE = "evidence_notice"
    MLAT_REQUEST = "mlat_request"
    LETTER = "letter"
    NONE = "none"


class IssuerRole(StrEnum):
    """Who issued or authorised the legal process; competence depends on it."""

    JUDGE = "judge"
    COURT = "court"
    INVESTIGATING_JUDGE = "investigating_judge"
    PROSECUTOR = "prosecutor"
    POLICE = "police"
    AGENCY_HEAD = "agency_head"
    FBI_DESIGNEE = "fbi_designee"
    OCDA = "ocda"
    DESIGNATED_SENIOR_OFFICER = "designated_senior_officer"
    DEPARTMENT_HEAD = "department_head"
    COUNTY_PSB_HEAD = "county_psb_head"
    OTHER = "other"


class TargetType(StrEnum):
    """Identifier types a target may use; each maps to an indexed lookup."""

    ACCOUNT_ID = "account_id"
    EMAIL = "email"
    PHONE = "phone"
    USERNAME = "username"
    ORDER_ID = "order_id"
    LISTING_ID = "listing_id"
    PAYMENT_REFERENCE = "payment_reference"
    IP_ADDRESS = "ip_address"


class Category(StrEnum):
    """Legal categories of data, in EU e-Evidence naming."""

    SUBSCRIBER = "subscriber"
    IDENTIFICATION = "identification"
    TRAFFIC = "traffic"
    CONTENT = "content"


class Harm(StrEnum):
    """The harm an emergency request says is imminent."""

    DEATH = "death"
    SERIOUS_PHYSICAL_INJURY = "serious_physical_injury"
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
    OTHER = "other"


class AgencyKind(StrEnum):
    """The kind of authority an agency is."""

    POLICE = "police"
    PROSECUTOR = "prosecutor"
    COURT = "court"
    NATIONAL_SECURITY = "national_security"
    INTELLIGENCE = "intelligence"
    TAX = "tax"
    REGULATOR = "regulator"
    MILITARY = "military"
    OTHER = "other"


class Outcome(StrEnum):
    """The overall verdict on a request."""

    APPROVE = "approve"
    PARTIAL = "partial"
    REJECT = "reject"
    ESCALATE = "escalate"


class Verdict(StrEnum):
    """The verdict on one category."""

    ALLOW = "allow"
    DENY = "deny"


class ReasonCode(StrEnum):
    """The fixed vocabulary of reasons for a refusal or escalation."""

    PURPOSE_NOT_PERMITTED = "purpose_not_permitted"
    NO_OFFENCE_STATED = "no_offence_stated"
    REQUESTER_UNVERIFIED = "requester_unverified"
    NO_SPECIFIC_TARGET = "no_specific_target"
    OVERBROAD = "overbroad"
    PROCESS_EXPIRED = "process_expired"
    INSTRUMENT_INSUFFICIENT = "instrument_insufficient"
    ISSUER_NOT_COMPETENT = "issuer_not_competent"
    OFFENCE_BELOW_THRESHOLD = "offence_below_threshold"
    MISSING_VALIDATION = "missing_validation"
    EMERGENCY_NOT_QUALIFYING = "emergency_not_qualifying"
    EMERGENCY_UNCONFIRMED = "emergency_unconfirmed"
    FOREIGN_DIRECT_REQUEST_BARRED = "foreign_direct_request_barred"
    NO_DUAL_CRIMINALITY = "no_dual_criminality"
    POLITICAL_OFFENCE = "political_offence"
    PRESERVATION_LIMIT_EXCEEDED = "preservation_limit_exceeded"
    NATIONAL_SECURITY_REVIEW = "national_security_review"


NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(max_length=2000)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
AgeRecipient = Annotated[str, StringConstraints(pattern=r"^age1[02-9ac-hj-np-z]{58}$")]
"""An age X25519 recipient: productions for the agency are encrypted to it."""
AgencyId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]


class StrictModel(BaseModel):
    """Base for wire models: unknown fields and coerced types are refused."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class Officer(StrictModel):
    """The officer who sends the request; compared with the registry for fraud signals."""

    name: NonEmpty
    title: ShortText = ""
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
    phone: ShortText = ""


class Offence(StrictModel):
    """The crime under investigation; thresholds and political guardrails read it."""

    description: NonEmpty
    statute: ShortText = ""
    max_custodial_years: Annotated[float, Field(ge=0, le=1000)] | None = None
    listed_offence: ListedOffence | None = None
    dual_criminality: bool | None = None


class Validation(StrictModel):
    """A validation of the order by a competent authority (EU Art 4)."""

    role: IssuerRole
    on: dt.date


class LegalProcess(StrictModel):
    """The instrument and who issued it."""

    type: LegalProcessType
    issuer_role: IssuerRole
    issuer_name: ShortText = ""
    issued_on: dt.date
    expires_on: dt.date | None = None
    validated_by: Validation | None = None
    document_sha256: Sha256Hex | None = None
    document_name: Annotated[str, StringConstraints(max_length=255)] | None = None


class Target(StrictModel):
    """One specific identifier; `at` is required for IP addresses."""

    type: TargetType
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
    at: dt.datetime | None = None

    @model_validator(mode="after")
    def _ip_needs_time(self) -> Self:
        """An IP address is shared over time, so it identifies nobody without a moment."""
        if self.type is TargetType.IP_ADDRESS and self.at is None:
            raise ValueError("an ip_address target needs 'at' (ISO timestamp)")
        return self


class DateRange(StrictModel):
    """The period of data asked for."""

    from_: dt.date = Field(alias="from")
    to: dt.date

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        """A range that ends before it starts is a typo, not an empty request."""
        if self.to < self.from_:
            raise ValueError("date_range 'to' is before 'from'")
        return self


class NonDisclosure(StrictModel):
    """A demand that the user not be told, and its claimed basis."""

    until: dt.date | None = None
    basis: ShortText = ""


class Emergency(StrictModel):
    """The threat that justifies an emergency disclosure."""

    threat: NonEmpty
    harm: Harm


class Preservation(StrictModel):
    """How long the agency asks the data to be kept."""

    days: Annotated[int, Field(ge=1, le=3650)]


MAX_TARGETS_ACCEPTED = 1000
"""Hard ceiling at intake; the policy applies the configurable, much lower, legal limit."""


class Request(StrictModel):
    """A government request for user data, exactly as an agency sends it."""

    kind: RequestKind
    agency_id: AgencyId
    officer: Officer
    country: CountryCode
    purpose: Purpose
    offence: Offence | None = None
    case_reference: NonEmpty
    legal_process: LegalProcess
    targets: Annotated[list[Target], Field(max_length=MAX_TARGETS_ACCEPTED)]
    categories: Annotated[list[Category], Field(min_length=1, max_length=4)]
    date_range: DateRange | None = None
    non_disclosure: NonDisclosure | None = None
    emergency: Emergency | None = None
    preservation: Preservation | None = None
    preservation_ref: Annotated[str, StringConstraints(max_length=64)] | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Self:
        """Each kind carries the block it depends on, and no other kind's block."""
        kind = self.kind
        is_preservation = kind in PRESERVATION_KINDS
        if is_preservation and self.preservation is None:
            raise ValueError(f"preservation: required for kind '{kind}'")
        if not is_preservation and self.preservation is not None:
            raise ValueError(f"preservation: only allowed for the preservation kinds, not '{kind}'")
        if kind is RequestKind.EMERGENCY_DISCLOSURE and self.emergency is None:
            raise ValueError("emergency: required for kind 'emergency_disclosure'")
        if kind is not RequestKind.EMERGENCY_DISCLOSURE and self.emergency is not None:
            raise ValueError(
                f"emergency: only allowed for kind 'emergency_disclosure', not '{kind}'"
            )
        if kind is RequestKind.PRESERVATION_EXTENSION and not self.preservation_ref:
            raise ValueError("preservation_ref: required for kind 'preservation_extension'")
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("categories: a category is listed twice")
        return self


class RequesterStatus(StrEnum):
    """Whether the sender proved it is the registered agency."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"


class CallbackStatus(StrEnum):
    """The outcome of the out-of-band call to the registry's number."""

    CONFIRMED = "confirmed"
    FAILED = "failed"
    NOT_DONE = "not_done"


class Verification(StrictModel):
    """What lawgate itself established about the sender, never taken from the request."""

    requester: RequesterStatus
    callback: CallbackStatus = CallbackStatus.NOT_DONE


EU_MEMBER_STATES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
)


class Agency(StrictModel):
    """A registered agency, as the registry holds it."""

    id: AgencyId
    name: NonEmpty
    country: CountryCode
    kind: AgencyKind
    level: ShortText = ""
    domains: list[Annotated[str, StringConstraints(min_length=3, max_length=253)]] = []
    callback_phone: ShortText = ""
    age_recipient: AgeRecipient | None = None


class Reason(StrictModel):
    """Why a category was denied or a request escalated, with the law behind it."""

    code: ReasonCode
    category: Category | None = None
    rule: str
    citation: str
    message: str


class Finding(StrictModel):
    """An observation for the reviewer that does not by itself refuse."""

    code: str
    message: str


class Decision(StrictModel):
    """A recommendation from the policy, or a reviewer's recorded decision."""

    outcome: Outcome
    categories: dict[Category, Verdict]
    reasons: list[Reason] = []
    findings: list[Finding] = []
    deadline: dt.datetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """Enforce the spec's precedence so no decision contradicts its own verdicts."""
        allowed = [c for c, v in self.categories.items() if v is Verdict.ALLOW]
        denied = {c for c, v in self.categories.items() if v is Verdict.DENY}
        if not allowed and self.outcome is not Outcome.REJECT:
            raise ValueError("outcome: must be 'reject' when no category is allowed")
        if allowed and self.outcome is Outcome.REJECT:
            raise ValueError("outcome: 'reject' but some categories are allowed")
        if self.outcome is Outcome.APPROVE and denied:
            raise ValueError("outcome: 'approve' but some categories are denied")
        if self.outcome is Outcome.PARTIAL and not denied:
            raise ValueError("outcome: 'partial' but no category is denied")
        if self.outcome is Outcome.ESCALATE and not self.reasons:
            raise ValueError("reasons: an escalation needs at least one reason")
        if denied and not self.reasons:
            raise ValueError("reasons: a deny needs at least one reason")
        return self
