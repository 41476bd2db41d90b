"""Loading the Cedar packs: validated against the schema, annotated, and parsed once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cedarpy
import yaml

from lawgate.domain import ReasonCode
from lawgate.errors import ConfigError

HERE = Path(__file__).parent
PACK_DIR = HERE / "packs"
SCHEMA_FILE = HERE / "schema.cedarschema"
CITATIONS_FILE = HERE / "citations.yml"
PACK_NAMES = ("baseline", "us", "eu", "gb", "cn", "rest_of_world")


class PackError(ConfigError):
    """A pack, the schema or the citations file is wrong; the message names the file."""


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
    citations: dict[str, str]


def load_citations(path: Path = CITATIONS_FILE) -> dict[str, str]:
    """Citation texts by key, from the one file counsel edits."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise PackError(f"{path}: must map citation keys to citation texts")
    return {str(k): v for k, v in data.items()}


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


def _rule(path: Path, pack: str, policy: dict[str, Any], citations: dict[str, str]) -> Rule:
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
        raise PackError(f"{path}: {rule_id}: @citation {key!r} is not in {CITATIONS_FILE.name}")
    if explained and not notes.get("message"):
        raise PackError(f"{path}: {rule_id}: needs a @message for the reviewer")
    return Rule(
        id=rule_id,
        pack=pack,
        effect=policy["effect"],
        reason=ReasonCode(reason_text) if explained and reason_text else None,
        citation_key=key,
        citation=citations.get(key, ""),
        message=notes.get("message", ""),
    )


def _escalates(policy: dict[str, Any]) -> bool:
    """True for a permit on the escalate action."""
    action = policy.get("action", {})
    entity = action.get("entity", {}) if isinstance(action, dict) else {}
    return bool(policy["effect"] == "permit" and entity.get("id") == "escalate")


def load_packs(
    pack_dir: Path = PACK_DIR,
    schema_file: Path = SCHEMA_FILE,
    citations_file: Path = CITATIONS_FILE,
) -> Packs:
    """Validate and parse every pack; any typo fails here, naming its file."""
    schema_text = schema_file.read_text(encoding="utf-8")
    citations = load_citations(citations_file)
    merged: dict[str, Any] = {}
    rules: dict[str, Rule] = {}
    for name in PACK_NAMES:
        path = pack_dir / f"{name}.cedar"
        if not path.exists():
            raise PackError(f"{path}: the {name} pack is missing")
        text = path.read_text(encoding="utf-8")
        _validate(path, text, schema_text)
        for policy in _to_json(path, text).values():
            rule = _rule(path, name, policy, citations)
            if rule.id in rules:
                raise PackError(f"{path}: @id {rule.id!r} is used twice")
            rules[rule.id] = rule
            merged[rule.id] = policy
    unused = set(citations) - {r.citation_key for r in rules.values()}
    if unused:
        raise PackError(f"{citations_file}: keys used by no rule: {', '.join(sorted(unused))}")
    body = json.dumps({"staticPolicies": merged, "templates": {}, "templateLinks": []})
    return Packs(
        cedarpy.PolicySet.from_json_str(body),
        cedarpy.Schema.from_str(schema_text),
        rules,
        citations,
    )


@cache
def default_packs() -> Packs:
    """The shipped packs, parsed once per process."""
    return load_packs()
