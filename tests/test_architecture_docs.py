"""README's Architecture section and docs/architecture.md describe every package as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    *sorted(p.parent.name for p in (ROOT / "src" / "lawgate").glob("*/__init__.py")),
    *("app", "boot", "config", "tables"),
]


def _readme_section() -> str:
    """The README's Architecture section alone."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Architecture\n", 1)[1]
    return section.split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "document",
    [_readme_section(), (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")],
    ids=["README", "docs/architecture.md"],
)
def test_every_package_is_described(document: str) -> None:
    """A package added or renamed must be added to both descriptions."""
    missing = [name for name in PACKAGES if f"`{name}`" not in document]
    assert not missing, f"not described: {missing}"
    assert len(PACKAGES) >= 20


def test_contributing_covers_each_kind_of_change() -> None:
    """CONTRIBUTING.md says how to add a rule, a country, a data source, a page, a command."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in (
        "Add a rule",
        "Add a country",
        "Add a data source",
        "Add a page",
        "Add a command",
    ):
        assert f"## {heading}" in text
