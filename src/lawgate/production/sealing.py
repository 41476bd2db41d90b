"""age encryption of production packages, so only the requesting agency can read released data.

Packages are tar archives of one directory, encrypted with pyrage to the agency's X25519
recipient; the agency opens them with the standard `age -d` and `tar -x`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

import pyrage  # type: ignore[import-untyped]
from pyrage import x25519

from lawgate.errors import LawgateError

RECIPIENT_PREFIX = "age1"
IDENTITY_PREFIX = "AGE-SECRET-KEY-1"
CHUNK = 1 << 20


class SealingError(LawgateError):
    """A package cannot be sealed or opened."""


# --- keys ----------------------------------------------------------------------------------


def parse_recipient(text: str) -> Any:
    """Parse an agency's `age1...` X25519 recipient, refusing anything age cannot encrypt to."""
    value = text.strip()
    if not value:
        raise SealingError("the age recipient is empty", field="age_recipient")
    if value.startswith("ssh-"):
        raise SealingError(
            "SSH keys are not accepted as age recipients; ask the agency for an age1... key",
            field="age_recipient",
        )
    # Post-quantum recipients use the HRP "age1pq" and then the separator "1", which bech32
    # data never contains; an X25519 key may itself begin "age1pq".
    if not value.startswith(RECIPIENT_PREFIX) or value.startswith("age1pq1"):
        raise SealingError(
            f"an age recipient must be an X25519 key starting with {RECIPIENT_PREFIX!r}",
            field="age_recipient",
        )
    try:
        return x25519.Recipient.from_str(value)
    except pyrage.RecipientError as exc:
        raise SealingError(f"the age recipient is not valid: {exc}", field="age_recipient") from exc


def parse_identity(text: str) -> Any:
    """Parse an `AGE-SECRET-KEY-1...` identity, skipping the comments `age-keygen` writes."""
    lines = [line.strip() for line in text.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if len(keys) != 1 or not keys[0].startswith(IDENTITY_PREFIX):
        raise SealingError(f"expected exactly one {IDENTITY_PREFIX}... age identity")
    try:
        return x25519.Identity.from_str(keys[0])
    except pyrage.IdentityError as exc:
        raise SealingError(f"the age identity is not valid: {exc}") from exc


# --- sealing -------------------------------------------------------------------------------


def _members(source: Path) -> list[Path]:
    """Every path under `source` in sorted order, refusing links and special files."""
    found: list[Path] = []
    for root, dirs, files in os.walk(source, onerror=_raise_walk_error):
        dirs.sort()
        base = Path(root)
        for name in [*dirs, *sorted(files)]:
            path = base / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                raise SealingError(f"{path} is not a regular file or directory; refusing to seal")
        found.extend(base / name for name in sorted([*dirs, *files]))
    return sorted(found, key=lambda p: p.relative_to(source).parts)


def _raise_walk_error(error: OSError) -> None:
    """Fail the seal when a directory cannot be listed, rather than silently omitting it."""
    raise SealingError(f"cannot read {error.filename}: {error.strerror}") from error


def _normalize(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Drop local owner names and ids, which say nothing the agency needs."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _write_tar(source: Path, out: IO[bytes]) -> None:
    """Tar `source` under one top-level folder named after it, in a deterministic order."""
    top = source.name
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(source, arcname=top, recursive=False, filter=_normalize)
        for path in _members(source):
            arcname = str(PurePosixPath(top, *path.relative_to(source).parts))
            tar.add(path, arcname=arcname, recursive=False, filter=_normalize)


def _tar_source(source: Path, out: IO[bytes]) -> None:
    """Tar the source, reporting an unreadable file as a SealingError that names it."""
    try:
        _write_tar(source, out)
    except OSError as exc:
        raise SealingError(f"cannot read {exc.filename or source}: {exc.strerror}") from exc


def _encrypt(plain: IO[bytes], cipher: IO[bytes], recipient: Any) -> None:
    """Stream-encrypt with pyrage; kept separate so tests can make it fail."""
    pyrage.encrypt_io(plain, cipher, [recipient])


def sha256_file(path: Path) -> str:
    """SHA-256 hex of a file, read in chunks so large packages stay out of memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _publish(tmp: Path, out_file: Path) -> None:
    """Give the finished file its name, never replacing a package that appeared meanwhile."""
    try:
        os.link(tmp, out_file)
    except FileExistsError as exc:
        raise SealingError(f"refusing to overwrite existing package {out_file}") from exc
    tmp.unlink()


def seal_directory(source: Path, recipient: str, out_file: Path) -> str:
    """Tar and age-encrypt `source` to `out_file` atomically; returns the file's SHA-256 hex.

    The plaintext tar goes to an anonymous temporary file (unlinked, gone on crash) and is
    streamed through pyrage's `encrypt_io`, so memory stays constant whatever the size.
    """
    if not source.is_dir():
        raise SealingError(f"{source} is not a directory")
    if out_file.exists():
        raise SealingError(f"refusing to overwrite existing package {out_file}")
    target = parse_recipient(recipient)
    out_dir = out_file.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_file.name}.", suffix=".part", dir=out_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as cipher, tempfile.TemporaryFile(dir=out_dir) as plain:
            _tar_source(source, plain)
            plain.seek(0)
            _encrypt(plain, cipher, target)
            cipher.flush()
            os.fsync(cipher.fileno())
        _publish(tmp, out_file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return sha256_file(out_file)


# --- opening -------------------------------------------------------------------------------


def _safe_name(member: tarfile.TarInfo) -> PurePosixPath:
    """Refuse absolute paths, `..` and anything but plain files and directories."""
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or not name.parts:
        raise SealingError(f"package holds an unsafe path {member.name!r}")
    if not (member.isfile() or member.isdir()):
        raise SealingError(f"package holds {member.name!r}, which is not a file or directory")
    return name


def _check_members(members: list[tarfile.TarInfo]) -> str:
    """Validate every member and return the single top-level folder they live in."""
    tops = {_safe_name(member).parts[0] for member in members}
    if len(tops) != 1:
        raise SealingError("a package must hold exactly one top-level folder")
    return tops.pop()


def _extract_one(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path) -> None:
    """Create one checked member as a plain directory or a new file, never replacing one."""
    target = into.joinpath(*PurePosixPath(member.name).parts)
    if member.isdir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    if source is None:
        raise SealingError(f"cannot read {member.name!r} from the package")
    with source, target.open("xb") as out:
        shutil.copyfileobj(source, out, CHUNK)


def _extract(tar: tarfile.TarFile, members: list[tarfile.TarInfo], into: Path) -> None:
    """Extract already-checked members without following or creating links."""
    for member in members:
        try:
            _extract_one(tar, member, into)
        except OSError as exc:
            raise SealingError(
                f"cannot write {exc.filename or member.name}: {exc.strerror}"
            ) from exc


def _decrypt(age_file: Path, identity: Any, plain: IO[bytes]) -> None:
    """Stream-decrypt an age file into `plain`, translating pyrage's failure."""
    try:
        with age_file.open("rb") as cipher:
            pyrage.decrypt_io(cipher, plain, [identity])
    except pyrage.DecryptError as exc:
        raise SealingError(f"cannot decrypt {age_file}: {exc}") from exc
    except OSError as exc:
        raise SealingError(f"cannot read {age_file}: {exc.strerror}") from exc


def open_package(age_file: Path, identity_text: str, into: Path) -> Path:
    """Decrypt and safely unpack a package into `into`; returns its top-level folder."""
    identity = parse_identity(identity_text)
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=into) as plain:
        _decrypt(age_file, identity, cast(IO[bytes], plain))
        plain.seek(0)
        try:
            with tarfile.open(fileobj=plain, mode="r:") as tar:
                members = tar.getmembers()
                top = _check_members(members)
                _extract(tar, members, into)
        except tarfile.TarError as exc:
            raise SealingError(f"{age_file} does not hold a valid tar archive: {exc}") from exc
    return into / top
