"""Merging an offline copy of the project back into it (``workbench merge``).

One transaction, recorded in the change log as one change (``undo`` takes the whole merge
back, except the documents it copied, which, like imports, stay); with ``dry_run`` the same
work is done and rolled back, so the report says exactly what a merge would do. The rules
are in :mod:`workbench.exchange.merge`.
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import InvalidValue
from workbench.exchange.merge import MergeReport, merge_copy
from workbench.i18n import _
from workbench.project import changelog, db
from workbench.project.db import Project
from workbench.project.target import ProjectTarget, display_name
from workbench.services._tx import coder_id

__all__ = ["MergeReport", "merge"]


class _DryRun(Exception):
    """Ends a dry run's transaction (rolling it back) with its report."""

    def __init__(self, report: MergeReport) -> None:
        super().__init__("dry run")
        self.report = report


def _same(project: Project, other: Project) -> bool:
    if project.path is not None and other.path is not None:
        return Path(project.path).resolve() == Path(other.path).resolve()
    return project.engine.url == other.engine.url


def merge(
    project: Project,
    theirs: ProjectTarget,
    *,
    dry_run: bool = False,
    coder: str | None = None,
) -> MergeReport:
    """Bring ``theirs``, another copy of this project (a file or a database), into it: what
    only they have is added, what both have is matched, conflicts are reported and ours is
    kept. Returns what was done (with ``dry_run``: what would be; nothing is written).

    ``theirs`` is opened like any project (an older one is upgraded after a backup) and only
    read."""
    source = display_name(theirs)
    other = db.open_project(theirs)
    try:
        if _same(project, other):
            raise InvalidValue(
                _("{source}: that is this project itself; give another copy").format(source=source)
            )
        with other.session() as their_session:
            try:
                with project.transaction("merge", coder=coder) as session:
                    coder_id(session, coder)
                    report = merge_copy(session, their_session, source=source)
                    changelog.describe(session, report.summary())
                    if dry_run:
                        report.dry_run = True
                        raise _DryRun(report)
            except _DryRun as stopped:
                return stopped.report
        return report
    finally:
        other.dispose()
