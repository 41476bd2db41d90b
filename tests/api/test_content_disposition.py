"""ASVS 14.4.2: API answers are attachments, so a browser never renders them as a page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import get_status, post_request, register, request_body

ATTACHMENT = 'attachment; filename="api.json"'


def test_api_and_log_json_are_attachments(client: TestClient, session: Session) -> None:
    """Answers and errors alike, signed or not; pages and the schema are not."""
    register(session)
    request_id = post_request(client, request_body()).json()["id"]
    answers = {
        "status": get_status(client, request_id),
        "unknown": get_status(client, "LG-AAAAAAAA"),
        "unsigned": client.get(f"/api/v1/requests/{request_id}"),
        "log": client.get("/log/entries", params={"start": 0, "end": 1}),
    }
    for name, answer in answers.items():
        assert answer.headers["content-type"].startswith("application/json"), name
        assert answer.headers.get("content-disposition") == ATTACHMENT, name
    assert "content-disposition" not in client.get("/openapi.json").headers
    assert "content-disposition" not in client.get("/transparency").headers
