"""Demo staff accounts, so a first start can be signed in to without an authenticator app."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.secretfiles import write_new
from lawgate.staff import accounts
from lawgate.staff.models import StaffRow
from lawgate.staff.roles import Role

CREDENTIALS_FILE = "demo-staff.txt"
ACTOR = "system:demo"
DEMO_STAFF: tuple[tuple[str, str, Role], ...] = (
    ("reviewer@lawgate.example", "Ada Reviewer", Role.REVIEWER),
    ("reviewer2@lawgate.example", "Ben Second", Role.REVIEWER),
    ("counsel@lawgate.example", "Grace Counsel", Role.SENIOR_COUNSEL),
    ("admin@lawgate.example", "Alan Admin", Role.ADMIN),
)


def credentials_path(home: Path) -> Path:
    """Where the demo accounts' passwords are written, readable by the owner only."""
    return home / CREDENTIALS_FILE


def seed_demo_staff(session: Session, home: Path) -> list[str]:
    """Create the demo staff (once) with random passwords, written to a 0600 file in `home`."""
    emails = [email for email, _, _ in DEMO_STAFF]
    if session.scalar(select(StaffRow.id).where(StaffRow.email.in_(emails)).limit(1)):
        return []
    lines = []
    for email, name, role in DEMO_STAFF:
        password = secrets.token_urlsafe(15)
        accounts.create_staff(session, email, name, role, password, ACTOR, demo=True)
        lines.append(f"{email}  {role.value}  password: {password}")
    path = credentials_path(home)
    path.unlink(missing_ok=True)  # a file from an earlier store names accounts that are gone
    text = "Demo console accounts (codes: lawgate staff code EMAIL)\n" + "\n".join(lines) + "\n"
    write_new(path, text.encode("utf-8"))
    return lines
