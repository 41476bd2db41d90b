"""Google's published CSV of user-data requests: read it, write it byte for byte, map our labels.

Google's Transparency Report exports one long CSV (`Period Ending, Country/Region, CLDR
Territory Code, Legal Process, User Data Requests, Percentage disclosed, Accounts`), LF line
ends, quoting only where a field needs it, and blank fields that mean "not reported" (never 0).
Researchers already parse that layout, so lawgate reads and writes exactly it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from functools import cache

from babel import Locale

from lawgate.domain import LegalProcessType, RequestKind
from lawgate.errors import InvalidInputError
from lawgate.reports.model import GOOGLE_COLUMNS, Period, Row

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODE = re.compile(r"^[A-Z]{2}$")
COUNT = re.compile(r"^(0|[1-9][0-9]*)$")
"""No sign, no leading zeros: every accepted count writes back as the same bytes."""

SUBPOENAS = "Subpoenas"
SEARCH_WARRANTS = "Search Warrants"
OTHER_COURT_ORDERS = "Other Court Orders"
OTHER_LEGAL_REQUESTS = "Other Legal Requests"
EMERGENCY = "Emergency Disclosure Requests"
PRESERVATION = "Preservation Requests"
CLOUD_ACT_OPOS = "CLOUD ACT - OPOs"
LABEL_ORDER = (
    SUBPOENAS,
    SEARCH_WARRANTS,
    OTHER_COURT_ORDERS,
    CLOUD_ACT_OPOS,
    OTHER_LEGAL_REQUESTS,
    EMERGENCY,
    PRESERVATION,
)
"""The order Google's pages list legal processes in; other labels follow as they come."""

KIND_LABELS: dict[RequestKind, str] = {
    RequestKind.EMERGENCY_DISCLOSURE: EMERGENCY,
    RequestKind.PRESERVATION: PRESERVATION,
    RequestKind.PRESERVATION_EXTENSION: PRESERVATION,
}
"""Google counts emergency and preservation requests apart in every country, whatever the paper."""

US_LABELS: dict[LegalProcessType, str] = {
    LegalProcessType.SUBPOENA: SUBPOENAS,
    LegalProcessType.SEARCH_WARRANT: SEARCH_WARRANTS,
    LegalProcessType.COURT_ORDER: OTHER_COURT_ORDERS,
    LegalProcessType.PRODUCTION_ORDER: OTHER_COURT_ORDERS,
}
"""Only US rows break production requests down by instrument (ECPA: subpoena, 2703(d), warrant)."""

COUNTRY_LABELS: dict[tuple[str, LegalProcessType], str] = {
    ("GB", LegalProcessType.OVERSEAS_PRODUCTION_ORDER): CLOUD_ACT_OPOS,
}
"""UK orders under the US-UK CLOUD Act agreement (Crime (Overseas Production Orders) Act 2019)."""

NATIONAL_SECURITY = frozenset(
    {LegalProcessType.NATIONAL_SECURITY_LETTER, LegalProcessType.FISA_ORDER}
)
"""50 U.S.C. §1874 lets these be published only in bands, so they never get an exact row."""

NAME_OVERRIDES = {
    "HK": "Hong Kong",
    "MO": "Macao",
    "FK": "Falkland Islands (Islas Malvinas)",
}
"""Where Google's names differ from CLDR English (which says 'Hong Kong SAR China', …)."""


def google_label(
    kind: RequestKind | str, process_type: LegalProcessType | str, country: str
) -> str | None:
    """Google's 'Legal Process' label for a request, or None for US national-security process."""
    try:
        kind, process_type = RequestKind(kind), LegalProcessType(process_type)
    except ValueError as exc:
        raise InvalidInputError(str(exc), "legal_process") from exc
    country = country.upper()
    if country == "US" and process_type in NATIONAL_SECURITY:
        return None
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    if country == "US" and process_type in US_LABELS:
        return US_LABELS[process_type]
    return COUNTRY_LABELS.get((country, process_type), OTHER_LEGAL_REQUESTS)


NOT_TERRITORIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
"""CLDR codes for groupings, pseudo-locales and 'Unknown Region': no country sends requests."""


@cache
def _territories() -> dict[str, str]:
    """CLDR English names of the two-letter territory codes (Unicode's, as Google uses)."""
    names = Locale("en").territories
    return {
        code: str(name)
        for code, name in names.items()
        if CODE.fullmatch(code) and code not in NOT_TERRITORIES
    }


def country_name(code: str) -> str:
    """The English name Google prints for a CLDR territory code; unknown codes are refused."""
    code = code.strip().upper()
    if code in NAME_OVERRIDES:
        return NAME_OVERRIDES[code]
    name = _territories().get(code)
    if name is None:
        raise InvalidInputError(f"{code!r} is not a CLDR territory code such as DE", "country")
    return name


def territory_codes() -> list[str]:
    """Every two-letter territory code CLDR names, sorted."""
    return sorted(_territories())


def read_google_csv(text: str) -> list[Row]:
    """Rows of a CSV in Google's layout; anything off is refused naming its line and column."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInputError("line 1: the file is empty; expected Google's header", "csv")
        _check_header(header)
        return [_row(fields, reader.line_num) for fields in reader]
    except csv.Error as exc:
        raise InvalidInputError(f"line {reader.line_num}: {exc}", "csv") from exc


def write_google_csv(rows: Iterable[Row]) -> str:
    """Google's layout exactly: header, LF line ends, minimal quoting, blank for None."""
    return "".join([csv_line(list(GOOGLE_COLUMNS)), *(csv_line(row_cells(row)) for row in rows)])


def csv_line(cells: list[str]) -> str:
    """One CSV line ending in LF; written with CRLF so a lone CR in a field gets quoted too."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return buffer.getvalue()[:-2] + "\n"


def row_cells(row: Row) -> list[str]:
    """One row's seven Google fields as text (blank for None), for any CSV in this dialect."""
    counts = (row.requests, row.percentage_disclosed, row.accounts)
    head = [row.period_ending.isoformat(), row.country_name, row.country, row.legal_process]
    return head + ["" if n is None else str(n) for n in counts]


def _where(line: int, column: int) -> str:
    """'line 5, column 7 (Accounts)': where a problem is, as an editor shows it."""
    return f"line {line}, column {column} ({GOOGLE_COLUMNS[column - 1]})"


def _check_header(header: list[str]) -> None:
    """The header must be Google's, column for column."""
    for number, expected in enumerate(GOOGLE_COLUMNS, start=1):
        found = header[number - 1] if number <= len(header) else None
        if found != expected:
            raise InvalidInputError(
                f"{_where(1, number)}: header reads {found!r}, expected {expected!r}",
                GOOGLE_COLUMNS[number - 1],
            )
    if len(header) > len(GOOGLE_COLUMNS):
        raise InvalidInputError(
            f"line 1, column {len(GOOGLE_COLUMNS) + 1}: unexpected header {header[7]!r}", "csv"
        )


def _row(fields: list[str], line: int) -> Row:
    """One validated data row."""
    if len(fields) != len(GOOGLE_COLUMNS):
        raise InvalidInputError(
            f"line {line}: {len(fields)} fields, expected {len(GOOGLE_COLUMNS)}", "csv"
        )
    return Row(
        period_ending=_period_ending(fields[0], line),
        country_name=_label(fields[1], line, 2),
        country=_code(fields[2], line),
        legal_process=_label(fields[3], line, 4),
        requests=_count(fields[4], line, 5),
        percentage_disclosed=_percentage(fields[5], line),
        accounts=_count(fields[6], line, 7),
    )


def _fail(line: int, column: int, problem: str) -> InvalidInputError:
    """An error naming the line, the column and what is wrong there."""
    return InvalidInputError(f"{_where(line, column)}: {problem}", GOOGLE_COLUMNS[column - 1])


def _period_ending(value: str, line: int) -> dt.date:
    """A YYYY-MM-DD date that ends a half-year (30 June or 31 December)."""
    try:
        day = dt.date.fromisoformat(value) if DATE.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        raise _fail(line, 1, f"{value!r} is not a date such as 2025-06-30")
    if Period.of(day).ending != day:
        raise _fail(line, 1, f"{value} is not the last day of a half-year (06-30 or 12-31)")
    return day


def _label(value: str, line: int, column: int) -> str:
    """A name that is not blank."""
    if not value.strip():
        raise _fail(line, column, "is blank; a name is required")
    return value


def _code(value: str, line: int) -> str:
    """Two capital letters, or blank (Google's 'United Nations' row has no code)."""
    if value and not CODE.fullmatch(value):
        raise _fail(line, 3, f"{value!r} is not a two-letter territory code or blank")
    return value


def _count(value: str, line: int, column: int) -> int | None:
    """A whole number of at least 0, or None for blank ("not reported")."""
    if value == "":
        return None
    if not COUNT.fullmatch(value):
        raise _fail(line, column, f"{value!r} is not a whole number ≥ 0 (or blank)")
    return int(value)


def _percentage(value: str, line: int) -> int | None:
    """A whole percentage from 0 to 100, or None for blank (as on preservation rows)."""
    number = _count(value, line, 6)
    if number is not None and number > 100:
        raise _fail(line, 6, f"{value} is more than 100")
    return number
