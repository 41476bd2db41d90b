"""Key files are created whole, owner-only, and never replaced, even by racing writers."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

from lawgate import secretfiles


def test_a_new_file_is_owner_only_and_an_existing_one_is_kept(tmp_path: Path) -> None:
    """The first write wins; a second returns False and changes nothing."""
    path = tmp_path / "keys" / "k"
    assert secretfiles.write_new(path, b"first")
    assert not secretfiles.write_new(path, b"second")
    assert path.read_bytes() == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["k"]


def test_racing_writers_agree_on_one_complete_file(tmp_path: Path) -> None:
    """Eight threads create the same file: exactly one writes, all see its whole content."""
    path = tmp_path / "k"
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def write(number: int) -> None:
        barrier.wait()
        results.append(secretfiles.write_new(path, str(number).encode() * 10_000))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1
    content = path.read_bytes()
    assert len(content) == 10_000 and len(set(content)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["k"]
