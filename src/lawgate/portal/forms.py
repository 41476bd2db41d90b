"""The new-request form: turn its fields into the spec's Request and its errors into field notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from lawgate.domain import PRESERVATION_KINDS, Agency, Request, RequestKind
from lawgate.errors import describe
from lawgate.portal.accounts import OfficerAccount
from lawgate.portal.documents import Document

TEXT_FIELDS = (
    "kind",
    "purpose",
    "case_reference",
    "officer.title",
    "officer.phone",
    "offence.description",
    "offence.statute",
    "offence.max_custodial_years",
    "offence.listed_offence",
    "offence.dual_criminality",
    "legal_process.type",
    "legal_process.issuer_role",
    "legal_process.issuer_name",
    "legal_process.issued_on",
    "legal_process.expires_on",
    "legal_process.validated_by.role",
    "legal_process.validated_by.on",
    "legal_process.document_sha256",
    "targets",
    "date_range.from",
    "date_range.to",
    "non_disclosure.until",
    "non_disclosure.basis",
    "emergency.threat",
    "emergency.harm",
    "preservation.days",
    "preservation_ref",
)
"""Every text input of the form, named by its path in the request."""
DOCUMENT_FIELD = "legal_process.document"
GENERAL = "_form"
DEFAULTS = {"kind": RequestKind.PRODUCTION.value, "purpose": "criminal_investigation"}
TRI_STATE = {"": None, "yes": True, "no": False}


@dataclass
class Entered:
    """What the officer typed, kept to fill the form again after an error."""

    values: dict[str, str]
    categories: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        """One field, stripped; blank when absent."""
        return self.values.get(name, "").strip()


class InvalidFormError(Exception):
    """Problems with the form, by input name; GENERAL holds those that fit no input."""

    def __init__(self) -> None:
        super().__init__("the form has errors")
        self.by_field: dict[str, list[str]] = {}
        self.status = 422

    def add(self, name: str, message: str) -> None:
        """Attach one more message to an input."""
        self.by_field.setdefault(name, []).append(message)


def blank_form() -> Entered:
    """A new form with the usual kind and purpose chosen."""
    return Entered(dict(DEFAULTS))


def entered(values: Mapping[str, str], categories: Iterable[str]) -> Entered:
    """Keep only the form's own inputs, so a crafted post cannot add fields to the request."""
    kept = {name: values.get(name, "") for name in TEXT_FIELDS}
    return Entered(kept, [c for c in categories if c])


def _or_none(value: str) -> str | None:
    """A blank optional input means 'not given'."""
    return value or None


def _block(form: Entered, prefix: str, names: tuple[str, ...]) -> dict[str, Any] | None:
    """A nested object from inputs named prefix.name, or None when all are blank."""
    block = {name: _or_none(form.get(f"{prefix}.{name}")) for name in names}
    return block if any(v is not None for v in block.values()) else None


def _offence(form: Entered) -> dict[str, Any] | None:
    """The offence block; a yes/no select stands for dual criminality."""
    block = _block(
        form, "offence", ("description", "statute", "max_custodial_years", "listed_offence")
    )
    dual = TRI_STATE.get(form.get("offence.dual_criminality"))
    if block is None and dual is None:
        return None
    block = block or {}
    block["dual_criminality"] = dual
    block["statute"] = block.get("statute") or ""
    return block


def _legal_process(form: Entered, document: Document | None) -> dict[str, Any]:
    """The legal-process block; a blank stated hash takes the uploaded file's."""
    stated = form.get("legal_process.document_sha256").lower() or None
    return {
        "type": _or_none(form.get("legal_process.type")),
        "issuer_role": _or_none(form.get("legal_process.issuer_role")),
        "issuer_name": form.get("legal_process.issuer_name"),
        "issued_on": _or_none(form.get("legal_process.issued_on")),
        "expires_on": _or_none(form.get("legal_process.expires_on")),
        "validated_by": _block(form, "legal_process.validated_by", ("role", "on")),
        "document_sha256": stated or (document.sha256 if document else None),
        "document_name": document.name if document else None,
    }


def _target(kind: str, value: str) -> dict[str, Any]:
    """One target; an IP address carries its moment after a space ('ADDRESS at TIME')."""
    if kind != "ip_address":
        return {"type": kind, "value": value}
    address, _, at = value.partition(" ")
    return {"type": kind, "value": address, "at": _or_none(at.strip().removeprefix("at ").strip())}


def parse_targets(text: str, problems: InvalidFormError) -> tuple[list[dict[str, Any]], list[int]]:
    """Targets from 'type:value' lines, with the line each came from; bad lines go to problems."""
    targets: list[dict[str, Any]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        kind, colon, value = line.strip().partition(":")
        if not line.strip():
            continue
        if not colon or not value.strip():
            problems.add(
                "targets", f"line {number}: write type:value, e.g. email:seller@example.com"
            )
            continue
        targets.append(_target(kind.strip(), value.strip()))
        lines.append(number)
    return targets, lines


def request_body(
    form: Entered,
    officer: OfficerAccount,
    agency: Agency,
    document: Document | None,
    problems: InvalidFormError,
) -> tuple[dict[str, Any], list[int]]:
    """The request as the spec's JSON; the officer block and country come from the account."""
    kind = form.get("kind") or None
    targets, lines = parse_targets(form.values.get("targets", ""), problems)
    body: dict[str, Any] = {
        "kind": kind,
        "agency_id": agency.id,
        "officer": {
            "name": officer.name,
            "email": officer.email,
            "title": form.get("officer.title"),
            "phone": form.get("officer.phone"),
        },
        "country": agency.country,
        "purpose": _or_none(form.get("purpose")),
        "offence": _offence(form),
        "case_reference": _or_none(form.get("case_reference")),
        "legal_process": _legal_process(form, document),
        "targets": targets,
        "categories": form.categories,
        "date_range": _block(form, "date_range", ("from", "to")),
        "non_disclosure": _block(form, "non_disclosure", ("until", "basis")),
        "emergency": None,
        "preservation": None,
        "preservation_ref": _or_none(form.get("preservation_ref")),
    }
    if kind == RequestKind.EMERGENCY_DISCLOSURE:
        body["emergency"] = _block(form, "emergency", ("threat", "harm"))
    if kind in {k.value for k in PRESERVATION_KINDS}:
        body["preservation"] = _block(form, "preservation", ("days",))
    if body["non_disclosure"] is not None:
        body["non_disclosure"]["basis"] = body["non_disclosure"]["basis"] or ""
    return _pruned(body), lines


def _pruned(value: Any) -> Any:
    """Drop blank values: every optional field defaults to None, and a required one is 'missing'."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def input_for(path: str, lines: list[int]) -> tuple[str, str]:
    """The input an error path belongs to, and a prefix naming the target line if any."""
    if path.startswith("targets["):
        index = int(path[len("targets[") : path.index("]")])
        return "targets", f"line {lines[index]}: " if index < len(lines) else ""
    if path in TEXT_FIELDS or path in {"categories", DOCUMENT_FIELD}:
        return path, ""
    children = [name for name in TEXT_FIELDS if name.startswith(path + ".")]
    if children:
        return children[0], ""
    while "." in path:
        path = path.rsplit(".", 1)[0]
        if path in TEXT_FIELDS:
            return path, ""
    return GENERAL, ""


def add_validation_errors(
    problems: InvalidFormError, exc: ValidationError, lines: list[int]
) -> None:
    """Pydantic's errors, each placed next to the input it is about."""
    for error in exc.errors():
        described = describe(error)
        name, prefix = input_for(described["field"], lines)
        note = described["message"]
        if name == GENERAL:
            note = f"{described['field']}: {note}"
        problems.add(name, prefix + note)


def validate(
    form: Entered,
    officer: OfficerAccount,
    agency: Agency,
    document: Document | None,
    problems: InvalidFormError,
) -> Request:
    """The request the form describes, or InvalidFormError naming every input that is wrong."""
    body, lines = request_body(form, officer, agency, document, problems)
    request: Request | None = None
    try:
        request = Request.model_validate(body)
    except ValidationError as exc:
        add_validation_errors(problems, exc, lines)
    if problems.by_field or request is None:
        raise problems
    return request
