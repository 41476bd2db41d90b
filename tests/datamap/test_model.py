"""Loading data maps: the shipped one loads, and every broken copy is refused with its place."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from lawgate import datamap
from lawgate.datamap.categories import LegalCategory
from lawgate.datamap.model import DataMap, DataMapError, load_datamap
from lawgate.domain import TargetType
from lawgate.errors import LawgateError

Raw = dict[str, Any]


def _raw() -> Raw:
    """The shipped dataset file as parsed YAML, to break copies of it."""
    loaded: Raw = yaml.safe_load(datamap.dataset_path().read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def _field(raw: Raw, collection: str, field: str) -> Raw:
    """One field's mapping inside the parsed file."""
    (dataset,) = raw["dataset"]
    (found,) = [c for c in dataset["collections"] if c["name"] == collection]
    (spec,) = [f for f in found["fields"] if f["name"] == field]
    return spec  # type: ignore[no-any-return]


def _write(tmp_path: Path, raw: Raw) -> Path:
    """A broken copy on disk."""
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_shipped_dataset_loads(shipped: DataMap) -> None:
    """The demo marketplace's data map is valid and keeps the file's explicit categories."""
    assert shipped.fides_key == "marketplace"
    assert [c.name for c in shipped.collections][:2] == ["users", "addresses"]
    categories = {(f.collection, f.name): str(f.legal_category) for f in shipped.fields()}
    (dataset,) = _raw()["dataset"]
    written = {
        (c["name"], f["name"]): f["fides_meta"]["legal_category"]
        for c in dataset["collections"]
        for f in c["fields"]
        if "legal_category" in (f.get("fides_meta") or {})
    }
    assert written and all(categories[key] == value for key, value in written.items())
    assert categories == datamap.legal_categories()
    assert {f.identity for f in shipped.fields() if f.identity} == set(TargetType)
    orders = shipped.collection("orders")
    assert orders is not None
    buyer = orders.field("buyer_account_id")
    assert buyer is not None and buyer.references[0].collection == "users"
    assert buyer.references[0].direction == "from"


def _set(collection: str, field: str, key: str, value: object) -> Callable[[Raw], None]:
    """A breakage: set a fides_meta key of one field."""

    def apply(raw: Raw) -> None:
        _field(raw, collection, field)["fides_meta"][key] = value

    return apply


def _reference(field: str, dataset: str = "marketplace") -> Callable[[Raw], None]:
    """A breakage: point addresses.account_id somewhere else."""

    def apply(raw: Raw) -> None:
        refs = _field(raw, "addresses", "account_id")["fides_meta"]["references"]
        refs[0].update(dataset=dataset, field=field)

    return apply


def _duplicate(raw: Raw) -> None:
    """A breakage: users.email described twice."""
    (dataset,) = raw["dataset"]
    dataset["collections"][0]["fields"].append(_field(raw, "users", "email"))


def _drop_category(raw: Raw) -> None:
    """A breakage: a generic column with no legal category."""
    del _field(raw, "addresses", "address_id")["fides_meta"]["legal_category"]


@pytest.mark.parametrize(
    ("breakage", "collection", "field", "problem"),
    [
        (_set("users", "email", "legal_category", "secret"), "users", "email", "legal category"),
        (_set("users", "phone", "identity", "passport"), "users", "phone", "unknown target type"),
        (_duplicate, "users", "email", "duplicate field"),
        (_reference("people.account_id"), "addresses", "account_id", "missing collection"),
        (_reference("users.nope"), "addresses", "account_id", "missing field 'users.nope'"),
        (_reference("users.account_id", "crm"), "addresses", "account_id", "unknown reference"),
        (_reference("users"), "addresses", "account_id", "malformed reference"),
        (_set("shops", "owner_account_id", "references", [{}]), "shops", "owner_account_id", ""),
        (_drop_category, "addresses", "address_id", "no legal category"),
        (
            _set("orders", "created_at", "event_time", "yes"),
            "orders",
            "created_at",
            "true or false",
        ),
        (_set("users", "email", "primary_key", 1), "users", "email", "true or false"),
    ],
)
def test_broken_field_is_named(
    tmp_path: Path, breakage: Callable[[Raw], None], collection: str, field: str, problem: str
) -> None:
    """Each refusal names the file, the collection and the field, and says what is wrong."""
    raw = _raw()
    breakage(raw)
    path = _write(tmp_path, raw)
    with pytest.raises(DataMapError) as caught:
        load_datamap(path)
    error = caught.value
    assert isinstance(error, LawgateError)
    assert (error.path, error.collection, error.field_name) == (path, collection, field)
    assert str(path) in error.message
    assert f"collection '{collection}', field '{field}'" in error.message
    assert problem in error.message
    assert error.field == f"{collection}.{field}"


def test_no_identity_anywhere_is_refused(tmp_path: Path) -> None:
    """A dataset in which no field finds rows can resolve no target."""
    raw = _raw()
    for collection in raw["dataset"][0]["collections"]:
        for spec in collection["fields"]:
            spec.get("fides_meta", {}).pop("identity", None)
    path = _write(tmp_path, raw)
    with pytest.raises(DataMapError, match="no identity field") as caught:
        load_datamap(path)
    assert caught.value.path == path and str(path) in caught.value.message


@pytest.mark.parametrize(
    "text", ["dataset: [ {name: x", "just a string", "dataset: {}", "dataset: [{}, {}]"]
)
def test_malformed_files_are_refused(tmp_path: Path, text: str) -> None:
    """Broken YAML and wrong shapes are refused with the file's name, never half-read."""
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataMapError) as caught:
        load_datamap(path)
    assert str(path) in caught.value.message


def test_duplicate_collection_is_refused(tmp_path: Path) -> None:
    """Two descriptions of one table would make the legal category ambiguous."""
    raw = _raw()
    collections = raw["dataset"][0]["collections"]
    collections.append(copy.deepcopy(collections[1]))
    with pytest.raises(DataMapError, match="collection 'addresses': duplicate collection"):
        load_datamap(_write(tmp_path, raw))


@pytest.mark.parametrize(
    ("collection", "field", "expected"),
    [
        ("users", "email", LegalCategory.SUBSCRIBER),
        ("users", "created_ip", LegalCategory.SUBSCRIBER),
        ("logins", "ip_address", LegalCategory.IDENTIFICATION),
        ("logins", "device", LegalCategory.IDENTIFICATION),
        ("messages", "body", LegalCategory.CONTENT),
        ("listings", "title", LegalCategory.PUBLIC),
        ("orders", "amount_cents", LegalCategory.TRAFFIC),
        ("payments", "card_masked", LegalCategory.SUBSCRIBER),
    ],
)
def test_category_inferred_when_absent(
    tmp_path: Path, collection: str, field: str, expected: LegalCategory
) -> None:
    """Without legal_category the fideslang data categories decide, as the docstring says."""
    raw = _raw()
    del _field(raw, collection, field)["fides_meta"]["legal_category"]
    loaded = load_datamap(_write(tmp_path, raw))
    found = loaded.collection(collection)
    assert found is not None
    described = found.field(field)
    assert described is not None and described.legal_category is expected


def test_mixed_data_categories_take_the_most_protected(tmp_path: Path) -> None:
    """A column holding contact data and private content is treated as content."""
    raw = _raw()
    spec = _field(raw, "users", "full_name")
    del spec["fides_meta"]["legal_category"]
    spec["data_categories"] = ["user.name", "user.content.private"]
    users = load_datamap(_write(tmp_path, raw)).collection("users")
    assert users is not None
    full_name = users.field("full_name")
    assert full_name is not None and full_name.legal_category is LegalCategory.CONTENT


def test_two_event_times_in_one_collection_are_refused(tmp_path: Path) -> None:
    """A date range must filter on one field; two candidates is a mistake, not a choice."""
    raw = _raw()
    _field(raw, "orders", "order_id")["fides_meta"]["event_time"] = True
    with pytest.raises(DataMapError, match="several fields are marked event_time") as caught:
        load_datamap(_write(tmp_path, raw))
    assert caught.value.collection == "orders"
