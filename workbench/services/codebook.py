"""The codebook: add, rename, move, merge, delete and edit codes; load a codebook file.

One transaction per function, named in the change log with the command line's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.coding import codebook, codes
from workbench.project import changelog
from workbench.project.db import Project
from workbench.services._tx import coder_id


@dataclass(frozen=True)
class CodeAdded:
    """A code that was added."""

    id: int
    name: str
    parent: str | None
    color: str
    summary: str
    """The change log's text."""

    def to_dict(self) -> dict[str, object]:
        """The ``codebook add --json`` object."""
        return {"id": self.id, "name": self.name, "parent": self.parent, "color": self.color}


def add_code(
    project: Project,
    name: str,
    *,
    parent: str | None = None,
    label: str = "",
    description: str = "",
    color: str | None = None,
    coder: str | None = None,
) -> CodeAdded:
    """Add a code (under ``parent``) as one change."""
    with project.transaction("code add", coder=coder) as session:
        code = codes.add_code(
            session,
            name,
            parent=parent,
            label=label,
            description=description,
            color=color,
            coder_id=coder_id(session, coder),
        )
        summary = f"add code {code.name}"
        changelog.describe(session, summary)
        assert code.id is not None
        return CodeAdded(code.id, code.name, parent, code.color, summary)


def rename_code(project: Project, old: str, new: str, *, coder: str | None = None) -> str:
    """Rename a code as one change (its codings stay); returns the change log's text."""
    with project.transaction("code rename", coder=coder) as session:
        coder_id(session, coder)
        code = codes.rename_code(session, old, new)
        summary = f"rename code {old} to {code.name}"
        changelog.describe(session, summary)
    return summary


def move_code(project: Project, name: str, parent: str | None, *, coder: str | None = None) -> str:
    """Move a code (with its children) under ``parent``, or to the top with None."""
    with project.transaction("code move", coder=coder) as session:
        coder_id(session, coder)
        codes.move_code(session, name, parent)
        summary = f"move code {name} under {parent or '(top)'}"
        changelog.describe(session, summary)
    return summary


def merge_codes(project: Project, source: str, target: str, *, coder: str | None = None) -> str:
    """Merge ``source`` into ``target`` as one change: codings, children and memos move."""
    with project.transaction("code merge", coder=coder) as session:
        coder_id(session, coder)
        codes.merge_codes(session, source, target)
        summary = f"merge code {source} into {target}"
        changelog.describe(session, summary)
    return summary


@dataclass(frozen=True)
class CodesDeleted:
    """The codes a delete removed, children first."""

    names: tuple[str, ...]
    summary: str


def delete_code(
    project: Project, name: str, *, recursive: bool = False, coder: str | None = None
) -> CodesDeleted:
    """Delete a code (with its children when ``recursive``) and its codings as one change;
    undo brings them back."""
    with project.transaction("code delete", coder=coder) as session:
        coder_id(session, coder)
        deleted = codes.delete_code(session, name, recursive=recursive)
        summary = f"delete code {', '.join(deleted)}"
        changelog.describe(session, summary)
    return CodesDeleted(tuple(deleted), summary)


def edit_code(
    project: Project,
    name: str,
    *,
    keywords: Sequence[str] | None = None,
    coder: str | None = None,
    **fields: str | None,
) -> str:
    """Change a code's definition, colour or keywords (``None`` leaves a field as it is)."""
    with project.transaction("code edit", coder=coder) as session:
        coder_id(session, coder)
        codes.update_code(
            session, name, keywords=list(keywords) if keywords is not None else None, **fields
        )
        summary = f"edit code {name}"
        changelog.describe(session, summary)
    return summary


def set_anchor(
    project: Project, name: str, segment: int | None, *, coder: str | None = None
) -> str:
    """Make a segment coded with the code its anchor quote (for the codebook report), or clear
    it with None, as one change; returns the change log's text."""
    from workbench.coding import anchors

    with project.transaction("code anchor", coder=coder) as session:
        coder_id(session, coder)
        code = anchors.set_anchor(session, name, segment)
        if segment is None:
            summary = f"clear the anchor quote of {code.name}"
        else:
            summary = f"anchor quote of {code.name}: segment {segment}"
        changelog.describe(session, summary)
    return summary


@dataclass(frozen=True)
class CodebookLoaded:
    """A codebook file applied to the project."""

    name: str
    added: int
    summary: str
    updated: int = 0
    """Codes that existed and took a description from the file (a Taguette codebook)."""
    warnings: tuple[str, ...] = ()
    """Names loaded under another name, columns ignored (a Taguette codebook)."""


def load_codebook(
    project: Project, file: str | Path, *, coder: str | None = None
) -> CodebookLoaded:
    """Add the codes, place kinds and statuses of a codebook file (or a shipped codebook's
    name) as one change: our YAML, or Taguette's CSV codebook (a ``.csv`` file, see
    :mod:`workbench.exchange.taguette`). The file is read whole before the transaction
    starts."""
    if Path(file).suffix.lower() == ".csv":
        return _load_taguette(project, Path(file), coder=coder)
    spec = codebook.load_codebook(codebook.resolve_codebook(file))
    with project.transaction("codebook load", coder=coder) as session:
        added = codebook.apply_codebook(session, spec, coder_id=coder_id(session, coder))
        summary = f"load codebook {spec.name}"
        changelog.describe(session, summary)
    return CodebookLoaded(spec.name, added, summary)


def _load_taguette(project: Project, file: Path, *, coder: str | None) -> CodebookLoaded:
    from workbench.exchange import taguette

    book = taguette.load_taguette(file)
    with project.transaction("codebook load", coder=coder) as session:
        applied = taguette.apply_taguette(session, book, coder_id=coder_id(session, coder))
        summary = f"load Taguette codebook {file.name}"
        changelog.describe(session, summary)
    return CodebookLoaded(file.name, applied.added, summary, applied.updated, tuple(book.warnings))
