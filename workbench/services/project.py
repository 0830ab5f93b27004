"""Create, open and check a project.

A project is given as a path (a SQLite file) or a URL; :func:`open_project` migrates an older
project after a backup. :class:`Project` is the handle the shells pass back to services; they
never open its sessions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench import i18n
from workbench.project import db, settings
from workbench.project.db import Project
from workbench.services._tx import coder_id

__all__ = ["InitDone", "Project", "check", "init_project", "interface_language", "open_project"]


def open_project(target: db.ProjectTarget) -> Project:
    """Open an existing project, migrating it (after a backup) when its schema is older; the
    caller disposes of it. ``project.backup`` names the backup when one was written."""
    return db.open_project(target)


def interface_language(project: Project) -> str:
    """The language to show the interface in for this project (``en`` or ``nl``): the
    ``WORKBENCH_LANGUAGE`` setting, else the project's language (``init --language``), else
    the user's locale, else English (see :func:`workbench.i18n.choose_language`)."""
    with project.session() as session:
        stored = settings.get(session, "language")
    return i18n.choose_language(str(stored) if stored else None)


@dataclass(frozen=True)
class InitDone:
    """A project created by :func:`init_project`."""

    project: str
    language: str
    codes: int
    codebook: str | None

    def to_dict(self) -> dict[str, object]:
        """The ``init --json`` object."""
        return {
            "project": self.project,
            "language": self.language,
            "codes": self.codes,
            "codebook": self.codebook,
        }


def init_project(
    target: db.ProjectTarget,
    *,
    language: str = "nl",
    codebook_path: str | Path | None = None,
    coder: str | None = None,
) -> InitDone:
    """Create a project with its language and a codebook (a file or a shipped one's name),
    or the default place statuses. Nothing is left behind when it fails."""
    from workbench.coding import codebook

    spec = (
        codebook.load_codebook(codebook.resolve_codebook(codebook_path)) if codebook_path else None
    )
    added = 0

    def fill(created: Project) -> None:
        nonlocal added
        with created.transaction("init", coder=coder, record=False) as session:
            settings.put(session, "language", language)
            cid = coder_id(session, coder)
            if spec is not None:
                added = codebook.apply_codebook(session, spec, coder_id=cid)
            else:
                codebook.ensure_default_statuses(session)

    # The project appears only when filled; when filling fails, nothing is left behind.
    created = db.create_project(target, setup=fill)
    created.dispose()
    return InitDone(created.label, language, added, spec.name if spec else None)


def check(project: Project) -> list[str]:
    """The problems of a project (integrity, text hashes, spans, the lemma index), one line
    each; empty when it is whole."""
    from workbench.analysis.integrity import check_project

    return check_project(project)
