"""Deadline alerts: tell the legal team once when a case's time runs short and once when it is over.

An alert names the request, the agency, the country, the kind and the deadline; never a target or
any user data. Each (case, level) is alerted once: the audit entry `case:deadline:alert` records it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.auditlog.queries import details_about
from lawgate.cases.queries import CASE
from lawgate.cases.workflow import ANSWERED, CaseState, is_answered
from lawgate.config import Settings
from lawgate.intake.queries import REQUEST, join_request
from lawgate.notices import deliver
from lawgate.store.base import as_utc

LOGGER = logging.getLogger("lawgate.jobs")
ACTOR = "system:alerts"
EVENT = "case:deadline:alert"
DUE_SOON_SHARE = 0.25
"""An alert goes out once less than this share of the case's time window remains."""
OPEN_STATES = tuple(sorted(set(CaseState) - ANSWERED))


class Level(StrEnum):
    """How urgent an alert is."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Alert:
    """One case to alert about, with only what the legal team needs to find it."""

    request_id: str
    agency_id: str
    agency_name: str
    country: str
    kind: str
    received_at: dt.datetime
    deadline: dt.datetime
    level: Level


def level_at(received: dt.datetime, deadline: dt.datetime, now: dt.datetime) -> Level | None:
    """Overdue past the deadline, due soon in the window's last quarter, else nothing yet."""
    if now >= deadline:
        return Level.OVERDUE
    if deadline - now < (deadline - received) * DUE_SOON_SHARE:
        return Level.DUE_SOON
    return None


def _alerted(session: Session) -> set[tuple[str, str]]:
    """(request, level) pairs already alerted among open cases, read from the audit log."""
    open_cases = select(CASE.request_id).where(CASE.state.in_(OPEN_STATES))
    return {
        (subject, str(details.get("level")))
        for subject, details in details_about(session, EVENT, open_cases)
    }


def due_alerts(session: Session, now: dt.datetime) -> list[Alert]:
    """Every open case whose current level was never alerted, soonest deadline first."""
    query = select(
        CASE.request_id,
        CASE.state,
        CASE.deadline,
        REQUEST.kind,
        REQUEST.received_at,
        REQUEST.agency_id,
        REQUEST.agency_name,
        REQUEST.agency_country,
    )
    query = join_request(query, CASE.request_id, agency=True).where(CASE.state.in_(OPEN_STATES))
    done = _alerted(session)
    alerts: list[Alert] = []
    for row in session.execute(query.order_by(CASE.deadline, CASE.request_id)):
        request_id, state, deadline_at, kind, received_at, agency_id, name, country = row
        if is_answered(CaseState(state), kind):
            continue
        received, deadline = as_utc(received_at), as_utc(deadline_at)
        level = level_at(received, deadline, now)
        if level is None or (request_id, level.value) in done:
            continue
        alerts.append(Alert(request_id, agency_id, name, country, kind, received, deadline, level))
    return alerts


def _left(alert: Alert, now: dt.datetime) -> str:
    """Time left (or past) in whole hours, as people say it."""
    hours = int((alert.deadline - now).total_seconds() // 3600)
    return f"{hours} hour(s) left" if hours >= 0 else f"overdue by {-hours} hour(s)"


def render(alert: Alert, now: dt.datetime) -> deliver.NoticeText:
    """The alert as plain text: the request and its deadline, never a target or user data."""
    what = "is overdue" if alert.level is Level.OVERDUE else "is due soon"
    body = "\n".join(
        [
            f"Request {alert.request_id} {what}.",
            "",
            f"Agency: {alert.agency_name} ({alert.agency_id})",
            f"Country: {alert.country}",
            f"Kind: {alert.kind}",
            f"Received: {alert.received_at:%Y-%m-%d %H:%M} UTC",
            f"Deadline: {alert.deadline:%Y-%m-%d %H:%M} UTC ({_left(alert, now)})",
            "",
            "Open the case in the lawgate console to answer it.",
            "",
        ]
    )
    subject = f"[lawgate] {alert.request_id} {what}: deadline {alert.deadline:%Y-%m-%d %H:%M} UTC"
    return deliver.NoticeText(subject, body)


def _send(settings: Settings, alert: Alert, now: dt.datetime) -> str:
    """By SMTP to LAWGATE_ALERT_TO when both are set, else to the outbox; returns the channel."""
    recipients = ", ".join(settings.alert_to) or settings.notice_from
    msg = deliver.message(render(alert, now), settings.notice_from, recipients)
    smtp = settings.smtp_url if settings.alert_to else None
    name = f"alert-{alert.request_id}-{alert.level.value}"
    return deliver.dispatch(msg, smtp, settings.home, name)


def send_alerts(session: Session, settings: Settings, now: dt.datetime) -> int:
    """Send every alert now due and record each; a failed one is tried again next run."""
    sent = 0
    for alert in due_alerts(session, now):
        try:
            channel = _send(settings, alert, now)
        except (OSError, smtplib.SMTPException) as exc:
            LOGGER.warning("deadline alert for %s not sent: %s", alert.request_id, exc)
            continue
        details: dict[str, log.Scalar] = {"level": alert.level.value, "channel": channel}
        log.append(session, EVENT, ACTOR, alert.request_id, details)
        sent += 1
    return sent
