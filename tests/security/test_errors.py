"""ASVS V7.4 and V14.3: errors say what the caller may know and never how lawgate is built."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lawgate.app import create_app
from lawgate.config import Settings

SECRET = "db password hunter2 at /srv/lawgate/var/lawgate.sqlite"
LEAKS = ("Traceback", "hunter2", "/srv/lawgate", "RuntimeError", 'File "', "starlette", "uvicorn")


@pytest.fixture
def failing(settings: Settings) -> Iterator[TestClient]:
    """The application with routes that fail unexpectedly, answered as a remote client sees it."""
    app: FastAPI = create_app(settings)

    def boom() -> None:
        raise RuntimeError(SECRET)

    app.add_api_route("/api/v1/boom", boom)
    app.add_api_route("/console/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


@pytest.mark.parametrize("path", ["/api/v1/boom", "/console/boom"])
def test_an_unexpected_error_is_a_generic_500_without_a_trace(
    failing: TestClient, path: str
) -> None:
    """ASVS 7.4.1, 7.4.3 and 14.3.2: the last-resort handler answers, and discloses nothing."""
    answer = failing.get(path)
    assert answer.status_code == 500
    assert answer.json() == {
        "errors": [{"field": "", "message": "internal error; nothing was stored"}]
    }
    for leak in LEAKS:
        assert leak not in answer.text


def test_debug_mode_is_off(client: TestClient) -> None:
    """ASVS 14.3.2: the framework's debug pages (with source and locals) are never enabled."""
    assert client.app.debug is False  # type: ignore[attr-defined]


def test_unknown_addresses_and_bad_input_name_no_internals(client: TestClient) -> None:
    """ASVS 7.4.1 and 14.3.3: 404, 405 and 422 answers carry no trace or component versions."""
    answers = [
        client.get("/no/such/page"),
        client.get("/console/no-such-page"),
        client.get("/portal/no-such-page"),
        client.put("/api/v1/requests"),
        client.get("/log/proof/inclusion?index=abc&size=-1"),
        client.post(
            "/api/v1/requests", content=b"\xff\xfe{", headers={"content-type": "application/json"}
        ),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, (answer.request.url, answer.status_code)
        for leak in LEAKS:
            assert leak not in answer.text, (answer.request.url, leak)
