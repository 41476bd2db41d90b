"""Packs: validated against the schema at load; a typo, a bad reason or citation names its file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lawgate.domain import ReasonCode
from lawgate.policy import engine
from lawgate.policy.casefile import read_case
from lawgate.policy.packs import (
    CITATIONS_FILE,
    PACK_DIR,
    PACK_NAMES,
    SCHEMA_FILE,
    PackError,
    Packs,
    load_packs,
)
from tests.conftest import corpus_files


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A private copy of the packs, schema and citations to break."""
    shutil.copytree(PACK_DIR, tmp_path / "packs")
    shutil.copy(SCHEMA_FILE, tmp_path / "schema.cedarschema")
    shutil.copy(CITATIONS_FILE, tmp_path / "citations.yml")
    return tmp_path


def load_copy(root: Path) -> Packs:
    """Load packs from a copy."""
    return load_packs(root / "packs", root / "schema.cedarschema", root / "citations.yml")


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of a string in a file, insisting it is there."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_packs_load_with_every_rule_explained() -> None:
    packs = load_packs()
    assert {rule.pack for rule in packs.rules.values()} == set(PACK_NAMES)
    for rule in packs.rules.values():
        if rule.effect == "forbid":
            assert rule.reason in set(ReasonCode)
            assert rule.citation == packs.citations[rule.citation_key]
            assert rule.message


@pytest.mark.parametrize(
    ("pack", "old", "new", "says"),
    [
        ("us", "context.instrument", "context.instrumnt", "us.cedar"),
        ("eu", '@reason("issuer_not_competent")', '@reason("not_competent")', "not a reason code"),
        ("gb", '@citation("gb.copoa")', '@citation("gb.copa")', "not in citations.yml"),
        ("cn", '@id("cn.issuer")', '@id("cn.instrument")', "used twice"),
        ("baseline", "forbid (principal", "forbidd (principal", "baseline.cedar"),
    ],
)
def test_a_broken_pack_fails_loudly_naming_the_file(
    pack_copy: Path, pack: str, old: str, new: str, says: str
) -> None:
    edit(pack_copy / "packs" / f"{pack}.cedar", old, new)
    with pytest.raises(PackError, match=says) as caught:
        load_copy(pack_copy)
    assert f"{pack}.cedar" in str(caught.value)


def test_an_unused_citation_is_reported(pack_copy: Path) -> None:
    with (pack_copy / "citations.yml").open("a") as handle:
        handle.write('forgotten.key: "Some Act, s.1"\n')
    with pytest.raises(PackError, match=r"forgotten\.key"):
        load_copy(pack_copy)


def test_a_missing_pack_is_reported(pack_copy: Path) -> None:
    (pack_copy / "packs" / "gb.cedar").unlink()
    with pytest.raises(PackError, match="gb pack is missing"):
        load_copy(pack_copy)


def test_changing_a_citation_is_an_edit_in_one_file(pack_copy: Path) -> None:
    cases = [p for p in corpus_files() if p.stem == "us-subpoena-content"]
    if not cases:
        pytest.skip("../shared/corpus is absent")
    edit(pack_copy / "citations.yml", "United States v. Warshak", "U.S. v. Warshak (corrected)")
    decision = engine.evaluate(read_case(cases[0]).policy_input(), packs=load_copy(pack_copy))
    assert any("U.S. v. Warshak (corrected)" in r.citation for r in decision.reasons)
