"""A real HTTP server on a free loopback port, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from lawgate.config import Settings
from lawgate.staff.accounts import StaffAccount
from tests.servers import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """lawgate served by uvicorn in a thread; yields its base URL."""
    with serving(settings) as base:
        yield base


@pytest.fixture
def browser_page() -> Iterator[Any]:
    """A fresh headless chromium page (Debian's package, never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        yield page
        browser.close()


@pytest.fixture
def console_reviewer(live_server: str, browser_page: Any, staff_member: Any) -> StaffAccount:
    """Sign browser_page in to the console as a new reviewer; returns the reviewer's account."""
    account, password, secret = staff_member("reviewer")
    page = browser_page
    page.goto(live_server + "/console")
    assert "/console/login" in page.url, "the console let the browser in without a sign-in"
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", password)
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/console")
    return account
