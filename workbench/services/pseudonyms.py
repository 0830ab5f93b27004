"""The project's pseudonym table: real names of people and places and their pseudonyms.

One transaction per write, named in the change log with the command line's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.exchange import pseudonyms
from workbench.exchange.pseudonyms import Entry, PseudonymTable
from workbench.project import changelog
from workbench.project.db import Project
from workbench.services._tx import coder_id

__all__ = ["Entry", "PseudonymTable", "TableLoaded", "add", "entries", "load", "remove"]


def add(
    project: Project,
    real: str,
    pseudonym: str,
    *,
    kind: str = "person",
    variants: Sequence[str] = (),
    replace: bool = False,
    coder: str | None = None,
) -> Entry:
    """Add ``real`` with its ``pseudonym`` (and spelling variants) as one change; with
    ``replace`` an entry for ``real`` is changed instead of refused."""
    with project.transaction("pseudonym add", coder=coder) as session:
        coder_id(session, coder)
        entry = pseudonyms.add(
            session, real, pseudonym, kind=kind, variants=variants, replace_existing=replace
        )
        changelog.describe(session, f"pseudonym for a {entry.kind} ({entry.pseudonym})")
    return entry


def remove(project: Project, real: str, *, coder: str | None = None) -> Entry:
    """Remove ``real`` from the table as one change."""
    with project.transaction("pseudonym remove", coder=coder) as session:
        coder_id(session, coder)
        entry = pseudonyms.remove(session, real)
        changelog.describe(session, f"remove the pseudonym {entry.pseudonym}")
    return entry


@dataclass(frozen=True)
class TableLoaded:
    """Entries loaded from a file."""

    loaded: int
    total: int
    replaced: bool

    def to_dict(self) -> dict[str, object]:
        """The ``pseudonym load --json`` object."""
        return {"loaded": self.loaded, "total": self.total, "replaced": self.replaced}


def load(
    project: Project, file: Path, *, replace: bool = False, coder: str | None = None
) -> TableLoaded:
    """Add the entries of a CSV or YAML file to the table (or with ``replace`` make them the
    whole table) as one change; the file is read whole before the transaction starts."""
    read = pseudonyms.read_file(file)
    with project.transaction("pseudonym load", coder=coder) as session:
        coder_id(session, coder)
        count = pseudonyms.load(session, read, replace_table=replace)
        changelog.describe(session, f"load {count} pseudonyms from {file.name}")
        total = len(pseudonyms.entries(session))
    return TableLoaded(count, total, replace)


def entries(project: Project) -> list[Entry]:
    """The table: real name, pseudonym, kind, variants."""
    with project.session() as session:
        return pseudonyms.entries(session)
