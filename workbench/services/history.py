"""Undo, redo and the change log.

Undo and redo are transactions of their own that the change log does not record as changes.
Each coder undoes and redoes their own changes (the coder is ``--coder``, ``$WORKBENCH_CODER``
or the login name, see :mod:`workbench.project.coders`); a step that another coder's change
depends on is refused with a one-line :class:`workbench.errors.Conflict` naming that change.
"""

from __future__ import annotations

from workbench.project import changelog, coders
from workbench.project.changelog import ChangeInfo
from workbench.project.db import Project

__all__ = ["ChangeInfo", "history", "step"]


def step(project: Project, *, undo: bool, coder: str | None = None) -> ChangeInfo:
    """Undo the coder's newest change that is done, or redo their oldest undone one (raises
    :class:`workbench.errors.NothingToDo` when there is none, and
    :class:`workbench.errors.Conflict` when another coder's change is in the way)."""
    name = coder or coders.default_name()
    with project.transaction("undo" if undo else "redo", coder=name, record=False) as session:
        if undo:
            return changelog.undo(session, coder=name)
        return changelog.redo(session, coder=name)


def history(
    project: Project,
    limit: int | None = 30,
    *,
    coder: str | None = None,
    everyone: bool = False,
) -> list[ChangeInfo]:
    """The newest changes, newest first: the coder's own (those their undo and redo walk
    through; ``coder`` None: the current coder), or with ``everyone`` every coder's. ``limit``
    None: all of them."""
    with project.session() as session:
        if everyone:
            return changelog.history(session, limit)
        return changelog.history(session, limit, coder=coder or coders.default_name())
