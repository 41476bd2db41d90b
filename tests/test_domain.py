"""The wire vocabulary: every corpus request parses; every kind of bad input is named precisely."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from lawgate.domain import Decision, Request
from lawgate.errors import describe
from tests.conftest import corpus_params
from tests.factories import load_case, request_body


def fields_named(exc: ValidationError) -> set[str]:
    """The field paths a validation error names, as the API reports them."""
    return {describe(e)["field"] for e in exc.errors()}


def submodel(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as `Offence | None` or `list[Target]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = submodel(arg)
            if found is not None:
                return found
    return None


def required_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every required field path of a model, nested ones included (lists as [0])."""
    paths: list[str] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        path = f"{prefix}.{key}" if prefix else key
        path_inner = f"{path}[0]" if typing.get_origin(info.annotation) is list else path
        if info.is_required():
            paths.append(path)
        inner = submodel(info.annotation)
        if inner is not None:
            paths.extend(required_paths(inner, path_inner))
    return paths


REQUIRED = required_paths(Request)


def test_the_required_fields_are_the_ones_the_spec_needs() -> None:
    """A sanity check on the enumeration the removal tests rely on."""
    for path in (
        "kind",
        "agency_id",
        "officer",
        "officer.email",
        "legal_process.type",
        "targets",
        "targets[0].type",
        "categories",
        "date_range.from",
        "emergency.harm",
        "preservation.days",
        "offence.description",
    ):
        assert path in REQUIRED


@pytest.mark.parametrize("path", corpus_params())
def test_every_corpus_request_parses(path: Path) -> None:
    request = Request.model_validate(load_case(path)["request"])
    assert request.agency_id == load_case(path)["agency"]["id"]


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("kind", "subpoena_request", "kind"),
        ("purpose", "curiosity", "purpose"),
        ("country", "usa", "country"),
        ("categories", ["subscriber", "location"], "categories[1]"),
        ("targets", [{"type": "imei", "value": "1"}], "targets[0].type"),
        ("targets", [{"type": "email", "value": "x@y.z", "note": "hi"}], "targets[0].note"),
        ("targets", [{"type": "ip_address", "value": "192.0.2.1"}], "targets[0]"),
        (
            "legal_process",
            {**request_body()["legal_process"], "type": "fatwa"},
            "legal_process.type",
        ),
        (
            "legal_process",
            {**request_body()["legal_process"], "issued_on": "yesterday"},
            "legal_process.issued_on",
        ),
        (
            "legal_process",
            {**request_body()["legal_process"], "document_sha256": "9f2c"},
            "legal_process.document_sha256",
        ),
        ("date_range", {"from": "2026-10-31", "to": "2026-01-01"}, "date_range"),
        (
            "offence",
            {**request_body()["offence"], "max_custodial_years": "twenty"},
            "offence.max_custodial_years",
        ),
        ("emergency", {"threat": "x", "harm": "death"}, "emergency"),
        ("preservation", {"days": 90}, "preservation"),
        ("categories", ["subscriber", "subscriber"], "categories"),
        ("surprise", 1, "surprise"),
    ],
)
def test_bad_values_are_refused_naming_the_field(field: str, value: Any, named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Request.model_validate(request_body(**{field: value}))
    assert named in fields_named(caught.value)


def test_a_preservation_extension_needs_its_reference() -> None:
    body = request_body(kind="preservation_extension", preservation={"days": 30})
    with pytest.raises(ValidationError) as caught:
        Request.model_validate(body)
    assert fields_named(caught.value) == {"preservation_ref"}


@pytest.mark.parametrize(
    ("decision", "named"),
    [
        ({"outcome": "approve", "categories": {"subscriber": "deny"}}, "outcome"),
        ({"outcome": "reject", "categories": {"subscriber": "allow"}}, "outcome"),
        ({"outcome": "partial", "categories": {"subscriber": "allow"}}, "outcome"),
        ({"outcome": "escalate", "categories": {"subscriber": "allow"}}, "reasons"),
        (
            {"outcome": "partial", "categories": {"subscriber": "allow", "content": "deny"}},
            "reasons",
        ),
        ({"outcome": "approve", "categories": {"location": "allow"}}, "categories.location"),
    ],
)
def test_decisions_that_contradict_themselves_are_refused(
    decision: dict[str, Any], named: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Decision.model_validate(decision)
    assert any(f.startswith(named) for f in fields_named(caught.value))


def test_an_agency_age_recipient_must_be_an_x25519_recipient() -> None:
    import pyrage  # type: ignore[import-untyped]

    from lawgate.domain import Agency
    from tests.factories import FBI

    recipient = str(pyrage.x25519.Identity.generate().to_public())
    assert Agency.model_validate({**FBI, "age_recipient": recipient}).age_recipient == recipient
    for bad in ("ssh-ed25519 AAAAC3Nza", "age1short", recipient.upper()):
        with pytest.raises(ValidationError) as caught:
            Agency.model_validate({**FBI, "age_recipient": bad})
        assert fields_named(caught.value) == {"age_recipient"}
