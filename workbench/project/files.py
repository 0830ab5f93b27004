"""Every file the workbench writes: one permission rule, hidden temporary names, files that
appear whole or not at all, and the clean-up of temporaries a killed process left behind.

The permission rule
    A new file is created with the permission bits of its *model* (the project file it is
    written for: a backup, an export, a temporary file) narrowed by the umask, never wider:
    a ``0600`` project gets ``0600`` backups and exports whatever the umask says. Without a
    model (a project on a database server, a brand-new project) the umask alone decides, as
    for any new file. The model is passed explicitly (``like=``) or, for everything written
    inside :func:`permissions_like` (the export services wrap themselves in it), taken from
    there. Files are created with those bits (``os.open`` with a mode, ``O_EXCL``), so there
    is no moment at which a wider file exists.

Temporary files
    ``.NAME.wbtmp-HOST-PID-RANDOM`` beside the file they become (a rename within one folder
    is atomic). HOST is a short hash of the machine's name and PID the writing process, so
    that a later run can tell a temporary of a process that is gone (killed during an
    export or an ``init``) from one still being written: :func:`remove_stale_temporaries`
    deletes the first kind (and, from any machine, those older than a day). Every writer
    calls it for its folder before it starts.

Nothing here imports the rest of the workbench but its errors, so every room can use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import stat
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from workbench.errors import InputError
from workbench.i18n import _

_model: ContextVar[Path | None] = ContextVar("workbench_file_model", default=None)

#: Temporaries of processes on other machines (a shared folder) are removed after this long.
STALE_AFTER_SECONDS = 24 * 3600

_TEMPORARY = re.compile(
    r"^\.(?P<name>.+)\.wbtmp-(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[0-9a-f]{8}"
    r"(?P<companion>-wal|-shm|-journal)?$"
)


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


_HOST = _host_tag()


@contextmanager
def permissions_like(path: Path | None) -> Iterator[None]:
    """Files created inside the block take their permission bits from ``path`` (a project
    file), never wider; ``None`` leaves them to the umask."""
    token = _model.set(Path(path) if path is not None else None)
    try:
        yield
    finally:
        _model.reset(token)


def new_file_mode(like: Path | None = None) -> int:
    """The mode to create a file with (before the umask): ``0o666`` narrowed to the
    permission bits of ``like`` (or of the model set by :func:`permissions_like`)."""
    model = like if like is not None else _model.get()
    if model is None:
        return 0o666
    try:
        return 0o666 & stat.S_IMODE(os.stat(model).st_mode)
    except OSError:
        return 0o666


def create_new(path: Path, like: Path | None = None) -> None:
    """Create ``path`` empty with :func:`new_file_mode`; fails if it exists (``O_EXCL``)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, new_file_mode(like))
    os.close(descriptor)


def temporary_path(path: Path) -> Path:
    """A fresh hidden name beside ``path`` for the file that will become ``path``."""
    path = Path(path)
    random = uuid.uuid4().hex[:8]
    return path.with_name(f".{path.name}.wbtmp-{_HOST}-{os.getpid()}-{random}")


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is named like one of the workbench's temporaries."""
    return _TEMPORARY.match(Path(path).name) is not None


def _alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - signal 0 is a real signal on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: a process of another user has that id
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporaries in ``folder`` that no running process is writing: those of a
    process of this machine that has ended, and any older than a day. Returns them.

    Never raises: a folder that cannot be listed or a file that cannot be removed is left
    as it is (the write that follows reports a real problem itself)."""
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None:
            continue
        pid = int(match["pid"])
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        ours = match["host"] == _HOST
        if ours and pid == os.getpid():
            continue
        if (ours and not _alive(pid)) or age > STALE_AFTER_SECONDS:
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):  # a folder export (an archive)
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def publish(temporary: Path, path: Path) -> None:
    """Move a complete ``temporary`` to ``path``, which must not exist (a new project): a
    hard link fails when something appeared there meanwhile, where a rename would replace
    it. Raises ``FileExistsError`` then; the temporary stays for the caller to remove."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.rename(temporary, path)
        return
    os.unlink(temporary)


@contextmanager
def temporary_beside(path: Path, *, like: Path | None = None) -> Iterator[Path]:
    """A new, empty temporary file next to ``path``, renamed onto ``path`` when the block
    succeeds and removed when it fails. Raises InputError when ``path`` cannot be written.

    The temporary is created with :func:`new_file_mode` (``like``, else the model of
    :func:`permissions_like`); stale temporaries in the folder are removed first."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(
            path, _("cannot be written (the folder {folder} does not exist)").format(folder=folder)
        )
    if path.is_dir():
        raise InputError(path, _("is a folder, not a file"))
    remove_stale_temporaries(folder)
    temporary = temporary_path(path)
    try:
        create_new(temporary, like)
    except OSError as exc:
        raise InputError(
            path, _("cannot be written ({reason})").format(reason=exc.strerror or exc)
        ) from exc
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(
            path, _("cannot be written ({reason})").format(reason=exc.strerror or exc)
        ) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes, *, like: Path | None = None) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with temporary_beside(path, like=like) as temporary:
        temporary.write_bytes(payload)


def new_folder_mode(like: Path | None = None) -> int:
    """The mode to create a folder with: :func:`new_file_mode` with the search bit wherever
    it allows reading (a ``0600`` project gives ``0700`` folders)."""
    mode = new_file_mode(like)
    return mode | ((mode & 0o444) >> 2)


@contextmanager
def folder_beside(path: Path, *, like: Path | None = None) -> Iterator[Path]:
    """A new, empty temporary folder next to ``path``, moved onto ``path`` when the block
    succeeds and removed with all it holds when it fails: a folder export appears whole or
    not at all. ``path`` must not exist, or be an empty folder (InputError otherwise: an
    export never mixes its files with others)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(
            path, _("cannot be written (the folder {folder} does not exist)").format(folder=folder)
        )
    if path.exists() and not path.is_dir():
        raise InputError(path, _("is a file; give a new or empty folder"))
    if path.is_dir() and any(path.iterdir()):
        raise InputError(path, _("is a folder that is not empty; give a new or empty folder"))
    remove_stale_temporaries(folder)
    temporary = temporary_path(path)
    try:
        os.mkdir(temporary, new_folder_mode(like))
    except OSError as exc:
        raise InputError(
            path, _("cannot be written ({reason})").format(reason=exc.strerror or exc)
        ) from exc
    try:
        yield temporary
        os.replace(temporary, path)  # onto nothing or an empty folder; refused otherwise
    except OSError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise InputError(
            path, _("cannot be written ({reason})").format(reason=exc.strerror or exc)
        ) from exc
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def write_new(path: Path, data: str | bytes, *, like: Path | None = None) -> None:
    """Write a new file (inside a :func:`folder_beside` folder) with :func:`new_file_mode`;
    fails if it exists."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, new_file_mode(like))
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(payload)
