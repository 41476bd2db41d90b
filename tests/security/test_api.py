"""ASVS V13: the agency API takes only signed JSON it can name, and keeps secrets out of URLs."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawgate.intake.models import RequestRow
from tests.factories import FBI, register, request_body, signed


def test_a_body_that_is_not_declared_json_is_refused(client: TestClient, session: Session) -> None:
    """ASVS 13.1.5 and 13.2.5: a signed body sent as text/plain or form data is not parsed."""
    register(session, FBI)
    body = json.dumps(request_body()).encode()
    for kind in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        answer = client.post(
            "/api/v1/requests", content=body, headers={"Content-Type": kind}, auth=signed()
        )
        assert 400 <= answer.status_code < 500 and answer.status_code != 401, (kind, answer.text)
    assert session.scalar(select(func.count()).select_from(RequestRow)) == 0


def test_the_openapi_document_names_no_secret_in_a_url(client: TestClient) -> None:
    """ASVS 13.1.3: keys and tokens travel in headers; no path or query parameter carries one."""
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        assert not any(w in path.lower() for w in ("token", "secret", "password")), path
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("query", "path"):
                    name = parameter["name"].lower()
                    assert not any(w in name for w in ("token", "secret", "password", "sig")), (
                        path,
                        name,
                    )
