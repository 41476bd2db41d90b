"""Production packages must check out with the real `age`, `sha256sum` and `ssh-keygen`."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tracemalloc
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lawgate.production.manifest import ManifestFacts, csv_value, json_value
from lawgate.production.package import (
    PackageError,
    PackageScope,
    PackageWriter,
    verify_package,
    write_sealed,
)
from lawgate.production.sealing import open_package, seal_directory
from lawgate.production.signing import (
    SigningKey,
    allowed_signers_line,
    create_signing_key,
    load_signing_key,
)
from tests.production.test_sealing import files_of, tool
from tests.production.test_signing import key, key_path

PRINCIPAL = "platform@lawgate"
NAME = "LG-2026-0042"
WHEN = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
SCOPE = PackageScope(
    request_id="LG-2026-0042",
    agency_id="agency-7",
    categories=["account", "orders"],
    date_from=date(2025, 1, 1),
    date_to=None,
    targets=[{"kind": "email", "value": "zoë@example.org"}],
)
FACTS = ManifestFacts(
    request={"id": NAME, "received": date(2026, 2, 1)},
    decision={"outcome": "approved", "by": "legal@platform"},
    scope=SCOPE,
    audit_index=17,
    generated_at=WHEN,
    platform_name="Example Marketplace",
)
USERS = ("id", "name", "note", "joined", "balance")
ORDERS = ("order_id", "user_id", "placed_at", "total", "blob")
__all__ = ["key", "key_path"]  # fixtures imported from test_signing


def users(n: int = 300) -> Iterator[tuple[object, ...]]:
    """Rows with the values CSV and JSON get wrong: unicode, commas, quotes, newlines, None."""
    for i in range(n):
        note = None if i % 7 == 0 else f'Zoë, "the {i}th"\nline two ✓'
        yield (
            i,
            f"ユーザー{i}",
            note,
            datetime(2025, 1, 1 + i % 28, 8, i % 60),
            Decimal(f"{i}.50"),
        )


def orders(n: int = 250) -> Iterator[tuple[object, ...]]:
    for i in range(n):
        yield (f"o-{i}", i % 300, datetime(2025, 6, 1, tzinfo=UTC), i * 1.25, bytes([i % 256]))


def tables() -> list[tuple[str, Sequence[str], Iterator[tuple[object, ...]]]]:
    return [("users", USERS, users()), ("orders", ORDERS, orders())]


def seal(tmp_path: Path, signer: SigningKey, recipient: str, tabs: Any = None) -> Path:
    out = tmp_path / f"{NAME}.tar.age"
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    write_sealed(
        work,
        NAME,
        tables() if tabs is None else tabs,
        FACTS,
        signing_key=signer,
        recipient=recipient,
        out_file=out,
    )
    return out


@pytest.fixture
def agency(tmp_path: Path) -> tuple[str, Path]:
    """A fresh age key made by the real age-keygen: (recipient, key file)."""
    key_file = tmp_path / "agency-key.txt"
    subprocess.run([tool("age-keygen"), "-o", str(key_file)], check=True, capture_output=True)
    recipient = subprocess.run(
        [tool("age-keygen"), "-y", str(key_file)], check=True, capture_output=True, text=True
    ).stdout.strip()
    return recipient, key_file


@pytest.fixture
def signers(tmp_path: Path, key: SigningKey) -> Path:
    path = tmp_path / "allowed_signers"
    path.write_text(allowed_signers_line(PRINCIPAL, key) + "\n")
    return path


@pytest.fixture
def sealed(tmp_path: Path, key: SigningKey, agency: tuple[str, Path]) -> Path:
    return seal(tmp_path, key, agency[0])


def unpack_with_age(age_file: Path, key_file: Path, dest: Path, name: str = NAME) -> Path:
    """Decrypt with the real age and untar with the real tar, as an agency would."""
    dest.mkdir()
    age = subprocess.Popen([tool("age"), "-d", "-i", str(key_file), str(age_file)], stdout=-1)
    subprocess.run([tool("tar"), "-x", "-C", str(dest)], stdin=age.stdout, check=True)
    assert age.wait(timeout=60) == 0
    return dest / name


def expected(rows: Iterator[tuple[object, ...]], columns: Sequence[str]) -> list[dict[str, Any]]:
    return [{c: json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def test_real_tools_verify_the_package(
    tmp_path: Path, sealed: Path, agency: tuple[str, Path], signers: Path
) -> None:
    root = unpack_with_age(sealed, agency[1], tmp_path / "agency")
    sums = subprocess.run([tool("sha256sum"), "-c", "SHA256SUMS"], cwd=root, capture_output=True)
    assert sums.returncode == 0, sums.stdout
    manifest_bytes = (root / "manifest.json").read_bytes()
    command = [tool("ssh-keygen"), "-Y", "verify", "-f", str(signers), "-I", PRINCIPAL]
    command += ["-n", "lawgate-production", "-s", "manifest.json.sig"]
    ssh = subprocess.run(command, cwd=root, input=manifest_bytes, capture_output=True)
    assert ssh.returncode == 0, ssh.stderr
    manifest = json.loads(manifest_bytes)
    assert manifest["tables"]["users"] == {"columns": list(USERS), "rows": 300}
    assert manifest["files"]["data/orders.csv"]["rows"] == 250
    assert manifest["audit_index"] == 17 and manifest["scope"]["date_from"] == "2025-01-01"
    assert (
        manifest_bytes.decode().endswith("}\n") and '\n  "audit_index"' in manifest_bytes.decode()
    )
    assert sorted(files_of(root)) == sorted(
        [f"data/{t}.{f}" for t in ("users", "orders") for f in ("jsonl", "csv")]
        + ["manifest.json", "SHA256SUMS", "CERTIFICATE.txt", "manifest.json.sig"]
    )
    cert = (root / "CERTIFICATE.txt").read_text()
    manifest_sha = subprocess.run(
        [tool("sha256sum"), "manifest.json"], cwd=root, capture_output=True, text=True
    ).stdout.split()[0]
    assert manifest_sha in cert and "agency-7" in cert and "Audit log entry:  17" in cert
    steps = [line.strip() for line in cert.splitlines() if line.startswith("  ")][1:]
    assert [s.split()[0] for s in steps] == ["echo", "ssh-keygen", "sha256sum"]
    follow = subprocess.run(" && ".join(steps), shell=True, cwd=root, capture_output=True)
    assert follow.returncode == 0, follow.stderr
    for table, columns, rows in (("users", USERS, users()), ("orders", ORDERS, orders())):
        want = expected(rows, columns)
        lines = (root / f"data/{table}.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == want
        text = (root / f"data/{table}.csv").read_bytes().decode("utf-8")
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        assert parsed[0] == list(columns)
        assert parsed[1:] == [[csv_value(v) for v in row.values()] for row in want]


def test_verify_package_passes(sealed: Path, agency: tuple[str, Path], signers: Path) -> None:
    report = verify_package(sealed, agency[1].read_text(), signers)
    assert report.ok, report.checks
    assert {c.name for c in report.checks} >= {"decrypt", "signature", "files", "unlisted"}


def test_verify_accepts_allowed_signers_text(
    sealed: Path, agency: tuple[str, Path], signers: Path
) -> None:
    assert verify_package(sealed, agency[1].read_text(), signers.read_text(), PRINCIPAL).ok


def test_verify_fails_for_another_signer(
    tmp_path: Path, agency: tuple[str, Path], signers: Path
) -> None:
    other = tmp_path / "other_ed25519"
    create_signing_key(other)
    out = seal(tmp_path, load_signing_key(other), agency[0])
    report = verify_package(out, agency[1].read_text(), signers)
    assert not report.ok
    assert report.failed() == ["signature"]


def reseal(tmp_path: Path, sealed: Path, agency: tuple[str, Path], change: Any) -> Path:
    """Open a good package, change it, and seal it again to the same agency."""
    root = open_package(sealed, agency[1].read_text(), tmp_path / "opened")
    change(root)
    out = tmp_path / "tampered.age"
    seal_directory(root, agency[0], out)
    return out


def test_verify_fails_on_tampered_data(
    tmp_path: Path, sealed: Path, agency: tuple[str, Path], signers: Path
) -> None:
    def edit(root: Path) -> None:
        path = root / "data" / "users.csv"
        path.write_bytes(path.read_bytes().replace("ユーザー5".encode(), "ユーザー6".encode(), 1))

    report = verify_package(reseal(tmp_path, sealed, agency, edit), agency[1].read_text(), signers)
    assert report.failed() == ["files"]
    assert "data/users.csv" in next(c.message for c in report.checks if c.name == "files")


def test_verify_fails_on_unlisted_file(
    tmp_path: Path, sealed: Path, agency: tuple[str, Path], signers: Path
) -> None:
    def add(root: Path) -> None:
        (root / "data" / "extra.jsonl").write_text('{"secret": 1}\n')

    report = verify_package(reseal(tmp_path, sealed, agency, add), agency[1].read_text(), signers)
    assert report.failed() == ["unlisted"]


def test_verify_fails_for_wrong_identity(
    tmp_path: Path, sealed: Path, signers: Path, agency: tuple[str, Path]
) -> None:
    other = tmp_path / "other.txt"
    subprocess.run([tool("age-keygen"), "-o", str(other)], check=True, capture_output=True)
    report = verify_package(sealed, other.read_text(), signers)
    assert not report.ok and report.failed() == ["decrypt"]


def test_verify_raises_only_for_unusable_arguments(
    sealed: Path, agency: tuple[str, Path], signers: Path
) -> None:
    with pytest.raises(PackageError, match="no ssh-ed25519 key"):
        verify_package(sealed, agency[1].read_text(), signers, principal="someone@else")
    with pytest.raises(PackageError, match="not a file"):
        verify_package(sealed.with_name("missing.age"), agency[1].read_text(), signers)


def _peak_bytes(folder: Path, rows: int) -> int:
    """Peak traced memory while writing `rows` generated rows."""

    def many() -> Iterator[tuple[object, ...]]:
        for i in range(rows):
            yield (i, f'user {i}, "quoted"', datetime(2025, 1, 1), None, i % 2 == 0)

    folder.mkdir()
    writer = PackageWriter(folder, NAME)
    tracemalloc.start()
    try:
        table = writer.add_table("big", ("id", "name", "at", "gone", "even"), many())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert table.rows == rows
    return peak


def test_streaming_memory_stays_flat(tmp_path: Path) -> None:
    """Ten times the rows, not more memory: rows are written a bounded chunk at a time."""
    small = _peak_bytes(tmp_path / "small", 20_000)
    large = _peak_bytes(tmp_path / "large", 200_000)
    assert large < 8 * 1024 * 1024, f"peak {large} bytes"
    assert large < 1.5 * small, f"peak grew from {small} to {large} bytes"


def test_failure_midway_leaves_nothing(
    tmp_path: Path, key: SigningKey, agency: tuple[str, Path]
) -> None:
    def broken() -> Iterator[tuple[object, ...]]:
        yield from users(50)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        seal(tmp_path, key, agency[0], [("users", USERS, broken())])
    assert list((tmp_path / "work").iterdir()) == []
    assert not (tmp_path / f"{NAME}.tar.age").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".age", ".part"))] == []


def test_writer_refuses_bad_input(tmp_path: Path) -> None:
    writer = PackageWriter(tmp_path, NAME)
    with pytest.raises(PackageError, match="existing"):
        PackageWriter(tmp_path, NAME)
    with pytest.raises(PackageError, match="table name"):
        writer.add_table("../escape", ("a",), [])
    with pytest.raises(PackageError, match="2 columns"):
        writer.add_table("t", ("a", "b"), [(1,)])
    with pytest.raises(PackageError, match="unique"):
        writer.add_table("u", ("a", "a"), [])
    with pytest.raises(PackageError, match="object"):
        writer.add_table("v", ("a",), [(object(),)])


def test_sealed_directory_is_removed(tmp_path: Path, sealed: Path) -> None:
    assert sealed.is_file()
    assert list((tmp_path / "work").iterdir()) == []
    assert shutil.which("age") is not None


def test_verify_never_raises_on_hostile_manifest(
    tmp_path: Path, sealed: Path, agency: tuple[str, Path], signers: Path
) -> None:
    def hostile(root: Path) -> None:
        (root / "data" / "users.jsonl").write_bytes(b"\xff\xfe not utf-8\n")
        files = {
            "/etc/passwd": {"sha256": "0", "rows": 1, "table": "users", "format": "jsonl"},
            "data/nul\u0000.csv": {"table": "users"},
            "data/users.jsonl": {"table": ["x"], "format": "jsonl", "rows": "many"},
            "data/orders.csv": "not a dict",
        }
        manifest = {"files": files, "tables": {"users": {"columns": 3}}}
        (root / "manifest.json").write_text(json.dumps(manifest))

    report = verify_package(
        reseal(tmp_path, sealed, agency, hostile), agency[1].read_text(), signers
    )
    assert not report.ok
    assert "signature" in report.failed(), report.checks
