"""Schemathesis on /openapi.json: no 500, nothing outside the schema, nothing unsigned served."""

from __future__ import annotations

import json
from typing import Any

import httpx
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    positive_data_acceptance,
    status_code_conformance,
)

from tests.factories import STAFF, WARRANT_REQUEST, signed
from tests.fuzz.conftest import (
    MAX_EXAMPLES,
    SignedRequests,
    agency_auth,
    fuzz_schema,
    served_openapi,
)

schema = fuzz_schema()
AGENCY_PATHS = r"^/api/v1/requests"
AGENCY = schema.include(path_regex=AGENCY_PATHS)
BROAD = fuzz_schema(coverage=False)
"""Examples and random fuzzing only: the coverage phase's ~500 cases go to the signed intake."""
UNSIGNED = BROAD.include(path_regex=AGENCY_PATHS)
BOUNDED = settings(
    max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
KNOWN_UNDOCUMENTED = frozenset({400, 401, 403, 404, 405, 409, 429})
"""Error statuses lawgate answers but does not document yet: see test_known_bugs.py."""
STRANGER = SignedRequests(Ed25519PrivateKey.from_private_bytes(b"\x07" * 32), "stranger-key")
"""A well-formed signature by a key nobody registered."""


def documented_or_known(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Status codes as documented, except the known undocumented errors in lawgate's error shape."""
    if str(response.status_code) in case.operation.definition.raw.get("responses", {}):
        return
    assert response.status_code in KNOWN_UNDOCUMENTED, f"undocumented {response.status_code}"
    errors = json.loads(response.content)["errors"]
    assert errors, "an error answer names at least one error"
    for error in errors:
        assert isinstance(error["field"], str), error
        assert isinstance(error["message"], str), error
        assert error["message"], error


EXCLUDED = [status_code_conformance, positive_data_acceptance, allow_header_conformance]
"""Replaced by documented_or_known; schema-valid data may still break a rule no schema can say
(an index past the log's size, a ruling on a case in the wrong state); 405's Allow: known bug."""


def is_json(case: schemathesis.Case) -> bool:
    """Whether the generated body (if any) parses as JSON, so FastAPI checks the caller first."""
    body = case.body
    if not isinstance(body, bytes | str):
        return True
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def assert_refused(case: schemathesis.Case, answer: schemathesis.Response) -> None:
    """Never served; 401 as documented (405 for a method the path lacks)."""
    shown = (answer.status_code, answer.text[:300])
    assert not 200 <= answer.status_code < 300, shown
    if case.method.upper() != case.operation.method.upper():
        assert answer.status_code == 405, shown
    elif not is_json(case):
        # Known bug, see test_known_bugs.py: a body FastAPI cannot parse is 400/422 before the 401.
        assert answer.status_code in (400, 401, 422), shown
    else:
        assert answer.status_code == 401, shown


@UNSIGNED.parametrize()
@BOUNDED
def test_unsigned_or_unknown_key_agency_calls_are_refused(
    case: schemathesis.Case, fuzz_server: str
) -> None:
    """Whatever the fuzzer sends unsigned, or signed by an unregistered key, is refused."""
    assert_refused(case, case.call(base_url=fuzz_server))
    assert_refused(case, case.call(base_url=fuzz_server, auth=STRANGER))


@AGENCY.parametrize()
@BOUNDED
def test_signed_agency_calls_stay_in_the_schema(case: schemathesis.Case, fuzz_server: str) -> None:
    """Correctly signed fuzz (signed after generation, digest included): no 500, as documented."""
    case.call_and_validate(
        base_url=fuzz_server,
        auth=agency_auth(),
        excluded_checks=EXCLUDED,
        additional_checks=[documented_or_known],
    )


@BROAD.exclude(path_regex=AGENCY_PATHS).parametrize()
@BOUNDED
def test_staff_and_public_calls_stay_in_the_schema(
    case: schemathesis.Case, fuzz_server: str
) -> None:
    """Staff (token, on loopback) and public endpoints: no 500 and every answer as documented."""
    case.call_and_validate(
        base_url=fuzz_server,
        headers=dict(STAFF),
        excluded_checks=EXCLUDED,
        additional_checks=[documented_or_known],
    )


def test_a_real_request_answers_as_documented(fuzz_server: str) -> None:
    """Random ids only find 404s: a stored request's status and queue line match their schemas."""
    made = httpx.post(f"{fuzz_server}/api/v1/requests", json=WARRANT_REQUEST, auth=signed())
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    agency_view = schema["/api/v1/requests/{request_id}"]["GET"]
    agency_view.Case(path_parameters={"request_id": request_id}).call_and_validate(
        base_url=fuzz_server, auth=agency_auth()
    )
    queue = schema["/api/v1/staff/requests"]["GET"].Case(headers=dict(STAFF))
    listed = queue.call_and_validate(base_url=fuzz_server)
    assert request_id in listed.text
    # The staff detail of the same request breaks its schema: see test_known_bugs.py.


def test_the_fuzzed_schema_is_the_one_served(fuzz_server: str) -> None:
    """The schema built at collection is byte for byte what GET /openapi.json answers."""
    assert httpx.get(f"{fuzz_server}/openapi.json").json() == served_openapi()
