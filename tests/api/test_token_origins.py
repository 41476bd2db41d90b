"""The second reviewer is a second person: not a colleague's token that the first one minted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.cases.models import DecisionRow
from lawgate.config import Settings
from lawgate.staff import accounts
from tests.api.test_staff_api import PARTIAL, confirm, decide, submitted
from tests.conftest import StaffFactory
from tests.factories import bearer
from tests.staff.minting import admin_minted, self_issued

NOTE = "content needs a warrant"


def send_back(client: TestClient, request_id: str, headers: dict[str, str]) -> Any:
    """A second reviewer sends the proposal back."""
    body = {"note": "rule again"}
    return client.post(f"/api/v1/staff/requests/{request_id}/return", json=body, headers=headers)


def refused_for_credential(answer: Any) -> bool:
    """True for the two-person rule's 403 naming the credential."""
    error = answer.json()["errors"][0]
    return (
        answer.status_code == 403
        and error["field"] == "credential"
        and "credential of their own" in error["message"]
    )


def mallory_and_bob(
    client: TestClient, session: Session, settings: Settings, staff_member: StaffFactory
) -> tuple[str, str]:
    """Mallory, an admin turned reviewer, with her own token and the one she minted for Bob."""
    mallory, password, mallory_secret = staff_member("admin")
    bob, _, bob_secret = staff_member("reviewer")
    # One code, one act: the mint spends the previous code, the sign-in and her own token the next.
    admin = (mallory.email, mallory_secret)
    [bobs] = admin_minted(settings, admin, (bob.email, bob_secret), later=-1)
    accounts.set_role(session, mallory.email, "reviewer", "test")
    session.commit()
    return self_issued(client, mallory.email, password, mallory_secret), bobs


def test_one_person_cannot_rule_with_their_token_and_confirm_with_one_they_minted(
    client: TestClient, session: Session, settings: Settings, staff_member: StaffFactory
) -> None:
    """Mallory, an admin, mints Bob's token (Bob confirms it); as a reviewer she cannot use it."""
    hers, bobs = mallory_and_bob(client, session, settings, staff_member)
    request_id = submitted(client, session)
    ruled = decide(client, request_id, PARTIAL, NOTE, bearer(hers))
    assert ruled.json()["state"] == "second_review", ruled.text
    confirmed = confirm(client, request_id, bearer(bobs))
    assert refused_for_credential(confirmed), confirmed.text
    assert refused_for_credential(send_back(client, request_id, bearer(bobs)))
    sam, sam_password, sam_secret = staff_member("reviewer")
    sams = self_issued(client, sam.email, sam_password, sam_secret)
    assert confirm(client, request_id, bearer(sams)).json()["state"] == "partially_approved"


def test_nor_rule_with_the_minted_token_and_confirm_with_their_own(
    client: TestClient, session: Session, settings: Settings, staff_member: StaffFactory
) -> None:
    hers, bobs = mallory_and_bob(client, session, settings, staff_member)
    request_id = submitted(client, session)
    assert decide(client, request_id, PARTIAL, NOTE, bearer(bobs)).status_code == 200
    assert refused_for_credential(confirm(client, request_id, bearer(hers)))


@pytest.mark.parametrize("runs", [1, 2], ids=["one-cli-run", "two-runs-by-one-admin"])
def test_tokens_one_admin_minted_cannot_rule_and_confirm(
    client: TestClient,
    session: Session,
    settings: Settings,
    staff_member: StaffFactory,
    runs: int,
) -> None:
    """Rita's and Sam's tokens, both from one admin, were both in the admin's hands."""
    admin, _, admin_secret = staff_member("admin")
    rita, _, rita_secret = staff_member("reviewer")
    sam, _, sam_secret = staff_member("reviewer")
    people = [(rita.email, rita_secret), (sam.email, sam_secret)]
    if runs == 1:
        ritas, sams = admin_minted(settings, (admin.email, admin_secret), *people)
    else:
        [ritas] = admin_minted(settings, (admin.email, admin_secret), people[0])
        [sams] = admin_minted(settings, (admin.email, admin_secret), people[1], later=1)
    request_id = submitted(client, session)
    assert decide(client, request_id, PARTIAL, NOTE, bearer(ritas)).status_code == 200
    assert refused_for_credential(confirm(client, request_id, bearer(sams)))
    assert refused_for_credential(send_back(client, request_id, bearer(sams)))


def test_two_people_with_their_own_tokens_rule_and_confirm(
    client: TestClient, session: Session, staff_member: StaffFactory
) -> None:
    rita, rita_password, rita_secret = staff_member("reviewer")
    sam, sam_password, sam_secret = staff_member("reviewer")
    ritas = self_issued(client, rita.email, rita_password, rita_secret)
    sams = self_issued(client, sam.email, sam_password, sam_secret)
    request_id = submitted(client, session)
    assert decide(client, request_id, PARTIAL, NOTE, bearer(ritas)).status_code == 200
    answer = confirm(client, request_id, bearer(sams))
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "partially_approved"
    query = select(DecisionRow.credential).where(DecisionRow.source != "policy")
    [credential] = session.scalars(query).all()
    assert credential is not None
    origin, person = credential.split()
    assert origin.startswith("session:") and person == rita.actor
