"""Purge: make what the researcher erased permanent, so that no copy stays in the project.

Deleting a memo, a pseudonym entry or a code keeps its old text in the change log (undo needs
it), and the database file keeps old copies in free pages and in its write-ahead log. A purge
(``workbench purge study.db``, or the command palette's "Purge erased data"):

1. deletes the documents asked for (``--document NAME``), with their turns, sentences,
   paragraphs, segments, codings, links and memos (a document's deletion cannot be undone, so
   it is only done here);
2. removes from the change log every image of data that is no longer in the project: rows
   since deleted, and text since replaced (a memo rewritten, a code renamed)
   (:func:`workbench.project.changelog.purge_log`); changes left with nothing are removed, the
   others keep their remaining rows under a neutral summary; every redo stack is emptied and
   undo stops at the purge ("undo cannot reach past the purge on DATE");
   what was erased is remembered as keyed fingerprints, never as text
   (:mod:`workbench.project.erasures`), so that merging a copy made before the purge does
   not bring it back;
3. rebuilds the lemma index when it holds words of deleted documents (its word forms come
   from every document it ever indexed);
4. compacts the database: SQLite ``VACUUM`` (the file is rewritten without free pages), then
   a ``wal_checkpoint(TRUNCATE)`` that empties the ``-wal`` file; PostgreSQL ``VACUUM FULL``
   of every table (each is rewritten without its dead rows). PostgreSQL's own write-ahead
   log and archives, and the server's backups, are outside the project: the result says so.

Steps 1-3 are one transaction; compacting runs after it, outside any transaction (neither
database can vacuum inside one). Copies of the project beside it (the backups written before
a migration, ``study.db.bak-*``) are listed, not touched: they may hold the erased text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

from workbench.coding import documents as documents_core
from workbench.coding.lookups import find_document
from workbench.i18n import N_, _, counted, ngettext, number
from workbench.project import changelog, erasures
from workbench.project.db import Project
from workbench.project.files import is_temporary
from workbench.project.models import Segment
from workbench.services._tx import coder_id

#: How the database was compacted (``compacted``, English in ``--json``; shown translated).
COMPACTED_SQLITE = N_("compacted the file (VACUUM) and emptied its write-ahead log")
COMPACTED_SQLITE_WAL_KEPT = N_("compacted the file (VACUUM)")
COMPACTED_POSTGRESQL = N_("rewrote every table (VACUUM FULL)")
#: The notes of a purge (English in ``--json``; shown translated, :attr:`Purged.shown_notes`).
NOTE_WAL_KEPT = N_(
    "another program has the project open: its write-ahead log (-wal) may keep "
    "old pages until every program has closed the project; purge again then"
)
NOTE_SERVER = N_(
    "the server's write-ahead log, archives and backups are outside the project and "
    "may still hold the erased text"
)
NOTE_COPIES = N_(
    "copies beside the project may still hold the erased text (delete them if they "
    "must go): {paths}"
)


def _backups(project: Project) -> tuple[Path, ...]:
    """Copies of the project file beside it that may hold old data (the backups made before
    a migration: ``study.db.bak-REVISION``)."""
    if project.path is None:
        return ()
    folder = project.path.parent
    found = [
        path
        for path in folder.glob(f"{project.path.name}.bak-*")
        if path.is_file() and not is_temporary(path)
    ]
    return tuple(sorted(found))


@dataclass(frozen=True)
class PurgePlan:
    """What a purge would do, for the question before it."""

    documents: tuple[str, ...]
    """Documents it deletes."""
    segments: int
    """Segments of those documents."""
    log_rows: dict[str, int]
    """Images of erased data in the change log now, per table (the documents' rows come on
    top)."""
    changes: int
    """Changes holding those images."""
    backups: tuple[Path, ...]
    """Copies beside the project that it does not touch."""
    sqlite: bool

    @property
    def rows(self) -> int:
        """Images of erased data in the log."""
        return sum(self.log_rows.values())

    def lines(self) -> list[str]:
        """The plan in a few lines, for the confirmation."""
        lines = []
        if self.documents:
            lines.append(
                ngettext(
                    "delete {count} document for good: {names} (with its {segments},"
                    " its codings and memos)",
                    "delete {count} documents for good: {names} (with their {segments},"
                    " their codings and memos)",
                    len(self.documents),
                ).format(
                    count=number(len(self.documents)),
                    names=", ".join(self.documents),
                    segments=counted(self.segments, "segment", "segments"),
                )
            )
        if self.rows:
            tables = ", ".join(f"{name} {count}" for name, count in sorted(self.log_rows.items()))
            lines.append(
                ngettext(
                    "remove {count} image of erased data from the change log ({tables}),"
                    " from {changes}; undo will not reach past the purge",
                    "remove {count} images of erased data from the change log ({tables}),"
                    " from {changes}; undo will not reach past the purge",
                    self.rows,
                ).format(
                    count=number(self.rows),
                    tables=tables,
                    changes=counted(self.changes, "change", "changes"),
                )
            )
        elif not self.documents:
            lines.append(_("the change log holds no erased data"))
        lines.append(
            _("compact the project file and empty its write-ahead log")
            if self.sqlite
            else _("rewrite every table without its dead rows (VACUUM FULL)")
        )
        if self.backups:
            lines.append(
                _("not touched, and they may hold the erased text: {paths}").format(
                    paths=", ".join(str(path) for path in self.backups)
                )
            )
        return lines


def plan(project: Project, *, documents: Sequence[str] = ()) -> PurgePlan:
    """What :func:`purge` would do now (reads only); raises ``NotFound`` for an unknown
    document."""
    with project.session() as session:
        ids = [find_document(session, name).id for name in dict.fromkeys(documents)]
        segments = (
            int(
                session.exec(
                    select(sa.func.count(col(Segment.id))).where(col(Segment.document_id).in_(ids))
                ).one()
            )
            if ids
            else 0
        )
        found = changelog.erased(session.connection())
    return PurgePlan(
        tuple(dict.fromkeys(documents)),
        segments,
        dict(found.tables),
        len(found.changes),
        _backups(project),
        project.is_sqlite,
    )


@dataclass(frozen=True)
class Purged:
    """What a purge did."""

    documents: tuple[str, ...]
    segments: int
    log: changelog.LogPurged
    index_dropped: bool
    """The lemma index was emptied and built again (it held words of deleted documents)."""
    compacted: str
    """How the database was compacted."""
    wal_emptied: bool | None
    """SQLite: the ``-wal`` file was emptied (False: another process still reads the project,
    so old pages may stay there until it closes); None on PostgreSQL."""
    backups: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default=())
    """What the purge could not reach (English, for ``--json``; :attr:`shown_notes` are
    shown)."""

    @property
    def shown_notes(self) -> tuple[str, ...]:
        """:attr:`notes` in the interface's language."""
        shown = []
        for note in self.notes:
            if note.startswith(NOTE_COPIES.partition("{")[0]):
                paths = ", ".join(str(path) for path in self.backups)
                shown.append(_(NOTE_COPIES).format(paths=paths))
            else:
                shown.append(_(note))
        return tuple(shown)

    @property
    def summary(self) -> str:
        """One line for the user."""
        parts = []
        if self.documents:
            parts.append(
                ngettext(
                    "deleted {count} document",
                    "deleted {count} documents",
                    len(self.documents),
                ).format(count=number(len(self.documents)))
            )
        parts.append(
            ngettext(
                "removed {count} log row of erased data",
                "removed {count} log rows of erased data",
                self.log.rows,
            ).format(count=number(self.log.rows))
        )
        if self.log.changes_removed:
            parts.append(counted(self.log.changes_removed, "change", "changes"))
        parts.append(_(self.compacted))
        return _("purged: {done}").format(done=", ".join(parts))

    def to_dict(self) -> dict[str, Any]:
        """The ``purge --json`` object."""
        return {
            "documents": list(self.documents),
            "segments": self.segments,
            "log_rows": self.log.rows,
            "log_rows_by_table": dict(sorted(self.log.tables.items())),
            "changes_removed": self.log.changes_removed,
            "changes_scrubbed": self.log.changes_scrubbed,
            "redo_dropped": self.log.redo_dropped,
            "index_dropped": self.index_dropped,
            "compacted": self.compacted,
            "wal_emptied": self.wal_emptied,
            "backups": [str(path) for path in self.backups],
            "notes": list(self.notes),
        }


def _compact_sqlite(project: Project) -> bool:
    """VACUUM, then empty the WAL; True when the checkpoint emptied it."""
    raw = project.engine.raw_connection()
    try:
        driver: Any = raw.driver_connection  # sqlite3, in autocommit (see project.db)
        driver.execute("VACUUM")
        busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy) == 0
    finally:
        raw.close()


def _compact_postgresql(project: Project) -> None:
    preparer = project.engine.dialect.identifier_preparer
    with project.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in SQLModel.metadata.sorted_tables:
            connection.exec_driver_sql(f"VACUUM FULL {preparer.format_table(table)}")


def purge(project: Project, *, documents: Sequence[str] = (), coder: str | None = None) -> Purged:
    """Delete ``documents`` for good, remove every image of erased data from the change log,
    and compact the database (see the module's text). One transaction, then the compaction."""
    with project.transaction("purge", coder=coder, record=False) as session:
        name = session.info.get("coder_name")
        coder_id(session, coder)
        # A merge of an older copy must not bring the documents back (their text is gone
        # from here; their GUID and text hash, keyed, stay in the erasure table).
        gone = [find_document(session, name) for name in dict.fromkeys(documents)]
        keys = [
            key
            for d in gone
            for key in (erasures.guid_key(d.guid), erasures.document_key(d.sha256))
        ]
        segments = documents_core.delete_documents(session, documents)
        index_dropped = bool(documents) or documents_core.stale_index(session)
        if index_dropped:
            from workbench.text import lemmas

            documents_core.drop_index(session)
            lemmas.ensure_index(session)  # the documents left, indexed again
        session.flush()
        log = changelog.purge_log(session.connection(), coder=name)
        erasures.record(session.connection(), keys)
    notes: list[str] = []
    wal_emptied: bool | None = None
    if project.is_sqlite:
        wal_emptied = _compact_sqlite(project)
        compacted = COMPACTED_SQLITE
        if not wal_emptied:
            compacted = COMPACTED_SQLITE_WAL_KEPT
            notes.append(NOTE_WAL_KEPT)
    else:
        _compact_postgresql(project)
        compacted = COMPACTED_POSTGRESQL
        notes.append(NOTE_SERVER)
    found = _backups(project)
    if found:
        notes.append(NOTE_COPIES.format(paths=", ".join(str(path) for path in found)))
    return Purged(
        tuple(dict.fromkeys(documents)),
        segments,
        log,
        index_dropped,
        compacted,
        wal_emptied,
        found,
        tuple(notes),
    )
