"""Creating key files safely: whole or not at all, never replacing one, owner-only by default.

A file is written under a temporary name and then hard-linked into place. The link either
creates the final name or fails because it exists, so a reader never sees a half-written key
and two processes starting at once end up using the same, complete key.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def write_new(path: Path, content: bytes, mode: int = 0o600) -> bool:
    """Create `path` with `content`; False (and nothing written) when it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(partial, path)
    except FileExistsError:
        return False
    finally:
        partial.unlink(missing_ok=True)
    return True
