"""A sample warrant request, the one tests, benchmarks and load runs bend one field at a time."""

from __future__ import annotations

import copy
from typing import Any

SAMPLE_AGENCY: dict[str, Any] = {
    "id": "us-doj-fbi-nyfo",
    "name": "FBI New York Field Office",
    "country": "US",
    "kind": "police",
    "level": "federal",
    "domains": ["fbi.gov"],
    "callback_phone": "+1 212 384 1000",
}
"""The agency that files the sample requests, as its registry record."""

EXPIRING_WARRANT: dict[str, Any] = {
    "type": "search_warrant",
    "issuer_role": "judge",
    "issuer_name": "L.A. Superior Court",
    "issued_on": "2026-11-17",
    "expires_on": "2026-11-27",
    "validated_by": None,
    "document_sha256": "ab" * 32,
    "document_name": "warrant.pdf",
}
"""A warrant in force through 2026-11-27: the tests and the sweep benchmark watch it lapse."""

WARRANT_REQUEST: dict[str, Any] = {
    "kind": "production",
    "agency_id": "us-doj-fbi-nyfo",
    "officer": {
        "name": "Dana Reyes",
        "title": "Special Agent",
        "email": "dreyes@fbi.gov",
        "phone": "+1 212 555 0100",
    },
    "country": "US",
    "purpose": "criminal_investigation",
    "offence": {
        "description": "wire fraud through counterfeit listings",
        "statute": "18 U.S.C. 1343",
        "max_custodial_years": 20,
        "listed_offence": None,
        "dual_criminality": True,
    },
    "case_reference": "NY-2026-00417",
    "legal_process": {
        "type": "search_warrant",
        "issuer_role": "judge",
        "issuer_name": "S.D.N.Y. Magistrate Judge",
        "issued_on": "2026-11-20",
        "expires_on": "2027-01-20",
        "validated_by": None,
        "document_sha256": "9f" * 32,
        "document_name": "warrant.pdf",
    },
    "targets": [{"type": "email", "value": "seller.one@example.com"}],
    "categories": ["subscriber", "traffic", "content"],
    "date_range": {"from": "2026-01-01", "to": "2026-10-31"},
    "non_disclosure": {"until": "2027-05-20", "basis": "18 U.S.C. 2705(b) order"},
    "emergency": None,
    "preservation": None,
    "preservation_ref": None,
}


def warrant_request(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the sample warrant with top-level fields replaced."""
    body = copy.deepcopy(WARRANT_REQUEST)
    body.update(changes)
    return body
