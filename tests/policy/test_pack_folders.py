"""Packs are folders: a country is added as a folder, and a broken folder is named on load."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from lawgate.domain import Agency, Request, Verification
from lawgate.policy import engine
from lawgate.policy.catalog import PackError, load_catalog
from lawgate.policy.facts import PolicyInput
from lawgate.policy.packs import PACKS_DIR, Packs, load_packs
from tests.factories import request_body

TODAY = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
BR_POLICE = {
    "id": "br-pf",
    "name": "Polícia Federal",
    "country": "BR",
    "kind": "police",
    "domains": ["pf.gov.br"],
}
BR_PACK = {
    "pack.yml": """\
title: Brazil (Marco Civil da Internet)
countries: [BR]
deadlines:
  response_days: 5
  emergency_response_hours: 4
""",
    "pack.cedar": """\
@id("br.content.judicial_order")
@reason("issuer_not_competent")
@citation("br.marco_civil")
@message("Private communications are disclosed only on the order of a judge or court.")
forbid (principal, action == Action::"disclose", resource == Category::"content")
when { context.jurisdiction == "br" && !(["judge", "court"].contains(context.issuer)) };
""",
    "citations.yml": """\
br.marco_civil:
  text: "Lei 12.965/2014 (Marco Civil da Internet), Art. 10 §2"
  url: https://www.planalto.gov.br/ccivil_03/_ato2011-2014/2014/lei/l12965.htm
  quote: "somente poderá ser disponibilizado mediante ordem judicial"
""",
}


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped pack folders."""
    shutil.copytree(PACKS_DIR, tmp_path / "packs")
    return tmp_path / "packs"


def add_pack(root: Path, name: str, files: dict[str, str]) -> Path:
    """Write a pack folder of the given files."""
    folder = root / name
    folder.mkdir()
    for file_name, text in files.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    return folder


def explain_br(packs: Packs | None, issuer: str) -> engine.Explanation:
    """The sample warrant (subscriber, traffic, content), sent by Brazil's federal police."""
    body = request_body(
        agency_id=BR_POLICE["id"],
        country="BR",
        officer={"name": "O", "email": "o@pf.gov.br"},
        non_disclosure=None,
    )
    body["legal_process"] = {**body["legal_process"], "issuer_role": issuer}
    source = PolicyInput(
        Agency.model_validate(BR_POLICE),
        Request.model_validate(body),
        Verification(requester="verified"),
        TODAY,
    )
    return engine.explain(source, packs=packs)


def refused_by(explanation: engine.Explanation) -> dict[str, set[str]]:
    """Each refused category, with the rules that refused it."""
    return {
        c.value: {f.rule.id for f in explanation.denials if c in f.categories}
        for c, verdict in explanation.decision.categories.items()
        if verdict.value == "deny"
    }


def test_a_new_country_is_a_new_folder(packs_dir: Path) -> None:
    shipped = explain_br(None, "judge")
    assert shipped.context["jurisdiction"] == "rest_of_world"
    assert refused_by(shipped) == {"content": {"row.content.mlat"}}

    add_pack(packs_dir, "br", BR_PACK)
    packs = load_packs(packs_dir)
    assert packs.catalog.pack_of("BR") == "br"
    by_judge = explain_br(packs, "judge")
    assert by_judge.context["jurisdiction"] == "br"
    assert by_judge.decision.outcome.value == "approve"
    assert by_judge.decision.deadline == TODAY + dt.timedelta(days=5)  # br/pack.yml
    by_prosecutor = explain_br(packs, "prosecutor")
    assert refused_by(by_prosecutor) == {"content": {"br.content.judicial_order"}}
    (reason,) = by_prosecutor.decision.reasons
    assert reason.citation == "Lei 12.965/2014 (Marco Civil da Internet), Art. 10 §2"
    assert packs.citations["br.marco_civil"].url.startswith("https://www.planalto.gov.br/")


def test_a_new_pack_without_numbers_takes_the_company_defaults(packs_dir: Path) -> None:
    add_pack(packs_dir, "br", {**BR_PACK, "pack.yml": "title: Brazil\ncountries: [BR]\n"})
    packs = load_packs(packs_dir)
    assert explain_br(packs, "judge").decision.deadline == TODAY + dt.timedelta(days=10)
    assert explain_br(packs, "judge").context["preservation_limit_days"] == 90


def test_a_new_pack_brings_its_political_statutes(packs_dir: Path) -> None:
    pack_yml = BR_PACK["pack.yml"] + (
        "political_codes:\n"
        "  example-code:\n"
        "    adjectives: [example]\n    codes: [penal code]\n    places: [exampleland]\n"
        "political_statutes:\n"
        "  - id: br-example-code-999\n    code: example-code\n"
        "    description: A test entry, not a real offence\n"
    )
    add_pack(packs_dir, "br", {**BR_PACK, "pack.yml": pack_yml})
    catalog = load_catalog(packs_dir)
    (entry,) = [s for s in catalog.political_statutes if s.country == "BR"]
    assert entry.articles == ["999"]
    assert entry.code_names[:2] == ["example penal code", "penal code of exampleland"]


def test_hidden_and_private_folders_are_not_packs(packs_dir: Path) -> None:
    (packs_dir / ".cache").mkdir()
    (packs_dir / "__pycache__").mkdir()
    (packs_dir / "README.md").write_text("notes\n")
    assert list(load_catalog(packs_dir).packs) == list(load_catalog().packs)


def replace(path: Path, old: str, new: str) -> None:
    """Replace text in a pack file, insisting it is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def no_pack_cedar(root: Path) -> None:
    (root / "gb" / "pack.cedar").unlink()


def no_pack_yml(root: Path) -> None:
    (root / "gb" / "pack.yml").unlink()


def bad_yaml(root: Path) -> None:
    (root / "gb" / "pack.yml").write_text("title: GB\ncountries: [GB\n")


def unknown_key(root: Path) -> None:
    with (root / "gb" / "pack.yml").open("a") as handle:
        handle.write("deadline_days: 3\n")


def unknown_nested_key(root: Path) -> None:
    replace(root / "eu" / "pack.yml", "    hours: 48\n", "    hourz: 48\n")


def claimed_twice(root: Path) -> None:
    replace(root / "us" / "pack.yml", "countries: [US]", "countries: [US, GB]")


def lower_case_country(root: Path) -> None:
    replace(root / "gb" / "pack.yml", "countries: [GB]", "countries: [gb]")


def three_letter_country(root: Path) -> None:
    replace(root / "gb" / "pack.yml", "countries: [GB]", "countries: [GBR]")


def norway_unquoted(root: Path) -> None:
    replace(root / "gb" / "pack.yml", "countries: [GB]", "countries: [GB, NO]")


def no_unclaimed_pack(root: Path) -> None:
    shutil.rmtree(root / "rest_of_world")


def two_company_packs(root: Path) -> None:
    replace(root / "gb" / "pack.yml", "countries: [GB]", "countries: all")


def bad_folder_name(root: Path) -> None:
    (root / "gb").rename(root / "Great-Britain")


def statute_of_another_pack(root: Path) -> None:
    replace(root / "rest_of_world" / "pack.yml", "id: tr-penal-code-299", "id: gb-penal-code-299")


def unknown_political_code(root: Path) -> None:
    replace(root / "cn" / "pack.yml", "    code: prc-criminal-law\n", "    code: prc-law\n")


def no_company_deadlines(root: Path) -> None:
    text = (root / "baseline" / "pack.yml").read_text()
    (root / "baseline" / "pack.yml").write_text(text[: text.index("deadlines:")])


@pytest.mark.parametrize(
    ("break_it", "file", "says"),
    [
        (no_pack_cedar, "gb", "pack.cedar is missing"),
        (no_pack_yml, "gb", "pack.yml is missing"),
        (bad_yaml, "gb/pack.yml", "cannot be read"),
        (unknown_key, "gb/pack.yml", "unknown key 'deadline_days'"),
        (unknown_nested_key, "eu/pack.yml", "unknown key 'time_limits.emergency_validation.hourz'"),
        (claimed_twice, "us/pack.yml", "country GB is also claimed by .*/gb/pack.yml"),
        (lower_case_country, "gb/pack.yml", "'gb' is not a country code of two upper-case letters"),
        (three_letter_country, "gb/pack.yml", "'GBR' is not a country code"),
        (norway_unquoted, "gb/pack.yml", "quote it, as in 'NO' for Norway"),
        (no_unclaimed_pack, ".", "exactly one pack needs `countries: unclaimed`"),
        (two_company_packs, ".", r"one pack needs `countries: all` \(found: baseline, gb\)"),
        (bad_folder_name, "Great-Britain", "folder name is lower-case letters, digits and _"),
        (statute_of_another_pack, "rest_of_world/pack.yml", "GB, which the rest_of_world pack"),
        (unknown_political_code, "cn/pack.yml", "no political_codes entry 'prc-law'"),
        (no_company_deadlines, "baseline/pack.yml", "needs deadlines and preservation"),
    ],
)
def test_a_broken_folder_is_named_with_its_problem(
    packs_dir: Path, break_it: Any, file: str, says: str
) -> None:
    break_it(packs_dir)
    with pytest.raises(PackError, match=says) as caught:
        load_packs(packs_dir)
    assert str(packs_dir / file) in str(caught.value)


def test_a_missing_packs_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="the packs folder is missing"):
        load_catalog(tmp_path / "nowhere")
