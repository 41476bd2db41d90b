"""Where published reports live: $LAWGATE_HOME/reports/<period>/, one folder per half-year.

Each folder holds the outputs (`google.csv`, `extended.csv`, `report.json`, `report.html`) and
`publication.json`: each file's SHA-256, the audit entry that recorded them, and the signed
checkpoint of the log that includes that entry, so anyone can check nothing was massaged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lawgate.errors import InvalidInputError, NotFoundError
from lawgate.reports.model import Period, Report

REPORTS_DIR = "reports"
PUBLICATION = "publication.json"
REPORT_JSON = "report.json"
FILES = ("google.csv", "extended.csv", REPORT_JSON, "report.html")
"""The published outputs, in the order the page lists them."""


@dataclass(frozen=True)
class Publication:
    """What was published for a period, and the proof that it was recorded in the audit log."""

    period: Period
    published_at: str
    sha256: dict[str, str]
    """File name → SHA-256 (hex) of the bytes published."""
    audit_index: int
    """The index of the `report:published` audit entry carrying these digests."""
    checkpoint: str
    """The signed C2SP checkpoint (note text) of a log that includes that entry."""
    log_origin: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form kept beside the files."""
        return {
            "period": str(self.period),
            "published_at": self.published_at,
            "sha256": self.sha256,
            "audit_index": self.audit_index,
            "checkpoint": self.checkpoint,
            "log_origin": self.log_origin,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Publication:
        """Read it back."""
        return cls(
            period=Period.parse(data["period"]),
            published_at=str(data["published_at"]),
            sha256={str(k): str(v) for k, v in data["sha256"].items()},
            audit_index=int(data["audit_index"]),
            checkpoint=str(data["checkpoint"]),
            log_origin=str(data["log_origin"]),
        )


def reports_dir(home: Path) -> Path:
    """$LAWGATE_HOME/reports."""
    return home / REPORTS_DIR


def period_dir(home: Path, period: Period) -> Path:
    """The folder of one period's published report."""
    return reports_dir(home) / str(period)


def published_periods(home: Path) -> list[Period]:
    """Every period with a complete publication, newest first."""
    found = []
    root = reports_dir(home)
    for child in root.iterdir() if root.is_dir() else []:
        try:
            period = Period.parse(child.name)
        except InvalidInputError:
            continue
        if (child / PUBLICATION).is_file():
            found.append(period)
    return sorted(found, reverse=True)


def load(home: Path, period: Period) -> tuple[Report, Publication]:
    """A published report and its publication record; 404 naming the period otherwise."""
    folder = period_dir(home, period)
    try:
        publication = json.loads((folder / PUBLICATION).read_text(encoding="utf-8"))
        report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NotFoundError(f"no report is published for {period}", "period") from exc
    return Report.from_json(report), Publication.from_json(publication)


def latest(home: Path) -> tuple[Report, Publication] | None:
    """The newest published report, or None when nothing was published yet."""
    periods = published_periods(home)
    return load(home, periods[0]) if periods else None
