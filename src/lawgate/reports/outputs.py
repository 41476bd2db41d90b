"""The report's data files: Google's CSV, the extended CSV with outcomes, and JSON."""

from __future__ import annotations

import json

from lawgate.reports import google
from lawgate.reports.model import GOOGLE_COLUMNS, OUTCOME_COLUMNS, OUTCOME_FIELDS, Report, Row


def _cell(value: int | None) -> str:
    """Blank for 'not reported', never 0."""
    return "" if value is None else str(value)


def extended_csv(rows: list[Row]) -> str:
    """Google's columns, then lawgate's outcome columns, in the same dialect."""
    lines = [google.csv_line([*GOOGLE_COLUMNS, *OUTCOME_COLUMNS])]
    for row in rows:
        outcomes = [_cell(getattr(row, name)) for name in OUTCOME_FIELDS]
        lines.append(google.csv_line([*google.row_cells(row), *outcomes]))
    return "".join(lines)


def report_json(report: Report) -> str:
    """The whole report as JSON (UTF-8, stable key order for the digest)."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def data_files(report: Report) -> dict[str, bytes]:
    """Every published data file by name, as the bytes whose SHA-256 is recorded."""
    return {
        "google.csv": google.write_google_csv(report.rows).encode("utf-8"),
        "extended.csv": extended_csv(report.rows).encode("utf-8"),
        "report.json": report_json(report).encode("utf-8"),
    }
