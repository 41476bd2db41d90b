"""Phone numbers: one line however it is written, and numbers in text told apart from dates."""

from __future__ import annotations

import pytest

from lawgate.intake import phones


@pytest.mark.parametrize(
    ("written", "dialled"),
    [
        ("+1 212 384 1000", "+12123841000"),
        ("+1 (212) 384-1000", "+12123841000"),
        ("0044 20 7230 1212", "+442072301212"),
        ("(212) 384-1000", "2123841000"),
        ("", ""),
    ],
)
def test_normalise(written: str, dialled: str) -> None:
    assert phones.normalise(written) == dialled


def test_same_number_needs_digits_and_equality() -> None:
    assert phones.same_number("+1 212 384 1000", "001-212-384-1000")
    assert not phones.same_number("+1 212 384 1000", "+1 212 384 1001")
    assert not phones.same_number("", "")
    assert not phones.same_number("212 384 1000", "+1 212 384 1000"), "no guessing a country"


def test_a_foreign_number_is_one_with_another_calling_code() -> None:
    assert phones.foreign_number("+44 20 7946 0958", "US")
    assert not phones.foreign_number("+1 212 555 0100", "US")
    assert not phones.foreign_number("212 555 0100", "US"), "a national number has no code"
    assert not phones.foreign_number("+44 20 7946 0958", "XX"), "unknown country: no claim"


def test_numbers_in_text_are_international_or_follow_a_call_word() -> None:
    text = "Warrant of 2026-11-20 under 18 U.S.C. 1343; call 212 555 0199 or +49 30 9014 0"
    found = [n.written for n in phones.numbers_in(text, "offence.description")]
    assert found == ["212 555 0199", "+49 30 9014 0"]
    assert phones.numbers_in("case NY-2026-00417, file 123456789", "case_reference") == []
