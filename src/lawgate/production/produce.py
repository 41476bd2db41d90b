"""Producing a request: from an approved order to a sealed package for the requesting agency.

Order of work, each step audited: the case's owner (`CaseGate`, supplied by lawgate.lifecycle)
hands over the order and moves the case to 'producing'; resolve the targets; read each approved
table (one audit entry per table with its row count, never the data); write, sign and seal the
package to the agency's age recipient through a temporary file; the owner checks the order still
stands; record the package's SHA-256. A failure anywhere is an audit entry too, leaves nothing
deliverable, and the command can simply be run again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log, merkle, publish, tree
from lawgate.auditlog.log import Scalar
from lawgate.config import DEFAULT_LOG_ORIGIN
from lawgate.datamap import shipped
from lawgate.datamap.model import DataMap
from lawgate.datamap.resolve import Resolution, resolve_targets
from lawgate.datamap.traverse import DateWindow, plan
from lawgate.domain import Agency, Request
from lawgate.errors import ConflictError, InvalidInputError, LawgateError
from lawgate.production.collect import Collector, OnProgress, Pseudonyms
from lawgate.production.leftovers import clear_leftovers, exclusive, work_prefix
from lawgate.production.manifest import ManifestFacts, PackageScope
from lawgate.production.models import ProductionRow
from lawgate.production.package import write_sealed
from lawgate.production.sealing import sha256_file
from lawgate.production.signing import SigningKey
from lawgate.store.base import utcnow
from lawgate.store.session import transaction


@dataclass(frozen=True)
class Produced:
    """What a production made: the sealed file and what went into it."""

    request_id: str
    path: Path
    sha256: str
    rows: dict[str, int]
    no_data: bool
    started_index: int
    sealed_index: int


@dataclass(frozen=True)
class Job:
    """Everything fixed before any user data is read."""

    request_id: str
    request: Request
    agency: Agency
    recipient: str
    decision: dict[str, Any]
    """The ruling as the agency may read it (its public projection and message, never a note)."""
    categories: tuple[str, ...]
    out_file: Path
    started_index: int = -1
    audit_proof: dict[str, Any] | None = None


class CaseGate(Protocol):
    """The request's owner, asked at each step, so production never reaches into other stages."""

    def job(self, session: Session, request_id: str, out_file: Path) -> Job:
        """The order to produce: refuse (ConflictError, naming why) anything not granted."""

    def starting(self, session: Session, job: Job, actor: str) -> None:
        """The order still stands now; the case moves to 'producing'."""

    def sealing(self, session: Session, job: Job, actor: str) -> None:
        """The order still stands before the package becomes deliverable; raise if not."""

    def sealed(self, session: Session, job: Job, actor: str) -> None:
        """What follows the sealed record in the same transaction (holds become productions)."""


@dataclass
class Production:
    """One run of `lawgate produce`, with its store, the platform's data and its key."""

    factory: sessionmaker[Session]
    marketplace: sa.Engine
    signing_key: SigningKey
    actor: str
    case: CaseGate
    platform_name: str = "lawgate"
    datamap: DataMap = field(default_factory=shipped)
    on_progress: OnProgress | None = None
    pseudonym_key: bytes | None = None
    log_key: Ed25519PrivateKey | None = None
    log_origin: str = DEFAULT_LOG_ORIGIN

    def run(self, request_id: str, out_dir: Path) -> Produced:
        """Produce one request into out_dir, or refuse with the reason; audited either way."""
        engine: sa.Engine = self.factory.kw["bind"]
        with exclusive(engine, request_id):
            _out_dir(out_dir)
            job = self._start(request_id, out_dir)
            try:
                return self._produce(job)
            except BaseException as exc:
                with transaction(self.factory) as session:
                    details: dict[str, Scalar] = {
                        "error": type(exc).__name__,
                        "started": job.started_index,
                    }
                    log.append(session, "production:failed", self.actor, request_id, details)
                raise

    def _start(self, request_id: str, out_dir: Path) -> Job:
        """Check everything, move the case to 'producing' and log the start."""
        with transaction(self.factory) as session:
            job = self.case.job(session, request_id, out_dir / f"{request_id}.age")
            _check_not_produced(session, request_id)
            self.case.starting(session, job, self.actor)
            clear_leftovers(session, job.out_file, self.actor)
            entry = log.append(
                session,
                "production:started",
                self.actor,
                request_id,
                {"categories": ",".join(job.categories), "targets": len(job.request.targets)},
            )
        return replace(
            job, started_index=entry.index, audit_proof=self._anchor(request_id, entry.index)
        )

    def _anchor(self, request_id: str, index: int) -> dict[str, Any] | None:
        """Checkpoint the log and prove the start entry is in it, for the manifest."""
        if self.log_key is None:
            return None
        with transaction(self.factory) as session:
            signed = publish.make_checkpoint(session, self.log_key, self.log_origin)
            proof = tree.inclusion(session, index, signed.size)
            return {
                "index": index,
                "tree_size": signed.size,
                "leaf_hash": merkle.encode(proof.leaf_hash),
                "proof": [merkle.encode(p) for p in proof.proof],
                "checkpoint": signed.note,
                "verifier_key": publish.verifier_key(self.log_origin, self.log_key),
            }

    def _produce(self, job: Job) -> Produced:
        """Resolve, collect, seal, record."""
        resolution = resolve_targets(self.marketplace, self.datamap, job.request.targets)
        self._audit(
            job.request_id,
            "production:resolved",
            {
                "targets": len(resolution.results),
                "unmatched": len(resolution.unmatched),
                "accounts": len(resolution.account_ids),
            },
        )
        rows: dict[str, int] = {}
        digest = self._seal(job, resolution, rows)
        return self._record(job, digest, rows, resolution.no_data)

    def _seal(self, job: Job, resolution: Resolution, rows: dict[str, int]) -> str:
        """Stream the approved tables into a sealed package; returns its SHA-256."""
        window = _window(job.request)
        tables: Iterator[Any] = iter(())
        if not resolution.no_data:

            def on_read(collection: str, count: int, complete: bool) -> None:
                rows[collection] = count
                details: dict[str, Scalar] = {
                    "table": collection,
                    "rows": count,
                    "complete": complete,
                }
                self._audit(job.request_id, "production:read", details)

            collector = Collector(
                self.marketplace,
                self.datamap,
                plan(self.datamap, job.categories, window),
                resolution.account_ids,
                Pseudonyms(self.pseudonym_key),
                on_read,
                self.on_progress,
            )
            tables = collector.tables()
        facts = self._facts(job, resolution, window)
        prefix = work_prefix(job.request_id)
        with tempfile.TemporaryDirectory(dir=job.out_file.parent, prefix=prefix) as work:
            return write_sealed(
                Path(work),
                job.request_id,
                tables,
                facts,
                signing_key=self.signing_key,
                recipient=job.recipient,
                out_file=job.out_file,
            )

    def _facts(self, job: Job, resolution: Resolution, window: DateWindow | None) -> ManifestFacts:
        """The manifest's account of the request, the ruling and the scope."""
        date_range = job.request.date_range
        scope = PackageScope(
            request_id=job.request_id,
            agency_id=job.agency.id,
            categories=list(job.categories),
            date_from=date_range.from_ if date_range else None,
            date_to=date_range.to if date_range else None,
            targets=[
                {
                    "type": str(r.target.type),
                    "value": r.target.value,
                    "accounts": str(len(r.account_ids)),
                }
                for r in resolution.results
            ],
        )
        return ManifestFacts(
            request=job.request.model_dump(mode="json", by_alias=True, exclude_none=True),
            decision={**job.decision, "no_data": resolution.no_data},
            scope=scope,
            audit_index=job.started_index,
            audit_proof=job.audit_proof,
            generated_at=utcnow(),
            platform_name=self.platform_name,
        )

    def _ask_owner(self, session: Session, job: Job, refusals: list[LawgateError]) -> None:
        """Ask the owner before the package is recorded (deliverable), noting any refusal."""
        try:
            self.case.sealing(session, job, self.actor)
        except LawgateError as refused:
            refusals.append(refused)
            raise

    def _discard(self, job: Job, refused: LawgateError) -> None:
        """Destroy the unrecorded package and say so in an entry of its own transaction.

        The refusing transaction commits only when the refusal is itself a record (a lapse); a
        tampered request rolls it back, and the discard must be on the log either way.
        """
        digest = sha256_file(job.out_file)
        job.out_file.unlink(missing_ok=True)
        details: dict[str, Scalar] = {"sha256": digest, "why": refused.message[:200]}
        self._audit(job.request_id, "production:discarded", details)

    def _record(self, job: Job, digest: str, rows: dict[str, int], no_data: bool) -> Produced:
        """Log the sealed package's hash and keep a record of it, if the owner still agrees."""
        refusals: list[LawgateError] = []
        try:
            return self._record_sealed(job, digest, rows, no_data, refusals)
        except LawgateError:
            if refusals:
                self._discard(job, refusals[0])
            raise

    def _record_sealed(
        self,
        job: Job,
        digest: str,
        rows: dict[str, int],
        no_data: bool,
        refusals: list[LawgateError],
    ) -> Produced:
        """In one transaction: the owner's last check, the sealed entry, the package record."""
        with transaction(self.factory) as session:
            self._ask_owner(session, job, refusals)
            size = job.out_file.stat().st_size
            entry = log.append(
                session,
                "production:sealed",
                self.actor,
                job.request_id,
                {"sha256": digest, "bytes": size, "rows": sum(rows.values()), "no_data": no_data},
            )
            self.case.sealed(session, job, self.actor)
            session.add(
                ProductionRow(
                    request_id=job.request_id,
                    file_name=job.out_file.name,
                    sha256=digest,
                    size_bytes=size,
                    rows=sum(rows.values()),
                    no_data=no_data,
                    started_index=job.started_index,
                    sealed_index=entry.index,
                    created_by=self.actor,
                )
            )
        return Produced(
            job.request_id, job.out_file, digest, rows, no_data, job.started_index, entry.index
        )

    def _audit(self, request_id: str, event: str, details: dict[str, Scalar]) -> None:
        """One audit entry in its own transaction, so it survives a later failure."""
        with transaction(self.factory) as session:
            log.append(session, event, self.actor, request_id, details)


def _out_dir(out_dir: Path) -> Path:
    """Where packages go; the folder must exist."""
    if not out_dir.is_dir():
        raise InvalidInputError(f"{out_dir} is not a directory", "out")
    return out_dir


def _check_not_produced(session: Session, request_id: str) -> None:
    """One sealed package per request: a second production is refused, not made."""
    if session.scalars(
        select(ProductionRow.id).where(ProductionRow.request_id == request_id)
    ).first():
        raise ConflictError(f"request {request_id} already has a sealed package")


def _window(request: Request) -> DateWindow | None:
    """The approved period: the request's date range, whole days in UTC."""
    if request.date_range is None:
        return None
    return DateWindow.from_dates(request.date_range.from_, request.date_range.to)
