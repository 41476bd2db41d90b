"""From request facts to report rows: counting is pure, so it can be checked against known totals.

Each request lands in exactly one outcome, so the outcome columns of a row add up to its requests.
US national-security process (NSL, FISA) never reaches a row: it is counted only into bands.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lawgate.domain import PRESERVATION_KINDS, Outcome
from lawgate.errors import ConfigError
from lawgate.reports.model import Band, NationalSecurity, Period, Report, Row

NATIONAL_SECURITY_PROCESS = frozenset({"national_security_letter", "fisa_order"})
BAND_SIZES = (500, 1000)
"""50 U.S.C. §1874(a): bands of 1000 starting at 0-999, or of 500 starting at 0-499."""
Labeller = Callable[[str, str, str], str | None]


@dataclass(frozen=True)
class Record:
    """What a report needs to know about one request: never who it was about."""

    received: dt.date
    country: str
    kind: str
    process: str
    accounts: int
    state: str
    ruling: str | None
    """The outcome of the ruling in force (approve, partial, reject, escalate), if any."""
    content_allowed: bool = False
    sealed: bool = False
    no_data: bool = False
    reasons: tuple[str, ...] = ()
    notices_sent: int = 0
    notices_delayed: int = 0

    @property
    def national_security(self) -> bool:
        """US national-security process, published only in bands."""
        return self.country == "US" and self.process in NATIONAL_SECURITY_PROCESS

    @property
    def preservation(self) -> bool:
        """A request to keep data, not to disclose it."""
        return self.kind in PRESERVATION_KINDS


def outcome(record: Record) -> str:
    """The one outcome a request counts under."""
    if record.ruling == Outcome.REJECT:
        return "rejected_or_challenged"
    if record.sealed:
        if record.no_data:
            return "no_data_found"
        return "content_disclosed" if record.content_allowed else "non_content_only"
    if record.state == "escalated":
        return "escalated"
    if record.preservation and record.ruling in (Outcome.APPROVE, Outcome.PARTIAL):
        return "preserved"
    return "pending"


def percentage(disclosed: int, requests: int) -> int:
    """Whole-number percentage, half up, as published reports print it."""
    exact = Decimal(100 * disclosed) / Decimal(requests)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_band_size(size: int) -> int:
    """Only the band sizes the statute allows."""
    if size not in BAND_SIZES:
        raise ConfigError(f"national-security band size {size} must be 500 or 1000", "band_size")
    return size


def _row(period: Period, country: str, name: str, label: str, records: list[Record]) -> Row:
    """One published row from the requests it counts."""
    outcomes = Counter(outcome(r) for r in records)
    disclosed = outcomes["content_disclosed"] + outcomes["non_content_only"]
    preservation = all(r.preservation for r in records)
    return Row(
        period_ending=period.ending,
        country_name=name,
        country=country,
        legal_process=label,
        requests=len(records),
        percentage_disclosed=None if preservation else percentage(disclosed, len(records)),
        accounts=sum(r.accounts for r in records),
        content_disclosed=None if preservation else outcomes["content_disclosed"],
        non_content_only=None if preservation else outcomes["non_content_only"],
        no_data_found=None if preservation else outcomes["no_data_found"],
        rejected_or_challenged=outcomes["rejected_or_challenged"],
        escalated=outcomes["escalated"],
        preserved=outcomes["preserved"] if preservation else None,
        pending=outcomes["pending"],
        notices_sent=sum(r.notices_sent for r in records),
        notices_delayed=sum(r.notices_delayed for r in records),
    )


def _periods(records: Iterable[Record], last: Period) -> list[Period]:
    """Every half-year from the first request's to `last`."""
    days = [r.received for r in records if Period.of(r.received) <= last]
    period = Period.of(min(days)) if days else last
    found = [period]
    while period < last:
        period = period.next()
        found.append(period)
    return found


def _bands(records: list[Record], periods: list[Period], size: int) -> list[NationalSecurity]:
    """National-security counts per half-year, as bands only (a zero is the band 0 to size-1)."""
    bands = []
    for period in periods:
        counted = [r for r in records if Period.of(r.received) == period]
        accounts = sum(r.accounts for r in counted)
        bands.append(
            NationalSecurity(
                period.ending, Band.of(len(counted), size), Band.of(accounts, size), size
            )
        )
    return bands


def _rejections(records: Iterable[Record]) -> dict[str, int]:
    """How many rejected requests cite each reason code (a request counts once per code)."""
    counts: Counter[str] = Counter()
    for record in records:
        if outcome(record) == "rejected_or_challenged":
            counts.update(set(record.reasons))
    return dict(counts)


def aggregate(
    records: list[Record],
    last: Period,
    platform: str,
    generated_at: dt.datetime,
    label_of: Labeller,
    name_of: Callable[[str], str],
    band_size: int = 500,
) -> Report:
    """The report for every half-year up to `last`: rows, bands, and `last`'s rejections."""
    check_band_size(band_size)
    periods = _periods(records, last)
    kept = [r for r in records if Period.of(r.received) <= last]
    grouped: dict[tuple[Period, str, str], list[Record]] = defaultdict(list)
    for record in kept:
        label = None if record.national_security else label_of(*_label_key(record))
        if label is not None:
            grouped[(Period.of(record.received), record.country, label)].append(record)
    rows = [
        _row(period, country, name_of(country), label, grouped[(period, country, label)])
        for period, country, label in sorted(grouped, key=_row_order(name_of))
    ]
    security = [r for r in kept if r.national_security]
    return Report(
        period=last,
        platform=platform,
        generated_at=generated_at,
        rows=rows,
        national_security=_bands(security, periods, band_size),
        rejections_by_reason=_rejections(
            r for r in kept if Period.of(r.received) == last and not r.national_security
        ),
    )


def _label_key(record: Record) -> tuple[str, str, str]:
    """The arguments of the legal-process labeller."""
    return record.kind, record.process, record.country


def _row_order(
    name_of: Callable[[str], str],
) -> Callable[[tuple[Period, str, str]], tuple[Period, str, str]]:
    """Rows by half-year, then country name, then label, as Google's export orders them."""
    return lambda key: (key[0], name_of(key[1]), key[2])
