"""Packs: validated against the schema at load; a typo, a bad reason or citation names its file."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from lawgate.domain import EU_MEMBER_STATES, ReasonCode
from lawgate.policy import engine
from lawgate.policy.casefile import read_case
from lawgate.policy.facts import jurisdiction
from lawgate.policy.packs import PACKS_DIR, SCHEMA_FILE, PackError, Packs, load_packs
from tests.conftest import corpus_files

OFFICIAL_SITES = (
    "www.law.cornell.edu",
    "eur-lex.europa.eu",
    "www.legislation.gov.uk",
    "flk.npc.gov.cn",
    "www.coe.int",
)
"""Where the shipped citations' official texts are published."""


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A private copy of the pack folders and the schema to break."""
    shutil.copytree(PACKS_DIR, tmp_path / "packs")
    shutil.copy(SCHEMA_FILE, tmp_path / "schema.cedarschema")
    return tmp_path


def load_copy(root: Path) -> Packs:
    """Load packs from a copy."""
    return load_packs(root / "packs", root / "schema.cedarschema")


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of a string in a file, insisting it is there."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_packs_load_with_every_rule_explained() -> None:
    packs = load_packs()
    assert list(packs.catalog.packs) == ["baseline", "cn", "eu", "gb", "rest_of_world", "us"]
    assert {rule.pack for rule in packs.rules.values()} == set(packs.catalog.packs)
    for rule in packs.rules.values():
        if rule.effect == "forbid":
            assert rule.reason in set(ReasonCode)
            assert rule.citation == packs.citations[rule.citation_key].text
            assert rule.message


def test_every_shipped_citation_quotes_its_official_source_or_says_why_not() -> None:
    for key, citation in load_packs().citations.items():
        if citation.url is None:
            assert citation.note, key
            continue
        assert urlparse(citation.url).hostname in OFFICIAL_SITES, key
        assert citation.quote and len(citation.quote) <= 150, key


def test_countries_go_to_the_packs_they_always_went_to() -> None:
    """The mapping comes from pack.yml now; it is the one PACK_OF_COUNTRY and the EU list made."""
    assert {c: jurisdiction(c) for c in ("US", "GB", "CN", "IN", "BR", "HU")} == {
        "US": "us",
        "GB": "gb",
        "CN": "cn",
        "IN": "rest_of_world",
        "BR": "rest_of_world",
        "HU": "rest_of_world",
    }
    eu = {c for c, pack in load_packs().catalog.by_country.items() if pack == "eu"}
    assert eu == EU_MEMBER_STATES


@pytest.mark.parametrize(
    ("pack", "old", "new", "says"),
    [
        ("us", "context.instrument", "context.instrumnt", "us/pack.cedar"),
        ("eu", '@reason("issuer_not_competent")', '@reason("not_competent")', "not a reason code"),
        ("gb", '@citation("gb.copoa")', '@citation("gb.copa")', "not in gb/citations.yml"),
        ("cn", '@id("cn.issuer")', '@id("cn.instrument")', "used twice"),
        ("baseline", "forbid (principal", "forbidd (principal", "baseline/pack.cedar"),
    ],
)
def test_a_broken_pack_fails_loudly_naming_the_file(
    pack_copy: Path, pack: str, old: str, new: str, says: str
) -> None:
    edit(pack_copy / "packs" / pack / "pack.cedar", old, new)
    with pytest.raises(PackError, match=says) as caught:
        load_copy(pack_copy)
    assert f"{pack}/pack.cedar" in str(caught.value)


def test_a_rule_cites_only_its_own_packs_citations(pack_copy: Path) -> None:
    edit(pack_copy / "packs" / "gb" / "pack.cedar", '@citation("gb.copoa")', '@citation("us.nsl")')
    with pytest.raises(PackError, match=r"'us\.nsl' is not in gb/citations\.yml"):
        load_copy(pack_copy)


def test_an_unused_citation_is_reported(pack_copy: Path) -> None:
    with (pack_copy / "packs" / "gb" / "citations.yml").open("a") as handle:
        handle.write('forgotten.key: {text: "Some Act, s.1", note: "not yet checked"}\n')
    with pytest.raises(PackError, match=r"gb/citations\.yml: keys used by no rule: forgotten\.key"):
        load_copy(pack_copy)


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ('{text: "Some Act"}', "needs a url and a quote"),
        ('{text: "Some Act", url: "https://example.org/act"}', "url and quote go together"),
        ('{text: "Act", url: "http://example.org", quote: "q"}', "not an https:// address"),
        ('{text: "Act", note: "n", source: "x"}', "unknown key 'source'"),
        ('"just a text"', "gb.copoa"),
    ],
)
def test_a_citation_without_its_source_is_refused(pack_copy: Path, entry: str, says: str) -> None:
    path = pack_copy / "packs" / "gb" / "citations.yml"
    text = path.read_text()
    start = text.index("gb.copoa:")
    path.write_text(text[:start] + f"gb.copoa: {entry}\n")
    with pytest.raises(PackError, match=says) as caught:
        load_copy(pack_copy)
    assert "gb/citations.yml" in str(caught.value)


def test_a_citation_key_belongs_to_one_pack(pack_copy: Path) -> None:
    us = (pack_copy / "packs" / "us" / "citations.yml").read_text()
    with (pack_copy / "packs" / "gb" / "citations.yml").open("a") as handle:
        handle.write(us[us.index("us.nsl:") : us.index("us.fisa:")])
    edit(pack_copy / "packs" / "gb" / "pack.cedar", '@citation("gb.copoa")', '@citation("us.nsl")')
    with pytest.raises(PackError, match=r"also cited by another pack: us\.nsl"):
        load_copy(pack_copy)


def test_changing_a_citation_is_an_edit_in_one_file(pack_copy: Path) -> None:
    cases = [p for p in corpus_files() if p.stem == "us-subpoena-content"]
    if not cases:
        pytest.skip("../shared/corpus is absent")
    path = pack_copy / "packs" / "us" / "citations.yml"
    edit(path, "United States v. Warshak", "U.S. v. Warshak (corrected)")
    decision = engine.evaluate(read_case(cases[0]).policy_input(), packs=load_copy(pack_copy))
    assert any("U.S. v. Warshak (corrected)" in r.citation for r in decision.reasons)
