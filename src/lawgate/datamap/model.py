"""A typed, validated data map read from a Fides dataset YAML file.

``load_datamap`` refuses any file lawgate could misread: malformed YAML or structure, duplicate
collections or fields, identities that are not request target types, references to another
dataset or to a missing collection or field, a dataset without any identity field, and fields
whose legal category is unknown or cannot be determined (see lawgate.datamap.categories for how
a legal category is determined). Every refusal is a DataMapError naming file, collection and
field, so the data map's author can fix it without guessing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from lawgate.datamap import categories
from lawgate.datamap.categories import LegalCategory
from lawgate.domain import TargetType
from lawgate.errors import LawgateError

Direction = Literal["from", "to"]
DIRECTIONS: tuple[Direction, ...] = ("from", "to")


class DataMapError(LawgateError):
    """A data map that lawgate refuses to use, with where the problem is."""

    def __init__(
        self, path: Path, problem: str, collection: str | None = None, field: str | None = None
    ) -> None:
        where = [str(path)]
        where += [f"collection '{collection}'"] if collection is not None else []
        where += [f"field '{field}'"] if field is not None else []
        located = ".".join(part for part in (collection, field) if part is not None)
        super().__init__(f"{', '.join(where)}: {problem}", located or None)
        self.path = path
        self.collection = collection
        self.field_name = field


@dataclass(frozen=True)
class Reference:
    """A join from a field to ``collection.field`` of a dataset."""

    dataset: str
    collection: str
    field: str
    direction: Direction


@dataclass(frozen=True)
class Field:
    """One described column."""

    collection: str
    name: str
    description: str
    data_categories: tuple[str, ...]
    legal_category: LegalCategory
    identity: TargetType | None
    primary_key: bool
    references: tuple[Reference, ...]
    event_time: bool = False

    @property
    def is_key(self) -> bool:
        """Whether the field joins rows (a primary key or a reference), not describes them."""
        return self.primary_key or bool(self.references)


@dataclass(frozen=True)
class Collection:
    """One described table."""

    name: str
    description: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        """The field of that name, if described."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def event_time(self) -> Field | None:
        """The field saying when a row happened, which date ranges filter on (if any)."""
        return next((f for f in self.fields if f.event_time), None)

    @property
    def primary_key(self) -> Field | None:
        """The collection's (single) primary key field, if described."""
        return next((f for f in self.fields if f.primary_key), None)


@dataclass(frozen=True)
class DataMap:
    """A whole dataset: what each column holds, how to find rows, how tables join."""

    fides_key: str
    name: str
    source: Path
    collections: tuple[Collection, ...]

    def collection(self, name: str) -> Collection | None:
        """The collection of that name, if described."""
        return next((c for c in self.collections if c.name == name), None)

    def fields(self) -> Iterator[Field]:
        """Every field of every collection, in file order."""
        for collection in self.collections:
            yield from collection.fields

    def identity_fields(self, target: TargetType) -> tuple[Field, ...]:
        """The fields that find rows for a target type."""
        return tuple(f for f in self.fields() if f.identity is target)

    def referring_to(self, collection: str, field: str) -> tuple[Field, ...]:
        """Fields whose references point at ``collection.field``."""
        return tuple(
            f
            for f in self.fields()
            if any(r.collection == collection and r.field == field for r in f.references)
        )


@dataclass(frozen=True)
class _Where:
    """Where in the file a problem is, to raise DataMapError from deep helpers."""

    path: Path
    collection: str | None = None
    field: str | None = None

    def error(self, problem: str) -> DataMapError:
        """A DataMapError located here."""
        return DataMapError(self.path, problem, self.collection, self.field)


def _mapping(value: object, where: _Where, what: str) -> Mapping[str, Any]:
    """A YAML mapping, or a located error."""
    if not isinstance(value, Mapping):
        raise where.error(f"{what} must be a mapping")
    return value


def _list(value: object, where: _Where, what: str) -> list[Any]:
    """A YAML list, or a located error."""
    if not isinstance(value, list):
        raise where.error(f"{what} must be a list")
    return value


def _dataset(path: Path) -> Mapping[str, Any]:
    """The file's only dataset, as parsed YAML."""
    where = _Where(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise where.error(f"malformed YAML: {exc}") from exc
    datasets = _list(_mapping(document, where, "the file").get("dataset"), where, "'dataset'")
    if len(datasets) != 1:
        raise where.error("expected exactly one dataset")
    return _mapping(datasets[0], where, "the dataset")


def _reference(raw: object, where: _Where) -> Reference:
    """One reference, checked for shape (targets are checked once all fields are known)."""
    ref = _mapping(raw, where, "a reference")
    collection, dot, field = str(ref.get("field", "")).partition(".")
    direction = ref.get("direction")
    if not (dot and collection and field and ref.get("dataset")):
        raise where.error(f"malformed reference {dict(ref)}: needs dataset and collection.field")
    if direction not in DIRECTIONS:
        raise where.error(f"reference direction must be 'from' or 'to', not {direction!r}")
    return Reference(str(ref["dataset"]), collection, field, direction)


def _identity(value: object, where: _Where) -> TargetType | None:
    """The target type a field answers, if any."""
    if value is None:
        return None
    try:
        return TargetType(str(value))
    except ValueError:
        raise where.error(f"unknown target type in identity: {value!r}") from None


def _legal(
    meta: Mapping[str, Any], data_categories: tuple[str, ...], where: _Where, on_account: bool
) -> LegalCategory:
    """The field's legal category: explicit, else inferred, else refused (fail closed)."""
    if "legal_category" in meta:
        found = categories.explicit(meta["legal_category"])
        if found is None:
            raise where.error(f"unknown legal category {meta['legal_category']!r}")
        return found
    inferred = categories.infer(data_categories, on_account=on_account)
    if inferred is None:
        raise where.error(f"no legal category, and none follows from {list(data_categories)}")
    return inferred


def _field(raw: object, collection: str, where: _Where, on_account: bool) -> Field:
    """One field of a collection."""
    spec = _mapping(raw, where, "a field")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise where.error("a field has no name")
    here = _Where(where.path, collection, name)
    meta = _mapping(spec.get("fides_meta") or {}, here, "fides_meta")
    data_categories = tuple(
        str(c) for c in _list(spec.get("data_categories") or [], here, "data_categories")
    )
    return Field(
        collection=collection,
        name=name,
        description=str(spec.get("description", "")),
        data_categories=data_categories,
        legal_category=_legal(meta, data_categories, here, on_account),
        identity=_identity(meta.get("identity"), here),
        primary_key=_flag(meta, "primary_key", here),
        references=tuple(
            _reference(r, here) for r in _list(meta.get("references") or [], here, "references")
        ),
        event_time=_flag(meta, "event_time", here),
    )


def _flag(meta: Mapping[str, Any], key: str, where: _Where) -> bool:
    """A yes/no fides_meta key; anything but true or false is refused, not guessed."""
    value = meta.get(key, False)
    if not isinstance(value, bool):
        raise where.error(f"{key} must be true or false, not {value!r}")
    return value


def _is_account(raw_fields: list[Any]) -> bool:
    """Whether a collection is the account table (its key answers account_id targets)."""
    for raw in raw_fields:
        meta = raw.get("fides_meta") if isinstance(raw, Mapping) else None
        if (
            isinstance(meta, Mapping)
            and meta.get("primary_key")
            and meta.get("identity") == TargetType.ACCOUNT_ID
        ):
            return True
    return False


def _collection(raw: object, where: _Where) -> Collection:
    """One collection, refusing duplicate fields."""
    spec = _mapping(raw, where, "a collection")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise where.error("a collection has no name")
    here = _Where(where.path, name)
    raw_fields = _list(spec.get("fields"), here, "fields")
    fields: list[Field] = []
    for item in raw_fields:
        field = _field(item, name, here, _is_account(raw_fields))
        if any(f.name == field.name for f in fields):
            raise _Where(where.path, name, field.name).error("duplicate field")
        fields.append(field)
    for flag in ("event_time", "primary_key"):
        marked = [f.name for f in fields if getattr(f, flag)]
        if len(marked) > 1:
            raise here.error(f"several fields are marked {flag}: {', '.join(marked)}")
    return Collection(name, str(spec.get("description", "")), tuple(fields))


def _check_references(datamap: DataMap) -> None:
    """Every reference names this dataset and a collection.field described in it."""
    for field in datamap.fields():
        where = _Where(datamap.source, field.collection, field.name)
        for ref in field.references:
            if ref.dataset != datamap.fides_key:
                raise where.error(f"unknown reference to dataset '{ref.dataset}'")
            target = datamap.collection(ref.collection)
            if target is None:
                raise where.error(f"reference to missing collection '{ref.collection}'")
            if target.field(ref.field) is None:
                raise where.error(f"reference to missing field '{ref.collection}.{ref.field}'")


def load_datamap(path: Path) -> DataMap:
    """Read and validate a Fides dataset file; any doubt is a DataMapError, never a guess."""
    dataset = _dataset(path)
    where = _Where(path)
    collections: list[Collection] = []
    for raw in _list(dataset.get("collections"), where, "'collections'"):
        collection = _collection(raw, where)
        if any(c.name == collection.name for c in collections):
            raise _Where(path, collection.name).error("duplicate collection")
        collections.append(collection)
    datamap = DataMap(
        str(dataset.get("fides_key", "")), str(dataset.get("name", "")), path, tuple(collections)
    )
    if not datamap.fides_key:
        raise where.error("the dataset has no fides_key")
    _check_references(datamap)
    if not any(f.identity for f in datamap.fields()):
        raise where.error("no identity field in the whole dataset: no target can be resolved")
    return datamap
