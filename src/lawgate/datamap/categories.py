"""Legal categories of fields: how each column of a data map is classed for disclosure.

A field's legal category decides which requests may receive it, so it is determined strictly:

1. An explicit ``fides_meta.legal_category`` always wins; it must be one of subscriber,
   identification, traffic, content or public, otherwise the data map is refused.
2. Without one, the fideslang data categories decide, by longest matching prefix in
   ``INFERRED``: ``user.content.private`` is content, ``user.content.public`` public,
   ``user.contact``, ``user.name``, ``user.account`` and ``user.financial`` subscriber,
   ``user.behavior`` and ``user.payment`` traffic, and ``user.device`` (IP addresses, devices)
   identification, except on the account collection itself, where a registration IP address is
   subscriber data (EU e-Evidence Art 3(9)) rather than identification data of a later use.
3. Generic categories (``user.unique_id``, ``system.operations`` and anything not listed) say
   nothing about the legal nature of a column, so they are refused: fail closed. When several
   data categories map to different legal categories, the most protected one is taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class LegalCategory(StrEnum):
    """Lawgate's legal categories of data (spec/legal-rules.md), plus public non-user data."""

    PUBLIC = "public"
    SUBSCRIBER = "subscriber"
    IDENTIFICATION = "identification"
    TRAFFIC = "traffic"
    CONTENT = "content"


PROTECTION = tuple(LegalCategory)
"""Least to most protected; a field with mixed data categories takes the most protected."""

INFERRED: dict[str, LegalCategory] = {
    "user.content.private": LegalCategory.CONTENT,
    "user.content.public": LegalCategory.PUBLIC,
    "user.contact": LegalCategory.SUBSCRIBER,
    "user.name": LegalCategory.SUBSCRIBER,
    "user.account": LegalCategory.SUBSCRIBER,
    "user.financial": LegalCategory.SUBSCRIBER,
    "user.behavior": LegalCategory.TRAFFIC,
    "user.payment": LegalCategory.TRAFFIC,
    "user.device": LegalCategory.IDENTIFICATION,
}


def explicit(value: object) -> LegalCategory | None:
    """The stated category, or None for an unknown name (the caller reports it)."""
    try:
        return LegalCategory(str(value))
    except ValueError:
        return None


def _one(data_category: str, on_account: bool) -> LegalCategory | None:
    """The category one fideslang name implies, by longest matching prefix."""
    matches = [
        prefix
        for prefix in INFERRED
        if data_category == prefix or data_category.startswith(prefix + ".")
    ]
    if not matches:
        return None
    found = INFERRED[max(matches, key=len)]
    if found is LegalCategory.IDENTIFICATION and on_account:
        return LegalCategory.SUBSCRIBER
    return found


def infer(data_categories: Iterable[str], *, on_account: bool) -> LegalCategory | None:
    """The most protected category the data categories imply, or None if one implies nothing."""
    found = [_one(name, on_account) for name in data_categories]
    if not found or None in found:
        return None
    return max((c for c in found if c is not None), key=PROTECTION.index)
