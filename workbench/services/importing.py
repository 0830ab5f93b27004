"""Importing transcripts and REFI-QDA files (from NVivo, MAXQDA, ATLAS.ti, QualCoder...).

Every file is read and checked whole before the write transaction starts, so a bad file
changes nothing (and leaves no new project behind) and the project is locked only while
storing. One transaction per import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.coding import codebook, importing
from workbench.coding.importing import ImportedDocument, ProgressCallback
from workbench.exchange.refi.reader import ImportReport, read_refi, store_refi
from workbench.exchange.refi.safety import DEFAULT_LIMITS, Limits
from workbench.project import db, settings
from workbench.project.db import Project
from workbench.services._tx import coder_id

__all__ = ["ImportReport", "ImportedDocument", "QdpxImported", "import_files", "import_qdpx"]


def import_files(
    project: Project,
    paths: Sequence[str | Path],
    *,
    case: str | None = None,
    attributes: Sequence[str] = (),
    language: str | None = None,
    paragraph_mode: str = "lines",
    name: str | None = None,
    coder: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[ImportedDocument]:
    """Import transcript files (.txt .md .docx .odt .vtt .srt) in one transaction: all or
    none, a bad file named in the error.

    ``name`` renames a single file (and allows importing the same text again under it).
    ``attributes`` are ``KEY=VALUE`` or ``KEY:TYPE=VALUE``; with no ``case`` they go to a
    case named after each document. ``progress(done, total, what)`` is called per step.
    """
    parsed = importing.check_request(paths, name=name, attributes=attributes)
    with project.session() as session:
        lang = language or str(settings.get(session, "language", "en"))
    importing.check_language(lang)
    prepared = importing.prepare_files(
        paths, name=name, language=lang, paragraph_mode=paragraph_mode, progress=progress
    )
    with project.transaction("import", coder=coder, record=False) as session:
        results = importing.store_files(
            session,
            prepared,
            case=case,
            attributes=parsed,
            language=lang,
            paragraph_mode=paragraph_mode,
            renamed=name is not None,
            coder_id=coder_id(session, coder),
            progress=progress,
        )
    if progress:
        progress(2 * len(paths), 2 * len(paths), "")
    return results


def import_qdpx(
    project: Project,
    path: str | Path,
    *,
    coder: str | None = None,
    rename: bool = False,
    offsets: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    language: str | None = None,
    paragraph_mode: str = "lines",
) -> ImportReport:
    """Import a ``.qdpx``, ``.qde`` or ``.qdc`` file into an open project, merging codes,
    places, cases and attributes by GUID or name: all of it or nothing, as one change."""
    with project.session() as session:
        lang = language or str(settings.get(session, "language", "en"))
    refi = read_refi(
        path, limits=limits, offsets=offsets, language=lang, paragraph_mode=paragraph_mode
    )
    with project.transaction("import-qdpx", coder=coder) as session:
        coder_id(session, coder)
        return store_refi(
            session, refi, coder=coder, rename=rename, language=lang, paragraph_mode=paragraph_mode
        )


@dataclass(frozen=True)
class QdpxImported:
    """A REFI-QDA file imported by :func:`import_qdpx_file`."""

    report: ImportReport
    created: bool
    """Whether the project was created by this import."""


def import_qdpx_file(
    file: Path,
    target: db.ProjectTarget,
    *,
    coder: str | None = None,
    rename: bool = False,
    offsets: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
    language: str | None = None,
    paragraph_mode: str = "lines",
) -> QdpxImported:
    """Import a REFI-QDA file into the project at ``target``, creating it (as ``init`` does,
    with ``language`` or nl) when nothing is there. The whole file is read and checked before
    the project is created, so a bad file leaves nothing behind."""
    if db.project_exists(target):
        project = db.open_project(target)
        try:
            report = import_qdpx(
                project,
                file,
                coder=coder,
                rename=rename,
                offsets=offsets,
                limits=limits,
                language=language,
                paragraph_mode=paragraph_mode,
            )
        finally:
            project.dispose()
        return QdpxImported(report, created=False)
    lang = language or "nl"
    refi = read_refi(
        file, limits=limits, offsets=offsets, language=lang, paragraph_mode=paragraph_mode
    )
    reports: list[ImportReport] = []

    def fill(created: Project) -> None:
        with created.transaction("init", coder=coder, record=False) as session:
            settings.put(session, "language", lang)
            codebook.ensure_default_statuses(session)
        with created.transaction("import-qdpx", coder=coder) as session:
            coder_id(session, coder)
            reports.append(
                store_refi(
                    session,
                    refi,
                    coder=coder,
                    rename=rename,
                    language=lang,
                    paragraph_mode=paragraph_mode,
                )
            )

    # The project appears only when the import is complete; nothing is left when it fails.
    db.create_project(target, setup=fill).dispose()
    return QdpxImported(reports[0], created=True)
