"""Delivery: `lawgate produce` files the package where the signed agency API serves it; the first
download delivers the case, every download is audited, and only the requesting agency gets it."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.auditlog.models import AuditEntryRow
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.intake import keys
from lawgate.production.delivery import productions_dir
from tests.demo.conftest import built
from tests.factories import (
    FBI,
    agency_key,
    agency_key_id,
    get_status,
    post_request,
    public_bytes,
    register,
    request_body,
    signed,
    write_key_file,
)
from tests.production.test_produce import approved, factory
from tests.web.conftest import live_server

__all__ = ["built", "factory", "live_server"]

LASD = {**FBI, "id": "us-ca-lasd", "name": "LASD", "domains": ["lasd.org"]}


def package_url(request_id: str) -> str:
    """The agency API path of a request's package."""
    return f"/api/v1/requests/{request_id}/package"


def events(session: Session, request_id: str) -> list[str]:
    """The audit events about a request, oldest first."""
    session.rollback()
    query = select(AuditEntryRow.event).where(AuditEntryRow.subject == request_id)
    return list(session.scalars(query.order_by(AuditEntryRow.index)))


@pytest.fixture
def produced(
    factory: sessionmaker[Session],
    settings: Settings,
    agency: tuple[str, Path],
    built: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """An approved FBI request (the FBI holding its API key) sealed by `lawgate produce`."""
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", built.url)
    request_id = approved(factory, settings, agency[0])
    with factory.begin() as db:
        key = public_bytes(agency_key(FBI["id"]))
        keys.add_key(db, FBI["id"], agency_key_id(FBI["id"]), key, "test")
    result = CliRunner().invoke(app, ["produce", request_id])
    assert result.exit_code == 0, result.output
    assert (productions_dir(settings.home) / f"{request_id}.age").is_file()
    return request_id


def test_nothing_to_download_before_production(client: TestClient, session: Session) -> None:
    register(session)
    request_id = post_request(client, request_body()).json()["id"]
    early = client.get(package_url(request_id), auth=signed())
    assert early.status_code == 404
    assert "no sealed package yet" in early.json()["errors"][0]["message"]
    assert "production:delivered" not in events(session, request_id)


def test_the_agency_downloads_its_package_and_the_case_is_delivered(
    produced: str, client: TestClient, session: Session, settings: Settings
) -> None:
    path = productions_dir(settings.home) / f"{produced}.age"
    first = client.get(package_url(produced), auth=signed())
    assert first.status_code == 200, first.text
    assert first.content == path.read_bytes()
    digest = base64.b64encode(hashlib.sha256(first.content).digest()).decode()
    assert first.headers["repr-digest"] == f"sha-256=:{digest}:"
    assert get_status(client, produced).json()["state"] == "delivered"
    assert client.get(package_url(produced), auth=signed()).status_code == 200
    assert events(session, produced)[-3:] == [
        "case:state:delivered",
        "production:delivered",
        "production:downloaded",
    ]
    register(session, LASD)
    assert client.get(package_url(produced), auth=signed(LASD["id"])).status_code == 404
    assert client.get(package_url(produced)).status_code == 401


def test_a_package_file_that_differs_from_its_record_is_withheld(
    produced: str, client: TestClient, session: Session, settings: Settings
) -> None:
    path = productions_dir(settings.home) / f"{produced}.age"
    path.write_bytes(path.read_bytes()[:-1])
    answer = client.get(package_url(produced), auth=signed())
    assert answer.status_code == 409
    assert "differs in size" in answer.json()["errors"][0]["message"]
    assert "production:delivered" not in events(session, produced)


def test_the_client_downloads_and_checks_the_package(
    produced: str, live_server: str, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "inbox"
    out.mkdir()
    key_file = write_key_file(tmp_path / "fbi.pem")
    common = ["--key", str(key_file), "--key-id", agency_key_id(FBI["id"]), "--url", live_server]
    result = CliRunner().invoke(app, ["client", "download", produced, "--out", str(out), *common])
    assert result.exit_code == 0, result.output
    saved = out / f"{produced}.age"
    assert saved.read_bytes() == (productions_dir(settings.home) / saved.name).read_bytes()
    assert [p.name for p in out.iterdir()] == [saved.name]
    again = CliRunner().invoke(app, ["client", "download", produced, "--out", str(out), *common])
    assert again.exit_code == 2 and "already exists" in again.output
