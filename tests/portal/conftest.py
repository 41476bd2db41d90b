"""Portal fixtures: an agency with an officer account, a client on loopback, and real PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.app import create_app
from lawgate.config import Settings
from lawgate.demo.samples import SAMPLE_AGENCY
from lawgate.domain import Agency
from lawgate.intake import services as intake
from lawgate.portal import accounts
from tests.web.conftest import browser_page, live_server

__all__ = ["browser_page", "live_server"]
"""The real server and Debian's chromium, shared with the console's browser tests."""

AGENCY: dict[str, Any] = SAMPLE_AGENCY
OTHER_AGENCY: dict[str, Any] = {
    "id": "gb-met-police",
    "name": "Metropolitan Police Service",
    "country": "GB",
    "kind": "police",
    "domains": ["met.police.uk"],
}
EMAIL = "dreyes@fbi.gov"
PASSWORD = "correct horse battery staple"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "portal"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Officer:
    """A created account and what its owner knows: password and TOTP secret."""

    id: int
    email: str
    password: str
    secret: str

    def code(self, offset: int = 0, at: dt.datetime | None = None) -> str:
        """The authenticator's code now (or at a moment), `offset` 30-second steps away."""
        return pyotp.TOTP(self.secret).at(at or dt.datetime.now(dt.UTC), counter_offset=offset)


def register_agency(session: Session, record: dict[str, Any]) -> Agency:
    """Put an agency in the registry and commit."""
    agency = Agency.model_validate(record)
    intake.register_agency(session, agency, "test")
    session.commit()
    return agency


def make_officer(session: Session, agency_id: str, email: str, name: str = "Dana Reyes") -> Officer:
    """Create an officer account and commit."""
    made = accounts.create_officer(session, agency_id, email, name, PASSWORD, "test")
    session.commit()
    return Officer(made.officer.id, made.officer.email, PASSWORD, made.totp_secret)


@pytest.fixture
def officer(session: Session) -> Officer:
    """An officer of the FBI New York Field Office."""
    register_agency(session, AGENCY)
    return make_officer(session, AGENCY["id"], EMAIL)


@pytest.fixture
def portal(settings: Settings) -> Iterator[TestClient]:
    """The application on http://127.0.0.1, called from this machine."""
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50124)) as client:
        yield client
    app.state.engine.dispose()


def csrf_of(page: str) -> str:
    """The CSRF token a page's form carries."""
    found = CSRF.search(page)
    assert found, "the page has no csrf_token field"
    return found.group(1)


def login(client: TestClient, who: Officer, offset: int = 0) -> Any:
    """Sign in through the login form; returns the answer to the post."""
    token = csrf_of(client.get("/portal/login").text)
    form = {"csrf_token": token, "email": who.email, "password": who.password}
    form["code"] = who.code(offset)
    return client.post("/portal/login", data=form, follow_redirects=False)


def minimal_pdf(text: str = "Search warrant") -> bytes:
    """A small, valid one-page PDF (correct cross-reference offsets) showing `text`."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sha256(data: bytes) -> str:
    """Hex SHA-256, as sha256sum prints it."""
    return hashlib.sha256(data).hexdigest()


def request_form(**changes: Any) -> dict[str, Any]:
    """The new-request form filled in as an officer would for a search warrant."""
    form: dict[str, Any] = {
        "kind": "production",
        "purpose": "criminal_investigation",
        "case_reference": "NY-2026-00417",
        "officer.title": "Special Agent",
        "officer.phone": "+1 212 555 0100",
        "offence.description": "wire fraud through counterfeit listings",
        "offence.statute": "18 U.S.C. 1343",
        "offence.max_custodial_years": "20",
        "offence.dual_criminality": "yes",
        "legal_process.type": "search_warrant",
        "legal_process.issuer_role": "judge",
        "legal_process.issuer_name": "S.D.N.Y. Magistrate Judge",
        "legal_process.issued_on": dt.date.today().isoformat(),
        "legal_process.expires_on": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
        "targets": "email:seller.one@example.com\nusername:quickdeals",
        "categories": ["subscriber", "content"],
        "date_range.from": "2026-01-01",
        "date_range.to": "2026-10-31",
    }
    form.update(changes)
    return form
