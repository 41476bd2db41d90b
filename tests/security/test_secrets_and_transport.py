"""ASVS V6.4, V9, V2.10 and 5.2.3: owner-only keys; mail neither in clear nor injectable."""

from __future__ import annotations

import email
import os
import stat
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from lawgate.auditlog import publish
from lawgate.domain import Agency, Request
from lawgate.notices import deliver
from tests.factories import FBI, WARRANT_REQUEST, request_body
from tests.notices.conftest import Sink, running_sink


@pytest.fixture
def plain_smtp() -> Iterator[tuple[Sink, str]]:
    """An SMTP server that offers no STARTTLS, as a downgrading attacker would present."""
    with running_sink() as found:
        yield found


def test_the_log_key_is_owner_only_even_under_a_loose_umask(tmp_path: Path) -> None:
    """ASVS 6.4.1 and 2.10.4: the checkpoint signing key is created 0600, never world-readable."""
    old = os.umask(0)
    try:
        publish.ensure_log_key(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(publish.log_key_path(tmp_path).stat().st_mode) == 0o600


def test_a_notice_is_not_sent_in_clear_when_starttls_is_missing(
    plain_smtp: tuple[Sink, str],
) -> None:
    """ASVS 9.2.2: a user's notice never falls back to plaintext SMTP without an explicit opt-in."""
    sink, url = plain_smtp
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "privacy@example.org", "user@example.com", "Notice"
    msg.set_content("Your data was requested.")
    with pytest.raises(OSError, match="no STARTTLS"):
        deliver.send_smtp(url, msg)
    assert sink.envelopes == []
    deliver.send_smtp(url + "?tls=off", msg)  # the explicit opt-in for a relay on this host
    assert len(sink.envelopes) == 1


def test_agency_text_cannot_add_mail_headers(tmp_path: Path) -> None:
    """ASVS 5.2.3: an issuer name with CR/LF stays in the body; a bad address is refused."""
    injected = "Judge X\r\nBcc: spy@evil.example\r\n\r\nforged"
    process = {**WARRANT_REQUEST["legal_process"], "issuer_name": injected}
    request = Request.model_validate(request_body(legal_process=process))
    text = deliver.render("LG-AAAAAAAA", request, Agency.model_validate(FBI), ["subscriber"])
    msg = deliver.message(text, "privacy@example.org", "user@example.com")
    deliver.write_outbox(tmp_path, "notice", msg)
    sent = email.message_from_bytes((tmp_path / "notice.eml").read_bytes())
    assert sent["Bcc"] is None and sent["To"] == "user@example.com"
    with pytest.raises(ValueError):
        deliver.message(text, "privacy@example.org", "user@example.com\r\nBcc: spy@evil.example")
