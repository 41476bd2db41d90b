"""Sealed packages kept for delivery: where they live, checked against their record, handed over.

Whether one may be handed over now is the case's question (lawgate.lifecycle.delivery).
`lawgate produce` writes packages to $LAWGATE_HOME/productions/ by default, which is where the
agency API looks for them. Every download is an audit entry with the package's SHA-256.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawgate.auditlog import log
from lawgate.errors import ConflictError, NotFoundError
from lawgate.production.models import ProductionRow

PRODUCTIONS_DIR = "productions"


def productions_dir(home: Path) -> Path:
    """Where sealed packages are kept for download: $LAWGATE_HOME/productions."""
    return home / PRODUCTIONS_DIR


@dataclass(frozen=True)
class Package:
    """A sealed package ready to send: its file and the digest recorded when it was sealed."""

    request_id: str
    path: Path
    sha256: str
    size_bytes: int

    @property
    def repr_digest(self) -> str:
        """The RFC 9530 Repr-Digest field value, so the client can check what it received."""
        raw = bytes.fromhex(self.sha256)
        return f"sha-256=:{base64.b64encode(raw).decode('ascii')}:"


def has_package(session: Session, request_id: str) -> bool:
    """True once a package was sealed for the request."""
    query = select(ProductionRow.id).where(ProductionRow.request_id == request_id)
    return session.scalars(query.limit(1)).first() is not None


def sealed_package(session: Session, request_id: str, home: Path) -> Package:
    """The request's latest sealed package, checked against its record before anyone gets it."""
    row = session.scalars(
        select(ProductionRow)
        .where(ProductionRow.request_id == request_id)
        .order_by(ProductionRow.id.desc())
    ).first()
    if row is None:
        raise NotFoundError(f"request {request_id} has no sealed package yet", "id")
    path = productions_dir(home) / row.file_name
    if not path.is_file():
        raise NotFoundError(
            f"the package of {request_id} is not in this server's productions folder", "id"
        )
    if path.stat().st_size != row.size_bytes:
        raise ConflictError(
            f"the package file of {request_id} differs in size from the sealed record; "
            "it is withheld until staff look into it"
        )
    return Package(request_id, path, row.sha256, row.size_bytes)


def audit_handover(
    session: Session, event: str, actor: str, package: Package, **extra: str
) -> None:
    """Every hand-over of a package is logged with its digest and size."""
    details: dict[str, str | int] = {"sha256": package.sha256, "bytes": package.size_bytes}
    log.append(session, event, actor, package.request_id, {**details, **extra})
