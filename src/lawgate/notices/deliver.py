"""Rendering a notice as a plain-text e-mail and handing it to SMTP or to the outbox folder."""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from lawgate.domain import Agency, Request

SMTP_TIMEOUT_SECONDS = 15
DEFAULT_SMTP_PORT = 25


@dataclass(frozen=True)
class NoticeText:
    """What a notice says, before it is addressed: the same text for every affected account."""

    subject: str
    body: str

    @property
    def sha256(self) -> str:
        """The body's hash: what the audit log commits to instead of the text or the address."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def _words(value: str) -> str:
    """A vocabulary value as words: 'search_warrant' becomes 'search warrant'."""
    return value.replace("_", " ")


def render(request_id: str, request: Request, agency: Agency, given: list[str]) -> NoticeText:
    """Tell the user who asked, on what legal basis, what was given and what they can do."""
    process = request.legal_process
    issuer = process.issuer_name or _words(process.issuer_role)
    categories = ", ".join(given) if given else "none"
    body = "\n".join(
        [
            "Hello,",
            "",
            "We received a government request for data about your account.",
            "We are telling you because you have a right to know, and the law",
            "now allows us to.",
            "",
            f"Who asked: {agency.name} ({agency.country})",
            f"Legal basis: {_words(process.type)} issued by {issuer} on {process.issued_on}",
            f"What we gave: {categories}",
            f"Our reference: {request_id}",
            "",
            "What you can do: you may seek legal advice and challenge the request",
            "before the authority or court that issued it. You may ask us for more",
            "detail by replying to this message and quoting our reference.",
            "",
            "The privacy team",
            "",
        ]
    )
    return NoticeText(f"A government request for your data (reference {request_id})", body)


def message(text: NoticeText, sender: str, recipient: str) -> EmailMessage:
    """The notice as an e-mail, addressed at the moment of sending."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = text.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(text.body)
    return msg


PLAINTEXT_OPT_IN = "?tls=off"
"""Appended to the SMTP URL only for a relay on the same host: notices may then go unencrypted."""


def smtp_address(url: str) -> tuple[str, int]:
    """Host and port of an smtp://host:port URL (port 25 when omitted)."""
    host, _, port = url.removeprefix("smtp://").removesuffix(PLAINTEXT_OPT_IN).partition(":")
    return host, int(port) if port else DEFAULT_SMTP_PORT


def send_smtp(url: str, msg: EmailMessage) -> None:
    """Send one message over STARTTLS; without it, only when the URL says ?tls=off."""
    host, port = smtp_address(url)
    with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as server:
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        elif not url.endswith(PLAINTEXT_OPT_IN):
            raise smtplib.SMTPNotSupportedError(
                f"{host}:{port} offers no STARTTLS, so the notice was not sent in clear; "
                f"for a relay on this host only, add {PLAINTEXT_OPT_IN} to LAWGATE_SMTP_URL"
            )
        server.send_message(msg)


def write_outbox(folder: Path, name: str, msg: EmailMessage) -> Path:
    """Write an .eml by temp file and rename, so a reader never sees half a message."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.eml"
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(msg.as_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def outbox_dir(home: Path) -> Path:
    """Where messages wait when no SMTP server is configured: $LAWGATE_HOME/outbox."""
    return home / "outbox"


def dispatch(msg: EmailMessage, smtp_url: str | None, home: Path, name: str) -> str:
    """Send by SMTP when a server is given, else write to the outbox; returns the channel used."""
    if smtp_url:
        send_smtp(smtp_url, msg)
        return "smtp"
    write_outbox(outbox_dir(home), name, msg)
    return "outbox"
