"""The law's clocks from each pack.yml: response deadlines, preservation periods, windows."""

from __future__ import annotations

import datetime as dt

from lawgate.domain import Request, RequestKind
from lawgate.policy.catalog import Authorisation, Catalog, EmergencyValidation, default_catalog
from lawgate.policy.config import OTHER, PolicyConfig


def deadline_for(
    request: Request,
    received_at: dt.datetime,
    config: PolicyConfig,
    catalog: Catalog | None = None,
) -> dt.datetime:
    """When the answer is due, from receipt: the pack's law (EU Art 10), else the company's."""
    catalog = catalog or default_catalog()
    law = catalog.info(request.country).deadlines
    if law is not None:
        days, hours = law.response_days, law.emergency_response_hours
    else:
        company = catalog.company_deadlines
        days = config.deadline_days or company.response_days
        hours = config.emergency_deadline_hours or company.emergency_response_hours
    if request.kind is RequestKind.EMERGENCY_DISCLOSURE:
        return received_at + dt.timedelta(hours=hours)
    return received_at + dt.timedelta(days=days)


def preservation_limit(
    country: str,
    config: PolicyConfig,
    *,
    extension: bool = False,
    catalog: Catalog | None = None,
) -> int:
    """B9: the days a preservation (or its one extension) may last for a requesting country."""
    catalog = catalog or default_catalog()
    pack = catalog.pack_of(country)
    chosen = config.extension_days if extension else config.preservation_days
    override = chosen.get(pack, chosen.get(OTHER))
    if override is not None:
        return override
    law = catalog.packs[pack].info.preservation or catalog.company_preservation
    return law.extension_days if extension else law.days


def emergency_validation(
    country: str, catalog: Catalog | None = None
) -> EmergencyValidation | None:
    """The window in which the country's pack requires an emergency order to be validated."""
    return (catalog or default_catalog()).info(country).time_limits.emergency_validation


def authorisation(country: str, catalog: Catalog | None = None) -> Authorisation | None:
    """The instrument of the country's pack that lapses some hours after issue, if any."""
    return (catalog or default_catalog()).info(country).time_limits.authorisation
