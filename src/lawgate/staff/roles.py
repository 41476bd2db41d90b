"""What each staff role may do in the console, in one place."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff member's role; one per account."""

    REVIEWER = "reviewer"
    SENIOR_COUNSEL = "senior_counsel"
    ADMIN = "admin"


def may_review(role: Role) -> bool:
    """Reviewing requests is legal work: reviewers and senior counsel, not admins."""
    return role in (Role.REVIEWER, Role.SENIOR_COUNSEL)


def may_decide_escalated(role: Role) -> bool:
    """An escalated case needs the most senior legal judgement: senior counsel only."""
    return role is Role.SENIOR_COUNSEL


def may_administer(role: Role) -> bool:
    """Accounts and settings are kept apart from legal decisions: admins only."""
    return role is Role.ADMIN
