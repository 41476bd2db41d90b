"""Sealed packages must open with the real `age` and `tar`, which is what agencies run."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import IO, Any

import pyrage  # type: ignore[import-untyped]
import pytest
from pyrage import x25519

from lawgate.production import sealing
from lawgate.production.sealing import SealingError, open_package, parse_recipient, seal_directory


def tool(name: str) -> str:
    """A real command-line tool, or a failure telling the developer how to get it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing; `make test` installs it (Debian package `age`)")
    return found


@pytest.fixture
def identity() -> Any:
    return x25519.Identity.generate()


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    """A small production folder with a manifest, data and checksums like the real one."""
    src = tmp_path / "LG-2026-0001"
    (src / "records").mkdir(parents=True)
    (src / "manifest.json").write_text(json.dumps({"case": "LG-2026-0001", "files": 2}))
    (src / "data.jsonl").write_bytes(b'{"user": 1}\n{"user": 2, "name": "\xc3\xa9"}\n')
    (src / "records" / "orders.jsonl").write_bytes(b'{"order": 7}\n')
    sums = subprocess.run(
        [tool("sha256sum"), "manifest.json", "data.jsonl", "records/orders.jsonl"],
        cwd=src,
        check=True,
        capture_output=True,
    ).stdout
    (src / "SHA256SUMS").write_bytes(sums)
    return src


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def seal(package_dir: Path, identity: Any, out: Path) -> str:
    return seal_directory(package_dir, str(identity.to_public()), out)


def test_real_age_and_tar_open_the_package(
    tmp_path: Path, package_dir: Path, identity: Any
) -> None:
    out = tmp_path / "out" / "LG-2026-0001.tar.age"
    out.parent.mkdir()
    digest = seal(package_dir, identity, out)
    listed = subprocess.run([tool("sha256sum"), str(out)], check=True, capture_output=True)
    assert digest == listed.stdout.decode().split()[0]
    key = tmp_path / "key.txt"
    key.write_text(f"# agency key\n{identity}\n")
    dest = tmp_path / "agency"
    dest.mkdir()
    age = subprocess.Popen([tool("age"), "-d", "-i", str(key), str(out)], stdout=subprocess.PIPE)
    subprocess.run([tool("tar"), "-x", "-C", str(dest)], stdin=age.stdout, check=True)
    assert age.wait(timeout=60) == 0
    assert [p.name for p in dest.iterdir()] == ["LG-2026-0001"]
    opened = dest / "LG-2026-0001"
    assert files_of(opened) == files_of(package_dir)
    check = subprocess.run([tool("sha256sum"), "-c", "SHA256SUMS"], cwd=opened, check=False)
    assert check.returncode == 0


def test_tar_order_is_deterministic(tmp_path: Path, package_dir: Path, identity: Any) -> None:
    out = tmp_path / "p.age"
    seal(package_dir, identity, out)
    plain = pyrage.decrypt(out.read_bytes(), [identity])
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        names = tar.getnames()
        assert {m.uid for m in tar.getmembers()} == {0}
    assert names == [
        "LG-2026-0001",
        "LG-2026-0001/SHA256SUMS",
        "LG-2026-0001/data.jsonl",
        "LG-2026-0001/manifest.json",
        "LG-2026-0001/records",
        "LG-2026-0001/records/orders.jsonl",
    ]


def test_real_age_with_wrong_identity_fails(
    tmp_path: Path, package_dir: Path, identity: Any
) -> None:
    out = tmp_path / "p.age"
    seal(package_dir, identity, out)
    key = tmp_path / "wrong.txt"
    subprocess.run([tool("age-keygen"), "-o", str(key)], check=True, capture_output=True)
    result = subprocess.run(
        [tool("age"), "-d", "-i", str(key), str(out)], capture_output=True, check=False
    )
    assert result.returncode != 0
    assert result.stdout == b""


def test_sealing_to_age_keygen_recipient(tmp_path: Path, package_dir: Path) -> None:
    key = tmp_path / "key.txt"
    subprocess.run([tool("age-keygen"), "-o", str(key)], check=True, capture_output=True)
    recipient = subprocess.run(
        [tool("age-keygen"), "-y", str(key)], check=True, capture_output=True, text=True
    ).stdout.strip()
    out = tmp_path / "p.age"
    seal_directory(package_dir, recipient, out)
    top = open_package(out, key.read_text(), tmp_path / "opened")
    assert files_of(top) == files_of(package_dir)


def test_open_package_round_trip(tmp_path: Path, package_dir: Path, identity: Any) -> None:
    out = tmp_path / "p.age"
    seal(package_dir, identity, out)
    top = open_package(out, str(identity), tmp_path / "opened")
    assert top == tmp_path / "opened" / "LG-2026-0001"
    assert files_of(top) == files_of(package_dir)


def test_open_package_wrong_identity(tmp_path: Path, package_dir: Path, identity: Any) -> None:
    out = tmp_path / "p.age"
    seal(package_dir, identity, out)
    with pytest.raises(SealingError, match="cannot decrypt"):
        open_package(out, str(x25519.Identity.generate()), tmp_path / "opened")


def test_failed_encryption_leaves_nothing(
    tmp_path: Path, package_dir: Path, identity: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(plain: IO[bytes], cipher: IO[bytes], recipient: Any) -> None:
        cipher.write(b"half a package")
        raise RuntimeError("killed mid-way")

    monkeypatch.setattr(sealing, "_encrypt", explode)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(RuntimeError, match="killed"):
        seal(package_dir, identity, out_dir / "p.age")
    assert list(out_dir.iterdir()) == []


def test_unreadable_source_leaves_nothing(
    tmp_path: Path, package_dir: Path, identity: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = tarfile.bltn_open  # type: ignore[attr-defined]

    def failing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("orders.jsonl"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(tarfile, "bltn_open", failing_open)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(SealingError, match=r"orders\.jsonl"):
        seal(package_dir, identity, out_dir / "p.age")
    assert list(out_dir.iterdir()) == []


def test_refuses_symlink_in_source(tmp_path: Path, package_dir: Path, identity: Any) -> None:
    (package_dir / "link").symlink_to("/etc/passwd")
    out = tmp_path / "p.age"
    with pytest.raises(SealingError, match="not a regular file"):
        seal(package_dir, identity, out)
    assert not out.exists()


def test_refuses_to_overwrite_package(tmp_path: Path, package_dir: Path, identity: Any) -> None:
    out = tmp_path / "p.age"
    out.write_bytes(b"existing")
    with pytest.raises(SealingError, match="overwrite"):
        seal(package_dir, identity, out)
    assert out.read_bytes() == b"existing"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "SSH keys"),
        ("AGE-SECRET-KEY-1QQQ", "X25519"),
        ("age1notavalidbech32", "not valid"),
    ],
)
def test_parse_recipient_refuses(text: str, problem: str) -> None:
    with pytest.raises(SealingError, match=problem) as info:
        parse_recipient(text)
    assert info.value.field == "age_recipient"


def test_parse_recipient_accepts_x25519(identity: Any) -> None:
    assert str(parse_recipient(f"  {identity.to_public()}\n")) == str(identity.to_public())


def evil_package(tmp_path: Path, identity: Any, member: tarfile.TarInfo, body: bytes) -> Path:
    """An age file holding a tar crafted by an attacker, not by seal_directory."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        ok = tarfile.TarInfo("pkg/ok.txt")
        ok.size = 2
        tar.addfile(ok, io.BytesIO(b"ok"))
        member.size = len(body)
        tar.addfile(member, io.BytesIO(body))
    out = tmp_path / "evil.age"
    out.write_bytes(pyrage.encrypt(raw.getvalue(), [identity.to_public()]))
    return out


def symlink_member() -> tarfile.TarInfo:
    info = tarfile.TarInfo("pkg/link")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    return info


@pytest.mark.parametrize(
    "member",
    [
        tarfile.TarInfo("../evil"),
        tarfile.TarInfo("pkg/../../evil"),
        tarfile.TarInfo("/tmp/evil"),
        symlink_member(),
    ],
)
def test_open_package_refuses_unsafe_members(
    tmp_path: Path, identity: Any, member: tarfile.TarInfo
) -> None:
    body = b"" if member.issym() else b"pwned"
    age_file = evil_package(tmp_path, identity, member, body)
    into = tmp_path / "a" / "into"
    with pytest.raises(SealingError, match=r"unsafe|not a file"):
        open_package(age_file, str(identity), into)
    assert not (tmp_path / "a" / "evil").exists()
    assert list(into.iterdir()) == []


def test_open_package_refuses_existing_files(
    tmp_path: Path, package_dir: Path, identity: Any
) -> None:
    out = tmp_path / "p.age"
    seal(package_dir, identity, out)
    into = tmp_path / "opened"
    (into / "LG-2026-0001").mkdir(parents=True)
    (into / "LG-2026-0001" / "data.jsonl").write_bytes(b"older")
    with pytest.raises(SealingError, match="cannot write"):
        open_package(out, str(identity), into)
    assert (into / "LG-2026-0001" / "data.jsonl").read_bytes() == b"older"


def test_open_package_refuses_bad_identity(tmp_path: Path) -> None:
    with pytest.raises(SealingError, match="AGE-SECRET-KEY-1"):
        open_package(tmp_path / "x.age", "age1abc", tmp_path / "into")


def test_x25519_keys_that_happen_to_begin_age1pq_are_accepted() -> None:
    """About 1 key in 1024 starts "age1pq"; only the post-quantum HRP "age1pq1" is refused."""
    found = None
    for _ in range(20_000):
        candidate = str(x25519.Identity.generate().to_public())
        if candidate.startswith("age1pq"):
            found = candidate
            break
    assert found is not None
    assert str(parse_recipient(found)) == found
    with pytest.raises(SealingError, match="X25519"):
        parse_recipient("age1pq1" + found[7:])
