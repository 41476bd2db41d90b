"""Demo agencies and requests, so a newcomer's first `lawgate serve` shows work in every state."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from lawgate.cases import callbacks, lapses, review
from lawgate.cases import services as cases
from lawgate.cases.workflow import CaseState
from lawgate.config import Settings
from lawgate.datamap.sources import Source, connect, marketplace_for
from lawgate.demo import agency_keys
from lawgate.domain import Agency, CallbackStatus, Outcome, Request
from lawgate.holds import services as holds
from lawgate.intake import keys
from lawgate.intake import services as intake
from lawgate.lifecycle import submission
from lawgate.staff import accounts as staff
from lawgate.staff import demo as staff_demo

DEMO_FILE = Path(__file__).with_name("demo_cases.yml")
DEMO_REVIEWER_EMAIL = "reviewer@lawgate.example"
DEMO_COUNSEL_EMAIL = "counsel@lawgate.example"
ROLES = ("seller", "buyer", "other", "extra")
PLACEHOLDER = re.compile(r"^\{(\w+)\.(\w+)\}$")
WRITTEN_ON = dt.date(2026, 11, 28)
"""The day demo_cases.yml's dates are written for; the seed moves them to the day it runs."""
DATE_KEYS = frozenset({"issued_on", "expires_on", "from", "to", "until", "on"})
Identities = dict[str, dict[str, str]]


def load_plan() -> dict[str, Any]:
    """The demo agencies and cases as written in demo_cases.yml."""
    plan: dict[str, Any] = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    return plan


def fill(value: Any, ids: Identities) -> Any:
    """Replace {role.field} placeholders with real identifiers of the demo marketplace."""
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, str) and (match := PLACEHOLDER.fullmatch(value)):
        return ids[match.group(1)][match.group(2)]
    return value


def shift_dates(value: Any, days: int) -> Any:
    """Move every date of a demo request by `days`, so the demo never goes stale."""
    if isinstance(value, list):
        return [shift_dates(v, days) for v in value]
    if not isinstance(value, dict):
        return value
    moved: dict[str, Any] = {}
    for key, item in value.items():
        if key in DATE_KEYS and isinstance(item, str | dt.date):
            item = (dt.date.fromisoformat(str(item)) + dt.timedelta(days=days)).isoformat()
        elif key == "at" and isinstance(item, str):
            item = (dt.datetime.fromisoformat(item) + dt.timedelta(days=days)).isoformat()
        moved[key] = shift_dates(item, days)
    return moved


def _document_hash(process: dict[str, Any]) -> str:
    """A stable stand-in hash for the demo's legal-process document."""
    seed = f"{process['type']}|{process['issuer_name']}|{process['issued_on']}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def build_request(agency: dict[str, Any], fields: dict[str, Any], number: int) -> Request:
    """A full request from a case's fields and its agency's officer."""
    body: dict[str, Any] = {
        "kind": "production",
        "agency_id": agency["id"],
        "country": agency["country"],
        "officer": {**agency["officer"], "phone": agency["callback_phone"]},
        "case_reference": f"{agency['country']}-2026-{10000 + number * 379}",
        **fields,
    }
    process = dict(body["legal_process"])
    if process.get("document_sha256") == "derived":
        process["document_sha256"] = _document_hash(process)
    body["legal_process"] = process
    return Request.model_validate(body)


def seed(
    session: Session,
    settings: Settings,
    ids: Identities,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Register the demo agencies and file the demo requests through the real services."""
    with marketplace_for(settings) as marketplace:  # granted preservations resolve their targets
        return _seed(session, settings, marketplace, ids, progress)


def _seed(
    session: Session,
    settings: Settings,
    marketplace: Source,
    ids: Identities,
    progress: Callable[[int, int], None] | None,
) -> list[str]:
    """The demo's agencies and requests, rulings and holds, filed as the services would."""
    plan = fill(load_plan(), ids)
    agencies = {a["id"]: a for a in plan["agencies"]}
    for record in plan["agencies"]:
        fields = {k: v for k, v in record.items() if k != "officer"}
        fields["age_recipient"] = agency_keys.demo_recipient(settings.home, record["id"])
        intake.register_agency(session, Agency.model_validate(fields), "system:demo")
        api_key = agency_keys.demo_api_key(settings.home, record["id"])
        keys.add_key(session, record["id"], f"{record['id']}-demo", api_key, "system:demo")
    reviewer, counsel = demo_reviewers(session, settings.home)
    now = dt.datetime.now(dt.UTC)
    made: list[str] = []
    for number, case in enumerate(plan["cases"], start=1):
        agency = agencies[case["agency"]]
        fields = shift_dates(case["request"], (now.date() - WRITTEN_ON).days)
        request = build_request(agency, fields, number)
        received = now - dt.timedelta(days=float(case["days_ago"]))
        sender = intake.get_agency(session, agency["id"])
        request_id = submission.submit_request(
            session,
            request,
            sender,
            settings,
            received,
            submitted_via="demo",
            document_sha256=_uploaded(request, case),
        )
        _call_back(session, settings, request_id, case, received, sender, reviewer.actor)
        _rule(session, request_id, case, reviewer, counsel)
        holds.after_decision(session, request_id, settings, marketplace, reviewer.actor)
        made.append(request_id)
        if progress:
            progress(number, len(plan["cases"]))
    _recheck(session, made, settings, now)
    return made


def _recheck(session: Session, made: list[str], settings: Settings, now: dt.datetime) -> None:
    """The job worker's policy check, run once now, so lapses show from the first page."""
    moment = lapses.Moment(now, "scheduled check", lapses.SWEEP_ACTOR)
    for request_id in made:
        lapses.sweep(session, request_id, moment, settings.policy)


def demo_reviewers(session: Session, home: Path) -> tuple[review.Reviewer, review.Reviewer]:
    """The demo's reviewer and senior counsel, real accounts made once (credentials in home)."""
    staff_demo.seed_demo_staff(session, home)
    found = [staff.find_staff(session, e) for e in (DEMO_REVIEWER_EMAIL, DEMO_COUNSEL_EMAIL)]
    reviewer, counsel = (review.Reviewer(a.actor, a.role) for a in found if a is not None)
    return reviewer, counsel


def _uploaded(request: Request, case: dict[str, Any]) -> str | None:
    """The hash of the document the demo agency 'uploaded': the one described, unless planned."""
    if case.get("uploaded_document") == "mismatch":
        return hashlib.sha256(b"not the document the request describes").hexdigest()
    return request.legal_process.document_sha256


def _call_back(
    session: Session,
    settings: Settings,
    request_id: str,
    case: dict[str, Any],
    received: dt.datetime,
    agency: Agency,
    actor: str,
) -> None:
    """Record the planned call to the agency's registered number, as a reviewer would."""
    plan = case.get("callback")
    if not plan:
        return
    call = callbacks.Call(
        number_called=agency.callback_phone,
        outcome=CallbackStatus(plan["outcome"]),
        called_at=received + dt.timedelta(minutes=float(plan["after_minutes"])),
        spoke_to=plan.get("spoke_to", ""),
        note=plan.get("note", ""),
    )
    callbacks.record_callback(session, request_id, call, actor, settings.policy)


def _rule(
    session: Session,
    request_id: str,
    case: dict[str, Any],
    reviewer: review.Reviewer,
    counsel: review.Reviewer,
) -> None:
    """Adopt the policy's recommendation, as a reviewer would, and close the case if planned."""
    if case.get("ruling") != "adopt":
        return
    recommended = [
        d for d in cases.case_detail(session, request_id).decisions if d.source == "policy"
    ]
    if not recommended or recommended[-1].decision.outcome is Outcome.ESCALATE:
        return  # intake sends what the policy escalates to senior counsel already
    note = "Agrees with the policy's recommendation (demo reviewer)."
    ruling = review.Ruling(recommended[-1].decision, note)
    state = review.record_decision(session, request_id, ruling, reviewer)
    if state is CaseState.SECOND_REVIEW and case.get("close"):
        state = review.confirm(session, request_id, counsel, "Confirmed (demo counsel).")
    if case.get("close") and state not in (CaseState.ESCALATED, CaseState.SECOND_REVIEW):
        cases.transition(session, request_id, CaseState.CLOSED, counsel.actor)


USER_COLUMNS = "account_id, email, username, phone, created_ip"
ORDER_OF_USER = (
    "SELECT o.order_id, o.listing_id, p.processor_reference FROM orders o "
    "JOIN payments p ON p.order_id = o.order_id WHERE o.{side}_account_id = :a LIMIT 1"
)


def marketplace_identities(url: str) -> Identities:
    """Real identifiers for each demo role, found in the marketplace through indexed lookups."""
    engine = connect(url)
    found: list[dict[str, str]] = []
    with engine.connect() as conn:
        found.extend(_identity(conn, "email = :v", "seller.one@example.com"))
        found.extend(_identity(conn, "email = :v", "a@example.com"))
        highest = conn.execute(text("SELECT MAX(account_id) FROM users")).scalar() or "A0"
        size = int(str(highest)[1:])
        probe = 1
        while len(found) < len(ROLES) and probe < 1000:
            number = 3 + (probe * 7919) % max(size - 3, 1)
            found.extend(_identity(conn, "account_id >= :v", f"A{number:09d}"))
            probe += 1
    engine.dispose()
    if len(found) < len(ROLES):
        raise RuntimeError(f"the demo marketplace at {url} has too few users with orders")
    return dict(zip(ROLES, found, strict=False))


def _identity(conn: Connection, where: str, value: str) -> list[dict[str, str]]:
    """One user with an order, its listing and payment, found by an indexed column."""
    query = f"SELECT {USER_COLUMNS} FROM users WHERE {where} ORDER BY account_id LIMIT 1"
    user = conn.execute(text(query), {"v": value}).mappings().first()
    if user is None:
        return []
    row = {k: str(v) for k, v in user.items()}
    for side in ("seller", "buyer"):
        order = conn.execute(text(ORDER_OF_USER.format(side=side)), {"a": row["account_id"]})
        first = order.mappings().first()
        if first is not None:
            row.update(
                order_id=str(first["order_id"]),
                listing_id=str(first["listing_id"]),
                payment_reference=str(first["processor_reference"]),
            )
            return [row]
    return []
