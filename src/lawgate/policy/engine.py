"""Evaluation: one Cedar batch per request, assembled into the decision of the spec."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cedarpy

from lawgate.domain import (
    PRESERVATION_KINDS,
    Agency,
    Category,
    Decision,
    Outcome,
    Reason,
    Verdict,
)
from lawgate.errors import LawgateError
from lawgate.policy import facts
from lawgate.policy.config import PolicyConfig
from lawgate.policy.deadlines import deadline_for
from lawgate.policy.findings import findings
from lawgate.policy.packs import Packs, Rule, default_packs

DEFAULT_CONFIG = PolicyConfig()


class PolicyEvaluationError(LawgateError):
    """Cedar could not evaluate a rule; nothing may be decided automatically."""


@dataclass(frozen=True)
class Fired:
    """A rule that fired on some categories."""

    rule: Rule
    categories: list[Category] = field(default_factory=list)


@dataclass(frozen=True)
class Explanation:
    """A decision with the evidence behind it, for `policy explain` and the console."""

    decision: Decision
    denials: list[Fired]
    escalations: list[Fired]
    context: dict[str, Any]
    held: list[Fired] = field(default_factory=list)
    """Every escalation that fired, also on categories the policy refuses: only senior counsel
    may release any of them (a reviewer's departure included)."""


def _cedar_request(
    agency_id: str, action: str, category: Category, ctx: dict[str, Any]
) -> dict[str, Any]:
    """One Cedar request: may this agency have `action` on this category?"""
    return {
        "principal": f'Agency::"{agency_id}"',
        "action": f'Action::"{action}"',
        "resource": f'Category::"{category.value}"',
        "context": ctx,
    }


def _fired(
    results: list[Any], categories: list[Category], packs: Packs, wanted: bool
) -> list[Fired]:
    """Group the rules behind each result (deny reasons, or escalate permits) by rule."""
    by_rule: dict[str, Fired] = {}
    for category, result in zip(categories, results, strict=True):
        if bool(result.allowed) is not wanted:
            continue
        for policy_id in sorted(result.diagnostics.reasons):
            rule = packs.rules[policy_id]
            if rule.reason is None:
                continue
            by_rule.setdefault(rule.id, Fired(rule)).categories.append(category)
    return list(by_rule.values())


def _entities(agency: Agency) -> cedarpy.Entities:
    """The agency as pre-parsed Cedar entities, reused across its requests."""
    return _parsed_entities(json.dumps([facts.principal(agency)], sort_keys=True))


@lru_cache(maxsize=1024)
def _parsed_entities(entities_json: str) -> cedarpy.Entities:
    """Parse entities once per distinct agency record."""
    return cedarpy.Entities.from_json_str(entities_json)


def _check(results: list[Any]) -> None:
    """Fail closed: a rule that errored was skipped by Cedar, so no result can be trusted."""
    for result in results:
        if result.diagnostics.errors:
            raise PolicyEvaluationError(f"policy evaluation failed: {result.diagnostics.errors}")


def explain(
    source: facts.PolicyInput, config: PolicyConfig | None = None, packs: Packs | None = None
) -> Explanation:
    """Decide a request per category and say why."""
    config = config or DEFAULT_CONFIG
    packs = packs or default_packs()
    request = source.request
    ctx = facts.context(source, config, packs.catalog)
    action = "preserve" if request.kind in PRESERVATION_KINDS else "disclose"
    categories = list(request.categories)
    batch = [_cedar_request(source.agency.id, action, c, ctx) for c in categories]
    batch += [_cedar_request(source.agency.id, "escalate", c, ctx) for c in categories]
    results = cedarpy.is_authorized_batch(
        batch, packs.policy_set, _entities(source.agency), packs.schema
    )
    _check(results)
    decided, escalated = results[: len(categories)], results[len(categories) :]
    verdicts = {
        c: Verdict.ALLOW if r.allowed else Verdict.DENY
        for c, r in zip(categories, decided, strict=True)
    }
    denials = _fired(decided, categories, packs, wanted=False)
    allowed = [c for c in categories if verdicts[c] is Verdict.ALLOW]
    held = _fired(escalated, categories, packs, wanted=True)
    escalations = [f for f in held if any(c in allowed for c in f.categories)]
    decision = Decision(
        outcome=_outcome(verdicts, escalations),
        categories=verdicts,
        reasons=_reasons(denials) + _reasons(escalations),
        findings=findings(source.agency, request),
        deadline=deadline_for(request, source.as_of, config, packs.catalog),
    )
    return Explanation(decision, denials, escalations, ctx, held)


def evaluate(
    source: facts.PolicyInput, config: PolicyConfig | None = None, packs: Packs | None = None
) -> Decision:
    """The recommendation for a request."""
    return explain(source, config, packs).decision


def _outcome(verdicts: dict[Category, Verdict], escalations: list[Fired]) -> Outcome:
    """The spec's precedence: reject, then escalate, then approve or partial."""
    allowed = [c for c, v in verdicts.items() if v is Verdict.ALLOW]
    if not allowed:
        return Outcome.REJECT
    if escalations:
        return Outcome.ESCALATE
    return Outcome.APPROVE if len(allowed) == len(verdicts) else Outcome.PARTIAL


def _reasons(fired: list[Fired]) -> list[Reason]:
    """One reason per rule and category it fired on."""
    return [
        Reason(
            code=item.rule.reason,
            category=category,
            rule=item.rule.id,
            citation=item.rule.citation,
            message=item.rule.message,
        )
        for item in fired
        if item.rule.reason is not None
        for category in item.categories
    ]
