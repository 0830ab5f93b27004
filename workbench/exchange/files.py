"""Output files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import InputError


@contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A new, empty temporary file next to ``path``, renamed onto ``path`` when the block
    succeeds and removed when it fails. Raises InputError when ``path`` cannot be written."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(path, f"cannot be written (the folder {folder} does not exist)")
    if path.is_dir():
        raise InputError(path, "is a folder, not a file")
    # Created like any new file (the umask decides its permissions), under a fresh name.
    temporary = folder / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        temporary.open("xb").close()
    except OSError as exc:
        raise InputError(path, f"cannot be written ({exc.strerror or exc})") from exc
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(path, f"cannot be written ({exc.strerror or exc})") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with temporary_beside(path) as temporary:
        temporary.write_bytes(payload)
