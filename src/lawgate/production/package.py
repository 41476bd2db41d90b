"""Streaming writer and verifier for signed, sealed production packages.

Rows are streamed straight to disk (JSON Lines and CSV in one pass, hashed as written), so
memory does not grow with the size of a disclosure.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from lawgate.production import manifest as mf
from lawgate.production.keys import DEFAULT_PRINCIPAL
from lawgate.production.manifest import ManifestFacts, PackageError, PackageScope, TableFile
from lawgate.production.sealing import (
    SealingError,
    open_package,
    parse_identity,
    parse_recipient,
    seal_directory,
)
from lawgate.production.signing import SigningKey, public_key_line, sign, verify

__all__ = [
    "ManifestFacts",
    "PackageError",
    "PackageReport",
    "PackageScope",
    "PackageWriter",
    "TableFile",
    "verify_package",
    "write_sealed",
]

TableSource = tuple[str, Sequence[str], Iterable[Sequence[object]]]


class _HashedFile:
    """A binary file that hashes exactly the bytes written, so digests need no re-read."""

    def __init__(self, path: Path) -> None:
        self.handle: IO[bytes] = path.open("xb")
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        """Write and hash in one step."""
        self.handle.write(data)
        self.digest.update(data)


class PackageWriter:
    """Builds one package folder: data tables first, then manifest, sums, certificate, sig."""

    def __init__(self, workdir: Path, name: str) -> None:
        self.root = workdir / mf.check_name(name, "package name")
        try:
            self.root.mkdir()
        except FileExistsError as exc:
            raise PackageError(f"refusing to reuse existing package folder {self.root}") from exc
        (self.root / mf.DATA_DIR).mkdir()
        self.tables: list[TableFile] = []
        self.finished = False

    def add_table(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> TableFile:
        """Stream rows to data/<table>.jsonl and .csv together, hashing as it writes."""
        self._check_table(table, columns)
        cols = tuple(columns)
        jsonl_name, csv_name = f"{mf.DATA_DIR}/{table}.jsonl", f"{mf.DATA_DIR}/{table}.csv"
        jsonl, csvf = _HashedFile(self.root / jsonl_name), _HashedFile(self.root / csv_name)
        try:
            with jsonl.handle, csvf.handle:
                count = _stream(cols, rows, jsonl, csvf)
        except BaseException:
            for name in (jsonl_name, csv_name):
                (self.root / name).unlink(missing_ok=True)
            raise
        result = TableFile(
            table,
            cols,
            jsonl_name,
            csv_name,
            jsonl.digest.hexdigest(),
            csvf.digest.hexdigest(),
            count,
        )
        self.tables.append(result)
        return result

    def _check_table(self, table: str, columns: Sequence[str]) -> None:
        """Refuse late, duplicate or badly named tables and columns before touching disk."""
        if self.finished:
            raise PackageError("the package is already finished")
        mf.check_name(table, "table name")
        if any(t.table == table for t in self.tables):
            raise PackageError(f"table {table!r} was already added")
        if not columns or len(set(columns)) != len(columns) or not all(columns):
            raise PackageError(f"table {table!r} needs unique, non-empty column names")

    def finish(self, facts: mf.ManifestFacts, signing_key: SigningKey) -> Path:
        """Write manifest, SHA256SUMS, certificate and signature; returns the folder."""
        if self.finished:
            raise PackageError("the package is already finished")
        document = mf.build_manifest(self.tables, facts)
        manifest_bytes = mf.canonical_json(document)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        digests = {path: entry["sha256"] for path, entry in document["files"].items()}
        digests[mf.MANIFEST] = manifest_sha
        cert = mf.certificate_text(
            document, manifest_sha, public_key_line(signing_key), DEFAULT_PRINCIPAL
        )
        self._write(mf.MANIFEST, manifest_bytes)
        self._write(mf.SUMS, mf.sums_text(digests).encode())
        self._write(mf.CERTIFICATE, cert.encode())
        self._write(mf.SIGNATURE, sign(manifest_bytes, signing_key).encode())
        self.finished = True
        return self.root

    def _write(self, name: str, data: bytes) -> None:
        """Create one fixed file, never replacing an existing one."""
        with (self.root / name).open("xb") as handle:
            handle.write(data)


def _stream(
    columns: tuple[str, ...],
    rows: Iterable[Sequence[object]],
    jsonl: _HashedFile,
    csvf: _HashedFile,
) -> int:
    """Write the header and every row to both files, a chunk at a time; returns the row count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    csvf.write(_drain(buffer))
    count = 0
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
        rendered = _render(chunk, len(columns), count)
        jsonl.write(b"".join(_json_line(columns, row) for row in rendered.rows))
        writer.writerows(rendered.csv_rows())
        csvf.write(_drain(buffer))
        count += len(chunk)
    return count


CHUNK_ROWS = 1_000
PLAIN = frozenset({str, int, type(None)})
"""Cell types written as they are; anything else goes through manifest.json_value."""
TIMES = frozenset({dt.datetime, dt.date, type(None)})
"""Cell types rendered by isoformat, as manifest.json_value does."""


@dataclass
class _Rendered:
    """One chunk of rows with cells made JSON-safe, and whether any was a boolean."""

    rows: list[tuple[Any, ...]]
    has_bool: bool = False

    def csv_rows(self) -> list[Sequence[Any]]:
        """The same cells for CSV: booleans as true/false, like JSON (None is empty anyway)."""
        if not self.has_bool:
            return list(self.rows)
        return [[mf.csv_value(v) if type(v) is bool else v for v in row] for row in self.rows]


def _render(chunk: list[Sequence[object]], width: int, done: int) -> _Rendered:
    """Check row widths and render, column by column, cells that are not plain text or numbers."""
    for number, row in enumerate(chunk, start=done + 1):
        if len(row) != width:
            raise PackageError(f"row {number} has {len(row)} values for {width} columns")
    columns: list[Sequence[Any]] = list(zip(*chunk, strict=True))
    has_bool = False
    for index, column in enumerate(columns):
        kinds = set(map(type, column))
        if kinds <= PLAIN:
            continue
        has_bool = has_bool or bool in kinds
        if kinds <= TIMES:
            columns[index] = [v if v is None else v.isoformat() for v in column]
        else:
            columns[index] = [v if type(v) in PLAIN else mf.json_value(v) for v in column]
    return _Rendered(list(zip(*columns, strict=True)), has_bool)


def _json_line(columns: tuple[str, ...], row: Sequence[Any]) -> bytes:
    """One JSON Lines record, keys in column order; huge integers fall back to the json module."""
    record = dict(zip(columns, row, strict=True))
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _drain(buffer: io.StringIO) -> bytes:
    """Take what the csv writer produced and empty the buffer, keeping memory flat."""
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def write_sealed(
    workdir: Path,
    name: str,
    tables: Iterable[TableSource],
    facts: mf.ManifestFacts,
    *,
    signing_key: SigningKey,
    recipient: str,
    out_file: Path,
) -> str:
    """Write, sign and seal a package; the plaintext folder never outlives the call."""
    parse_recipient(recipient)
    if out_file.exists():
        raise PackageError(f"refusing to overwrite existing package {out_file}")
    writer = PackageWriter(workdir, name)
    try:
        for table, columns, rows in tables:
            writer.add_table(table, columns, rows)
        root = writer.finish(facts, signing_key)
        return seal_directory(root, recipient, out_file)
    finally:
        shutil.rmtree(writer.root, ignore_errors=True)


# --- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One verification step and its outcome, so a failure names what was wrong."""

    name: str
    ok: bool
    message: str


@dataclass
class PackageReport:
    """Every check run on a package; `ok` only when all of them passed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True only if at least one check ran and none failed."""
        return bool(self.checks) and all(check.ok for check in self.checks)

    def failed(self) -> list[str]:
        """Names of the failed checks, for messages and tests."""
        return [check.name for check in self.checks if not check.ok]

    def add(self, name: str, problems: list[str], success: str) -> None:
        """Record a check from its list of problems (empty means it passed)."""
        self.checks.append(Check(name, not problems, "; ".join(problems) or success))


def verify_package(
    age_file: Path,
    identity_text: str,
    allowed_signers: Path | str,
    principal: str = DEFAULT_PRINCIPAL,
) -> PackageReport:
    """Check a package as the agency would; a bad package is a failed check, never a raise."""
    parse_identity(identity_text)
    signers = _read_signers(allowed_signers)
    public_key = mf.signer_key(signers, principal)
    if not age_file.is_file():
        raise PackageError(f"{age_file} is not a file")
    report = PackageReport()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            root = open_package(age_file, identity_text, Path(tmp))
        except SealingError as exc:
            report.add("decrypt", [exc.message], "")
            return report
        report.add("decrypt", [], "decrypted and unpacked")
        try:
            _verify_root(root, public_key, report)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            report.add("contents", [f"package contents are unreadable: {exc}"], "")
    return report


def _read_signers(allowed_signers: Path | str) -> str:
    """A Path is an allowed_signers file; a str is its text."""
    if isinstance(allowed_signers, str):
        return allowed_signers
    try:
        return allowed_signers.read_text()
    except OSError as exc:
        raise PackageError(f"cannot read {allowed_signers}: {exc.strerror}") from exc


def _verify_root(root: Path, public_key: str, report: PackageReport) -> None:
    """Run the content checks on an unpacked folder."""
    manifest_bytes = _read(root / mf.MANIFEST)
    signature = _read(root / mf.SIGNATURE)
    sig_ok = verify(manifest_bytes, signature.decode("utf-8", "replace"), public_key)
    report.add("signature", [] if sig_ok else ["manifest.json.sig does not verify"], "valid")
    document = mf.load_manifest(manifest_bytes)
    if document is None:
        report.add("manifest", ["manifest.json is missing or malformed"], "")
        return
    report.add("manifest", [], "well-formed")
    files: dict[str, dict[str, Any]] = document["files"]
    report.add("files", mf.file_problems(root, files), f"{len(files)} files match")
    report.add("unlisted", mf.unlisted_problems(root, files), "no unlisted files")
    report.add("tables", mf.table_problems(root, files, document["tables"]), "rows fit tables")
    if document.get("audit_proof") is not None:
        problems, success = mf.audit_proof_problems(document["audit_proof"])
        report.add("audit log", problems, success)


def _read(path: Path) -> bytes:
    """A file's bytes, or empty when absent, so a missing file fails its check."""
    try:
        return path.read_bytes()
    except OSError:
        return b""
