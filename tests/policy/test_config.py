"""The policy file: defaults when absent; every wrong value is an error naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawgate.errors import ConfigError
from lawgate.policy.config import PolicyConfig, load_policy_config


def test_no_file_means_the_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAWGATE_POLICY_FILE", raising=False)
    config = load_policy_config()
    assert config == PolicyConfig()
    assert (config.max_targets, config.max_targets_emergency) == (50, 5)
    assert (config.preservation_days.eu, config.extension_days.eu) == (60, 30)
    assert any("293" in s.articles for s in config.political_statutes)


def test_a_file_overrides_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "policy.yml"
    path.write_text("max_targets: 20\npreservation_days: {us: 60, eu: 60, other: 45}\n")
    config = load_policy_config(path)
    assert config.max_targets == 20
    assert config.preservation_days.for_jurisdiction("rest_of_world") == 45
    assert config.max_span_days == 730


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("max_targets: 0\n", "max_targets"),
        ("max_targets: many\n", "max_targets"),
        ("preservation_days: {us: 90, eu: 60}\n", "preservation_days.other"),
        ("deadline_dayz: 3\n", "deadline_dayz"),
        ("political_statutes: [{id: x}]\n", "political_statutes.0"),
        ("- just\n- a list\n", "mapping"),
        ("max_targets: [unclosed\n", "cannot be read"),
    ],
)
def test_a_wrong_value_names_its_key(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "policy.yml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=named) as caught:
        load_policy_config(path)
    assert str(path) in caught.value.message


def test_the_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAWGATE_POLICY_FILE", str(tmp_path / "missing.yml"))
    with pytest.raises(ConfigError, match="LAWGATE_POLICY_FILE"):
        load_policy_config()
