"""`lawgate keys`: one platform key, made once; its allowed_signers line works with ssh-keygen."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from lawgate.production.keys import ensure_platform_key, platform_key_path
from lawgate.production.signing import sign

LAWGATE = str(Path(sys.executable).with_name("lawgate"))


def keys(home: Path) -> subprocess.CompletedProcess[str]:
    """Run `lawgate keys` with a data directory of its own."""
    env = {**os.environ, "LAWGATE_HOME": str(home), "COLUMNS": "400"}
    return subprocess.run(
        [LAWGATE, "keys"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_keys_are_created_once_and_verify_with_ssh_keygen(tmp_path: Path) -> None:
    first = keys(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stderr
    second = keys(tmp_path)
    assert "using" in second.stderr
    assert first.stdout == second.stdout, "the key must never be replaced"
    path = platform_key_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    line = next(x for x in first.stdout.splitlines() if x.startswith("platform@lawgate "))
    (tmp_path / "allowed_signers").write_text(line + "\n")
    key, created = ensure_platform_key(tmp_path)
    assert not created
    data = b'{"manifest": true}\n'
    (tmp_path / "manifest.json.sig").write_text(sign(data, key))
    verified = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            str(tmp_path / "allowed_signers"),
            "-I",
            "platform@lawgate",
            "-n",
            "lawgate-production",
            "-s",
            str(tmp_path / "manifest.json.sig"),
        ],
        input=data,
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
