"""Where each reader left each transcript: the cursor and the top of the view, per project
and document, kept for the user across restarts.

A project is shared by a team, so a reading position is the reader's own: it is kept in the
user's state folder (``~/.local/state/workbench/positions.json`` on Linux, or the folder
named by ``WORKBENCH_STATE``), not in the project, where it would be every coder's and
would write to a shared database on every close. The file holds offsets and document names,
never transcript text; a file that cannot be read is treated as empty and replaced on the
next write. Only the :data:`KEEP` most recently read documents are kept.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.project import files
from workbench.project.target import display_name
from workbench.services.project import Project

ENVIRONMENT = "WORKBENCH_STATE"
"""The environment variable naming another state folder."""

FILE_NAME = "positions.json"
"""The file in the state folder."""

KEEP = 1000
"""The most documents remembered (the least recently read are forgotten first)."""

MAX_BYTES = 1024 * 1024
"""A larger positions file is not read (it is replaced)."""


@dataclass(frozen=True)
class Position:
    """Where a transcript was left: character offsets into its text."""

    cursor: int
    """The cursor."""
    top: int
    """The start of the line shown at the top of the view."""


def _state_folder() -> Path:
    """The folder of the user's state (made when first written)."""
    named = os.environ.get(ENVIRONMENT)
    if named:
        return Path(named)
    import platformdirs

    return Path(platformdirs.user_state_dir("workbench"))


def _project_key(project: Project) -> str:
    """The project as the positions file names it: its file's full path, or its database
    URL without the password."""
    target = project.target
    if isinstance(target, Path):
        return str(target.expanduser().resolve())
    return display_name(target)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return {}
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    positions = data.get("positions") if isinstance(data, dict) else None
    return positions if isinstance(positions, dict) else {}


def remembered(project: Project, document: str) -> Position | None:
    """Where ``document`` of ``project`` was left, or None (never read here, or the file
    unreadable)."""
    entry = _read(_state_folder() / FILE_NAME).get(_project_key(project), {}).get(document)
    if not isinstance(entry, dict):
        return None
    cursor, top = entry.get("cursor"), entry.get("top")
    if not (isinstance(cursor, int) and isinstance(top, int)) or cursor < 0 or top < 0:
        return None
    return Position(cursor, top)


def remember(project: Project, document: str, *, cursor: int, top: int) -> None:
    """Keep where ``document`` was left (written whole or not at all; the user's own file)."""
    folder = _state_folder()
    path = folder / FILE_NAME
    positions = _read(path)
    key = _project_key(project)
    documents = positions.get(key)
    if not isinstance(documents, dict):
        documents = {}
    documents[document] = {"cursor": max(0, cursor), "top": max(0, top), "at": time.time()}
    positions[key] = documents
    entries = sorted(
        (
            (entry.get("at", 0) if isinstance(entry, dict) else 0, project_key, name)
            for project_key, names in positions.items()
            if isinstance(names, dict)
            for name, entry in names.items()
        ),
        reverse=True,
    )
    for _at, project_key, name in entries[KEEP:]:
        del positions[project_key][name]
        if not positions[project_key]:
            del positions[project_key]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps({"version": 1, "positions": positions}, ensure_ascii=False, indent=1)
    files.write_atomic(path, data)
