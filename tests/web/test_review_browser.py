"""The whole review in a real browser: sign in with TOTP, rule, second review, produce, download.

Screenshots of every page go to test-artifacts/review/ (kept by CI as artifacts).
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pyrage
import pytest
from sqlalchemy.orm import Session

from lawgate.config import Settings
from lawgate.jobs.worker import start_in_thread
from tests.demo.conftest import built
from tests.demo.helpers import Built
from tests.factories import FBI, register, request_body
from tests.web.test_console_browser import submit

__all__ = ["built"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "review"
SELLER = {"type": "email", "value": "seller.one@example.com"}
WAIT_MS = 30_000


@pytest.fixture
def settings(settings: Settings, built: Built) -> Settings:
    """The test store over the small demo marketplace, so productions read real rows."""
    return dataclasses.replace(settings, marketplace_url=built.url)


@pytest.fixture
def worker(settings: Settings) -> Iterator[None]:
    """A job worker in this process, as `lawgate serve` runs one."""
    running = start_in_thread(settings, workers=1)
    yield
    running.stop()


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, email: str, password: str, secret: str) -> None:
    """Open the console, get sent to sign in, and sign in with the current TOTP code."""
    page.goto(base + "/console")
    assert "/console/login" in page.url
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console")


def sign_out(page: Any) -> None:
    """Sign out from the header."""
    page.click("form.whoami button")
    page.wait_for_url("**/console/login**")


def test_reviewer_rules_colleague_confirms_package_appears(
    live_server: str,
    browser_page: Any,
    session: Session,
    settings: Settings,
    staff_member: Any,
    worker: None,
    tmp_path: Path,
) -> None:
    """Subscriber allowed, content denied against the advice, confirmed, produced, downloaded."""
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "agency.agekey"
    key_file.write_text(str(identity) + "\n")
    register(session, {**FBI, "age_recipient": str(identity.to_public())})
    body = request_body(categories=["subscriber", "content"], targets=[SELLER])
    request_id = submit(live_server, body, FBI["id"])
    first, password1, secret1 = staff_member("reviewer")
    second, password2, secret2 = staff_member("reviewer")
    page = browser_page

    page.goto(live_server + "/console")
    shot(page, "01-login")
    sign_in(page, live_server, first.email, password1, secret1)
    assert page.locator(f"#queue a:text('{request_id}')").count() == 1
    shot(page, "02-queue")

    page.click(f"#queue a:text('{request_id}')")
    page.wait_for_url(f"**/console/requests/{request_id}")
    assert "1 account" in page.locator(".matches").first.inner_text()
    page.check("input[name=verdict_subscriber][value=allow]")
    page.check("input[name=verdict_content][value=deny]")
    page.select_option("select[name=reason_content]", "overbroad")
    page.fill(
        "textarea[name=note]", "Subscriber data identifies the seller; content is not needed."
    )
    shot(page, "03-ruling-form")
    page.click("#record-ruling")
    page.wait_for_selector(".second-review")
    assert "second review" in page.locator("h1 .state").inner_text()
    assert "waits for a second reviewer" in page.locator(".second-review").inner_text()
    shot(page, "04-awaiting-second-review")
    sign_out(page)

    sign_in(page, live_server, second.email, password2, secret2)
    page.goto(f"{live_server}/console/requests/{request_id}")
    page.fill(".second-review input[name=note]", "Agreed: subscriber only.")
    page.click("#confirm")
    page.wait_for_selector("#produce")
    assert "partially approved" in page.locator("h1 .state").inner_text()
    shot(page, "05-confirmed")

    page.click("#produce")
    link = page.wait_for_selector("#package-download", timeout=WAIT_MS)
    assert link is not None
    shot(page, "06-package-ready")
    with page.expect_download() as info:
        page.click("#package-download")
    saved = tmp_path / "package.age"
    info.value.save_as(saved)
    digest = page.locator("#production code.digest").inner_text()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == digest
    opened = subprocess.run(
        ["age", "-d", "-i", str(key_file), str(saved)], capture_output=True, check=False
    )
    assert opened.returncode == 0, opened.stderr
    page.goto(f"{live_server}/console/requests/{request_id}")
    trail = page.locator("table").last.inner_text()
    for event in ("request:decision:proposed", "request:decision:confirmed", "production:sealed"):
        assert event in trail
    shot(page, "07-trail")
