"""`lawgate policy`: decide a case file offline, for machines (evaluate) and people (explain)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lawgate.domain import Verdict
from lawgate.errors import LawgateError
from lawgate.policy import engine
from lawgate.policy.casefile import read_case
from lawgate.policy.config import load_policy_config
from lawgate.policy.packs import load_packs

app = typer.Typer(help="Decide requests by the policy packs, offline (no database, no network).")
out = Console()
err = Console(stderr=True)
CaseArg = Annotated[Path, typer.Argument(help="A policy case file (spec: conformance cases)")]


def _explained(path: Path) -> engine.Explanation:
    """Read the case and decide it, turning any problem into a message and exit code 2."""
    try:
        case = read_case(path)
        return engine.explain(case.policy_input(), load_policy_config(), load_packs())
    except LawgateError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(2) from exc


@app.command()
def evaluate(
    case: CaseArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision object")] = False,
) -> None:
    """Print the decision; exits 0 whatever the outcome."""
    decision = _explained(case).decision
    if as_json:
        sys.stdout.write(decision.model_dump_json(indent=2) + "\n")
        return
    verdicts = ", ".join(f"{c.value} {v.value}" for c, v in decision.categories.items())
    out.print(f"{decision.outcome.value}: {verdicts}")
    for reason in decision.reasons:
        out.print(f"  {reason.code.value} ({reason.category}) [{reason.rule}]")


@app.command()
def explain(case: CaseArg) -> None:
    """The decision for a person: each category, the rules that fired, and their citations."""
    result = _explained(case)
    decision = result.decision
    due = f"{decision.deadline:%Y-%m-%d %H:%M} UTC" if decision.deadline else "none"
    out.print(f"[bold]Outcome: {decision.outcome.value}[/]  (deadline {due})")
    for category, verdict in decision.categories.items():
        colour = "green" if verdict is Verdict.ALLOW else "red"
        out.print(f"\n[bold]{category.value}[/]: [{colour}]{verdict.value}[/]")
        for reason in (r for r in decision.reasons if r.category == category):
            out.print(f"  • {reason.message}")
            out.print(f"    rule {reason.rule} · {reason.code.value} · {reason.citation}")
        if verdict is Verdict.ALLOW and not any(r.category == category for r in decision.reasons):
            out.print("  • no rule refuses it")
    if decision.findings:
        out.print("\n[bold]Findings[/] (for the reviewer; they do not refuse)")
        for finding in decision.findings:
            out.print(f"  • {finding.code}: {finding.message}")
