"""The first Quick-start line in miniature: a fresh `lawgate serve` seeds a demo and serves it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from lawgate.auditlog.models import AuditEntryRow
from lawgate.cli.client import SignatureAuth
from lawgate.config import sqlite_url
from lawgate.demo import seed_cases
from lawgate.demo.agency_keys import api_key_path
from lawgate.intake import keys
from tests.servers import free_port

LAWGATE = str(Path(sys.executable).with_name("lawgate"))
DEMO_EMAIL = "reviewer@lawgate.example"


def wait_for(url: str, process: subprocess.Popen[str], seconds: float = 240) -> None:
    """Poll until the server answers, failing early if it died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"lawgate serve exited with {process.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s")


def serve(home: Path, port: int) -> subprocess.Popen[str]:
    """Start `lawgate serve` on an empty home with a small demo marketplace."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWGATE_")}
    env |= {"LAWGATE_HOME": str(home), "LAWGATE_PORT": str(port)}
    return subprocess.Popen(
        [LAWGATE, "serve", "--users", "2000"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def demo_sign_in(base: str, home: Path) -> httpx.Client:
    """Sign in as the demo reviewer the way the README says: password file, then `staff code`."""
    listed = (home / "demo-staff.txt").read_text(encoding="utf-8")
    line = next(x for x in listed.splitlines() if x.startswith(DEMO_EMAIL))
    password = line.split("password: ")[1].strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWGATE_")}
    env["LAWGATE_HOME"] = str(home)
    code = subprocess.run(
        [LAWGATE, "staff", "code", DEMO_EMAIL], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    browser = httpx.Client(base_url=base, timeout=10)
    form = browser.get("/console", follow_redirects=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "the sign-in page carries a CSRF token"
    fields = {"email": DEMO_EMAIL, "password": password, "code": code[-6:]}
    answer = browser.post("/console/login", data={**fields, "csrf_token": token.group(1)})
    assert answer.status_code == 303, answer.text
    return browser


def test_first_start_seeds_the_demo_and_serves_the_queue(tmp_path: Path) -> None:
    port = free_port()
    process = serve(tmp_path, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/console", process)
        anonymous = httpx.get(f"http://127.0.0.1:{port}/console", timeout=10)
        assert anonymous.status_code == 303, "the console asks who you are"
        browser = demo_sign_in(f"http://127.0.0.1:{port}", tmp_path)
        page = browser.get("/console")
        assert page.status_code == 200
        planned = len(seed_cases.load_plan()["cases"])
        assert page.text.count("<tr class=") == planned
        for state in ("in review", "approved", "partially approved", "escalated", "closed"):
            assert f">{state}<" in page.text
        assert "Staatsanwaltschaft Berlin" in page.text
        public = httpx.get(f"http://127.0.0.1:{port}/transparency", timeout=10)
        assert public.status_code == 200, "the demo publishes this half-year's report"
        assert 'id="checkpoint"' in public.text
        demo_key = keys.load_private_key(api_key_path(tmp_path, "us-doj-fbi-nyfo"))
        auth = SignatureAuth(demo_key, "us-doj-fbi-nyfo-demo")
        probe = httpx.get(f"http://127.0.0.1:{port}/api/v1/requests/LG-AAAAAAAA", auth=auth)
        assert probe.status_code == 404, "the demo agency's key is registered and accepted"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/console" in output
    assert (tmp_path / "marketplace.sqlite").exists()
    assert not (tmp_path / "marketplace.sqlite.partial").exists()

    engine = create_engine(sqlite_url(tmp_path / "lawgate.sqlite"))
    with engine.connect() as conn:
        entries = conn.execute(select(func.count()).select_from(AuditEntryRow)).scalar_one()
        requests = conn.execute(text("SELECT COUNT(*) FROM requests")).scalar_one()
    engine.dispose()
    assert requests == planned
    assert entries > planned * 3

    again = serve(tmp_path, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/console", again)
        page = browser.get("/console")
        assert page.text.count("<tr class=") == planned, "a restart must not seed twice"
    finally:
        again.terminate()
        again.communicate(timeout=30)
