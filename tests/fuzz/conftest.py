"""A live lawgate on loopback with a registered agency and staff, and the schema it serves."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine

from lawgate.app import create_app
from lawgate.cli.client import SIGNED_HEADERS
from lawgate.config import Settings, sqlite_url
from lawgate.intake import signatures
from lawgate.staff import tokens
from lawgate.staff.accounts import create_staff
from lawgate.store.session import session_factory
from tests.conftest import STAFF_PASSWORD, clean_store
from tests.factories import (
    FBI,
    SECOND_EMAIL,
    SECOND_TOKEN,
    STAFF_EMAIL,
    STAFF_TOKEN,
    agency_key,
    agency_key_id,
    register,
)
from tests.servers import serving

MAX_EXAMPLES = 10
"""Examples per operation and test: the folder stays well under a minute in CI."""


@functools.cache
def served_openapi() -> dict[str, Any]:
    """The document /openapi.json serves (app.openapi()), built at collection without a database."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = Settings(
            home=home,
            database_url=sqlite_url(home / "lawgate.sqlite"),
            marketplace_url=sqlite_url(home / "marketplace.sqlite"),
        )
        app = create_app(settings)
        document = app.openapi()
        app.state.engine.dispose()
    return document


def fuzz_schema(*, coverage: bool = True) -> schemathesis.BaseSchema:
    """The served schema, fuzzed with a fixed seed and a bounded number of examples.

    The coverage phase (boundary values, wrong types, unexpected methods) sends ~500 cases to the
    submission alone: worth it where the call reaches validation, not where it must stop at 401.
    """
    phases = ["examples", "fuzzing", *(["coverage"] if coverage else [])]
    config = schemathesis.Config.from_dict(
        {
            "seed": 9421,
            "suppress-health-check": ["all"],
            "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
            "phases": {
                name: {"enabled": name in phases}
                for name in ("examples", "coverage", "fuzzing", "stateful")
            },
        }
    )
    return schemathesis.openapi.from_dict(served_openapi(), config=config)


class SignedRequests(requests.auth.AuthBase):
    """Sign the finished request, as an agency client would: after every byte is generated."""

    def __init__(self, key: Ed25519PrivateKey, key_id: str) -> None:
        self.key = key
        self.key_id = key_id

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        """Add Content-Digest, Signature-Input and Signature over method, URL and body."""
        body = prepared.body or b""
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        message = signatures.HttpMessage(
            prepared.method or "GET", prepared.url or "", dict(prepared.headers), raw
        )
        signatures.sign(message, self.key, self.key_id)
        for name in SIGNED_HEADERS:
            prepared.headers[name] = signatures.header(message.headers, name.lower()) or ""
        return prepared


def agency_auth(agency_id: str = FBI["id"]) -> SignedRequests:
    """Requests signed with the agency's registered test key."""
    return SignedRequests(agency_key(agency_id), agency_key_id(agency_id))


def seed(database_url: str) -> None:
    """The FBI with its test key, and the two reviewers whose tokens STAFF and SECOND carry."""
    plain = create_engine(database_url)
    with session_factory(plain)() as db:
        register(db)
        staff = ((STAFF_EMAIL, STAFF_TOKEN), (SECOND_EMAIL, SECOND_TOKEN))
        for number, (email, token) in enumerate(staff, 1):
            create_staff(db, email, f"Reviewer {number}", "reviewer", STAFF_PASSWORD, "test")
            tokens.issue(db, email, "test", token)
        db.commit()
    plain.dispose()


@pytest.fixture(scope="module")
def fuzz_server(template_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real server on loopback for a whole module, so the fuzz budget goes on requests."""
    home = tmp_path_factory.mktemp("fuzz")
    url = clean_store(template_store, home)
    seed(url)
    settings = Settings(
        home=home, database_url=url, marketplace_url=sqlite_url(home / "marketplace.sqlite")
    )
    with serving(settings) as base:
        yield base
