"""The hold check for the platform's deletion pipeline (the console's list is web.holds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from lawgate.api.deps import DbSession, is_loopback
from lawgate.api.responses import ERRORS
from lawgate.errors import ForbiddenError
from lawgate.holds import services
from lawgate.holds.services import HoldSummary
from lawgate.store.base import utcnow

MAX_BATCH = 1000
AccountId = Annotated[str, Field(min_length=1, max_length=64)]


def platform_access(request: Request) -> None:
    """The deletion pipeline runs on this machine: the check answers only on loopback."""
    if not is_loopback(request.client.host if request.client else None):
        raise ForbiddenError("the hold check answers only on loopback, like the staff API")


class HoldCheck(BaseModel):
    """Whether an account's data must be kept, and the holds that say so."""

    account: str
    held: bool
    holds: list[HoldSummary]


class BatchCheck(BaseModel):
    """Up to 1000 accounts the deletion pipeline is about to delete."""

    model_config = ConfigDict(extra="forbid")

    accounts: Annotated[list[AccountId], Field(min_length=1, max_length=MAX_BATCH)]


class BatchResult(BaseModel):
    """One answer per distinct account, in the order asked."""

    results: list[HoldCheck]


api = APIRouter(
    prefix="/api/v1/holds",
    tags=["holds"],
    dependencies=[Depends(platform_access)],
    responses=ERRORS,
)


def _checks(db: DbSession, accounts: list[str]) -> list[HoldCheck]:
    """Running, unexpired holds per account, as the deletion pipeline reads them."""
    found = services.is_held(db, accounts, utcnow())
    return [HoldCheck(account=a, held=bool(h), holds=h) for a, h in found.items()]


@api.get("/check")
def check(db: DbSession, account: Annotated[str, Query(min_length=1, max_length=64)]) -> HoldCheck:
    """May this account's data be deleted? Loopback-only, for the platform's deletion pipeline.

    `held` is true while an active or extended hold has not expired; delete nothing then.
    """
    return _checks(db, [account])[0]


@api.post("/check")
def check_batch(db: DbSession, form: BatchCheck) -> BatchResult:
    """The check for up to 1000 accounts at once (422 beyond). Loopback-only, like staff calls."""
    return BatchResult(results=_checks(db, form.accounts))


router = APIRouter()
router.include_router(api)
