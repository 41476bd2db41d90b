"""`lawgate package verify` as agencies run it: exit 0 when genuine, 1 naming the failed check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lawgate.production.signing import allowed_signers_line, create_signing_key, load_signing_key

LAWGATE = str(Path(sys.executable).with_name("lawgate"))


def verify(package: Path, identity: Path, signer: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI."""
    command = [
        LAWGATE,
        "package",
        "verify",
        str(package),
        "--identity",
        str(identity),
        "--signer",
        str(signer),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_a_genuine_package_verifies(
    sealed: Path,
    agency: tuple[str, Path],
    signers: Path,
) -> None:
    result = verify(sealed, agency[1], signers)
    assert result.returncode == 0, result.stdout + result.stderr
    for check in ("decrypt", "signature", "manifest", "files", "unlisted", "tables"):
        assert f"ok     {check}" in result.stdout
    assert "genuine and complete" in result.stdout


def test_another_signer_fails_naming_the_signature(
    tmp_path: Path,
    sealed: Path,
    agency: tuple[str, Path],
) -> None:
    create_signing_key(tmp_path / "other")
    other = tmp_path / "other_signers"
    other.write_text(allowed_signers_line("platform@lawgate", load_signing_key(tmp_path / "other")))
    result = verify(sealed, agency[1], other)
    assert result.returncode == 1
    assert "FAILED signature" in result.stdout
    assert "signature" in result.stderr


def test_an_unreadable_identity_is_a_clear_error(
    tmp_path: Path,
    sealed: Path,
    signers: Path,
) -> None:
    result = verify(sealed, tmp_path / "missing-key.txt", signers)
    assert result.returncode == 2
    assert "missing-key.txt" in result.stderr
