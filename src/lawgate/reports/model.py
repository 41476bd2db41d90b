"""A transparency report as data: rows per half-year, country and legal process, plus bands.

`None` means "not reported" (blank in every output), never zero: a preservation request has no
percentage disclosed. US national-security figures exist only as bands (50 U.S.C. §1874).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from lawgate.errors import InvalidInputError

PERIOD = re.compile(r"^(\d{4})-H([12])$")
SCHEMA = "lawgate-transparency-report/1"
EN_DASH = "\u2013"
"""Bands read '0 to 499' with an en dash, as companies print them."""


@dataclass(frozen=True, order=True)
class Period:
    """A half-year, as reports count them: 2026-H1 is January to June."""

    year: int
    half: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026-H2' → Period(2026, 2); anything else is refused naming the form."""
        match = PERIOD.fullmatch(text.strip())
        if match is None:
            raise InvalidInputError(f"period {text!r} is not a half-year such as 2026-H2", "period")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The half-year a date falls in."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def start(self) -> dt.date:
        """Its first day."""
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def ending(self) -> dt.date:
        """Its last day: Google's 'Period Ending'."""
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def next(self) -> Period:
        """The half-year after this one."""
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}-H{self.half}"


@dataclass(frozen=True)
class Row:
    """One half-year, country and legal process: Google's columns, then lawgate's outcomes."""

    period_ending: dt.date
    country_name: str
    country: str
    legal_process: str
    requests: int | None
    percentage_disclosed: int | None
    accounts: int | None
    content_disclosed: int | None = None
    non_content_only: int | None = None
    no_data_found: int | None = None
    rejected_or_challenged: int | None = None
    escalated: int | None = None
    preserved: int | None = None
    pending: int | None = None
    notices_sent: int | None = None
    notices_delayed: int | None = None


GOOGLE_COLUMNS = (
    "Period Ending",
    "Country/Region",
    "CLDR Territory Code",
    "Legal Process",
    "User Data Requests",
    "Percentage disclosed",
    "Accounts",
)
OUTCOME_COLUMNS = (
    "Content disclosed",
    "Non-content only",
    "No data found",
    "Rejected or challenged",
    "Escalated",
    "Preserved",
    "Pending",
    "User notices sent",
    "User notices delayed",
)
OUTCOME_FIELDS = (
    "content_disclosed",
    "non_content_only",
    "no_data_found",
    "rejected_or_challenged",
    "escalated",
    "preserved",
    "pending",
    "notices_sent",
    "notices_delayed",
)


@dataclass(frozen=True)
class Band:
    """A count published only as a range: 0 to 499, 500 to 999, and so on."""

    low: int
    high: int

    @classmethod
    def of(cls, count: int, size: int) -> Band:
        """The band of `size` holding count (bands start at 0)."""
        low = (count // size) * size
        return cls(low, low + size - 1)

    def __str__(self) -> str:
        return f"{self.low}{EN_DASH}{self.high}"


@dataclass(frozen=True)
class NationalSecurity:
    """US national-security process (NSL, FISA) in one half-year, in bands only."""

    period_ending: dt.date
    requests: Band
    accounts: Band
    band_size: int


@dataclass(frozen=True)
class Report:
    """A whole report: every half-year up to `period`, as published."""

    period: Period
    platform: str
    generated_at: dt.datetime
    rows: list[Row]
    national_security: list[NationalSecurity]
    rejections_by_reason: dict[str, int] = field(default_factory=dict)
    """Reason codes of the requests rejected in `period`, with how many cite each."""

    def to_json(self) -> dict[str, Any]:
        """The JSON form: dates as ISO strings, bands as {low, high}, blanks as null."""
        return {
            "schema": SCHEMA,
            "period": str(self.period),
            "platform": self.platform,
            "generated_at": self.generated_at.isoformat(),
            "rows": [_plain(asdict(r)) for r in self.rows],
            "national_security": [_plain(asdict(n)) for n in self.national_security],
            "rejections_by_reason": dict(sorted(self.rejections_by_reason.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """Read a report back from its JSON form (as the /transparency page does)."""
        if data.get("schema") != SCHEMA:
            raise InvalidInputError(f"not a lawgate transparency report ({SCHEMA})", "schema")
        return cls(
            period=Period.parse(data["period"]),
            platform=data["platform"],
            generated_at=dt.datetime.fromisoformat(data["generated_at"]),
            rows=[_row(r) for r in data["rows"]],
            national_security=[_national(n) for n in data["national_security"]],
            rejections_by_reason=dict(data["rejections_by_reason"]),
        )


def _plain(value: Any) -> Any:
    """Dates to ISO strings, recursively, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.isoformat() if isinstance(value, dt.date) else value


def _row(data: dict[str, Any]) -> Row:
    """A row from JSON."""
    names = {f.name for f in fields(Row)}
    values = {k: v for k, v in data.items() if k in names}
    values["period_ending"] = dt.date.fromisoformat(values["period_ending"])
    return Row(**values)


def _national(data: dict[str, Any]) -> NationalSecurity:
    """A national-security entry from JSON."""
    return NationalSecurity(
        period_ending=dt.date.fromisoformat(data["period_ending"]),
        requests=Band(**data["requests"]),
        accounts=Band(**data["accounts"]),
        band_size=int(data["band_size"]),
    )
