"""What others did: watching a project for changes made by another process or coder.

An open TUI polls :meth:`Watch.poll` about once a second from a thread worker. A poll reads a
:class:`Mark`, a few numbers that move on every change, in one short read (the newest change
log id, the ids of the undone changes, the number and highest id of the documents); it works
the same on SQLite and PostgreSQL and costs three indexed queries. When the mark moved, the
change log since the last mark says who did what ("bram coded 3 passages in P07"), and the
screens read the project again.

Changes the watching shell made itself are told apart by its coder and by the number of
writes it reports (:meth:`Watch.wrote`): movement that its own writes explain is not reported
(the shell has shown those already). The same coder working in another window is still
noticed, when that makes more changes than the shell's own writes account for.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from workbench.i18n import N_, _, counted, ngettext, number
from workbench.project import changelog, coders
from workbench.project.changelog import ChangeInfo
from workbench.project.db import Project
from workbench.project.models import Change, Coder, Document, Segment, table_of

__all__ = ["Activity", "Mark", "Watch", "describe", "read_mark"]


@dataclass(frozen=True)
class Mark:
    """Where a project stood: numbers that move whenever anything is written."""

    last_change: int
    """The newest change log id (0 for none): moves with every recorded change."""
    undone: frozenset[int]
    """The ids of the undone changes: moves with every undo and redo."""
    documents: int
    """How many documents there are (imports are not recorded as changes)."""
    last_document: int
    """The highest document id (0 for none)."""


def read_mark(project: Project) -> Mark:
    """The project's mark now (one read session, three indexed queries)."""
    change = table_of(Change)
    document = table_of(Document)
    with project.session() as session:
        connection = session.connection()
        last_change = connection.execute(sa.select(sa.func.max(change.c.id))).scalar()
        undone = connection.execute(
            sa.select(change.c.id).where(change.c.state == "undone").order_by(change.c.id)
        ).scalars()
        undone_ids = frozenset(int(i) for i in undone)
        count, last_document = connection.execute(
            sa.select(sa.func.count(document.c.id), sa.func.max(document.c.id))
        ).one()
    return Mark(int(last_change or 0), undone_ids, int(count or 0), int(last_document or 0))


@dataclass(frozen=True)
class Activity:
    """What moved in a project between two marks."""

    mark: Mark
    """The mark now."""
    changes: tuple[ChangeInfo, ...]
    """The changes recorded since, oldest first (every coder's)."""
    undone: tuple[ChangeInfo, ...]
    """The changes undone since."""
    redone: tuple[ChangeInfo, ...]
    """The changes redone since."""
    imported: tuple[tuple[str, str | None], ...]
    """The documents imported since: (name, coder)."""
    removed_documents: int
    """How many documents went (none, unless removed outside the workbench's actions)."""
    lines: tuple[str, ...]
    """Who did what, one line per coder, leaving out the watching coder's own changes."""


def _coded(count: int, documents: Sequence[str]) -> str:
    """``coded 3 passages in P07`` (and P08; in 3 documents), in the interface's language."""
    if not documents:
        return ngettext("coded {count} passage", "coded {count} passages", count).format(
            count=number(count)
        )
    if len(documents) == 1:
        where = documents[0]
    elif len(documents) == 2:
        where = _("{first} and {second}").format(first=documents[0], second=documents[1])
    else:
        where = counted(len(documents), "document", "documents")
    return ngettext(
        "coded {count} passage in {where}", "coded {count} passages in {where}", count
    ).format(count=number(count), where=where)


def describe(
    project: Project,
    changes: Sequence[ChangeInfo],
    *,
    undone: Sequence[ChangeInfo] = (),
    redone: Sequence[ChangeInfo] = (),
    imported: Sequence[tuple[str, str | None]] = (),
    removed_documents: int = 0,
    leave_out: str | None = None,
) -> tuple[str, ...]:
    """Who did what, one line per coder in the order they first appear ("bram coded 3
    passages in P07; made a change: rename code welcome to feeling welcome"), leaving out
    ``leave_out``'s changes (and those undone again since)."""
    passages: dict[str, dict[int, None]] = {}  # coder -> segment ids coded or linked
    others: dict[str, list[ChangeInfo]] = {}
    steps: dict[str, list[str]] = {}
    order: dict[str, None] = {}

    def who(coder: str | None) -> str | None:
        name = coder or _("someone")
        if coder is not None and coder == leave_out:
            return None
        order.setdefault(name, None)
        return name

    with project.session() as session:
        images = changelog.net_images(session, [change.id for change in changes])
        segment_documents: dict[int, str] = {}
        wanted: set[int] = set()
        for change in changes:
            name = who(change.coder) if change.state == "done" else None  # not undone since
            if name is None:
                continue
            coded: list[int] = []
            for (table, _row_id), (before, after) in images.get(change.id, {}).items():
                if table in ("coding", "segment_place") and before is None and after is not None:
                    coded.append(int(after["segment_id"]))
            if coded:
                for segment_id in coded:
                    passages.setdefault(name, {})[segment_id] = None
                wanted.update(coded)
            else:
                others.setdefault(name, []).append(change)
        if wanted:
            segment = table_of(Segment)
            document = table_of(Document)
            found = session.connection().execute(
                sa.select(segment.c.id, document.c.name)
                .select_from(segment.join(document, segment.c.document_id == document.c.id))
                .where(segment.c.id.in_(sorted(wanted)))
            )
            segment_documents = {int(row[0]): str(row[1]) for row in found}
    for verb, infos in ((N_("undid {what}"), undone), (N_("redid {what}"), redone)):
        for info in infos:
            name = who(info.coder)
            if name is not None:
                steps.setdefault(name, []).append(_(verb).format(what=info.summary or info.action))
    imports: dict[str, list[str]] = {}
    for document_name, coder in imported:
        name = who(coder)
        if name is not None:
            imports.setdefault(name, []).append(document_name)
    lines: list[str] = []
    for name in order:
        clauses: list[str] = []
        if name in passages:
            ids = list(passages[name])
            documents = list(
                dict.fromkeys(segment_documents[i] for i in ids if i in segment_documents)
            )
            clauses.append(_coded(len(ids), documents))
        if name in others:
            last = others[name][-1]
            what = last.summary or last.action
            if len(others[name]) == 1:
                clauses.append(_("made a change: {what}").format(what=what))
            else:
                clauses.append(
                    _("made {count} changes, the last: {what}").format(
                        count=number(len(others[name])), what=what
                    )
                )
        clauses.extend(steps.get(name, ()))
        if name in imports:
            names = imports[name]
            clauses.append(
                _("imported {document}").format(document=names[0])
                if len(names) == 1
                else _("imported {count} documents").format(count=number(len(names)))
            )
        if clauses:
            lines.append(_("{coder} {actions}").format(coder=name, actions="; ".join(clauses)))
    if removed_documents:
        lines.append(
            ngettext(
                "{count} document removed", "{count} documents removed", removed_documents
            ).format(count=number(removed_documents))
        )
    return tuple(lines)


class Watch:
    """Watches one project for changes made elsewhere (another process, another coder).

    Thread-safe: the shell's write workers call :meth:`wrote`, one poll worker at a time calls
    :meth:`poll`.
    """

    def __init__(self, project: Project, *, coder: str | None = None) -> None:
        self.project = project
        """The project watched."""
        self.coder = coder or coders.default_name()
        """The coder of the watching shell, whose changes are not reported."""
        self._lock = threading.Lock()
        self._mark = read_mark(project)
        self._own_writes = 0

    @property
    def mark(self) -> Mark:
        """The mark of the last poll (or of the start)."""
        with self._lock:
            return self._mark

    def wrote(self) -> None:
        """The watching shell wrote something (a write or an undo): the movement that causes
        is its own."""
        with self._lock:
            self._own_writes += 1

    def poll(self) -> Activity | None:
        """What moved since the last poll that the shell's own writes do not explain, or None.

        The next poll starts from now, whatever this one returns.
        """
        with self._lock:
            before = self._mark
            own_writes, self._own_writes = self._own_writes, 0
        now = read_mark(self.project)
        if now == before:
            return None
        with self.project.session() as session:
            changes = changelog.changes_since(session, before.last_change)
            known = {change.id for change in changes}
            flipped = [i for i in before.undone ^ now.undone if i not in known]
            stepped = changelog.changes(session, flipped)
            imported: list[tuple[str, str | None]] = []
            if now.last_document > before.last_document:
                document = table_of(Document)
                coder = table_of(Coder)
                imported = [
                    (str(row[0]), None if row[1] is None else str(row[1]))
                    for row in session.connection().execute(
                        sa.select(document.c.name, coder.c.name)
                        .select_from(document.outerjoin(coder, document.c.coder_id == coder.c.id))
                        .where(document.c.id > before.last_document)
                        .order_by(document.c.id)
                    )
                ]
        undone = tuple(info for info in stepped if info.state == "undone")
        redone = tuple(info for info in stepped if info.state == "done")
        removed = max(0, before.documents + len(imported) - now.documents)
        with self._lock:
            self._mark = now
        mine = [c.coder == self.coder for c in (*changes, *undone, *redone)]
        mine += [coder == self.coder for _name, coder in imported]
        units = len(changes) + len(undone) + len(redone) + (1 if imported else 0)
        if all(mine) and not removed and units <= own_writes:
            return None  # the shell's own writes, shown already
        lines = describe(
            self.project,
            changes,
            undone=undone,
            redone=redone,
            imported=imported,
            removed_documents=removed,
            leave_out=self.coder,
        )
        return Activity(
            mark=now,
            changes=tuple(changes),
            undone=undone,
            redone=redone,
            imported=tuple(imported),
            removed_documents=removed,
            lines=lines,
        )
