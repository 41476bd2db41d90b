"""The deletion pipeline's hold check, the staff decision that places holds, and the console."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.app import create_app
from lawgate.config import Settings
from lawgate.holds import services as holds
from lawgate.holds.models import HoldRow
from lawgate.store.base import utcnow
from tests.factories import SECOND, STAFF
from tests.holds.conftest import approval, file

pytestmark = pytest.mark.usefixtures("api_staff")


def accounts_of(session: Session, request_id: str) -> list[str]:
    """The held account ids of a request, sorted."""
    session.expire_all()
    query = select(HoldRow.account_id).where(HoldRow.request_id == request_id)
    return sorted(session.scalars(query))


@pytest.fixture
def granted(client: TestClient, factory: sessionmaker[Session], settings: Settings) -> str:
    """A preservation approved through the staff API, which places its holds."""
    request_id = file(factory, settings)
    body = {"decision": approval(["subscriber", "traffic"]).model_dump(mode="json")}
    answer = client.post(f"/api/v1/staff/requests/{request_id}/decision", json=body, headers=STAFF)
    assert answer.status_code == 200, answer.text
    return request_id


def test_the_staff_decision_places_holds_and_the_check_sees_them(
    client: TestClient, granted: str, session: Session
) -> None:
    accounts = accounts_of(session, granted)
    assert len(accounts) == 2
    answer = client.get("/api/v1/holds/check", params={"account": accounts[0]})
    assert answer.status_code == 200
    data = answer.json()
    assert data["account"] == accounts[0] and data["held"] is True
    (hold,) = data["holds"]
    assert hold["request_id"] == granted and hold["status"] == "active"
    expires = dt.datetime.fromisoformat(hold["expires_at"])
    assert abs(expires - (utcnow() + dt.timedelta(days=90))) < dt.timedelta(minutes=5)
    nobody = client.get("/api/v1/holds/check", params={"account": "A999999999"}).json()
    assert nobody == {"account": "A999999999", "held": False, "holds": []}


def test_the_batch_check_answers_per_account_and_refuses_more_than_1000(
    client: TestClient, granted: str, session: Session
) -> None:
    held = accounts_of(session, granted)
    asked = [held[1], "A999999999", held[0], held[1]]
    answer = client.post("/api/v1/holds/check", json={"accounts": asked})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["account"] for r in results] == [held[1], "A999999999", held[0]]
    assert [r["held"] for r in results] == [True, False, True]
    too_many = [f"A{n:09d}" for n in range(1001)]
    assert client.post("/api/v1/holds/check", json={"accounts": too_many}).status_code == 422
    assert client.post("/api/v1/holds/check", json={"accounts": []}).status_code == 422


def test_expired_holds_no_longer_count(
    client: TestClient, granted: str, session: Session, factory: sessionmaker[Session]
) -> None:
    account = accounts_of(session, granted)[0]
    with factory.begin() as db:
        assert holds.expire_holds(db, utcnow() + dt.timedelta(days=91)) == 2
    assert client.get("/api/v1/holds/check", params={"account": account}).json()["held"] is False


def test_a_second_extension_is_refused_and_its_decision_not_recorded(
    client: TestClient, granted: str, factory: sessionmaker[Session], settings: Settings
) -> None:
    body = {
        "decision": approval(["subscriber", "traffic"]).model_dump(mode="json"),
        "note": "The extension is justified.",
    }
    made: list[tuple[str, int]] = []
    for _ in range(2):
        extension = file(factory, settings, kind="preservation_extension", preservation_ref=granted)
        ruled = client.post(
            f"/api/v1/staff/requests/{extension}/decision", json=body, headers=STAFF
        )
        assert ruled.status_code == 200, ruled.text
        if ruled.json()["state"] == "second_review":
            ruled = client.post(
                f"/api/v1/staff/requests/{extension}/confirm", json={}, headers=SECOND
            )
        made.append((extension, ruled.status_code))
    (first_id, first), (second, refused) = made
    assert (first, refused) == (200, 409)
    detail = client.get(f"/api/v1/staff/requests/{second}", headers=STAFF).json()
    assert detail["summary"]["state"] not in {"approved", "partially_approved"}
    retry = client.post(f"/api/v1/staff/requests/{second}/confirm", json={}, headers=SECOND)
    if detail["summary"]["state"] == "in_review":
        retry = client.post(f"/api/v1/staff/requests/{second}/decision", json=body, headers=STAFF)
    assert f"already extended by {first_id}" in retry.text


@pytest.fixture
def remote(settings: Settings) -> Iterator[TestClient]:
    """The application called from another machine."""
    app = create_app(settings)
    with TestClient(app, client=("10.1.2.3", 50123)) as test_client:
        yield test_client
    app.state.engine.dispose()


def test_the_check_and_the_console_answer_only_on_loopback(remote: TestClient) -> None:
    assert remote.get("/api/v1/holds/check", params={"account": "A1"}).status_code == 403
    assert remote.post("/api/v1/holds/check", json={"accounts": ["A1"]}).status_code == 403
    assert remote.get("/console/holds", follow_redirects=False).status_code == 303, "sign in"


def test_the_console_lists_holds_by_request(
    console_client: TestClient, granted: str, marketplace: sa.Engine
) -> None:
    page = console_client.get("/console/holds")
    assert page.status_code == 200
    assert f'href="/console/requests/{granted}"' in page.text
    assert "FBI New York Field Office" in page.text
    assert "<td>2</td>" in page.text and "<td>active</td>" in page.text


def test_the_console_says_when_there_are_no_holds(console_client: TestClient) -> None:
    assert "No holds" in console_client.get("/console/holds").text
