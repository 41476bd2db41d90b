"""The public log API: the latest signed checkpoint, proofs and entries, for anyone to check.

Hashes are standard base64, as in C2SP checkpoints. Entries hold tags, ids, counts and hashes,
never user data (that is the audit log's rule), so they are public like the proofs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from lawgate.api.deps import AppSettings, DbSession
from lawgate.api.responses import ERRORS
from lawgate.auditlog import merkle, publish, tree
from lawgate.errors import NotFoundError

router = APIRouter(prefix="/log", tags=["public log"], responses=ERRORS)
NOTE = "text/plain; charset=utf-8"


class InclusionOut(BaseModel):
    """Entry `index` is in the tree of `size` entries whose root is `root`."""

    index: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]


class ConsistencyOut(BaseModel):
    """The tree of `to` entries extends the tree of `from` entries."""

    first: int = Field(serialization_alias="from")
    second: int = Field(serialization_alias="to")
    root1: str
    root2: str
    proof: list[str]


class EntryOut(BaseModel):
    """One log entry as hashed (its canonical JSON) and its RFC 9162 leaf hash."""

    index: int
    leaf_hash: str
    entry: str


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(db: DbSession) -> PlainTextResponse:
    """The newest signed checkpoint (C2SP tlog-checkpoint as a signed note)."""
    newest = publish.latest(db)
    if newest is None:
        raise NotFoundError("no checkpoint has been made yet", "checkpoint")
    return PlainTextResponse(newest.note, media_type=NOTE)


@router.get("/key", response_class=PlainTextResponse)
def key(settings: AppSettings) -> PlainTextResponse:
    """The log's C2SP verifier key, to pin (compare it with a copy received out of band)."""
    signing = publish.ensure_log_key(settings.home)
    return PlainTextResponse(publish.verifier_key(settings.log_origin, signing) + "\n")


@router.get("/proof/inclusion")
def inclusion(
    db: DbSession, index: Annotated[int, Query(ge=0)], size: Annotated[int, Query(ge=1)]
) -> InclusionOut:
    """Inclusion proof of entry `index` in the tree of `size` entries."""
    proof = tree.inclusion(db, index, size)
    return InclusionOut(
        index=index,
        size=size,
        leaf_hash=merkle.encode(proof.leaf_hash),
        root=merkle.encode(proof.root),
        proof=[merkle.encode(p) for p in proof.proof],
    )


@router.get("/proof/consistency")
def consistency(
    db: DbSession,
    first: Annotated[int, Query(alias="from", ge=1)],
    second: Annotated[int, Query(alias="to", ge=1)],
) -> ConsistencyOut:
    """Consistency proof from the tree of `from` entries to the tree of `to` entries."""
    proof = tree.consistency(db, first, second)
    return ConsistencyOut(
        first=first,
        second=second,
        root1=merkle.encode(proof.root1),
        root2=merkle.encode(proof.root2),
        proof=[merkle.encode(p) for p in proof.proof],
    )


@router.get("/entries")
def entries(
    db: DbSession, start: Annotated[int, Query(ge=0)], end: Annotated[int, Query(ge=1)]
) -> list[EntryOut]:
    """Entries [start, end), at most 1000 per call."""
    rows = tree.entries(db, start, end)
    return [
        EntryOut(index=r.index, leaf_hash=merkle.encode(r.leaf_hash), entry=r.canonical)
        for r in rows
    ]
