"""Policy case files (spec: "Policy conformance cases"): one request with its context, offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lawgate.domain import Agency, Request, Verification
from lawgate.jsonfiles import read_json, validated
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
    return validated(path, CaseFile, read_json(path))
