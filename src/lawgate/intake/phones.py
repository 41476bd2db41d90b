"""Phone numbers as intake compares them: normalised digits, calling codes, numbers in text."""

from __future__ import annotations

import re
from dataclasses import dataclass

CALLING_CODES: dict[str, str] = {
    "US": "1", "CA": "1", "PR": "1", "JM": "1", "BS": "1", "TT": "1", "DO": "1",
    "RU": "7", "KZ": "7", "EG": "20", "ZA": "27", "GR": "30", "NL": "31", "BE": "32",
    "FR": "33", "ES": "34", "HU": "36", "IT": "39", "RO": "40", "CH": "41", "AT": "43",
    "GB": "44", "DK": "45", "SE": "46", "NO": "47", "PL": "48", "DE": "49", "PE": "51",
    "MX": "52", "AR": "54", "BR": "55", "CL": "56", "CO": "57", "VE": "58", "MY": "60",
    "AU": "61", "ID": "62", "PH": "63", "NZ": "64", "SG": "65", "TH": "66", "JP": "81",
    "KR": "82", "VN": "84", "CN": "86", "TR": "90", "IN": "91", "PK": "92", "AF": "93",
    "LK": "94", "IR": "98", "MA": "212", "DZ": "213", "TN": "216", "NG": "234", "GH": "233",
    "KE": "254", "UA": "380", "RS": "381", "HR": "385", "SI": "386", "CZ": "420",
    "SK": "421", "PT": "351", "LU": "352", "IE": "353", "IS": "354", "MT": "356",
    "CY": "357", "FI": "358", "BG": "359", "LT": "370", "LV": "371", "EE": "372",
    "BY": "375", "HK": "852", "TW": "886", "BD": "880", "AE": "971", "IL": "972",
    "SA": "966", "QA": "974",
}  # fmt: skip
"""ITU-T E.164 country calling codes of the countries agencies most often write from."""

CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d ().-]{5,20}\d(?![\w])")
CALL_WORDS = re.compile(
    r"\b(call|calls|calling|phone|tel|telephone|mobile|cell|reach|contact|ring|dial|number)\b",
    re.IGNORECASE,
)
MIN_DIGITS = 7
KEYWORD_REACH = 40
"""How many characters before a bare number a word like 'call' may stand to make it a phone."""


def normalise(phone: str) -> str:
    """Digits only, with a leading '+' for international form ('00' counts as '+')."""
    text = phone.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("+"):
        return "+" + digits
    if text.startswith("00") and digits.startswith("00"):
        return "+" + digits[2:]
    return digits


def same_number(first: str, second: str) -> bool:
    """True when two written numbers dial the same line, whatever their spacing and punctuation."""
    left, right = normalise(first), normalise(second)
    return bool(left.lstrip("+")) and left == right


def calling_code(country: str) -> str | None:
    """The country's calling code, or None when lawgate does not know it."""
    return CALLING_CODES.get(country.upper())


def foreign_number(phone: str, country: str) -> bool:
    """True when an international number does not carry the country's calling code."""
    number = normalise(phone)
    code = calling_code(country)
    return number.startswith("+") and code is not None and not number.startswith("+" + code)


@dataclass(frozen=True)
class FoundNumber:
    """A phone number written in free text, and where."""

    written: str
    field: str


def numbers_in(text: str, field: str) -> list[FoundNumber]:
    """Phone numbers in free text: international ones, or bare ones right after 'call', 'phone'."""
    found: list[FoundNumber] = []
    for match in CANDIDATE.finditer(text):
        written = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in written)
        if digits < MIN_DIGITS:
            continue
        international = written.startswith(("+", "00"))
        before = text[max(0, match.start() - KEYWORD_REACH) : match.start()]
        if international or CALL_WORDS.search(before):
            found.append(FoundNumber(written, field))
    return found
