"""Policy configuration: the numbers and lists the law leaves to the company, checked on load."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lawgate.errors import ConfigError
from lawgate.policy.catalog import Days, default_catalog
from lawgate.policy.political import DEFAULT_POLITICAL_CONDUCT, PoliticalStatute

OTHER = "other"
"""In a per-pack setting, every pack the setting does not name."""


class PolicyConfig(BaseModel):
    """Limits, overrides of the packs' periods and deadlines, and the political guardrail's lists.

    The law's numbers live in packs/<name>/pack.yml; a value here replaces the pack's (or, for
    deadlines, the company-wide default of the baseline pack) and absent it the packs decide.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_targets: Annotated[int, Field(ge=1, le=1000)] = 50
    max_targets_emergency: Annotated[int, Field(ge=1, le=1000)] = 5
    max_span_days: Days = 730
    max_content_span_days: Days = 365
    preservation_days: dict[str, Days] = {}
    """B9 periods by pack name, or `other` for every pack not named."""
    extension_days: dict[str, Days] = {}
    """B9 extension lengths by pack name, or `other` for every pack not named."""
    deadline_days: Days | None = None
    """Where no pack's law sets the deadline; absent, the baseline pack's."""
    emergency_deadline_hours: Annotated[int, Field(ge=1, le=240)] | None = None
    """Where no pack's law sets the emergency deadline; absent, the baseline pack's."""
    political_statutes: tuple[PoliticalStatute, ...] | None = None
    """B7's statutes; absent, those the packs in use list."""
    political_conduct: tuple[str, ...] = DEFAULT_POLITICAL_CONDUCT

    @field_validator("preservation_days", "extension_days")
    @classmethod
    def _known_packs(cls, value: dict[str, int]) -> dict[str, int]:
        """A misspelt pack would silently keep the law's period, so name the packs there are."""
        known = {*default_catalog().jurisdictions, OTHER}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown pack {unknown[0]!r} (one of: {', '.join(sorted(known))})")
        return value


def _where(location: tuple[int | str, ...]) -> str:
    """A dotted path to the bad key, e.g. preservation_days.eu."""
    return ".".join(str(part) for part in location)


def load_policy_config(path: Path | None = None) -> PolicyConfig:
    """Read the policy file if one is given (or set in LAWGATE_POLICY_FILE), else the defaults."""
    if path is None:
        named = os.environ.get("LAWGATE_POLICY_FILE", "").strip()
        if not named:
            return PolicyConfig()
        try:
            return load_policy_config(Path(named))
        except ConfigError as exc:
            raise ConfigError(f"LAWGATE_POLICY_FILE: {exc.message}", exc.field) from exc
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"policy file {path}: cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"policy file {path}: must be a mapping of settings")
    try:
        return PolicyConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(first["loc"])
        raise ConfigError(f"policy file {path}: {where}: {first['msg']}", where) from exc
