"""Findings: observations for the reviewer that never refuse on their own (B10, red flags)."""

from __future__ import annotations

import re

from lawgate.domain import Agency, Finding, LegalProcessType, Request, RequestKind
from lawgate.policy.facts import jurisdiction

FREE_WEBMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "aol.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "mail.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "web.de",
        "tutanota.com",
    }
)
URGENCY = re.compile(
    r"\b(urgent|urgently|immediate(ly)?|asap|as soon as possible|emergency|life[- ]threatening|"
    r"within (the )?(hour|hours|minutes)|right away|without delay)\b",
    re.IGNORECASE,
)
HOME_OF_INSTRUMENT = {
    LegalProcessType.NATIONAL_SECURITY_LETTER: {"us"},
    LegalProcessType.FISA_ORDER: {"us"},
    LegalProcessType.SUBPOENA: {"us", "rest_of_world"},
    LegalProcessType.PRODUCTION_ORDER: {"eu", "rest_of_world"},
    LegalProcessType.COMMUNICATIONS_DATA_AUTHORISATION: {"gb"},
    LegalProcessType.OVERSEAS_PRODUCTION_ORDER: {"gb"},
    LegalProcessType.EVIDENCE_NOTICE: {"cn"},
}
SUBPOENA_FREE = frozenset({"CN", "JP", "KR", "RU", "BR"})


def _gag_supported(request: Request) -> bool:
    """B10: a gag needs a court order, an NSL certification or an EU order's confidentiality."""
    process = request.legal_process
    where = jurisdiction(request.country)
    judicial = process.issuer_role.value in {"judge", "court", "investigating_judge"}
    basis = request.non_disclosure.basis if request.non_disclosure else ""
    if process.type is LegalProcessType.NATIONAL_SECURITY_LETTER:
        return True
    if where == "us":
        return judicial or "2705" in basis
    if where == "eu":
        return process.type in {
            LegalProcessType.PRODUCTION_ORDER,
            LegalProcessType.PRESERVATION_ORDER,
        }
    return judicial


def gag_finding(request: Request) -> list[Finding]:
    """Say when a non-disclosure demand will not be honoured, so the user will be told."""
    if request.non_disclosure is None or _gag_supported(request):
        return []
    return [
        Finding(
            code="non_disclosure_unsupported",
            message="The non-disclosure demand has no recognised legal basis (court order, "
            "NSL certification or EU order certificate); the user will be "
            "notified when the case closes.",
        )
    ]


def _sender_flags(agency: Agency, request: Request) -> list[Finding]:
    """Who sent it, compared with the registry."""
    domain = request.officer.email.rpartition("@")[2].lower()
    flags: list[Finding] = []
    if domain in FREE_WEBMAIL:
        flags.append(
            Finding(
                code="free_webmail_sender",
                message=f"The officer writes from free webmail ({domain}).",
            )
        )
    elif not any(domain == d or domain.endswith("." + d) for d in agency.domains):
        flags.append(
            Finding(
                code="sender_domain_mismatch",
                message=f"The officer's domain {domain} is not one of the agency's "
                f"registered domains ({', '.join(agency.domains) or 'none'}).",
            )
        )
    if request.country != agency.country:
        flags.append(
            Finding(
                code="requester_country_mismatch",
                message=f"The request says {request.country}; the registry says {agency.country}.",
            )
        )
    return flags


def _document_flags(request: Request) -> list[Finding]:
    """The legal-process document and whether the instrument belongs to the framework."""
    process = request.legal_process
    flags: list[Finding] = []
    if process.type is not LegalProcessType.NONE and not process.document_sha256:
        flags.append(
            Finding(
                code="legal_document_missing",
                message="No legal-process document accompanies the request.",
            )
        )
    homes = HOME_OF_INSTRUMENT.get(process.type)
    foreign = homes is not None and jurisdiction(request.country) not in homes
    if foreign or (process.type is LegalProcessType.SUBPOENA and request.country in SUBPOENA_FREE):
        flags.append(
            Finding(
                code="instrument_framework_mismatch",
                message=f"A {process.type.value.replace('_', ' ')} is not an "
                f"instrument of {request.country}'s legal system.",
            )
        )
    return flags


def _urgency_flag(request: Request) -> list[Finding]:
    """Urgency language outside an emergency request is a known pressure tactic."""
    if request.kind is RequestKind.EMERGENCY_DISCLOSURE:
        return []
    text = " ".join(
        [request.case_reference, request.offence.description if request.offence else ""]
    )
    found = URGENCY.search(text)
    if found is None:
        return []
    return [
        Finding(
            code="urgency_language",
            message=f"Urgency language ('{found.group(0)}') on a non-emergency request.",
        )
    ]


def findings(agency: Agency, request: Request) -> list[Finding]:
    """Every finding visible from the request and the registry alone."""
    return [
        *gag_finding(request),
        *_sender_flags(agency, request),
        *_document_flags(request),
        *_urgency_flag(request),
    ]
