"""A value with a trailing newline is not a valid identifier: `$` alone would let it through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lawgate.credentials import check_email
from lawgate.errors import InvalidInputError
from lawgate.production.manifest import check_name
from lawgate.reports.peers import check_source

SOURCE = Path(__file__).resolve().parents[2] / "src" / "lawgate"


@pytest.mark.parametrize("email", ["reviewer@lawgate.example\n", "a@b.co\n\n"])
def test_an_email_with_a_newline_is_refused(email: str) -> None:
    """An address that ends in a newline never becomes an account's sign-in name."""
    with pytest.raises(InvalidInputError, match="not an email address"):
        check_email(email)


def test_a_file_name_or_peer_source_with_a_newline_is_refused() -> None:
    """Names that end up in packages and report folders are whole-string checked."""
    with pytest.raises(Exception, match="name"):
        check_name("orders.csv\n", "file name")
    with pytest.raises(Exception, match="source"):
        check_source("google\n")


def test_no_anchored_pattern_is_used_with_match() -> None:
    """`PATTERN.match` with a `$`-anchored pattern accepts a trailing newline; use fullmatch."""
    anchored = re.compile(r"^(\w+) = re\.compile\(r\"\^.*\$\"\)", re.M)
    texts = {path: path.read_text(encoding="utf-8") for path in SOURCE.rglob("*.py")}
    names = {name for text in texts.values() for name in anchored.findall(text)}
    assert "KEY_ID_PATTERN" in names  # the scan sees the patterns it is meant to police
    offenders = [
        f"{path.relative_to(SOURCE)}: {name}"
        for path, text in texts.items()
        for name in names
        if re.search(rf"\b{name}\.(match|search)\(", text)
    ]
    assert offenders == []
