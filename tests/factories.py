"""Builders of valid wire objects that tests then bend one field at a time."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.domain import Agency
from lawgate.intake import services as intake

FBI: dict[str, Any] = {
    "id": "us-doj-fbi-nyfo",
    "name": "FBI New York Field Office",
    "country": "US",
    "kind": "police",
    "level": "federal",
    "domains": ["fbi.gov"],
    "callback_phone": "+1 212 384 1000",
}

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


def request_body(**changes: Any) -> dict[str, Any]:
    """A valid request with top-level fields replaced."""
    body = copy.deepcopy(WARRANT_REQUEST)
    body.update(changes)
    return body


def register(session: Session, record: dict[str, Any] | None = None) -> Agency:
    """Register an agency (the FBI by default) and commit."""
    agency = Agency.model_validate(record or FBI)
    intake.register_agency(session, agency, "test")
    session.commit()
    return agency


def load_case(path: Path) -> dict[str, Any]:
    """A corpus case file."""
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def post_request(client: TestClient, body: Any, agency_id: str = "us-doj-fbi-nyfo") -> Any:
    """Submit as an agency through the API."""
    return client.post("/api/v1/requests", json=body, headers={"X-Lawgate-Agency": agency_id})


STAFF = {"X-Lawgate-Staff": "Rita Reviewer"}
