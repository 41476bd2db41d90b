"""Loading the Cedar packs, a folder each: validated against the schema, explained, parsed once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Self

import cedarpy
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from lawgate.domain import ReasonCode
from lawgate.policy.catalog import (
    PACKS_DIR,
    Catalog,
    Pack,
    PackError,
    load_catalog,
    problem,
    read_yaml,
)

SCHEMA_FILE = Path(__file__).parent / "schema.cedarschema"

__all__ = ["PACKS_DIR", "SCHEMA_FILE", "Citation", "PackError", "Packs", "Rule", "load_packs"]


class Citation(BaseModel):
    """The law behind a rule: the text shown, the official source and a short quote of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    url: str | None = None
    quote: str | None = None
    note: str | None = None
    """Why there is no source or quote (the company's own rule, or a citation counsel checks)."""

    @model_validator(mode="after")
    def _sourced(self) -> Self:
        """A citation points at its official text and quotes it, or says why it cannot."""
        if (self.url is None) != (self.quote is None):
            raise ValueError("url and quote go together")
        if self.url is None and not self.note:
            raise ValueError("needs a url and a quote of the official source, or a note why not")
        if self.url is not None and not self.url.startswith("https://"):
            raise ValueError(f"url {self.url!r} is not an https:// address")
        return self


@dataclass(frozen=True)
class Rule:
    """One policy as lawyers read it: what it refuses or escalates, why, and under which law."""

    id: str
    pack: str
    effect: str
    reason: ReasonCode | None
    citation_key: str
    citation: str
    message: str


@dataclass(frozen=True)
class Packs:
    """Every pack parsed into one policy set, with the rule behind each policy id."""

    policy_set: cedarpy.PolicySet
    schema: cedarpy.Schema
    rules: dict[str, Rule]
    citations: dict[str, Citation]
    catalog: Catalog


def load_citations(path: Path) -> dict[str, Citation]:
    """A pack's citations by key (none when the pack has no citations.yml)."""
    if not path.exists():
        return {}
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise PackError(f"{path}: must map citation keys to citations")
    return {str(key): _citation(path, str(key), value) for key, value in data.items()}


def _citation(path: Path, key: str, value: Any) -> Citation:
    """One citation checked, an error naming the file and the key."""
    try:
        return Citation.model_validate(value)
    except ValidationError as exc:
        raise PackError(f"{path}: {key}: {problem(exc)}") from exc


def _validate(path: Path, text: str, schema: str) -> None:
    """Type-check one pack against the schema, naming the file on failure."""
    result = cedarpy.validate_policies(text, schema)
    if not result.validation_passed:
        problems = "; ".join(str(e) for e in result.errors)
        raise PackError(f"{path}: does not match the schema: {problems}")


def _to_json(path: Path, text: str) -> dict[str, Any]:
    """The pack's policies as Cedar JSON, with their annotations."""
    try:
        parsed: dict[str, Any] = json.loads(cedarpy.policies_to_json_str(text))
    except ValueError as exc:
        raise PackError(f"{path}: cannot be parsed: {exc}") from exc
    return dict(parsed["staticPolicies"])


def _escalates(policy: dict[str, Any]) -> bool:
    """True for a permit on the escalate action."""
    action = policy.get("action", {})
    entity = action.get("entity", {}) if isinstance(action, dict) else {}
    return bool(policy["effect"] == "permit" and entity.get("id") == "escalate")


def _rule(path: Path, pack: str, policy: dict[str, Any], citations: dict[str, Citation]) -> Rule:
    """Read a policy's annotations, refusing any that a decision could not explain."""
    notes: dict[str, str] = policy.get("annotations", {})
    rule_id = notes.get("id")
    if not rule_id:
        raise PackError(f"{path}: a policy has no @id annotation")
    explained = policy["effect"] == "forbid" or _escalates(policy)
    reason_text = notes.get("reason")
    if explained and (not reason_text or reason_text not in set(ReasonCode)):
        raise PackError(f"{path}: {rule_id}: @reason {reason_text!r} is not a reason code")
    key = notes.get("citation", "")
    if explained and key not in citations:
        where = f"{pack}/citations.yml"
        raise PackError(f"{path}: {rule_id}: @citation {key!r} is not in {where}")
    if explained and not notes.get("message"):
        raise PackError(f"{path}: {rule_id}: needs a @message for the reviewer")
    return Rule(
        id=rule_id,
        pack=pack,
        effect=policy["effect"],
        reason=ReasonCode(reason_text) if explained and reason_text else None,
        citation_key=key,
        citation=citations[key].text if key in citations else "",
        message=notes.get("message", ""),
    )


def _pack_policies(
    pack: Pack, schema_text: str
) -> tuple[list[tuple[Rule, dict[str, Any]]], dict[str, Citation]]:
    """One folder's rules with their Cedar JSON, and its citations, each used by a rule."""
    path = pack.folder / "pack.cedar"
    text = path.read_text(encoding="utf-8")
    _validate(path, text, schema_text)
    citations_file = pack.folder / "citations.yml"
    citations = load_citations(citations_file)
    found = [(_rule(path, pack.name, p, citations), p) for p in _to_json(path, text).values()]
    unused = set(citations) - {rule.citation_key for rule, _ in found}
    if unused:
        raise PackError(f"{citations_file}: keys used by no rule: {', '.join(sorted(unused))}")
    return found, citations


def load_packs(pack_dir: Path = PACKS_DIR, schema_file: Path = SCHEMA_FILE) -> Packs:
    """Every folder of pack_dir checked, validated and parsed; any typo fails here, naming it."""
    catalog = load_catalog(pack_dir)
    schema_text = schema_file.read_text(encoding="utf-8")
    merged: dict[str, Any] = {}
    rules: dict[str, Rule] = {}
    citations: dict[str, Citation] = {}
    for pack in catalog.packs.values():
        found, cited = _pack_policies(pack, schema_text)
        for rule, policy in found:
            if rule.id in rules:
                raise PackError(f"{pack.folder / 'pack.cedar'}: @id {rule.id!r} is used twice")
            rules[rule.id], merged[rule.id] = rule, policy
        twice = sorted(set(cited) & set(citations))
        if twice:
            where = pack.folder / "citations.yml"
            raise PackError(f"{where}: keys also cited by another pack: {', '.join(twice)}")
        citations |= cited
    body = json.dumps({"staticPolicies": merged, "templates": {}, "templateLinks": []})
    return Packs(
        cedarpy.PolicySet.from_json_str(body),
        cedarpy.Schema.from_str(schema_text),
        rules,
        citations,
        catalog,
    )


@cache
def default_packs() -> Packs:
    """The shipped packs, parsed once per process."""
    return load_packs()
