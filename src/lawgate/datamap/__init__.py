"""Data maps: Fides-format descriptions of the platform's databases, with legal categories.

Each dataset under datasets/ says, field by field, what a column holds (fideslang data
categories), which request target finds rows by it (fides_meta.identity), how collections join
(fides_meta.references) and which legal category of data it is (fides_meta.legal_category).

This module reads the raw file; model.load_datamap validates it into a typed DataMap (legal
categories: categories), and resolve.resolve_targets maps request targets to account ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATASETS = Path(__file__).with_name("datasets")
LEGAL_CATEGORIES = ("subscriber", "identification", "traffic", "content", "public")


@dataclass(frozen=True)
class Reference:
    """A join from a field to a field of another collection."""

    dataset: str
    collection: str
    field: str
    direction: str | None


@dataclass(frozen=True)
class Field:
    """One described column, flattened out of the YAML for easy lookups."""

    collection: str
    name: str
    description: str
    data_categories: tuple[str, ...]
    legal_category: str
    identity: str | None
    primary_key: bool
    references: tuple[Reference, ...]


def dataset_path(name: str = "marketplace") -> Path:
    """The YAML file of a named dataset."""
    return DATASETS / f"{name}.yml"


def load(name: str = "marketplace") -> dict[str, Any]:
    """The first (only) dataset of a file, as the raw mapping Fides would read."""
    document: dict[str, Any] = yaml.safe_load(dataset_path(name).read_text(encoding="utf-8"))
    dataset: dict[str, Any] = document["dataset"][0]
    return dataset


def _reference(raw: dict[str, Any]) -> Reference:
    """A reference from its YAML mapping ('field' is 'collection.field')."""
    collection, _, field = str(raw["field"]).partition(".")
    return Reference(str(raw["dataset"]), collection, field, raw.get("direction"))


def fields(dataset: dict[str, Any]) -> Iterator[Field]:
    """Every field of every collection, in file order."""
    for collection in dataset["collections"]:
        for raw in collection["fields"]:
            meta = raw.get("fides_meta") or {}
            yield Field(
                collection=str(collection["name"]),
                name=str(raw["name"]),
                description=str(raw.get("description", "")),
                data_categories=tuple(raw.get("data_categories") or ()),
                legal_category=str(meta.get("legal_category", "")),
                identity=meta.get("identity"),
                primary_key=bool(meta.get("primary_key", False)),
                references=tuple(_reference(r) for r in meta.get("references") or ()),
            )


def legal_categories(name: str = "marketplace") -> dict[tuple[str, str], str]:
    """(collection, field) to legal category, for deciding what a request may receive."""
    return {(f.collection, f.name): f.legal_category for f in fields(load(name))}
