"""Data maps: Fides-format descriptions of the platform's databases, with legal categories.

Each dataset under datasets/ says, field by field, what a column holds (fideslang data
categories), which request target finds rows by it (fides_meta.identity), how collections join
(fides_meta.references) and which legal category of data it is (fides_meta.legal_category).

model.load_datamap validates a file into a typed DataMap (how legal categories are decided:
categories.py), and resolve.resolve_targets maps request targets to account ids.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

DATASETS = Path(__file__).with_name("datasets")
LEGAL_CATEGORIES = ("subscriber", "identification", "traffic", "content", "public")

if TYPE_CHECKING:
    from lawgate.datamap.model import DataMap


def dataset_path(name: str = "marketplace") -> Path:
    """The YAML file of a named dataset shipped with lawgate."""
    return DATASETS / f"{name}.yml"


def shipped(name: str = "marketplace") -> DataMap:
    """A shipped dataset, loaded and validated."""
    from lawgate.datamap.model import load_datamap

    return load_datamap(dataset_path(name))


def legal_categories(name: str = "marketplace") -> dict[tuple[str, str], str]:
    """The legal category of every (collection, field) of a shipped dataset."""
    return {(f.collection, f.name): str(f.legal_category) for f in shipped(name).fields()}
