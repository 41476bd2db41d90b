"""Normalising request target values to the form the platform stores, before any lookup.

Agencies write identifiers as people do; the databases hold one canonical form, and lookups
are exact equality on an index, so the value is normalised first:

- email: stripped and lower-cased (the platform stores sign-in addresses in lower case);
- phone: E.164, ``+`` and digits; spaces, dashes, dots and parentheses are dropped and a
  leading ``00`` becomes ``+``; a number without a country code (no ``+`` or ``00``) cannot be
  placed in a country and matches nothing rather than a guessed country's subscriber;
- ip_address: the canonical text form (IPv6 compressed, lower case), as the platform logs it;
- everything else (username, account, order, listing and payment ids): exact, stripped only.

A value that cannot be normalised yields None and is reported as unmatched, with no query.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from lawgate.domain import TargetType

PHONE_PUNCTUATION = re.compile(r"[\s\-.()]")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def email(value: str) -> str | None:
    """Sign-in addresses are stored lower case."""
    cleaned = value.strip().lower()
    return cleaned if "@" in cleaned else None


def phone(value: str) -> str | None:
    """E.164 with a leading '+', or None if no country code is given."""
    digits = PHONE_PUNCTUATION.sub("", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return digits if E164.fullmatch(digits) else None


def ip_address(value: str) -> str | None:
    """The canonical text of an IPv4 or IPv6 address."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def exact(value: str) -> str | None:
    """Identifiers the platform issues are matched exactly."""
    return value.strip() or None


NORMALISERS: dict[TargetType, Callable[[str], str | None]] = {
    TargetType.EMAIL: email,
    TargetType.PHONE: phone,
    TargetType.IP_ADDRESS: ip_address,
}


def normalise(target_type: TargetType, value: str) -> str | None:
    """The stored form of a target value, or None when it cannot match anything."""
    return NORMALISERS.get(target_type, exact)(value)
