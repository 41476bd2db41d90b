"""User notices: owed when a case closes, held while a lawful gag runs, then sent and audited."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log
from lawgate.auditlog.queries import logged, was_logged
from lawgate.cases import services as cases
from lawgate.cases.queries import CASE, finding_codes
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.datamap import shipped
from lawgate.datamap.model import DataMap
from lawgate.datamap.resolve import resolve_targets
from lawgate.domain import PRESERVATION_KINDS, Outcome, Request, Verdict
from lawgate.errors import ConflictError
from lawgate.intake import services as intake
from lawgate.notices import deliver
from lawgate.notices.models import NoticeRow
from lawgate.policy.findings import gag_finding
from lawgate.store.session import transaction

ACTOR = "system:notices"
CREATED = "notice:created"
"""The audit entry recording that a request's notices were made (even when none were owed)."""
GAG_UNSUPPORTED = "non_disclosure_unsupported"
USERS = sa.table("users", sa.column("account_id"), sa.column("email"))
"""The marketplace's users table, read for the address at sending time only."""


@dataclass(frozen=True)
class SendReport:
    """What one sending run did, in counts."""

    sent: int
    failed: int


def _gag_honoured(session: Session, request_id: str, request: Request) -> bool:
    """A gag counts only with a legal basis (B10): the policy's rule and every decision agree."""
    if gag_finding(request):
        return False
    return GAG_UNSUPPORTED not in finding_codes(session, request_id)


def _hold(
    session: Session, request_id: str, request: Request, today: dt.date
) -> tuple[bool, dt.date | None]:
    """Whether notices wait, and until when; a gag with no end waits for counsel with no date."""
    gag = request.non_disclosure
    if gag is None or not _gag_honoured(session, request_id, request):
        return False, None
    if gag.until is None:
        return True, None
    return (True, gag.until) if gag.until >= today else (False, None)


def create_notices(
    session: Session,
    marketplace: sa.Engine,
    request_id: str,
    now: dt.datetime,
    datamap: DataMap | None = None,
) -> int:
    """One notice per affected account of a closed case, once; returns how many were made."""
    if cases.locked_state(session, request_id) is not CaseState.CLOSED:
        raise ConflictError(f"request {request_id} is not closed; users are told after closing")
    if was_logged(session, CREATED, request_id):
        return 0
    request = intake.get_request(session, request_id)
    accounts = resolve_targets(marketplace, datamap or shipped(), request.targets).account_ids
    delayed, until = _hold(session, request_id, request, now.date())
    status = "delayed" if delayed else "pending"
    for account in accounts:
        session.add(
            NoticeRow(request_id=request_id, account_id=account, status=status, delayed_until=until)
        )
    session.flush()
    details: dict[str, str | int | None] = {
        "notices": len(accounts),
        "status": status,
        "until": str(until) if until else None,
    }
    log.append(session, CREATED, ACTOR, request_id, details)
    return len(accounts)


def create_for_closed(
    session: Session, marketplace: sa.Engine, now: dt.datetime, datamap: DataMap | None = None
) -> int:
    """Create notices for every closed case whose notices were never made."""
    done = logged(CREATED, CASE.request_id)
    query = select(CASE.request_id).where(CASE.state == CaseState.CLOSED, ~done)
    return sum(
        create_notices(session, marketplace, request_id, now, datamap)
        for request_id in list(session.scalars(query.order_by(CASE.request_id)))
    )


def _given(session: Session, request_id: str, request: Request) -> list[str]:
    """The categories the reviewers allowed; none for a refusal or a preservation."""
    ruling = cases.latest_ruling(session, request_id)
    if ruling is None or request.kind in PRESERVATION_KINDS:
        return []
    if ruling.decision.outcome is Outcome.REJECT:
        return []
    return sorted(str(c) for c, v in ruling.decision.categories.items() if v is Verdict.ALLOW)


def _text(session: Session, request_id: str) -> deliver.NoticeText:
    """The notice's words for one request."""
    request = intake.get_request(session, request_id)
    agency = intake.get_agency(session, request.agency_id)
    return deliver.render(request_id, request, agency, _given(session, request_id, request))


def _address(marketplace: sa.Engine, account_id: str) -> str | None:
    """The account's current e-mail address, looked up now and never kept."""
    with marketplace.connect() as conn:
        value = conn.execute(
            select(USERS.c.email).where(USERS.c.account_id == account_id)
        ).scalar_one_or_none()
    return str(value) if value else None


def due(session: Session, today: dt.date) -> list[NoticeRow]:
    """Pending and failed notices, and delayed ones whose gag ended before today."""
    ended = (NoticeRow.status == "delayed") & (NoticeRow.delayed_until < today)
    query = select(NoticeRow).where(or_(NoticeRow.status.in_(("pending", "failed")), ended))
    return list(session.scalars(query.order_by(NoticeRow.id)))


def _deliver(
    settings: Settings, notice: NoticeRow, text: deliver.NoticeText, recipient: str
) -> str:
    """Send by SMTP when configured, else write to the outbox; returns the channel used."""
    msg = deliver.message(text, settings.notice_from, recipient)
    name = f"{notice.request_id}-{notice.id}"
    return deliver.dispatch(msg, settings.smtp_url, settings.home, name)


def _redact(error: str, recipient: str | None) -> str:
    """An error as stored: a server's message may quote the address, which is never kept."""
    return error.replace(recipient, "[address]") if recipient else error


def _send_one(
    session: Session,
    marketplace: sa.Engine,
    settings: Settings,
    notice: NoticeRow,
    text: deliver.NoticeText,
    now: dt.datetime,
) -> bool:
    """Send one notice and record the result; a failure is kept for the next run."""
    details: dict[str, str | int | None] = {"notice": notice.id, "sha256": text.sha256}
    recipient: str | None = None
    try:
        recipient = _address(marketplace, notice.account_id)
        if recipient is None:
            raise LookupError("the account has no e-mail address on record")
        channel = _deliver(settings, notice, text, recipient)
    except (OSError, smtplib.SMTPException, LookupError, sa.exc.SQLAlchemyError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        notice.status, notice.error = "failed", _redact(error, recipient)[:500]
        session.flush()
        failed = {**details, "error": type(exc).__name__}
        log.append(session, "notice:failed", ACTOR, notice.request_id, failed)
        return False
    notice.status, notice.channel, notice.sent_at = "sent", channel, now
    notice.body_sha256, notice.error = text.sha256, ""
    session.flush()
    log.append(session, "notice:sent", ACTOR, notice.request_id, {**details, "channel": channel})
    return True


def send_due(
    factory: sessionmaker[Session], marketplace: sa.Engine, settings: Settings, now: dt.datetime
) -> SendReport:
    """Send every notice due now, each in its own transaction: a crash repeats at most one."""
    with transaction(factory) as session:
        waiting = [n.id for n in due(session, now.date())]
    texts: dict[str, deliver.NoticeText] = {}
    sent = failed = 0
    for notice_id in waiting:
        with transaction(factory) as session:
            notice = session.get(NoticeRow, notice_id, with_for_update=True)
            if notice is None or notice.status == "sent":
                continue  # another sender got there first
            if notice.request_id not in texts:
                texts[notice.request_id] = _text(session, notice.request_id)
            text = texts[notice.request_id]
            if _send_one(session, marketplace, settings, notice, text, now):
                sent += 1
            else:
                failed += 1
    return SendReport(sent, failed)


@dataclass(frozen=True)
class NoticeRecord:
    """Where one notice stands, as the console and the CLI list it (the row stays in notices)."""

    id: int
    request_id: str
    status: str
    delayed_until: dt.date | None
    sent_at: dt.datetime | None
    channel: str | None
    error: str


def list_notices(session: Session, limit: int = 500) -> list[NoticeRecord]:
    """Notices newest first, for the console and the CLI (no addresses: none are stored)."""
    query = select(NoticeRow).order_by(NoticeRow.id.desc()).limit(limit)
    return [
        NoticeRecord(
            row.id,
            row.request_id,
            row.status,
            row.delayed_until,
            row.sent_at,
            row.channel,
            row.error,
        )
        for row in session.scalars(query)
    ]


def status_counts(session: Session) -> dict[str, Counter[str]]:
    """Notice counts per request and status (sent, delayed, pending, failed), for reports."""
    query = select(NoticeRow.request_id, NoticeRow.status, func.count()).group_by(
        NoticeRow.request_id, NoticeRow.status
    )
    found: dict[str, Counter[str]] = {}
    for request_id, status, count in session.execute(query):
        found.setdefault(request_id, Counter())[status] = count
    return found
