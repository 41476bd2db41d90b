"""Free webmail: an agency writes from its own domain, so a webmail sender is a classic red flag."""

from __future__ import annotations

from collections.abc import Iterable

from lawgate.policy.findings import FREE_WEBMAIL

MORE_WEBMAIL = frozenset(
    {"ymail.com", "msn.com", "zoho.com", "ya.ru", "hushmail.com", "fastmail.com", "tuta.io",
     "rambler.ru", "naver.com", "sina.com", "rediffmail.com", "mail.com", "inbox.ru", "bk.ru"}
)  # fmt: skip
"""Providers beyond the policy findings' list (which the two share)."""
FAMILIES = frozenset({"gmx", "yandex", "yahoo", "hotmail", "outlook", "protonmail", "live"})
"""Providers with a domain per country (gmx.net, yandex.com.tr, yahoo.co.uk, ...)."""
OFFICIAL_LABELS = frozenset({"gov", "gob", "gouv", "govt", "police", "mil", "gc", "justice"})
"""Labels that make a domain an authority's own, whatever its first label (live.police.uk)."""
MAX_FAMILY_LABELS = 3


def is_webmail(domain: str) -> bool:
    """True for free webmail, including providers that have a domain per country."""
    domain = domain.lower()
    if domain in FREE_WEBMAIL or domain in MORE_WEBMAIL:
        return True
    labels = domain.split(".")
    return (
        labels[0] in FAMILIES
        and 1 < len(labels) <= MAX_FAMILY_LABELS
        and not OFFICIAL_LABELS.intersection(labels)
    )


def on_domains(email: str, domains: Iterable[str]) -> bool:
    """True when the e-mail's domain is one of `domains` or a subdomain of one (case-blind)."""
    host = email.strip().lower().rpartition("@")[2]
    return bool(host) and any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)
