"""Facts extraction: agency, request, verification and clock become Cedar entities and context."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re
from dataclasses import dataclass
from typing import Any

from lawgate.domain import (
    Agency,
    CallbackStatus,
    Request,
    RequesterStatus,
    RequestKind,
    Target,
    TargetType,
    Verification,
)
from lawgate.policy import deadlines
from lawgate.policy.catalog import Catalog, default_catalog
from lawgate.policy.config import PolicyConfig
from lawgate.policy.political import match_political_statute, political_conduct

WILDCARDS = re.compile(r"[*%?]|\.\.\.|\.\*")
MIN_PHONE_DIGITS = 7


def jurisdiction(country: str, catalog: Catalog | None = None) -> str:
    """The pack that speaks for a requesting country: the folder whose pack.yml claims it."""
    return (catalog or default_catalog()).pack_of(country)


def is_specific(target: Target) -> bool:
    """True when a target names one identifier, not a pattern, range, prefix or bare domain."""
    value = target.value
    if WILDCARDS.search(value) or value.endswith(("-", "_", ".")):
        return False
    if target.type is TargetType.EMAIL:
        local, _, domain = value.partition("@")
        return bool(local) and "." in domain
    if target.type is TargetType.IP_ADDRESS:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return False
        return True
    if target.type is TargetType.PHONE:
        return sum(ch.isdigit() for ch in value) >= MIN_PHONE_DIGITS
    return True


@dataclass(frozen=True)
class PolicyInput:
    """Everything a decision depends on; nothing else is consulted."""

    agency: Agency
    request: Request
    verification: Verification
    as_of: dt.datetime
    prior_extensions: int = 0


def midnight(day: dt.date) -> dt.datetime:
    """The start of a day in UTC, the moment a dated instrument takes effect."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _offence_facts(request: Request) -> dict[str, Any]:
    """What the request says of the offence."""
    offence = request.offence
    if offence is None:
        return {
            "offence_described": False,
            "statute_given": False,
            "offence_months": 0,
            "listed_offence": "",
            "dual_criminality": False,
        }
    years = offence.max_custodial_years or 0.0
    return {
        "offence_described": bool(offence.description.strip()),
        "statute_given": bool(offence.statute.strip()),
        "offence_months": round(years * 12),
        "listed_offence": offence.listed_offence.value if offence.listed_offence else "",
        "dual_criminality": bool(offence.dual_criminality),
    }


def _whole_hours(span: dt.timedelta) -> int:
    """Hours begun since issue, so 48 hours and one second is past a 48-hour window."""
    hours = span.total_seconds() / 3600
    return math.ceil(hours) if hours > 0 else math.floor(hours)


def _process_facts(request: Request, as_of: dt.datetime) -> dict[str, Any]:
    """The instrument, who issued and validated it, and whether it is in force today."""
    process = request.legal_process
    validation = process.validated_by
    since = as_of - midnight(process.issued_on)
    return {
        "instrument": process.type.value,
        "issuer": process.issuer_role.value,
        "validated": validation is not None,
        "validator": validation.role.value if validation else "",
        "hours_since_issue": _whole_hours(since),
        "expired": process.expires_on is not None and process.expires_on < as_of.date(),
    }


def _scope_facts(request: Request, config: PolicyConfig) -> dict[str, Any]:
    """Targets and dates: how much is asked for."""
    emergency = request.kind is RequestKind.EMERGENCY_DISCLOSURE
    span = request.date_range
    return {
        "target_count": len(request.targets),
        "all_targets_specific": all(is_specific(t) for t in request.targets),
        "target_limit": config.max_targets_emergency if emergency else config.max_targets,
        "has_date_range": span is not None,
        "span_days": (span.to - span.from_).days if span else 0,
        "span_limit_days": config.max_span_days,
        "content_span_limit_days": config.max_content_span_days,
    }


def _kind_facts(source: PolicyInput, config: PolicyConfig, catalog: Catalog) -> dict[str, Any]:
    """Emergency and preservation facts."""
    request = source.request
    extension = request.kind is RequestKind.PRESERVATION_EXTENSION
    limit = deadlines.preservation_limit(
        request.country, config, extension=extension, catalog=catalog
    )
    return {
        "emergency": request.kind is RequestKind.EMERGENCY_DISCLOSURE,
        "harm": request.emergency.harm.value if request.emergency else "",
        "preservation_days": request.preservation.days if request.preservation else 0,
        "preservation_limit_days": limit,
        "extension": extension,
        "prior_extensions": source.prior_extensions,
    }


def _window_facts(request: Request, catalog: Catalog) -> dict[str, Any]:
    """Hours from issue the pack allows to validate, and an authorisation to last; 0: none."""
    validation = deadlines.emergency_validation(request.country, catalog)
    authorisation = deadlines.authorisation(request.country, catalog)
    urgent = request.kind is RequestKind.EMERGENCY_DISCLOSURE
    return {
        "validation_hours": validation.hours if validation else 0,
        "authorisation_hours": authorisation.hours_for(urgent) if authorisation else 0,
    }


def _political_facts(request: Request, config: PolicyConfig, catalog: Catalog) -> dict[str, Any]:
    """Whether the political guardrail applies, by statute or by stated conduct."""
    statute = request.offence.statute if request.offence else ""
    described = request.offence.description if request.offence else ""
    texts = " ".join([described, request.emergency.threat if request.emergency else ""])
    statutes = config.political_statutes
    if statutes is None:
        statutes = catalog.political_statutes
    matched = match_political_statute(statute, request.country, statutes)
    return {
        "political_statute": matched is not None,
        "political_conduct": political_conduct(texts, config.political_conduct) is not None,
    }


def context(
    source: PolicyInput, config: PolicyConfig, catalog: Catalog | None = None
) -> dict[str, Any]:
    """The Cedar context record: every fact the packs may read, and nothing more."""
    catalog = catalog or default_catalog()
    request = source.request
    where = catalog.pack_of(request.country)
    verified = source.verification.requester is RequesterStatus.VERIFIED
    return {
        "kind": request.kind.value,
        "purpose": request.purpose.value,
        "jurisdiction": where,
        "country": request.country,
        "verified": verified and source.agency.id == request.agency_id,
        "callback": CallbackStatus(source.verification.callback).value,
        **_offence_facts(request),
        **_process_facts(request, source.as_of),
        **_window_facts(request, catalog),
        **_scope_facts(request, config),
        **_kind_facts(source, config, catalog),
        **_political_facts(request, config, catalog),
    }


def principal(agency: Agency) -> dict[str, Any]:
    """The requesting agency as a Cedar entity."""
    return {
        "uid": {"type": "Agency", "id": agency.id},
        "attrs": {"country": agency.country, "kind": agency.kind.value},
        "parents": [],
    }
