"""Schemathesis on /openapi.json: no 500, nothing outside the schema, nothing unsigned served."""

from __future__ import annotations

import json
from typing import Any

import httpx
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

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
STRANGER = SignedRequests(Ed25519PrivateKey.from_private_bytes(b"\x07" * 32), "stranger-key")
"""A well-formed signature by a key nobody registered."""


def errors_name_the_problem(
    ctx: Any, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """Every error answer, 405 included, is lawgate's body naming the problem (invariant 6)."""
    if response.status_code < 400:
        return
    errors = json.loads(response.content)["errors"]
    assert errors, "an error answer names at least one error"
    for error in errors:
        assert isinstance(error["field"], str), error
        assert isinstance(error["message"], str), error
        assert error["message"], error


EXCLUDED = [positive_data_acceptance]
"""Schema-valid data may still break a rule no schema can say (an index past the log's size, a
ruling on a case in the wrong state). Every other default check runs, strict ones included:
status_code_conformance (every status documented on its route) and allow_header_conformance (a
405's Allow names every method of the path)."""
STRICT = [errors_name_the_problem]
"""Checks of our own, besides the defaults."""


def assert_refused(case: schemathesis.Case, answer: schemathesis.Response) -> None:
    """Never served; 401 whatever the body, since the signature is checked before it is read."""
    shown = (answer.status_code, answer.text[:300])
    assert not 200 <= answer.status_code < 300, shown
    if case.method.upper() != case.operation.method.upper():
        assert answer.status_code == 405, shown
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
        additional_checks=STRICT,
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
        additional_checks=STRICT,
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
    detail = schema["/api/v1/staff/requests/{request_id}"]["GET"]
    detail.Case(path_parameters={"request_id": request_id}, headers=dict(STAFF)).call_and_validate(
        base_url=fuzz_server
    )


def test_the_fuzzed_schema_is_the_one_served(fuzz_server: str) -> None:
    """The schema built at collection is byte for byte what GET /openapi.json answers."""
    assert httpx.get(f"{fuzz_server}/openapi.json").json() == served_openapi()
