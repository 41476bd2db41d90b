"""Reading JSON input files for the CLI: every problem names the file, and each wrong field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lawgate.errors import InvalidInputError, describe

Model = TypeVar("Model", bound=BaseModel)


def read_json(path: Path) -> Any:
    """The parsed content of a JSON file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InvalidInputError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path}: not valid JSON ({exc})") from exc


def validated(path: Path, model: type[Model], data: Any) -> Model:
    """File content checked against a model, listing each wrong field on failure."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {d['field']}: {d['message']}" for d in map(describe, exc.errors())]
        kind = model.__name__.lower()
        raise InvalidInputError(f"{path}: not a valid {kind}:\n" + "\n".join(lines)) from exc
