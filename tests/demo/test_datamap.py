"""The Fides dataset of the demo marketplace and its schema cannot drift apart."""

from __future__ import annotations

from collections import Counter

import yaml

from lawgate import datamap
from lawgate.demo import schema

IDENTITIES = {
    "account_id", "email", "phone", "username", "order_id", "listing_id", "payment_reference",
    "ip_address",
}  # fmt: skip
DIRECTIONS = {"from", "to"}


def test_the_file_is_a_fides_dataset() -> None:
    """One dataset with a key, a name, a description and collections (PyYAML, as Fides reads)."""
    raw = yaml.safe_load(datamap.dataset_path("marketplace").read_text(encoding="utf-8"))
    assert list(raw) == ["dataset"]
    (dataset,) = raw["dataset"]
    assert dataset["fides_key"] == "marketplace"
    assert dataset["name"] and dataset["description"]
    for collection in dataset["collections"]:
        assert collection["name"] and collection["description"]
        for field in collection["fields"]:
            assert set(field) <= {"name", "description", "data_categories", "fides_meta"}
            assert field["description"], field["name"]
            assert field["data_categories"], field["name"]


def test_every_column_described_exactly_once() -> None:
    """Each table is a collection and each column a field, once, with nothing extra."""
    fields = list(datamap.shipped().fields())
    described = Counter((f.collection, f.name) for f in fields)
    columns = {(t.name, c.name) for t in schema.TABLES for c in t.columns}
    assert set(described) == columns
    assert all(count == 1 for count in described.values())
    collections = [c.name for c in datamap.shipped().collections]
    assert collections == [t.name for t in schema.TABLES]


def test_legal_categories_are_valid() -> None:
    """Every field has one of the legal categories, and only message bodies are content."""
    categories = datamap.legal_categories()
    assert set(categories.values()) <= set(datamap.LEGAL_CATEGORIES)
    assert [k for k, v in categories.items() if v == "content"] == [("messages", "body")]
    assert {k[1] for k, v in categories.items() if k[0] == "logins"} == {
        c.name for c in schema.logins.columns
    }
    assert set(v for k, v in categories.items() if k[0] == "logins") == {"identification"}
    assert set(v for k, v in categories.items() if k[0] == "listings") == {"public"}


def test_primary_keys_match_the_schema() -> None:
    """fides_meta.primary_key marks exactly the schema's primary key columns."""
    marked = {(f.collection, f.name) for f in datamap.shipped().fields() if f.primary_key}
    keys = {(t.name, c.name) for t in schema.TABLES for c in t.primary_key.columns}
    assert marked == keys


def test_references_name_existing_fields() -> None:
    """Every reference points at a collection.field that exists, in this dataset."""
    fields = list(datamap.shipped().fields())
    known = {(f.collection, f.name) for f in fields}
    references = [(f, r) for f in fields for r in f.references]
    assert len(references) >= 12
    for field, ref in references:
        assert ref.dataset == "marketplace"
        assert (ref.collection, ref.field) in known, (field.name, ref)
        assert ref.direction in DIRECTIONS


def test_identities_are_request_target_types() -> None:
    """Fields that find rows for a target use the request format's target type names."""
    found = {f.identity for f in datamap.shipped().fields() if f.identity}
    assert found == IDENTITIES


def test_identity_fields_are_indexed() -> None:
    """A field that finds rows for a target is a key or the first column of an index."""
    leading = {
        (i.table.name, next(iter(i.columns)).name) for i in schema.INDEXES if i.table is not None
    }
    keys = {(t.name, c.name) for t in schema.TABLES for c in t.primary_key.columns}
    for f in datamap.shipped().fields():
        if f.identity:
            assert (f.collection, f.name) in leading | keys, f


def test_data_categories_are_fideslang_names() -> None:
    """Data categories come from the fideslang taxonomy's user and system branches."""
    allowed = {
        "system.operations", "user.unique_id", "user.account", "user.account.username",
        "user.contact.email", "user.contact.phone_number", "user.name",
        "user.contact.address.street", "user.contact.address.city",
        "user.contact.address.postal_code", "user.contact.address.country",
        "user.device", "user.device.ip_address", "user.content.public", "user.content.private",
        "user.behavior.purchase_history", "user.financial.credit_card", "user.payment",
    }  # fmt: skip
    used = {c for f in datamap.shipped().fields() for c in f.data_categories}
    assert used <= allowed
