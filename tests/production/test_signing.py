"""SSHSIG signatures must round-trip with the real `ssh-keygen`, which is what agencies run."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from lawgate.production import signing
from lawgate.production.signing import (
    SigningKeyError,
    allowed_signers_line,
    create_signing_key,
    load_signing_key,
    public_key_line,
    sign,
    verify,
)

PRINCIPAL = "platform@lawgate"
DATA = b'{"case": "LG-1", "records": 3}\n'


def ssh_keygen() -> str:
    """The real ssh-keygen, or a failure telling the developer how to get it."""
    found = shutil.which("ssh-keygen")
    if found is None:
        pytest.fail("ssh-keygen is missing; `make test` installs openssh-client")
    return found


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    path = tmp_path / "platform_ed25519"
    create_signing_key(path)
    return path


@pytest.fixture
def key(key_path: Path) -> signing.SigningKey:
    return load_signing_key(key_path)


def ssh_verify(tmp_path: Path, key: signing.SigningKey, data: bytes, sig: str, ns: str) -> int:
    """Run `ssh-keygen -Y verify` exactly as an agency would and return its exit code."""
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(allowed_signers_line(PRINCIPAL, key) + "\n")
    sig_file = tmp_path / "data.sig"
    sig_file.write_text(sig)
    command = [ssh_keygen(), "-Y", "verify", "-f", str(allowed), "-I", PRINCIPAL]
    command += ["-n", ns, "-s", str(sig_file)]
    return subprocess.run(command, input=data, capture_output=True, check=False).returncode


def test_create_writes_private_0600_and_pub(key_path: Path) -> None:
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert key_path.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    pub = key_path.with_name(key_path.name + ".pub").read_text()
    assert pub.startswith("ssh-ed25519 AAAA")
    assert pub.strip() == public_key_line(load_signing_key(key_path))


def test_create_refuses_to_overwrite(key_path: Path) -> None:
    before = key_path.read_bytes()
    with pytest.raises(SigningKeyError, match="refusing to overwrite"):
        create_signing_key(key_path)
    assert key_path.read_bytes() == before


def test_create_refuses_when_only_pub_exists(tmp_path: Path) -> None:
    (tmp_path / "k.pub").write_text("x")
    with pytest.raises(SigningKeyError, match=r"k\.pub"):
        create_signing_key(tmp_path / "k")
    assert not (tmp_path / "k").exists()


def test_load_missing_names_file(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="nope"):
        load_signing_key(tmp_path / "nope")


def test_load_garbage_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad_key"
    bad.write_text("not a key")
    with pytest.raises(SigningKeyError, match="bad_key"):
        load_signing_key(bad)


def test_load_refuses_non_ed25519(tmp_path: Path) -> None:
    ecdsa = tmp_path / "ecdsa_key"
    subprocess.run(
        [ssh_keygen(), "-q", "-t", "ecdsa", "-N", "", "-f", str(ecdsa)], check=True, timeout=60
    )
    with pytest.raises(SigningKeyError, match="not an Ed25519"):
        load_signing_key(ecdsa)


def test_allowed_signers_line(key: signing.SigningKey) -> None:
    line = allowed_signers_line(PRINCIPAL, key)
    assert line.startswith('platform@lawgate namespaces="lawgate-production" ssh-ed25519 AAAA')
    with pytest.raises(SigningKeyError):
        allowed_signers_line("two words", key)


def test_armor_shape(key: signing.SigningKey) -> None:
    lines = sign(DATA, key).splitlines()
    assert lines[0] == "-----BEGIN SSH SIGNATURE-----"
    assert lines[-1] == "-----END SSH SIGNATURE-----"
    assert all(len(line) == 70 for line in lines[1:-2])
    assert 0 < len(lines[-2]) <= 70


def test_ssh_keygen_accepts_our_signature(tmp_path: Path, key: signing.SigningKey) -> None:
    assert ssh_verify(tmp_path, key, DATA, sign(DATA, key), "lawgate-production") == 0


def test_ssh_keygen_rejects_changed_data(tmp_path: Path, key: signing.SigningKey) -> None:
    tampered = bytes([DATA[0] ^ 1]) + DATA[1:]
    assert ssh_verify(tmp_path, key, tampered, sign(DATA, key), "lawgate-production") != 0


def test_ssh_keygen_rejects_wrong_namespace(tmp_path: Path, key: signing.SigningKey) -> None:
    sig = sign(DATA, key, namespace="file")
    assert ssh_verify(tmp_path, key, DATA, sig, "lawgate-production") != 0
    assert ssh_verify(tmp_path, key, DATA, sign(DATA, key), "file") != 0


def test_our_verify_accepts_ssh_keygen_signature(tmp_path: Path, key_path: Path) -> None:
    data_file = tmp_path / "data.json"
    data_file.write_bytes(DATA)
    command = [ssh_keygen(), "-Y", "sign", "-f", str(key_path), "-n", "lawgate-production"]
    subprocess.run([*command, str(data_file)], check=True, capture_output=True, timeout=60)
    armored = (tmp_path / "data.json.sig").read_text()
    pub = key_path.with_name(key_path.name + ".pub").read_text()
    assert verify(DATA, armored, pub)
    assert not verify(DATA + b"x", armored, pub)
    assert not verify(DATA, armored, pub, namespace="file")


def test_our_signature_is_byte_identical_to_ssh_keygen(tmp_path: Path, key_path: Path) -> None:
    data_file = tmp_path / "data.json"
    data_file.write_bytes(DATA)
    command = [ssh_keygen(), "-Y", "sign", "-f", str(key_path), "-n", "lawgate-production"]
    subprocess.run([*command, str(data_file)], check=True, capture_output=True, timeout=60)
    # Ed25519 is deterministic, so a correct encoder reproduces ssh-keygen's output exactly.
    assert sign(DATA, load_signing_key(key_path)) == (tmp_path / "data.json.sig").read_text()


def test_verify_round_trip_and_rejections(tmp_path: Path, key: signing.SigningKey) -> None:
    armored = sign(DATA, key)
    pub = public_key_line(key)
    other = tmp_path / "other"
    create_signing_key(other)
    assert verify(DATA, armored, pub)
    assert not verify(DATA[:-1], armored, pub)
    assert not verify(DATA, armored, public_key_line(load_signing_key(other)))
    assert not verify(DATA, armored, pub, namespace="git")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "hello",
        "-----BEGIN SSH SIGNATURE-----\n!!!\n-----END SSH SIGNATURE-----\n",
        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
        "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n",
    ],
)
def test_verify_never_raises_on_garbage(key: signing.SigningKey, garbage: str) -> None:
    assert not verify(DATA, garbage, public_key_line(key))


def test_verify_rejects_bad_public_key(key: signing.SigningKey) -> None:
    assert not verify(DATA, sign(DATA, key), "ssh-ed25519 notbase64")
    assert not verify(DATA, sign(DATA, key), "")


def test_verify_rejects_flipped_signature_bytes(key: signing.SigningKey) -> None:
    armored = sign(DATA, key)
    lines = armored.splitlines()
    body = lines[-2]
    lines[-2] = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
    assert not verify(DATA, "\n".join(lines), public_key_line(key))


def test_verify_rejects_trailing_junk(key: signing.SigningKey) -> None:
    lines = sign(DATA, key).splitlines()
    blob = base64.b64decode("".join(lines[1:-1])) + b"\0"
    bad = "\n".join([lines[0], base64.b64encode(blob).decode(), lines[-1]])
    assert not verify(DATA, bad, public_key_line(key))


def test_key_file_not_world_readable_even_with_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        create_signing_key(tmp_path / "k")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
