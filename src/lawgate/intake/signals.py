"""Fraud signals: red flags on a request, each weighted and explained so a reviewer can check it.

Signals never refuse a request; they order the reviewer's attention (spec legal-rules §7).
Scoring: every signal carries a fixed weight (see WEIGHTS), roughly how strongly it alone points
at a forged or misdirected request: 40 for a document that is not the one described, 5 for a
portal filing. The combined score is the sum of the weights, capped at 100. Bands for the
console: below 20 low, 20 to 49 elevated, 50 and above high.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from lawgate.domain import Agency, LegalProcessType, Request, RequestKind
from lawgate.intake import phones, webmail
from lawgate.intake.history import History
from lawgate.policy.facts import jurisdiction
from lawgate.policy.findings import HOME_OF_INSTRUMENT, SUBPOENA_FREE, URGENCY

Channel = Literal["api", "portal", "cli", "demo"]
"""How a request arrived: signed API, officer portal, filed by staff, or demo seeding."""
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
SCORE_CAP = 100
ELEVATED, HIGH = 20, 50
WEIGHTS: dict[str, int] = {
    "document_hash_mismatch": 40,
    "free_webmail_sender": 35,
    "process_issued_in_future": 30,
    "sender_domain_mismatch": 25,
    "requester_country_mismatch": 25,
    "callback_number_differs": 20,
    "volume_spike": 20,
    "instrument_framework_mismatch": 20,
    "emergency_without_specifics": 20,
    "officer_phone_foreign": 15,
    "urgency_language": 15,
    "legal_document_missing": 15,
    "many_targets": 15,
    "process_expired": 10,
    "process_stale": 10,
    "new_officer": 10,
    "outside_signed_api": 10,
}
"""The weight of each signal; `outside_signed_api` weighs 5 for an MFA portal session."""
PORTAL_WEIGHT = 5
SIGNED_CHANNELS = frozenset({"api", "demo"})
VOLUME_MIN, VOLUME_FACTOR = 5, 4
"""A day counts as a spike at 5 or more requests and 4 times the agency's daily mean or more."""
MANY_TARGETS, MANY_TARGETS_EMERGENCY = 10, 3
STALE_DAYS = 365
FUTURE_GRACE_DAYS = 1
"""Issue dates one day ahead are time zones, not fraud."""
MIN_THREAT_WORDS = 6


class Signal(BaseModel):
    """One red flag: a stable code, its weight in the score, and what a reviewer should check."""

    model_config = ConfigDict(frozen=True)

    code: str
    weight: int
    explanation: str


@dataclass(frozen=True)
class Submission:
    """Everything the signals look at; nothing else is consulted."""

    request: Request
    agency: Agency
    history: History
    received_at: dt.datetime
    document_sha256: str | None = None
    """The SHA-256 of the document actually uploaded, when one was."""
    submitted_via: Channel = "api"


@dataclass(frozen=True)
class Assessment:
    """The signals raised on a request and their combined score (0 to 100)."""

    signals: list[Signal]
    score: int

    def as_json(self) -> list[dict[str, object]]:
        """The stored form of the signals."""
        return [s.model_dump() for s in self.signals]


def band(score: int) -> str:
    """A score in words, for the console."""
    return "high" if score >= HIGH else "elevated" if score >= ELEVATED else "low"


def _signal(code: str, explanation: str, weight: int | None = None) -> Signal:
    """A signal with its weight from WEIGHTS unless the check says otherwise."""
    return Signal(
        code=code, weight=WEIGHTS[code] if weight is None else weight, explanation=explanation
    )


def sender_domain(s: Submission) -> list[Signal]:
    """Free webmail, or a domain that is not one of the agency's registered domains."""
    email = s.request.officer.email
    domain = email.rpartition("@")[2].lower()
    registered = [d.lower() for d in s.agency.domains]
    if webmail.is_webmail(domain):
        return [
            _signal(
                "free_webmail_sender",
                f"The officer writes from {email}, a free webmail address; agencies send from "
                f"their own domains ({', '.join(registered) or 'none registered'}).",
            )
        ]
    if webmail.on_domains(email, registered):
        return []
    return [
        _signal(
            "sender_domain_mismatch",
            f"The officer's domain {domain} is not among the agency's registered domains "
            f"({', '.join(registered) or 'none registered'}).",
        )
    ]


def document_hash(s: Submission) -> list[Signal]:
    """The uploaded document differs from the one the request describes."""
    described = s.request.legal_process.document_sha256
    uploaded = s.document_sha256
    if not uploaded or not described or uploaded.lower() == described.lower():
        return []
    return [
        _signal(
            "document_hash_mismatch",
            f"The uploaded legal-process document has SHA-256 {uploaded[:12]}…, but the request "
            f"describes one with {described[:12]}…: the file is not the one the request cites.",
        )
    ]


def document_missing(s: Submission) -> list[Signal]:
    """A legal process is named but no document was uploaded or described."""
    process = s.request.legal_process
    if process.type is LegalProcessType.NONE or process.document_sha256 or s.document_sha256:
        return []
    return [
        _signal(
            "legal_document_missing",
            f"The request cites a {process.type.value.replace('_', ' ')} but neither uploads "
            "nor identifies (by hash) the document.",
        )
    ]


def volume(s: Submission) -> list[Signal]:
    """Far more requests from this agency in a day than its history shows."""
    today = s.history.last_day + 1
    usual = s.history.daily_mean
    if today < VOLUME_MIN or today < VOLUME_FACTOR * max(usual, 1.0):
        return []
    return [
        _signal(
            "volume_spike",
            f"This is the agency's request number {today} within 24 hours; over the 30 days "
            f"before, it sent {usual:.1f} a day.",
        )
    ]


def country(s: Submission) -> list[Signal]:
    """The request names another country than the registry holds for the agency."""
    if s.request.country == s.agency.country:
        return []
    return [
        _signal(
            "requester_country_mismatch",
            f"The request says country {s.request.country}; the registry records the agency "
            f"in {s.agency.country}.",
        )
    ]


def officer_phone(s: Submission) -> list[Signal]:
    """The officer's phone carries another country's calling code than the agency's."""
    phone = s.request.officer.phone
    if not phone or not phones.foreign_number(phone, s.agency.country):
        return []
    code = phones.calling_code(s.agency.country)
    return [
        _signal(
            "officer_phone_foreign",
            f"The officer's phone {phone} does not carry {s.agency.country}'s calling code "
            f"+{code}, the agency's country.",
        )
    ]


def _free_texts(request: Request) -> list[tuple[str, str]]:
    """The request's free-text fields, named as the wire format names them."""
    texts = [
        ("case_reference", request.case_reference),
        ("officer.title", request.officer.title),
        ("legal_process.issuer_name", request.legal_process.issuer_name),
    ]
    if request.offence:
        texts.append(("offence.description", request.offence.description))
    if request.emergency:
        texts.append(("emergency.threat", request.emergency.threat))
    if request.non_disclosure:
        texts.append(("non_disclosure.basis", request.non_disclosure.basis))
    return texts


def callback_number(s: Submission) -> list[Signal]:
    """A number written in the request that is not the registry's call-back number."""
    registry = s.agency.callback_phone
    found = [
        n
        for field, text in _free_texts(s.request)
        for n in phones.numbers_in(text, field)
        if not (registry and phones.same_number(n.written, registry))
    ]
    if not found:
        return []
    listed = "; ".join(f"{n.written} (in {n.field})" for n in found)
    return [
        _signal(
            "callback_number_differs",
            f"The request gives the number {listed}, which is not the registry's call-back "
            f"number ({registry or 'none registered'}). Call the registry's number, never one "
            "from the request.",
        )
    ]


def urgency(s: Submission) -> list[Signal]:
    """Urgency language outside an emergency request is a known pressure tactic."""
    request = s.request
    if request.kind is RequestKind.EMERGENCY_DISCLOSURE:
        return []
    for field, text in _free_texts(request):
        found = URGENCY.search(text)
        if found:
            return [
                _signal(
                    "urgency_language",
                    f"'{found.group(0)}' in {field}, on a request that is not an emergency "
                    "disclosure: pressure to skip review is a known fraud pattern.",
                )
            ]
    return []


def new_officer(s: Submission) -> list[Signal]:
    """The first request from this officer (or this agency)."""
    if s.history.officer_prior_requests:
        return []
    email = s.request.officer.email
    earlier = s.history.prior_requests
    if earlier:
        message = f"First request from {email}; the agency's {earlier} earlier came from others."
    else:
        message = f"First request from {email}, and the first from this agency."
    return [_signal("new_officer", message)]


def process_dates(s: Submission) -> list[Signal]:
    """A process dated in the future, already expired, or issued long ago."""
    process = s.request.legal_process
    today = s.received_at.date()
    kind = process.type.value.replace("_", " ")
    if process.issued_on > today + dt.timedelta(days=FUTURE_GRACE_DAYS):
        return [
            _signal(
                "process_issued_in_future",
                f"The {kind} is dated {process.issued_on}, after the day it was received "
                f"({today}).",
            )
        ]
    found: list[Signal] = []
    if process.expires_on is not None and process.expires_on < today:
        found.append(
            _signal(
                "process_expired",
                f"The {kind} expired on {process.expires_on}, before it was received ({today}).",
            )
        )
    age = (today - process.issued_on).days
    if age > STALE_DAYS:
        found.append(
            _signal("process_stale", f"The {kind} was issued {age} days before it was received.")
        )
    return found


def framework(s: Submission) -> list[Signal]:
    """An instrument that belongs to another legal system than the requesting country's."""
    process = s.request.legal_process
    where = s.request.country
    homes = HOME_OF_INSTRUMENT.get(process.type)
    foreign = homes is not None and jurisdiction(where) not in homes
    if not foreign and not (process.type is LegalProcessType.SUBPOENA and where in SUBPOENA_FREE):
        return []
    return [
        _signal(
            "instrument_framework_mismatch",
            f"A {process.type.value.replace('_', ' ')} is not an instrument of {where}'s legal "
            "system.",
        )
    ]


def emergency_detail(s: Submission) -> list[Signal]:
    """An emergency that names no qualifying harm or hardly describes the threat."""
    emergency = s.request.emergency
    if emergency is None:
        return []
    words = len(emergency.threat.split())
    if emergency.harm.value != "other" and words >= MIN_THREAT_WORDS:
        return []
    return [
        _signal(
            "emergency_without_specifics",
            f"The emergency names harm '{emergency.harm.value}' and describes the threat in "
            f"{words} words; a real emergency names who is in danger, of what, and how soon.",
        )
    ]


def targets(s: Submission) -> list[Signal]:
    """Many targets on one request, more so on an emergency."""
    emergency = s.request.kind is RequestKind.EMERGENCY_DISCLOSURE
    limit = MANY_TARGETS_EMERGENCY if emergency else MANY_TARGETS
    count = len(s.request.targets)
    if count <= limit:
        return []
    label = "an emergency request" if emergency else "a request"
    return [
        _signal(
            "many_targets",
            f"{count} targets on {label}; more than {limit} is unusual and reads like a sweep.",
        )
    ]


def channel(s: Submission) -> list[Signal]:
    """A request that did not arrive through the signed API."""
    via = s.submitted_via
    if via in SIGNED_CHANNELS:
        return []
    if via == "portal":
        message = "Filed through the officer portal (password and TOTP), not the signed API."
        return [_signal("outside_signed_api", message, PORTAL_WEIGHT)]
    message = f"Filed by '{via}', not signed by the agency: check how it reached us."
    return [_signal("outside_signed_api", message)]


CHECKS: tuple[Callable[[Submission], list[Signal]], ...] = (
    sender_domain,
    document_hash,
    document_missing,
    volume,
    country,
    officer_phone,
    callback_number,
    urgency,
    new_officer,
    process_dates,
    framework,
    emergency_detail,
    targets,
    channel,
)


def assess(submission: Submission) -> Assessment:
    """Every signal on a submission, heaviest first, and their capped sum."""
    found = [signal for check in CHECKS for signal in check(submission)]
    found.sort(key=lambda s: (-s.weight, s.code))
    return Assessment(found, min(SCORE_CAP, sum(s.weight for s in found)))
