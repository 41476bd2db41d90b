"""What leaves is public by design: a reviewer's note never reaches the agency, by any exit.

The attacker's tries: a note naming a secret, entered in the console's ruling form for a denied
category with a reason code of the reviewer's own. Every exit is read as the agency reads it: the
signed status API, the officer's portal page, and the package downloaded over the API, decrypted
with the real `age` and unpacked with the real `tar`, every file read. The message to the agency
does arrive, after a preview that shows exactly what leaves.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyrage
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lawgate.cases import public
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.domain import ReasonCode
from lawgate.jobs.tasks import run_produce
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import FBI, get_status, post_request, register, request_body, signed
from tests.portal.conftest import Officer, login, make_officer
from tests.production.test_package import unpack_with_age
from tests.web.test_review_console import as_staff, csrf

__all__ = ["built"]

SECRET = "SECRET-NOTE-7f3a the real suspect is A000004242"
MARKERS = ("SECRET-NOTE-7f3a", "A000004242", "real suspect")
MESSAGE = "Content needs a warrant that names it.\nSubscriber data follows in the package."
OWN_CODE = ReasonCode.POLITICAL_OFFENCE
"""A reason code the policy does not give this warrant: the reviewer's own."""
RULING = {
    "verdict_subscriber": "allow",
    "verdict_content": "deny",
    "reason_content": OWN_CODE,
    "target": "0",
    "note": SECRET,
}


@dataclass(frozen=True)
class Agency:
    """The FBI as registered, with its officer and the age identity its packages open with."""

    officer: Officer
    key_file: Path


@pytest.fixture
def settings(settings: Settings, built: Built) -> Settings:
    """The test store over the small demo marketplace, so packages hold real rows."""
    return dataclasses.replace(settings, marketplace_url=built.url)


@pytest.fixture
def agency(session: Session, tmp_path: Path) -> Agency:
    """The FBI, with an age recipient for its packages and an officer on the portal."""
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "agency.agekey"
    key_file.write_text(f"{identity}\n")
    register(session, {**FBI, "age_recipient": str(identity.to_public())})
    return Agency(make_officer(session, FBI["id"], "dreyes@fbi.gov"), key_file)


@pytest.fixture
def filed(client: TestClient, agency: Agency, session: Session) -> str:
    """A warrant asking for subscriber data and content, in review; the policy allows both."""
    answer = post_request(client, request_body(categories=["subscriber", "content"]))
    assert answer.status_code == 201, answer.text
    request_id = str(answer.json()["id"])
    advice = cases.case_detail(session, request_id).decisions[0].decision
    if any(r.code == OWN_CODE for r in advice.reasons):
        pytest.fail(f"the policy gives {OWN_CODE} itself; the test needs a reviewer's own code")
    session.rollback()
    return request_id


class FormReader(HTMLParser):
    """The fields a browser would post from one form: its inputs and textareas, in order."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.textarea = form_id, False, ""
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the form's start, its hidden inputs, and where a textarea begins."""
        named = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = named.get("id") == self.form_id
        elif self.inside and tag == "input" and named.get("type") == "hidden":
            self.fields.append((named["name"], named.get("value", "")))
        elif self.inside and tag == "textarea":
            self.textarea = named["name"]
            self.fields.append((self.textarea, ""))

    def handle_data(self, data: str) -> None:
        """A textarea's text."""
        if self.textarea:
            name, text = self.fields.pop()
            self.fields.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        """Leave a textarea or the form."""
        if tag == "textarea":
            self.textarea = ""
        elif tag == "form":
            self.inside = False


def form_fields(page: str, form_id: str = "ruling") -> list[tuple[str, str]]:
    """The posted fields of a page's form, as a browser sends them."""
    reader = FormReader(form_id)
    reader.feed(page)
    return reader.fields


def section(page: str, element_id: str) -> str:
    """The HTML of one element (a div or section with that id) of a page."""
    found = re.search(rf'<(div|section)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"the page has no #{element_id}"
    return found.group(2)


def shown_reasons(html: str) -> list[str]:
    """The reasons a decision block lists, one line of text each."""
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", html, re.S)]


def post_ruling(
    client: TestClient, request_id: str, fields: dict[str, str] | list[tuple[str, str]]
) -> Any:
    """Post the ruling form (a dict, or pairs in the order a browser sends them) as staff."""
    pairs = list(fields.items()) if isinstance(fields, dict) else fields
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    path = f"/console/requests/{request_id}/decision"
    return client.post(path, data=data, follow_redirects=False)


def exits(
    client: TestClient, settings: Settings, agency: Agency, request_id: str
) -> dict[str, str]:
    """Everything the agency receives about a request, by where it arrives."""
    found = {"status API": get_status(client, request_id).text}
    portal = TestClient(client.app, base_url="http://127.0.0.1", client=("127.0.0.1", 50124))
    assert login(portal, agency.officer).status_code == 303
    found["portal page"] = portal.get(f"/portal/requests/{request_id}").text
    assert run_produce(settings, request_id, "staff:test") is not None
    package = client.get(f"/api/v1/requests/{request_id}/package", auth=signed())
    assert package.status_code == 200, package.text
    sealed = agency.key_file.parent / f"{request_id}.age"
    sealed.write_bytes(package.content)
    root = unpack_with_age(sealed, agency.key_file, agency.key_file.parent / "open", request_id)
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    assert {"manifest.json", "SHA256SUMS"} <= {p.name for p in files}
    for path in files:
        found[f"package {path.relative_to(root)}"] = path.read_text(encoding="utf-8")
    return found


def assert_public(found: dict[str, str], message: str) -> None:
    """No exit carries the note; the status, the page and the manifest carry the message."""
    for where, text in found.items():
        for marker in MARKERS:
            assert marker not in text, f"{marker!r} reached the agency in the {where}"
    assert json.loads(found["status API"])["message"] == message
    assert json.loads(found["package manifest.json"])["decision"]["message"] == message
    for line in message.splitlines():
        assert f"<p>{line}</p>" in section(found["portal page"], "agency-message")


def confirm_as_second(client: TestClient, staff_member: Any, request_id: str) -> None:
    """A different reviewer confirms the proposed ruling from the case page."""
    as_staff(client, staff_member)
    page = f"/console/requests/{request_id}"
    token = csrf(client, page)
    done = client.post(f"{page}/confirm", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303, done.text


def test_the_note_never_leaves_and_the_previewed_message_does(
    client: TestClient,
    session: Session,
    settings: Settings,
    staff_member: Any,
    agency: Agency,
    filed: str,
) -> None:
    """Recording with a message shows the preview first; sent as seen, it arrives verbatim."""
    as_staff(client, staff_member)
    page = f"/console/requests/{filed}"
    form = {"csrf_token": csrf(client, page), "action": "rule", **RULING}
    shown = post_ruling(client, filed, {**form, "message_to_agency": MESSAGE.replace("\n", "\r\n")})
    assert shown.status_code == 200 and "Not sent yet" in shown.text, "a message is seen first"
    assert cases.locked_state(session, filed) is CaseState.IN_REVIEW
    session.rollback()
    view = section(shown.text, "agency-view")
    assert public.PUBLIC_WORDING[OWN_CODE] in view
    assert not any(marker in view for marker in MARKERS)
    sent = post_ruling(client, filed, [*form_fields(shown.text), ("action", "rule")])
    assert sent.status_code == 303, sent.text
    confirm_as_second(client, staff_member, filed)
    session.expire_all()
    assert cases.locked_state(session, filed) is CaseState.PARTIALLY_APPROVED
    session.rollback()

    found = exits(client, settings, agency, filed)
    assert_public(found, MESSAGE)
    portal = found["portal page"]
    assert shown_reasons(section(portal, "decision")) == shown_reasons(view), "as previewed"
    assert section(portal, "agency-message") == section(view, "agency-message")
    status = {k: v for k, v in json.loads(found["status API"])["decision"].items() if v is not None}
    manifest = json.loads(found["package manifest.json"])["decision"]
    assert {k: manifest[k] for k in status} == status, "the manifest carries the same decision"


def test_a_message_changed_after_its_preview_is_shown_again(
    client: TestClient, session: Session, staff_member: Any, filed: str
) -> None:
    """The preview's fingerprint covers the message: an edit sends the reviewer back to it."""
    as_staff(client, staff_member)
    page = f"/console/requests/{filed}"
    asked = {"csrf_token": csrf(client, page), "action": "preview", **RULING}
    preview = post_ruling(client, filed, {**asked, "message_to_agency": "First words."})
    assert preview.status_code == 200 and "Not sent yet" not in preview.text
    edited = [
        (k, "Other words." if k == "message_to_agency" else v) for k, v in form_fields(preview.text)
    ]
    again = post_ruling(client, filed, [*edited, ("action", "rule")])
    assert again.status_code == 200 and "Not sent yet" in again.text
    assert "<p>Other words.</p>" in section(again.text, "agency-view")
    assert cases.locked_state(session, filed) is CaseState.IN_REVIEW


def test_an_escalation_is_previewed_as_one(
    client: TestClient, session: Session, staff_member: Any, filed: str
) -> None:
    """Escalating with a message previews the escalation, and sending it escalates."""
    as_staff(client, staff_member)
    page = f"/console/requests/{filed}"
    fields = {
        "csrf_token": csrf(client, page),
        "action": "escalate",
        **RULING,
        "verdict_content": "allow",
        "escalate_reason": "national_security_review",
        "message_to_agency": "Senior counsel rules on this request.",
    }
    preview = post_ruling(client, filed, fields)
    view = section(preview.text, "agency-view")
    wording = public.PUBLIC_WORDING[ReasonCode.NATIONAL_SECURITY_REVIEW]
    assert "escalate" in view and wording in view
    sent = post_ruling(client, filed, [*form_fields(preview.text), ("action", "escalate")])
    assert sent.status_code == 303, sent.text
    session.expire_all()
    assert cases.locked_state(session, filed) is CaseState.ESCALATED
    recorded = cases.latest_ruling(session, filed)
    assert recorded is not None and recorded.agency_message == fields["message_to_agency"]
    assert recorded.note == SECRET


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("null\x00byte", "control character U+0000"),
        ("x" * (public.MESSAGE_MAX + 1), f"at most {public.MESSAGE_MAX} characters"),
    ],
)
def test_a_bad_message_is_refused_on_the_page_naming_it(
    client: TestClient, session: Session, staff_member: Any, filed: str, message: str, problem: str
) -> None:
    """Nothing is previewed or recorded; the case page says what is wrong with the message."""
    as_staff(client, staff_member)
    page = f"/console/requests/{filed}"
    form = {"csrf_token": csrf(client, page), "action": "preview", **RULING}
    answer = post_ruling(client, filed, {**form, "message_to_agency": message})
    assert answer.status_code == 422 and "message to the agency" in answer.text
    assert problem in answer.text and 'id="agency-view"' not in answer.text
    assert cases.locked_state(session, filed) is CaseState.IN_REVIEW


def test_admins_cannot_preview_a_ruling(client: TestClient, staff_member: Any, filed: str) -> None:
    """Administration is not legal review, not even a look at what a ruling would send."""
    as_staff(client, staff_member, "admin")
    page = f"/console/requests/{filed}"
    form = {"csrf_token": csrf(client, page), "action": "preview", **RULING}
    answer = post_ruling(client, filed, form)
    assert answer.status_code == 403 and 'id="agency-view"' not in answer.text
