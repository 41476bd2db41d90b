"""ASVS V14.4/V14.5/V8.2: response headers on every kind of page, CORS, methods, listings."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.factories import STAFF
from tests.web.conftest import live_server

__all__ = ["live_server"]
"""The real uvicorn server, for what only a socket shows (the Server header)."""

HARDENING = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
SIGNED_IN_PAGES = [
    pytest.param("/console/login", id="console-login"),
    pytest.param("/console", id="console-queue"),
    pytest.param("/console/holds", id="console-holds"),
    pytest.param("/console/notices", id="console-notices"),
]
PUBLIC_PAGES = [
    pytest.param("/portal/login", id="portal-login"),
    pytest.param("/transparency", id="transparency"),
    pytest.param("/transparency/compare", id="transparency-compare"),
    pytest.param("/docs", id="api-docs"),
]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def assert_hardened(answer: httpx.Response) -> None:
    """Each hardening header is present with the value that forbids framing and sniffing."""
    for name, value in HARDENING.items():
        assert value in answer.headers.get(name, ""), f"{name} missing or weak: {answer.headers}"


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_staff_pages_forbid_framing_sniffing_and_caching(
    console_client: TestClient, path: str
) -> None:
    """ASVS 14.4.3-14.4.7 and 8.2.1: a reviewer's pages cannot be framed, sniffed or cached."""
    answer = console_client.get(path, follow_redirects=False)
    assert answer.status_code in (200, 303)
    assert_hardened(answer)
    assert "no-store" in answer.headers.get("cache-control", "")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_forbid_framing_and_sniffing(client: TestClient, path: str) -> None:
    """ASVS 14.4.3, 14.4.4, 14.4.7: public HTML cannot be framed by another site or sniffed."""
    answer = client.get(path)
    assert answer.status_code == 200
    assert_hardened(answer)


def test_api_answers_say_nosniff(client: TestClient) -> None:
    """ASVS 14.4.4: every response, JSON included, tells the browser not to sniff."""
    for path in ("/log/key", "/openapi.json", "/api/v1/requests/LG-AAAAAAAA"):
        answer = client.get(path)
        assert answer.headers.get("x-content-type-options") == "nosniff", path


def test_https_answers_carry_hsts(client: TestClient) -> None:
    """ASVS 14.4.5: reached over https, lawgate tells browsers never to fall back to http."""
    remote = TestClient(client.app, base_url="https://lawgate.example")
    for path in ("/portal/login", "/console/login", "/transparency"):
        hsts = remote.get(path).headers.get("strict-transport-security", "")
        assert "max-age=" in hsts, path


def test_no_cross_origin_resource_sharing_is_offered(client: TestClient) -> None:
    """ASVS 14.5.3: no CORS header for any origin, so other sites' scripts cannot read answers."""
    foreign = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    for origin in ("https://evil.example", "null"):
        for path in ("/log/checkpoint", "/log/key", "/portal/login", "/console/login"):
            answer = client.get(path, headers={"Origin": origin}, follow_redirects=False)
            assert not any(h.startswith("access-control-") for h in answer.headers), path
    preflight = client.options("/api/v1/requests", headers=foreign)
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers


def test_only_the_methods_in_use_are_accepted(client: TestClient) -> None:
    """ASVS 14.5.1 and 13.2.1: TRACE, PUT, DELETE and PATCH are refused everywhere."""
    paths = ("/api/v1/requests", "/console", "/portal/login", "/log/checkpoint", "/transparency")
    for method in ("TRACE", "PUT", "DELETE", "PATCH"):
        for path in paths:
            answer = client.request(method, path, follow_redirects=False)
            assert answer.status_code == 405, f"{method} {path}: {answer.status_code}"


def test_no_directory_listing_and_no_source_files(client: TestClient) -> None:
    """ASVS 4.3.2 and 12.5.1: folders are not listed and nothing outside static is served."""
    for path in (
        "/static/",
        "/static",
        "/.git/config",
        "/static/../pyproject.toml",
        "/static/%2e%2e/views.py",
        "/static/console.css.bak",
        "/portal/static/",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, f"{path}: {answer.status_code}"
        assert "Index of" not in answer.text


def test_every_answer_names_its_content_type_and_text_its_charset(
    console_client: TestClient,
) -> None:
    """ASVS 14.4.1: each answer says what it is, and text says it is UTF-8."""
    for path in (
        "/console",
        "/portal/login",
        "/transparency",
        "/log/key",
        "/openapi.json",
        "/no/such/page",
        "/console/no-such-page",
        "/static/console.css",
    ):
        kind = console_client.get(path).headers.get("content-type", "")
        assert kind, f"{path} has no Content-Type"
        if kind.startswith("text/"):
            assert "charset=utf-8" in kind, f"{path}: {kind}"


def test_pages_load_nothing_from_other_sites(console_client: TestClient) -> None:
    """ASVS 10.3.2, 12.3.6 and 14.2.3: no script, style or font comes from a CDN."""
    for path in ("/console", "/portal/login", "/console/login", "/transparency", "/docs"):
        page = console_client.get(path).text
        assert not EXTERNAL.search(page), f"{path} loads from another site: {EXTERNAL.search(page)}"


def test_the_server_names_no_version(live_server: str) -> None:
    """ASVS 14.3.3: neither the server nor the framework announces its version."""
    for path in ("/portal/login", "/log/key", "/no/such/page"):
        answer = httpx.get(live_server + path)
        assert not re.search(r"\d", answer.headers.get("server", "")), answer.headers["server"]
        assert "x-powered-by" not in answer.headers


def test_behind_a_proxy_on_the_host_outside_callers_are_not_loopback(
    live_server: str, api_staff: object
) -> None:
    """ASVS 1.14.1 and 14.5.4: a forwarded caller is judged by X-Forwarded-For, not the proxy."""
    staff = STAFF
    assert httpx.get(f"{live_server}/api/v1/staff/requests", headers=staff).status_code == 200
    forwarded = {**staff, "X-Forwarded-For": "203.0.113.9"}
    answer = httpx.get(f"{live_server}/api/v1/staff/requests", headers=forwarded)
    assert answer.status_code == 403
    spoofed = {**staff, "X-Forwarded-For": "127.0.0.1, 203.0.113.9"}
    answer = httpx.get(f"{live_server}/api/v1/staff/requests", headers=spoofed)
    assert answer.status_code == 403, (
        "a client-sent 127.0.0.1 before the proxy's entry must not count"
    )
