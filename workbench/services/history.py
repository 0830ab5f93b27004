"""Undo, redo and the change log.

Undo and redo are transactions of their own that the change log does not record as changes.
"""

from __future__ import annotations

from workbench.project import changelog
from workbench.project.changelog import ChangeInfo
from workbench.project.db import Project

__all__ = ["ChangeInfo", "history", "step"]


def step(project: Project, *, undo: bool) -> ChangeInfo:
    """Undo the newest change that is done, or redo the oldest undone one (raises
    :class:`workbench.errors.NothingToDo` when there is none)."""
    with project.transaction("undo" if undo else "redo", record=False) as session:
        return changelog.undo(session) if undo else changelog.redo(session)


def history(project: Project, limit: int = 30) -> list[ChangeInfo]:
    """The newest changes, newest first."""
    with project.session() as session:
        return changelog.history(session, limit)
