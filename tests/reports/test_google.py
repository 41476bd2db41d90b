"""Google's CSV: the real file round-trips byte for byte; bad fields are named by line, column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawgate.domain import LegalProcessType, RequestKind
from lawgate.errors import InvalidInputError
from lawgate.reports.google import country_name, google_label, read_google_csv, write_google_csv
from lawgate.reports.model import GOOGLE_COLUMNS, Period, Row
from tests.conftest import shared_dir

HEADER = ",".join(GOOGLE_COLUMNS) + "\n"
REAL = "google-user-data-requests-2009-2025.csv"


def real_file() -> Path:
    """The real export in ../shared/data, or a skip saying it is absent."""
    path = shared_dir("data") / REAL
    if not path.is_file():
        pytest.skip(f"{path} is absent: Google's published CSV is not on this machine")
    return path


def test_the_real_file_round_trips_byte_for_byte() -> None:
    data = real_file().read_bytes()
    rows = read_google_csv(data.decode("utf-8"))
    assert len(rows) == 4394
    assert write_google_csv(rows).encode("utf-8") == data


def test_every_code_in_the_real_file_maps_to_the_name_google_prints() -> None:
    rows = read_google_csv(real_file().read_text(encoding="utf-8"))
    named = {(r.country, r.country_name) for r in rows if r.country}
    assert {(code, country_name(code)) for code, _ in named} == named
    assert ("", "United Nations") in {(r.country, r.country_name) for r in rows}


def test_blank_stays_apart_from_zero() -> None:
    text = HEADER + "2025-06-30,Germany,DE,Preservation Requests,12,,0\n"
    (row,) = read_google_csv(text)
    assert (row.requests, row.percentage_disclosed, row.accounts) == (12, None, 0)
    assert write_google_csv([row]) == text


def test_a_field_with_a_comma_or_quote_is_quoted_and_read_back() -> None:
    row = Row(dt.date(2024, 12, 31), 'Bosnia, "B&H"', "BA", "Other Legal Requests", 1, 0, 1)
    text = write_google_csv([row])
    assert text.endswith('2024-12-31,"Bosnia, ""B&H""",BA,Other Legal Requests,1,0,1\n')
    assert read_google_csv(text) == [row]


def test_the_united_nations_row_keeps_its_blank_code() -> None:
    text = HEADER + "2015-06-30,United Nations,,Other Legal Requests,1,0,1\n"
    assert read_google_csv(text)[0].country == ""
    assert write_google_csv(read_google_csv(text)) == text


names = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=30
).filter(str.strip)
counts = st.none() | st.integers(min_value=0, max_value=10**9)
rows = st.builds(
    Row,
    period_ending=st.builds(
        Period, st.integers(min_value=1990, max_value=2200), st.sampled_from([1, 2])
    ).map(lambda p: p.ending),
    country_name=names,
    country=st.just("") | st.from_regex(r"\A[A-Z]{2}\Z"),
    legal_process=names,
    requests=counts,
    percentage_disclosed=st.none() | st.integers(min_value=0, max_value=100),
    accounts=counts,
)


@given(st.lists(rows, max_size=20))
def test_generated_rows_round_trip(generated: list[Row]) -> None:
    text = write_google_csv(generated)
    assert read_google_csv(text) == generated
    assert write_google_csv(read_google_csv(text)) == text


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("2025-06-31,Germany,DE,All,1,0,1", 1),
        ("2025-03-31,Germany,DE,All,1,0,1", 1),
        ("30/06/2025,Germany,DE,All,1,0,1", 1),
        ("2025-06-30, ,DE,All,1,0,1", 2),
        ("2025-06-30,Germany,de,All,1,0,1", 3),
        ("2025-06-30,Germany,DEU,All,1,0,1", 3),
        ("2025-06-30,Germany,DE,,1,0,1", 4),
        ("2025-06-30,Germany,DE,All,-1,0,1", 5),
        ("2025-06-30,Germany,DE,All,1.5,0,1", 5),
        ("2025-06-30,Germany,DE,All,1,101,1", 6),
        ("2025-06-30,Germany,DE,All,1,0,01", 7),
        ("2025-06-30,Germany,DE,All,1,0, 1", 7),
    ],
)
def test_each_bad_field_is_named_by_line_and_column(line: str, column: int) -> None:
    good = "2025-06-30,France,FR,All,1,0,1\n"
    name = GOOGLE_COLUMNS[column - 1]
    with pytest.raises(InvalidInputError) as caught:
        read_google_csv(HEADER + good + line + "\n")
    assert caught.value.message.startswith(f"line 3, column {column} ({name}): ")
    assert caught.value.field == name


def test_a_short_row_is_named_by_line() -> None:
    with pytest.raises(InvalidInputError, match=r"^line 2: 6 fields, expected 7"):
        read_google_csv(HEADER + "2025-06-30,Germany,DE,All,1,0\n")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Period Ending,Country,CLDR Territory Code", r"^line 1, column 2 \(Country/Region\)"),
        (",".join(GOOGLE_COLUMNS[:6]), r"^line 1, column 7 \(Accounts\): header reads None"),
        (",".join((*GOOGLE_COLUMNS, "Extra")), r"^line 1, column 8: unexpected header 'Extra'"),
        ("\ufeff" + ",".join(GOOGLE_COLUMNS), r"^line 1, column 1 \(Period Ending\)"),
    ],
)
def test_the_header_must_be_googles_exactly(header: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_google_csv(header + "\n")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        read_google_csv("")


def test_an_unclosed_quote_is_refused_naming_the_line() -> None:
    with pytest.raises(InvalidInputError, match=r"^line \d+: "):
        read_google_csv(HEADER + '2025-06-30,"Germany,DE,All,1,0,1\n')


@pytest.mark.parametrize(
    ("kind", "process", "country", "label"),
    [
        ("production", "subpoena", "US", "Subpoenas"),
        ("production", "search_warrant", "US", "Search Warrants"),
        ("production", "court_order", "US", "Other Court Orders"),
        ("production", "production_order", "us", "Other Court Orders"),
        ("production", "letter", "US", "Other Legal Requests"),
        ("production", "mlat_request", "US", "Other Legal Requests"),
        ("production", "national_security_letter", "US", None),
        ("production", "fisa_order", "US", None),
        ("emergency_disclosure", "fisa_order", "US", None),
        ("emergency_disclosure", "none", "US", "Emergency Disclosure Requests"),
        ("emergency_disclosure", "none", "DE", "Emergency Disclosure Requests"),
        ("preservation", "preservation_order", "FR", "Preservation Requests"),
        ("preservation_extension", "preservation_order", "US", "Preservation Requests"),
        ("production", "overseas_production_order", "GB", "CLOUD ACT - OPOs"),
        ("production", "overseas_production_order", "AU", "Other Legal Requests"),
        ("production", "search_warrant", "DE", "Other Legal Requests"),
        ("production", "subpoena", "GB", "Other Legal Requests"),
    ],
)
def test_google_labels_come_from_our_types(
    kind: str, process: str, country: str, label: str | None
) -> None:
    assert google_label(kind, process, country) == label
    assert google_label(RequestKind(kind), LegalProcessType(process), country) == label


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        google_label("production", "telegram", "US")


def test_country_names_follow_google_and_refuse_unknown_codes() -> None:
    assert [country_name(c) for c in ("HK", "MO", "FK", "de", "TR")] == [
        "Hong Kong",
        "Macao",
        "Falkland Islands (Islas Malvinas)",
        "Germany",
        "Türkiye",
    ]
    for code in ("QQ", "ZZ", "EU", "UN", "D"):
        with pytest.raises(InvalidInputError) as caught:
            country_name(code)
        assert caught.value.field == "country"
