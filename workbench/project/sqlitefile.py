"""Recognising a SQLite project file before anything writes to it, and reading it where it
cannot be written.

:func:`recognise` looks at a file through a read-only connection (``mode=ro``): it must be
a SQLite database holding the workbench's tables and a schema version. Nothing is written on
the way: another application's database keeps its journal mode (no switch to WAL), an empty
file stays empty, and no backup is made of a file that is not a project. Only a file that is
recognised is opened for writing (and, when older, backed up and migrated).

A project whose file or folder cannot be written (a read-only share, a colleague's folder)
is opened read-only (:func:`read_only_url`): listing, analysis and exports work; a command
that would write says the project is read-only. A WAL-mode project in a read-only folder
has no ``-shm`` file to share, so it is opened ``immutable`` when no ``-wal`` file holds
changes (no process can be writing it there).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from workbench.errors import ProjectError
from workbench.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"

#: Tables every workbench project has had since its first schema revision.
PROJECT_TABLES = frozenset({"alembic_version", "code", "coder", "document", "segment", "setting"})


@dataclass(frozen=True)
class Recognised:
    """A SQLite file found to be a workbench project."""

    revision: str
    """Its schema revision."""
    read_only: bool
    """The file or its folder cannot be written: open it read-only."""
    immutable: bool
    """Read-only and no ``-shm`` can be made: open it as an immutable file."""


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"file:{quote(str(path.absolute()))}?{query}"


def writable(path: Path) -> bool:
    """Whether the project file and its folder (for the ``-wal`` and ``-shm``) can be
    written by this process."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def _companion_has_data(path: Path, suffix: str) -> bool:
    try:
        return os.path.getsize(f"{path}{suffix}") > 0
    except OSError:
        return False


def _read(path: Path, immutable: bool) -> tuple[set[str], str | None]:
    params = {"immutable": "1"} if immutable else {"mode": "ro"}
    connection = sqlite3.connect(_uri(path, **params), uri=True)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {row[0] for row in rows}
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return tables, revision
    finally:
        connection.close()


def recognise(path: Path, revisions: tuple[str, ...]) -> Recognised:
    """Check, reading only, that ``path`` is a workbench project of a known revision.

    Raises :class:`ProjectError` naming the file for a missing file, a folder, an empty
    file, a file that is not SQLite, another application's database, an empty database and
    a revision this workbench does not know."""
    if not path.exists():
        raise ProjectError(
            _("{path}: no project there; create one with `workbench init {path}`").format(path=path)
        )
    if path.is_dir():
        raise ProjectError(_("{path}: is a folder, not a project file").format(path=path))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ProjectError(
            _("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror or exc)
        ) from None
    if not header:
        raise ProjectError(_("{path}: an empty file, not a workbench project").format(path=path))
    if header != SQLITE_HEADER:
        raise ProjectError(
            _("{path}: not a workbench project (not a SQLite database)").format(path=path)
        )
    read_only = not writable(path)
    immutable = False
    try:
        try:
            tables, revision = _read(path, immutable=False)
        except sqlite3.OperationalError:
            # A WAL project in a folder where no -shm can be made; readable as an immutable
            # file unless its -wal holds changes not yet in the file.
            if not read_only:
                raise
            if _companion_has_data(path, "-wal"):
                raise ProjectError(
                    _(
                        "{path}: the project has changes in its -wal file that cannot be read in "
                        "a folder that cannot be written; open it once where it can be written"
                    ).format(path=path)
                ) from None
            immutable = True
            tables, revision = _read(path, immutable=True)
    except sqlite3.DatabaseError as exc:
        reason = " ".join(str(exc).split())
        raise ProjectError(
            _("{path}: cannot be read as a project ({reason})").format(path=path, reason=reason)
        ) from None
    if not tables:
        raise ProjectError(
            _("{path}: empty database; create a project with `workbench init`").format(path=path)
        )
    if "alembic_version" not in tables:
        raise ProjectError(
            _("{path}: not a workbench project (it has tables but no schema version)").format(
                path=path
            )
        )
    if revision is None:
        raise ProjectError(
            _("{path}: not a workbench project (its schema version is empty)").format(path=path)
        )
    if revision not in revisions:
        raise ProjectError(
            _(
                "{path}: schema revision {revision} is unknown to this workbench "
                "(it knows {known}); was it made by a newer version?"
            ).format(path=path, revision=repr(revision), known=", ".join(revisions))
        )
    missing = sorted(PROJECT_TABLES - tables)
    if missing:
        raise ProjectError(
            _("{path}: not a workbench project (it has no {tables} table)").format(
                path=path, tables=", ".join(missing)
            )
        )
    return Recognised(revision=revision, read_only=read_only, immutable=immutable)


def read_only_url(path: Path, *, immutable: bool) -> sa.engine.URL:
    """The URL of a read-only connection to a SQLite file (a URI filename; no character of
    the path is read as URI syntax)."""
    params = {"immutable": "1"} if immutable else {"mode": "ro"}
    database = f"file:{quote(str(path.absolute()))}"
    return sa.engine.URL.create("sqlite", database=database, query={**params, "uri": "true"})
