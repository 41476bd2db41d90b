"""Policy configuration: the numbers and lists the law leaves to the company, checked on load."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lawgate.errors import ConfigError
from lawgate.policy.political import (
    DEFAULT_POLITICAL_CONDUCT,
    DEFAULT_POLITICAL_STATUTES,
    PoliticalStatute,
)

Days = Annotated[int, Field(ge=1, le=3650)]


class Frameworks(BaseModel):
    """A value per legal framework, with a default for every other country."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    us: Days
    eu: Days
    other: Days

    def for_jurisdiction(self, jurisdiction: str) -> int:
        """The value for a pack's jurisdiction."""
        return {"us": self.us, "eu": self.eu}.get(jurisdiction, self.other)


class PolicyConfig(BaseModel):
    """Limits, periods, deadlines and the political guardrail's lists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_targets: Annotated[int, Field(ge=1, le=1000)] = 50
    max_targets_emergency: Annotated[int, Field(ge=1, le=1000)] = 5
    max_span_days: Days = 730
    max_content_span_days: Days = 365
    preservation_days: Frameworks = Frameworks(us=90, eu=60, other=90)
    extension_days: Frameworks = Frameworks(us=90, eu=30, other=90)
    deadline_days: Days = 10
    emergency_deadline_hours: Annotated[int, Field(ge=1, le=240)] = 8
    political_statutes: tuple[PoliticalStatute, ...] = DEFAULT_POLITICAL_STATUTES
    political_conduct: tuple[str, ...] = DEFAULT_POLITICAL_CONDUCT


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
