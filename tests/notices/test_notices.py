"""User notices end to end: made when a case closes, held by a lawful gag, sent and audited."""

from __future__ import annotations

import dataclasses
import email
import hashlib
from email.message import Message
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from lawgate.auditlog.models import AuditEntryRow
from lawgate.cli import app
from lawgate.config import Settings
from lawgate.domain import Agency, Request
from lawgate.errors import ConflictError
from lawgate.intake import services as intake
from lawgate.lifecycle import submission
from lawgate.notices import services
from lawgate.notices.models import NoticeRow
from tests.factories import FBI, request_body
from tests.notices.conftest import USER_EMAIL, Sink, at, closed_case
from tests.servers import free_port

ALLOW_TWO = {"subscriber": "allow", "traffic": "allow", "content": "deny"}
NO_GAG = {"non_disclosure": None}


def notices(factory: sessionmaker[Session], request_id: str) -> list[NoticeRow]:
    """The request's notices, oldest first."""
    with factory() as db:
        query = select(NoticeRow).where(NoticeRow.request_id == request_id)
        return list(db.scalars(query.order_by(NoticeRow.id)))


def create(
    factory: sessionmaker[Session], marketplace: sa.Engine, request_id: str, day: str
) -> int:
    """Make the request's notices on a given day."""
    with factory.begin() as db:
        return services.create_notices(db, marketplace, request_id, at(day))


def send(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings, day: str
) -> services.SendReport:
    """Run the sending job on a given day."""
    return services.send_due(factory, marketplace, settings, at(day))


def outbox(settings: Settings) -> list[Path]:
    """Every file in the outbox, hidden ones too."""
    folder = settings.home / "outbox"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def account_of(marketplace: sa.Engine, address: str) -> str:
    """The account id behind an e-mail address in the marketplace."""
    with marketplace.connect() as conn:
        query = sa.text("SELECT account_id FROM users WHERE email = :e")
        return str(conn.execute(query, {"e": address}).scalar_one())


def test_a_gagged_notice_waits_until_the_day_after_the_gag_ends(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings
) -> None:
    """Gag until 2027-05-20: delayed on that day, sent on 2027-05-21."""
    request_id = closed_case(factory, settings, ALLOW_TWO)
    assert create(factory, marketplace, request_id, "2026-12-01") == 1
    (notice,) = notices(factory, request_id)
    assert notice.status == "delayed"
    assert str(notice.delayed_until) == "2027-05-20"
    assert send(factory, marketplace, settings, "2027-05-20") == services.SendReport(0, 0)
    assert notices(factory, request_id)[0].status == "delayed"
    assert outbox(settings) == []
    assert send(factory, marketplace, settings, "2027-05-21") == services.SendReport(1, 0)
    (sent,) = notices(factory, request_id)
    assert (sent.status, sent.channel) == ("sent", "outbox")
    assert [p.name for p in outbox(settings)] == [f"{request_id}-{sent.id}.eml"]


def test_without_a_gag_the_notice_goes_at_once_to_the_outbox(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings
) -> None:
    """No gag: pending at closing and written whole to the outbox the same day."""
    request_id = closed_case(factory, settings, ALLOW_TWO, **NO_GAG)
    create(factory, marketplace, request_id, "2026-12-01")
    assert notices(factory, request_id)[0].status == "pending"
    assert send(factory, marketplace, settings, "2026-12-01") == services.SendReport(1, 0)
    (path,) = outbox(settings)  # no temporary file is left beside it
    message = email.message_from_bytes(path.read_bytes())
    assert message["To"] == USER_EMAIL
    assert message["From"] == settings.notice_from
    body = _body(message)
    assert "FBI New York Field Office (US)" in body
    assert "search warrant issued by S.D.N.Y. Magistrate Judge on 2026-11-20" in body
    assert "What we gave: subscriber, traffic\n" in body
    (sent,) = notices(factory, request_id)
    assert sent.body_sha256 == hashlib.sha256(body.encode()).hexdigest()
    assert sent.sent_at is not None
    assert send(factory, marketplace, settings, "2026-12-02") == services.SendReport(0, 0)


def _body(message: Message) -> str:
    """The plain-text body of a parsed message, with lines ending in LF."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8").replace("\r\n", "\n")


def test_a_gag_without_an_end_date_stays_delayed(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings
) -> None:
    """No end date: held with no date, however late the run, for counsel to review."""
    gag = {"until": None, "basis": "18 U.S.C. 2705(b) order"}
    request_id = closed_case(factory, settings, ALLOW_TWO, non_disclosure=gag)
    create(factory, marketplace, request_id, "2026-12-01")
    assert send(factory, marketplace, settings, "2030-01-01") == services.SendReport(0, 0)
    (notice,) = notices(factory, request_id)
    assert (notice.status, notice.delayed_until) == ("delayed", None)


def test_a_gag_that_already_ended_does_not_hold_the_notice(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings
) -> None:
    """A gag whose end has passed by closing leaves the notice pending."""
    gag = {"until": "2026-11-30", "basis": "18 U.S.C. 2705(b) order"}
    request_id = closed_case(factory, settings, ALLOW_TWO, non_disclosure=gag)
    create(factory, marketplace, request_id, "2026-12-01")
    assert notices(factory, request_id)[0].status == "pending"


def test_a_gag_without_a_legal_basis_is_not_honoured(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings
) -> None:
    """A prosecutor's subpoena asking for silence on no court order: the user is told at once."""
    process = {**request_body()["legal_process"], "type": "subpoena", "issuer_role": "prosecutor"}
    gag = {"until": "2027-05-20", "basis": "agency policy"}
    request_id = closed_case(
        factory,
        settings,
        {"subscriber": "allow"},
        legal_process=process,
        categories=["subscriber"],
        non_disclosure=gag,
    )
    create(factory, marketplace, request_id, "2026-12-01")
    assert notices(factory, request_id)[0].status == "pending"


def test_smtp_delivery_reaches_the_user_with_who_why_and_what(
    factory: sessionmaker[Session],
    marketplace: sa.Engine,
    settings: Settings,
    smtp_sink: tuple[Sink, str],
) -> None:
    """Sent by SMTP to the account's address; the body names agency, basis and categories."""
    sink, url = smtp_sink
    smtp = dataclasses.replace(settings, smtp_url=url)
    request_id = closed_case(factory, settings, ALLOW_TWO, **NO_GAG)
    create(factory, marketplace, request_id, "2026-12-01")
    assert send(factory, marketplace, smtp, "2026-12-01") == services.SendReport(1, 0)
    (envelope,) = sink.envelopes
    assert envelope.rcpt_tos == [USER_EMAIL]
    assert envelope.mail_from == settings.notice_from
    assert isinstance(envelope.content, bytes)
    body = _body(email.message_from_bytes(envelope.content))
    assert "Who asked: FBI New York Field Office (US)" in body
    assert "Legal basis: search warrant issued by S.D.N.Y. Magistrate Judge" in body
    assert "What we gave: subscriber, traffic\n" in body
    assert notices(factory, request_id)[0].channel == "smtp"
    assert outbox(settings) == []


def test_a_rejection_tells_the_user_nothing_was_given(
    factory: sessionmaker[Session],
    marketplace: sa.Engine,
    settings: Settings,
    smtp_sink: tuple[Sink, str],
) -> None:
    """A refused request still earns a notice, saying no category was given."""
    sink, url = smtp_sink
    verdicts = {"subscriber": "deny", "traffic": "deny", "content": "deny"}
    request_id = closed_case(factory, settings, verdicts, **NO_GAG)
    create(factory, marketplace, request_id, "2026-12-01")
    send(factory, marketplace, dataclasses.replace(settings, smtp_url=url), "2026-12-01")
    (envelope,) = sink.envelopes
    assert isinstance(envelope.content, bytes)
    assert "What we gave: none" in _body(email.message_from_bytes(envelope.content))


def test_a_failed_smtp_send_is_recorded_and_retried(
    factory: sessionmaker[Session],
    marketplace: sa.Engine,
    settings: Settings,
    smtp_sink: tuple[Sink, str],
) -> None:
    """A closed port marks the notice failed; the next run, with a server, sends it."""
    request_id = closed_case(factory, settings, ALLOW_TWO, **NO_GAG)
    create(factory, marketplace, request_id, "2026-12-01")
    closed = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}?tls=off")
    assert send(factory, marketplace, closed, "2026-12-01") == services.SendReport(0, 1)
    (failed,) = notices(factory, request_id)
    assert failed.status == "failed"
    assert "ConnectionRefusedError" in failed.error
    assert USER_EMAIL not in failed.error
    sink, url = smtp_sink
    working = dataclasses.replace(settings, smtp_url=url)
    assert send(factory, marketplace, working, "2026-12-02") == services.SendReport(1, 0)
    assert notices(factory, request_id)[0].status == "sent"
    assert len(sink.envelopes) == 1


def test_audit_entries_hold_counts_ids_and_hashes_but_no_address(
    factory: sessionmaker[Session],
    marketplace: sa.Engine,
    settings: Settings,
) -> None:
    """notice:created and notice:sent are logged without the address or the account id."""
    request_id = closed_case(factory, settings, ALLOW_TWO, **NO_GAG)
    create(factory, marketplace, request_id, "2026-12-01")
    send(factory, marketplace, settings, "2026-12-01")
    with factory() as db:
        query = select(AuditEntryRow).where(AuditEntryRow.event.like("notice:%"))
        entries = list(db.scalars(query.order_by(AuditEntryRow.index)))
    assert [e.event for e in entries] == ["notice:created", "notice:sent"]
    account = account_of(marketplace, USER_EMAIL)
    for entry in entries:
        assert entry.subject == request_id
        assert USER_EMAIL not in entry.canonical
        assert "@" not in entry.canonical
        assert account not in entry.canonical
    digest = notices(factory, request_id)[0].body_sha256
    assert digest is not None
    assert digest in entries[1].canonical


def test_notices_are_made_once_and_only_for_closed_cases(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings
) -> None:
    """An open case is refused; the sending job makes a closed case's notices exactly once."""
    with factory.begin() as db:
        intake.register_agency(db, Agency.model_validate(FBI), "test")
        sender = intake.get_agency(db, FBI["id"])
        open_id = submission.submit_request(
            db, Request.model_validate(request_body()), sender, settings
        )
    with pytest.raises(ConflictError), factory.begin() as db:
        services.create_notices(db, marketplace, open_id, at("2026-12-01"))
    closed_id = closed_case(factory, settings, ALLOW_TWO, **NO_GAG)
    for _ in range(2):
        with factory.begin() as db:
            services.create_for_closed(db, marketplace, at("2026-12-01"))
    assert len(notices(factory, closed_id)) == 1
    assert notices(factory, open_id) == []


def test_the_console_lists_notices_without_addresses(
    factory: sessionmaker[Session],
    marketplace: sa.Engine,
    settings: Settings,
    console_client: TestClient,
) -> None:
    """The page shows status and request, and says an undated gag needs counsel."""
    gag = {"until": None, "basis": "18 U.S.C. 2705(b) order"}
    request_id = closed_case(factory, settings, ALLOW_TWO, non_disclosure=gag)
    create(factory, marketplace, request_id, "2026-12-01")
    page = console_client.get("/console/notices")
    assert page.status_code == 200
    assert request_id in page.text
    assert "counsel" in page.text
    assert "@" not in page.text.replace(settings.notice_from, "")
    assert account_of(marketplace, USER_EMAIL) not in page.text


def test_the_cli_sends_as_of_a_given_time_and_lists(
    factory: sessionmaker[Session],
    marketplace: sa.Engine,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`lawgate notices send --now` makes and sends a closed case's notice; `list` shows it."""
    request_id = closed_case(factory, settings, ALLOW_TWO, **NO_GAG)
    monkeypatch.setenv("LAWGATE_HOME", str(settings.home))
    monkeypatch.setenv("LAWGATE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LAWGATE_MARKETPLACE_URL", str(marketplace.url))
    monkeypatch.delenv("LAWGATE_SMTP_URL", raising=False)
    runner = CliRunner()
    result = runner.invoke(app, ["notices", "send", "--now", "2026-12-01T12:00"])
    assert result.exit_code == 0, result.output
    assert "made 1, sent 1, failed 0" in result.output
    assert len(outbox(settings)) == 1
    listed = runner.invoke(app, ["notices", "list"])
    assert listed.exit_code == 0
    assert request_id in listed.output
    assert "@" not in listed.output
