"""Publishing a report: count, write every output, record their SHA-256 in the audit log, sign.

The data files (google.csv, extended.csv, report.json) are written to a temporary folder, their
digests appended to the audit log as `report:published` with a signed checkpoint that includes
that entry, and only then is the folder moved into place: a failed run leaves nothing published.
report.html is a rendering of report.json that shows the proof, so it is not itself audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log
from lawgate.auditlog import publish as checkpoints
from lawgate.config import Settings
from lawgate.errors import ConflictError
from lawgate.reports import google, outputs, store
from lawgate.reports.aggregate import aggregate
from lawgate.reports.model import Period, Report
from lawgate.reports.records import load_records
from lawgate.store.base import as_utc
from lawgate.store.session import transaction

PLATFORM = "lawgate"
ACTOR = "system:reports"
DATA_FILES = ("google.csv", "extended.csv", store.REPORT_JSON)


def build(session: Session, settings: Settings, period: Period, now: dt.datetime) -> Report:
    """Count every request up to the end of `period` into a report (nothing is written)."""
    records = load_records(session, period.ending + dt.timedelta(days=1))
    return aggregate(
        records,
        period,
        PLATFORM,
        now,
        google.google_label,
        google.country_name,
        settings.report_band_size,
    )


def _check_replaceable(settings: Settings, period: Period, now: dt.datetime) -> None:
    """A report for a finished half-year is final; one still running may be published again."""
    if store.period_dir(settings.home, period).exists() and period.ending < now.date():
        raise ConflictError(
            f"the report for {period} is already published and the half-year is over; "
            "published reports are never rewritten",
            "period",
        )


def _digest(data: bytes) -> str:
    """SHA-256, hex, as sha256sum prints it."""
    return hashlib.sha256(data).hexdigest()


def _record(
    factory: sessionmaker[Session], settings: Settings, period: Period, digests: dict[str, str]
) -> store.Publication:
    """Append the digests to the audit log and sign a checkpoint that includes them."""
    key = checkpoints.ensure_log_key(settings.home)
    with transaction(factory) as session:
        details = {"period": str(period), **{f"sha256 {n}": d for n, d in digests.items()}}
        entry = log.append(session, "report:published", ACTOR, f"report:{period}", details)
        signed = checkpoints.make_checkpoint(session, key, settings.log_origin)
    return store.Publication(
        period=period,
        published_at=as_utc(signed.created_at).isoformat(),
        sha256=digests,
        audit_index=entry.index,
        checkpoint=signed.note,
        log_origin=settings.log_origin,
    )


def _move_into_place(staging: Path, target: Path) -> None:
    """Swap the new folder in; an earlier provisional one is removed only after."""
    old = target.with_name(target.name + ".old")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


PageRenderer = Callable[[Report, store.Publication], str]
"""Writes the report's HTML page; the web face supplies it, so counting needs no templates."""


def publish(
    factory: sessionmaker[Session],
    settings: Settings,
    period: Period,
    now: dt.datetime,
    render: PageRenderer,
) -> tuple[Report, store.Publication, Path]:
    """Build, write, audit and sign one period's report; returns it and where it now lives."""
    _check_replaceable(settings, period, now)
    with transaction(factory) as session:
        report = build(session, settings, period, now)
    files = outputs.data_files(report)
    root = store.reports_dir(settings.home)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{period}-", dir=root))
    try:
        for name in DATA_FILES:
            (staging / name).write_bytes(files[name])
        publication = _record(factory, settings, period, {n: _digest(files[n]) for n in DATA_FILES})
        page = render(report, publication)
        (staging / "report.html").write_text(page, encoding="utf-8")
        text = json.dumps(publication.to_json(), indent=2, ensure_ascii=False) + "\n"
        (staging / store.PUBLICATION).write_text(text, encoding="utf-8")
        target = store.period_dir(settings.home, period)
        _move_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report, publication, target
