"""Policy case files (spec: "Policy conformance cases"): one request with its context, offline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lawgate.domain import Agency, Request, Verification
from lawgate.errors import InvalidInputError, describe
from lawgate.policy.facts import PolicyInput


class CaseFile(BaseModel):
    """Everything needed to decide one request with no database and no network."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = ""
    today: dt.date
    agency: Agency
    verification: Verification
    request: Request
    prior_extensions: int = Field(default=0, ge=0)
    expect: dict[str, Any] | None = None

    def policy_input(self) -> PolicyInput:
        """The case as the engine's input; `today` starts at midnight UTC."""
        as_of = dt.datetime.combine(self.today, dt.time(), tzinfo=dt.UTC)
        return PolicyInput(
            self.agency, self.request, self.verification, as_of, self.prior_extensions
        )


def read_case(path: Path) -> CaseFile:
    """Load a case file; errors name the file and each wrong field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInputError(f"{path}: no such file", "file") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path}: not valid JSON ({exc})", "file") from exc
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{d['field']}: {d['message']}" for d in map(describe, exc.errors()))
        raise InvalidInputError(f"{path}: not a valid case file: {problems}", "file") from exc
