"""Refuse passwords that leaked in breaches (ASVS 2.1.7), offline, from a list shipped inside.

The list is Django's `common-passwords.txt.gz` (BSD 3-Clause): 20,000 common leaked passwords,
lowercased. Its source, version and checksum are in README.md in this folder. Staff and officers
alike are checked (lawgate.credentials.check_password).
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from lawgate.errors import InvalidInputError

LIST = Path(__file__).parent / "common-passwords.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, read once per process: lowercase passwords, one a line."""
    with gzip.open(LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_breached(password: str) -> bool:
    """Whether the password, in any case and without surrounding spaces, is on the list."""
    return password.strip().lower() in common_passwords()


def check_not_breached(password: str) -> None:
    """Refuse a password attackers try first, whatever its length, saying why."""
    if is_breached(password):
        count = f"{len(common_passwords()):,}"
        raise InvalidInputError(
            f"this password is one of the {count} most common passwords in leaked-password "
            "lists, which attackers try first (case does not matter); choose another",
            "password",
        )
