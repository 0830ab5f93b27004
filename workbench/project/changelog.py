"""The change log: an audit trail of every change, and undo and redo across restarts.

A write transaction (:meth:`workbench.project.db.Project.transaction`) carries a :class:`Recorder`.
SQLAlchemy's ``after_flush`` event hands it every row inserted, updated or deleted in the
tracked tables (codes, segments, codings, places, links, memos, cases...), with the row as it
was before and as it is after. At commit the recorder writes one ``change`` row and its
``change_row`` images. Because the rows are captured where the ORM writes them, no core
function can forget to log a change.

Undo sets every row of a coder's newest ``done`` change back to its before-image and marks
the change ``undone``; redo sets them to their after-images again. Each coder has an undo and
a redo stack of their own: a coder's new change drops only that coder's redo stack (the
dropped changes stay in the log, marked ``dropped``). Undo and redo write with SQL
expressions, not the ORM, so they are not themselves recorded as changes.

A coder's undo (or redo) is refused, in one line naming the change in the way, when another
coder's work depends on it (:func:`obstacle`): a row it would set back was written since by
someone else, a row it would delete is referred to by someone else's row (a coding on the
segment it made), a row it needs was removed, or a row it would put back has had its place
taken (the same span, the same name). Nothing of someone else's work is ever taken back or
overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel

from workbench.errors import Conflict, NothingToDo, WorkbenchError
from workbench.i18n import N_, _
from workbench.project import erasures, models

TRACKED: dict[str, sa.Table] = {
    table.name: table for table in map(models.table_of, models.TRACKED_TABLES)
}
#: Tables tracked for some columns only, and only where a row changes (never its insert or
#: delete): a document's text is fixed at import, which undo does not take back, but its
#: citation label is the researcher's to set and to undo.
PARTIAL: dict[str, tuple[str, ...]] = {"document": ("id", "label")}
TRACKED.update({name: models.table_of(models.Document) for name in PARTIAL})


#: A row of a tracked table as a message names it ("code 12"), per table: translated when shown.
_ROW_NAMES = {
    "code": N_("code {id}"),
    "segment": N_("segment {id}"),
    "coding": N_("coding {id}"),
    "place": N_("place {id}"),
    "place_alias": N_("place_alias {id}"),
    "segment_place": N_("segment_place {id}"),
    "memo": N_("memo {id}"),
    "case": N_("case {id}"),
    "document_case": N_("document_case {id}"),
    "variable": N_("variable {id}"),
    "case_value": N_("case_value {id}"),
    "place_kind": N_("place_kind {id}"),
    "turn": N_("turn {id}"),
    "pseudonym": N_("pseudonym {id}"),
    "document": N_("document {id}"),
}

#: Why a step is refused when a row it needs is missing, per table that rows refer to: one
#: whole sentence each (the article and the relative pronoun follow the word in Dutch). The
#: first is said when a change removed the row, the second when the row is just gone.
_NEEDED_GONE = {
    "code": (
        N_("{change} removed the code it needs"),
        N_("the code {id} it needs is gone"),
    ),
    "segment": (
        N_("{change} removed the segment it needs"),
        N_("the segment {id} it needs is gone"),
    ),
    "document": (
        N_("{change} removed the document it needs"),
        N_("the document {id} it needs is gone"),
    ),
    "place": (
        N_("{change} removed the place it needs"),
        N_("the place {id} it needs is gone"),
    ),
    "case": (
        N_("{change} removed the case it needs"),
        N_("the case {id} it needs is gone"),
    ),
    "variable": (
        N_("{change} removed the variable it needs"),
        N_("the variable {id} it needs is gone"),
    ),
}


def _row_name(table_name: str, row_id: Any) -> str:
    """A row for a message, in the user's language: "code 12"."""
    shown = _ROW_NAMES.get(table_name)
    if shown is None:
        return f"{table_name} {row_id}"
    return _(shown).format(id=row_id)


def _columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns of ``table`` the change log keeps."""
    kept = PARTIAL.get(table.name)
    return [c for c in table.columns if kept is None or c.key in kept]


def _kept(table_name: str, row: Any) -> dict[str, Any]:
    """A row read from the database as the change log keeps it."""
    kept = PARTIAL.get(table_name)
    return {k: _encode(v) for k, v in row.items() if kept is None or k in kept}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    column_type = getattr(column.type, "impl", column.type)
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    return value


def _image(obj: SQLModel, *, before: bool) -> dict[str, Any]:
    """The row of ``obj`` as a dict of column values, now or before this flush."""
    state = sa.inspect(obj)
    table = models.table_of(type(obj))
    image: dict[str, Any] = {}
    for column in _columns(table):
        attr = state.attrs[column.key]
        value = attr.value
        if before:
            history = attr.history
            if history.deleted:
                value = history.deleted[0]
        image[column.key] = _encode(value)
    return image


@dataclass
class Recorder:
    """Collects the row images of one transaction and writes them as one change."""

    action: str
    coder: str | None = None
    summary: str = ""
    rows: list[tuple[str, int, dict[str, Any] | None, dict[str, Any] | None]] = field(
        default_factory=list
    )

    def capture(self, session: OrmSession) -> None:
        """Record what the flush in progress writes (called from ``after_flush``)."""
        for obj in session.new:
            table = getattr(obj, "__tablename__", None)
            if table in TRACKED and table not in PARTIAL:
                self.rows.append((table, obj.id, None, _image(obj, before=False)))
        for obj in session.dirty:
            table = getattr(obj, "__tablename__", None)
            if table in TRACKED and session.is_modified(obj, include_collections=False):
                before = _image(obj, before=True)
                after = _image(obj, before=False)
                if before != after:
                    self.rows.append((table, obj.id, before, after))
        for obj in session.deleted:
            table = getattr(obj, "__tablename__", None)
            if table in TRACKED and table not in PARTIAL:
                self.rows.append((table, obj.id, _image(obj, before=True), None))

    def write(self, session: OrmSession) -> int | None:
        """Write the change and its rows; drop the redo stack. Returns the change id."""
        if not self.rows:
            return None
        connection = session.connection()
        change_table = models.table_of(models.Change)
        coder_id = coder_id_of(connection, self.coder, create=True) if self.coder else None
        connection.execute(
            change_table.update()
            .where(change_table.c.state == "undone", _owned_by(change_table, coder_id))
            .values(state="dropped")
        )
        inserted = connection.execute(
            change_table.insert().values(
                created_at=models.utcnow(),
                coder_id=coder_id,
                action=self.action,
                summary=self.summary,
                state="done",
            )
        ).inserted_primary_key
        assert inserted is not None  # a single-row INSERT always reports its key
        change_id = inserted[0]
        rows_table = models.table_of(models.ChangeRow)
        connection.execute(
            rows_table.insert(),
            [
                {
                    "change_id": change_id,
                    "seq": seq,
                    "table_name": table,
                    "row_id": row_id,
                    "before": None if before is None else json.dumps(before, ensure_ascii=False),
                    "after": None if after is None else json.dumps(after, ensure_ascii=False),
                }
                for seq, (table, row_id, before, after) in enumerate(self.rows)
            ],
        )
        return int(change_id)


def coder_id_of(connection: sa.Connection, name: str, *, create: bool = False) -> int | None:
    """The id of the coder called ``name``; with ``create`` the coder is added when new (every
    change names its coder, also one whose action did not write a coder's row itself)."""
    coder_table = models.table_of(models.Coder)
    found = connection.execute(
        sa.select(coder_table.c.id).where(coder_table.c.name == name)
    ).scalar()
    if found is None and create:
        inserted = connection.execute(
            coder_table.insert().values(
                name=name, guid=models.new_guid(), created_at=models.utcnow()
            )
        ).inserted_primary_key
        assert inserted is not None  # a single-row INSERT always reports its key
        found = inserted[0]
    return None if found is None else int(found)


def _owned_by(change_table: sa.Table, coder_id: int | None) -> sa.ColumnElement[bool]:
    """The changes on ``coder_id``'s own stacks: theirs, and those recorded without a coder
    (before every change named one), which belong to everyone."""
    return sa.or_(change_table.c.coder_id == coder_id, change_table.c.coder_id.is_(None))


def describe(session: OrmSession, summary: str) -> None:
    """Say what the change of this transaction does (shown by ``history`` and undo)."""
    recorder = session.info.get("recorder")
    if isinstance(recorder, Recorder):
        recorder.summary = summary


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context: object) -> None:
    recorder = session.info.get("recorder")
    if isinstance(recorder, Recorder):
        recorder.capture(session)


# --- undo and redo ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeInfo:
    """A change as shown to users: what was done, by whom, when."""

    id: int
    action: str
    summary: str
    state: str
    created_at: datetime
    coder: str | None


def _net_images(
    rows: Sequence[sa.Row[*tuple[Any, ...]]],
) -> dict[tuple[str, int], tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Per row touched: its image before the change's first write and after its last."""
    net: dict[tuple[str, int], tuple[dict[str, Any] | None, dict[str, Any] | None]] = {}
    for row in rows:
        key = (row.table_name, row.row_id)
        before = None if row.before is None else json.loads(row.before)
        after = None if row.after is None else json.loads(row.after)
        if key in net:
            net[key] = (net[key][0], after)
        else:
            net[key] = (before, after)
    return net


def _order_inserts(table: sa.Table, images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children for a table that refers to itself (the code tree)."""
    self_refs = [fk.parent.key for fk in table.foreign_keys if fk.column.table is table]
    if not self_refs:
        return images
    pending = {image["id"]: image for image in images}
    ordered: list[dict[str, Any]] = []
    while pending:
        ready = [
            image
            for image in pending.values()
            if all(image.get(ref) not in pending for ref in self_refs)
        ]
        if not ready:  # a cycle cannot be stored; keep the remaining order
            ready = list(pending.values())
        for image in ready:
            ordered.append(image)
            del pending[image["id"]]
    return ordered


def _apply(
    connection: sa.Connection,
    targets: dict[tuple[str, int], tuple[dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Bring each row from its ``current`` image (first) to its ``wanted`` image (second)."""
    order = {table.name: index for index, table in enumerate(SQLModel.metadata.sorted_tables)}
    inserts: dict[str, list[dict[str, Any]]] = {}
    updates: list[tuple[sa.Table, int, dict[str, Any], dict[str, Any]]] = []
    deletes: list[tuple[sa.Table, int, dict[str, Any]]] = []
    for (table_name, row_id), (current, wanted) in targets.items():
        table = TRACKED[table_name]
        if current is None and wanted is not None:
            inserts.setdefault(table_name, []).append(wanted)
        elif current is not None and wanted is None:
            deletes.append((table, row_id, current))
        elif current is not None and wanted is not None:
            updates.append((table, row_id, current, wanted))

    def decoded(table: sa.Table, image: dict[str, Any]) -> dict[str, Any]:
        return {key: _decode(table.c[key], value) for key, value in image.items()}

    def check_current(table: sa.Table, row_id: int, image: dict[str, Any]) -> None:
        row = connection.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
        if row is None or _kept(table.name, row) != image:
            raise WorkbenchError(
                _("cannot undo or redo: {row} was changed outside the change log").format(
                    row=_row_name(table.name, row_id)
                )
            )

    for table_name in sorted(inserts, key=lambda name: order[name]):
        table = TRACKED[table_name]
        for image in _order_inserts(table, inserts[table_name]):
            connection.execute(table.insert().values(**decoded(table, image)))
    for table, row_id, current, wanted in updates:
        check_current(table, row_id, current)
        connection.execute(
            table.update().where(table.c.id == row_id).values(**decoded(table, wanted))
        )
    for table, row_id, current in sorted(deletes, key=lambda d: -order[d[0].name]):
        check_current(table, row_id, current)
        connection.execute(table.delete().where(table.c.id == row_id))


Images = dict[tuple[str, int], tuple[dict[str, Any] | None, dict[str, Any] | None]]
"""Per row a step touches, (table, id): its image now (as the log has it) and as wanted."""


def _references() -> dict[str, list[tuple[str, str]]]:
    """Per tracked table: its columns that refer to a row of a tracked table, with that table
    (a coding's ``segment_id`` refers to ``segment``)."""
    return {
        name: [
            (fk.parent.key, fk.column.table.name)
            for fk in table.foreign_keys
            if fk.column.table.name in TRACKED
        ]
        for name, table in TRACKED.items()
    }


def _coder_name(connection: sa.Connection, coder_id: int | None) -> str | None:
    if coder_id is None:
        return None
    coder_table = models.table_of(models.Coder)
    name = connection.execute(
        sa.select(coder_table.c.name).where(coder_table.c.id == coder_id)
    ).scalar()
    return None if name is None else str(name)


def _info(connection: sa.Connection, change: sa.Row[Any], state: str | None = None) -> ChangeInfo:
    return ChangeInfo(
        id=change.id,
        action=change.action,
        summary=change.summary,
        state=state or change.state,
        created_at=change.created_at,
        coder=_coder_name(connection, change.coder_id),
    )


def _named(info: ChangeInfo) -> str:
    """A change for a one-line message: its number, coder and summary."""
    summary = info.summary or info.action  # stored in English
    if info.coder:
        return _("change {id} by {coder} ({summary})").format(
            id=info.id, coder=info.coder, summary=summary
        )
    return _("change {id} ({summary})").format(id=info.id, summary=summary)


def _last_writer(
    connection: sa.Connection, table: str, row_id: int, states: tuple[str, ...] = ("done",)
) -> ChangeInfo | None:
    """The newest change in one of ``states`` that wrote a row, or None (a row written
    outside the change log, by an import or by hand)."""
    change_table = models.table_of(models.Change)
    rows_table = models.table_of(models.ChangeRow)
    change = connection.execute(
        sa.select(change_table)
        .select_from(change_table.join(rows_table, rows_table.c.change_id == change_table.c.id))
        .where(
            rows_table.c.table_name == table,
            rows_table.c.row_id == row_id,
            change_table.c.state.in_(states),
        )
        .order_by(change_table.c.id.desc())
        .limit(1)
    ).first()
    return None if change is None else _info(connection, change)


class _Obstacle(Exception):
    """Why a step cannot be applied (one clause); raised inside :func:`obstacle`."""


def obstacle(
    connection: sa.Connection, change_id: int, targets: Images, *, undo: bool
) -> str | None:
    """Why undoing (``undo``) or redoing change ``change_id`` would take back or overwrite
    someone else's work, in one clause naming the change that did that work; None when the
    step can be applied.

    The project as it is now is compared with what the step needs: every row it writes is
    still as the change left it (undo) or found it (redo); no other row refers to a row it
    deletes (a coding on the segment it would remove); every row its rows refer to exists (the
    code a redone coding needs); no other row holds the id or a unique key (a span, a name)
    of a row it puts back. The change that wrote the row in the way is named: "change 15 by
    bram (code P07 10-20 with stigma) depends on it".
    """
    references = _references()
    referred_by: dict[str, list[tuple[str, str]]] = {}
    for source, columns in references.items():
        for column, target in columns:
            referred_by.setdefault(target, []).append((source, column))

    def now(table_name: str, row_id: int) -> dict[str, Any] | None:
        table = TRACKED[table_name]
        row = connection.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
        return None if row is None else _kept(table_name, row)

    def in_the_way(table_name: str, row_id: int) -> _Obstacle:
        writer = _last_writer(connection, table_name, row_id)
        if writer is None or writer.id == change_id:
            return _Obstacle(
                _("{row} was changed outside the change log").format(
                    row=_row_name(table_name, row_id)
                )
            )
        if undo:
            return _Obstacle(_("{change} depends on it").format(change=_named(writer)))
        return _Obstacle(_("{change} changed the same data since").format(change=_named(writer)))

    try:
        for (table_name, row_id), (current, wanted) in targets.items():
            if current is None and wanted is None:
                continue
            table = TRACKED[table_name]
            actual = now(table_name, row_id)
            if actual != current:
                raise in_the_way(table_name, row_id)
            if wanted is None:
                for source, column in referred_by.get(table_name, ()):
                    source_table = TRACKED[source]
                    for (found,) in connection.execute(
                        sa.select(source_table.c.id).where(source_table.c[column] == row_id)
                    ):
                        then = targets.get((source, found))
                        if then is None or (then[1] is not None and then[1].get(column) == row_id):
                            raise in_the_way(source, found)
                continue
            for column, referred in references[table_name]:
                value = wanted.get(column)
                if value is None or (current is not None and current.get(column) == value):
                    continue
                if (referred, value) in targets:
                    continue  # the step puts it back itself
                if now(referred, value) is None:
                    gone = _last_writer(connection, referred, value, ("done", "undone"))
                    if gone is not None and gone.state == "undone":
                        raise _Obstacle(
                            _("it builds on {change}, which is undone").format(change=_named(gone))
                        )
                    removed, missing = _NEEDED_GONE.get(
                        referred,
                        (
                            N_("{change} removed the {table} it needs"),
                            N_("the {table} {id} it needs is gone"),
                        ),
                    )
                    if gone is not None and gone.id != change_id:
                        raise _Obstacle(_(removed).format(change=_named(gone), table=referred))
                    raise _Obstacle(_(missing).format(table=referred, id=value))
            uniques = [
                tuple(c.columns.keys())
                for c in table.constraints
                if isinstance(c, sa.UniqueConstraint)
            ]
            for key in uniques:
                if current is not None and all(current.get(c) == wanted.get(c) for c in key):
                    continue
                values = [_decode(table.c[c], wanted.get(c)) for c in key]
                if any(value is None for value in values):
                    continue  # NULLs never collide
                condition = [table.c[c] == value for c, value in zip(key, values, strict=True)]
                for (found,) in connection.execute(sa.select(table.c.id).where(*condition)):
                    then = targets.get((table_name, found))
                    if found != row_id and (
                        then is None
                        or (
                            then[1] is not None
                            and all(then[1].get(c) == wanted.get(c) for c in key)
                        )
                    ):
                        raise in_the_way(table_name, found)
    except _Obstacle as reason:
        return str(reason)
    return None


def _step(session: OrmSession, *, undo: bool, coder: str | None) -> ChangeInfo:
    change_table = models.table_of(models.Change)
    rows_table = models.table_of(models.ChangeRow)
    connection = session.connection()
    if undo:
        # A purge is on every stack (its state is never "done"): undo stops there.
        query = sa.select(change_table).where(change_table.c.state.in_(("done", PURGED)))
        query = query.order_by(change_table.c.id.desc())
    else:
        query = sa.select(change_table).where(change_table.c.state == "undone")
        query = query.order_by(change_table.c.id.asc())
    if coder is not None:
        query = query.where(_owned_by(change_table, coder_id_of(connection, coder)))
    change = connection.execute(query.limit(1)).first()
    if change is None:
        if coder is None:
            raise NothingToDo(_("nothing to undo") if undo else _("nothing to redo"))
        raise NothingToDo(
            (_("nothing to undo for {coder}") if undo else _("nothing to redo for {coder}")).format(
                coder=coder
            )
        )
    if change.state == PURGED:
        when = change.created_at.strftime("%Y-%m-%d %H:%M")  # as `history` shows it
        raise NothingToDo(
            _(
                "undo cannot reach past the purge on {when}: what was done before it is permanent"
            ).format(when=when)
        )
    rows = connection.execute(
        sa.select(rows_table).where(rows_table.c.change_id == change.id).order_by(rows_table.c.seq)
    ).all()
    net = _net_images(rows)
    if undo:
        targets = {key: (after, before) for key, (before, after) in net.items()}
    else:
        targets = dict(net)
    this = _named(_info(connection, change))
    reason = obstacle(connection, change.id, targets, undo=undo)
    if reason is not None:
        raise Conflict(
            (
                _("cannot undo {change}: {reason}") if undo else _("cannot redo {change}: {reason}")
            ).format(change=this, reason=reason)
        )
    try:
        _apply(connection, targets)
    except sa.exc.IntegrityError as exc:
        raise WorkbenchError(
            (
                _("cannot undo {change}: later data depends on it ({reason})")
                if undo
                else _("cannot redo {change}: later data depends on it ({reason})")
            ).format(change=this, reason=exc.orig)
        ) from exc
    connection.execute(
        change_table.update()
        .where(change_table.c.id == change.id)
        .values(state="undone" if undo else "done")
    )
    return _info(connection, change, "undone" if undo else "done")


def undo(session: OrmSession, *, coder: str | None = None) -> ChangeInfo:
    """Undo ``coder``'s newest change that is done (with ``coder`` None: anyone's newest, the
    whole project's stack). Raises :class:`NothingToDo` when there is none, and
    :class:`Conflict` when another coder's change depends on it (:func:`obstacle`)."""
    return _step(session, undo=True, coder=coder)


def redo(session: OrmSession, *, coder: str | None = None) -> ChangeInfo:
    """Redo ``coder``'s oldest undone change (with ``coder`` None: anyone's). Raises
    :class:`NothingToDo` when there is none, and :class:`Conflict` when another coder's change
    is in its way."""
    return _step(session, undo=False, coder=coder)


def history(
    session: OrmSession, limit: int | None = 50, *, coder: str | None = None
) -> list[ChangeInfo]:
    """The newest changes, newest first: everyone's, or with ``coder`` only that coder's (and
    those recorded without a coder, which are on everyone's stack)."""
    change_table = models.table_of(models.Change)
    coder_table = models.table_of(models.Coder)
    query = (
        sa.select(change_table, coder_table.c.name.label("coder_name"))
        .select_from(
            change_table.outerjoin(coder_table, change_table.c.coder_id == coder_table.c.id)
        )
        .order_by(change_table.c.id.desc())
        .limit(limit)
    )
    connection = session.connection()
    if coder is not None:
        query = query.where(_owned_by(change_table, coder_id_of(connection, coder)))
    return [
        ChangeInfo(
            id=row.id,
            action=row.action,
            summary=row.summary,
            state=row.state,
            created_at=row.created_at,
            coder=row.coder_name,
        )
        for row in connection.execute(query)
    ]


def changes_since(session: OrmSession, after: int) -> list[ChangeInfo]:
    """The changes recorded after change ``after``, oldest first (what others did since)."""
    change_table = models.table_of(models.Change)
    coder_table = models.table_of(models.Coder)
    query = (
        sa.select(change_table, coder_table.c.name.label("coder_name"))
        .select_from(
            change_table.outerjoin(coder_table, change_table.c.coder_id == coder_table.c.id)
        )
        .where(change_table.c.id > after)
        .order_by(change_table.c.id)
    )
    return [
        ChangeInfo(
            id=row.id,
            action=row.action,
            summary=row.summary,
            state=row.state,
            created_at=row.created_at,
            coder=row.coder_name,
        )
        for row in session.connection().execute(query)
    ]


def changes(session: OrmSession, ids: Sequence[int]) -> list[ChangeInfo]:
    """The changes with these ids, oldest first."""
    if not ids:
        return []
    change_table = models.table_of(models.Change)
    connection = session.connection()
    rows = connection.execute(
        sa.select(change_table).where(change_table.c.id.in_(ids)).order_by(change_table.c.id)
    ).all()
    return [_info(connection, row) for row in rows]


def net_images(session: OrmSession, ids: Sequence[int]) -> dict[int, Images]:
    """Per change of ``ids``: every row it touched, (table, id), with its image before the
    change and after it (None where the row did not exist)."""
    if not ids:
        return {}
    rows_table = models.table_of(models.ChangeRow)
    rows = (
        session.connection()
        .execute(
            sa.select(rows_table)
            .where(rows_table.c.change_id.in_(ids))
            .order_by(rows_table.c.change_id, rows_table.c.seq)
        )
        .all()
    )
    by_change: dict[int, list[sa.Row[Any]]] = {}
    for row in rows:
        by_change.setdefault(row.change_id, []).append(row)
    return {change_id: _net_images(found) for change_id, found in by_change.items()}


# --- purge: forgetting what the researcher erased ----------------------------------------------

PURGE_ACTION = "purge"
"""The action of the change a purge leaves in the log: the point undo cannot reach past."""
PURGED = "purged"
"""The state of that change (never ``done``, so nothing ever undoes it)."""
_NOT_TEXT = frozenset({"guid", "color", "kind", "status", "type"})
"""String columns that hold no words of the researcher's (summaries are not searched for
their old values)."""
_MIN_SCRUBBED = 3
"""Old values shorter than this are not searched for in change summaries."""


def is_text(column: sa.Column[Any]) -> bool:
    """Whether ``column`` holds text: a String (sa.Text is one) or a type built on one, like
    SQLModel's AutoString, the type of every plain ``str`` field."""
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, sa.String)


def _text_columns(table: sa.Table) -> list[str]:
    return [column.key for column in table.columns if column.key != "guid" and is_text(column)]


def _old_values(image: dict[str, Any], columns: list[str], now: dict[str, Any] | None) -> set[str]:
    """The words of ``image`` that are no longer in the project: every text value of a row
    that is gone, or the text values that differ from the row as it is now."""
    found: set[str] = set()
    for column in columns:
        if column in _NOT_TEXT:
            continue
        value = image.get(column)
        if not isinstance(value, str) or (now is not None and now.get(column) == value):
            continue
        found.add(value)
        if value.startswith("["):  # a JSON list of names (pseudonym variants, keywords)
            try:
                items = json.loads(value)
            except ValueError:
                items = []
            if isinstance(items, list):
                found.update(item for item in items if isinstance(item, str))
    return found


@dataclass(frozen=True)
class Erased:
    """What the change log holds of data that is no longer in the project."""

    rows: tuple[int, ...]
    """Ids of the ``change_row`` rows whose before or after image holds it."""
    tables: dict[str, int]
    """How many of those rows per table."""
    changes: tuple[int, ...]
    """The changes those rows belong to."""
    values: frozenset[str] = frozenset()
    """The old text values (searched for in the summaries of the changes that stay)."""
    keys: frozenset[str] = frozenset()
    """What a merge must not bring back (:mod:`workbench.project.erasures`): the identities
    of the rows that are gone, and "this column of this row" for text replaced."""


def erased(connection: sa.Connection) -> Erased:
    """The images in the change log of rows that no longer exist (a deleted memo, pseudonym,
    segment, document's turns...) or of text that has since been replaced (a memo rewritten,
    a code renamed): the rows a purge removes from the log."""
    rows_table = models.table_of(models.ChangeRow)
    found: list[int] = []
    tables: dict[str, int] = {}
    changes: set[int] = set()
    values: set[str] = set()
    keys: set[str] = set()
    identities = erasures.Identities(connection)
    names = connection.execute(
        sa.select(rows_table.c.table_name).distinct().order_by(rows_table.c.table_name)
    ).scalars()
    for name in list(names):
        table = TRACKED.get(name)
        if table is None:
            continue
        kept = PARTIAL.get(name)
        columns = [c for c in _text_columns(table) if kept is None or c in kept]
        ids = sorted(
            int(row_id)
            for row_id in connection.execute(
                sa.select(rows_table.c.row_id).where(rows_table.c.table_name == name).distinct()
            ).scalars()
        )
        current: dict[int, dict[str, Any]] = {}
        # The text columns, and the keys a merge knows the row by (case_id, variable_id...).
        keyed = [c.key for c in table.columns if isinstance(c.type, sa.Integer) and c.key != "id"]
        selected = [table.c.id, *(table.c[c] for c in [*columns, *keyed])]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in connection.execute(sa.select(*selected).where(table.c.id.in_(chunk))):
                mapping = row._mapping
                current[int(mapping["id"])] = {c: mapping[c] for c in [*columns, *keyed]}
        for log in connection.execute(
            sa.select(
                rows_table.c.id,
                rows_table.c.change_id,
                rows_table.c.row_id,
                rows_table.c.before,
                rows_table.c.after,
            )
            .where(rows_table.c.table_name == name)
            .order_by(rows_table.c.id)
        ):
            now = current.get(int(log.row_id))
            old: set[str] = set()
            gone = False
            for text in (log.before, log.after):
                if text is None:
                    continue
                image = json.loads(text)
                if now is None:
                    gone = True
                    old |= _old_values(image, columns, None)
                    keys.update(identities.gone(name, image))
                elif any(c in image and image[c] != now[c] for c in columns):
                    gone = True
                    old |= _old_values(image, columns, now)
                    keys.update(identities.replaced(name, int(log.row_id), image, now, columns))
            if gone:
                found.append(int(log.id))
                changes.add(int(log.change_id))
                tables[name] = tables.get(name, 0) + 1
                values |= old
    return Erased(tuple(found), tables, tuple(sorted(changes)), frozenset(values), frozenset(keys))


@dataclass(frozen=True)
class LogPurged:
    """What a purge took out of the change log."""

    rows: int
    """``change_row`` images removed."""
    tables: dict[str, int]
    """Of those, per table."""
    changes_removed: int
    """Changes that held nothing else, removed."""
    changes_scrubbed: int
    """Changes kept (for the audit trail) whose summary was replaced, as it named old text."""
    redo_dropped: int
    """Undone changes dropped: every redo stack is emptied."""


def purge_log(connection: sa.Connection, *, coder: str | None = None) -> LogPurged:
    """Remove from the change log every image of erased data (:func:`erased`), in the
    caller's write transaction.

    Changes left with no rows are removed; the others keep their remaining rows, and their
    summary when it does not name old text (else it becomes "ACTION (purged)"). Every redo
    stack is emptied (undone changes are marked ``dropped``). A change with the action
    ``purge`` is recorded, belonging to every coder's stack: undo stops there
    ("undo cannot reach past the purge on DATE"), for everyone, since the changes before it
    may have lost rows they need.
    """
    change_table = models.table_of(models.Change)
    rows_table = models.table_of(models.ChangeRow)
    found = erased(connection)
    erasures.record(connection, found.keys)
    for start in range(0, len(found.rows), 500):
        rows = found.rows[start : start + 500]
        connection.execute(rows_table.delete().where(rows_table.c.id.in_(rows)))
    removed = 0
    for start in range(0, len(found.changes), 500):
        chunk = list(found.changes[start : start + 500])
        kept = set(
            connection.execute(
                sa.select(rows_table.c.change_id)
                .where(rows_table.c.change_id.in_(chunk))
                .distinct()
            ).scalars()
        )
        empty = [change for change in chunk if change not in kept]
        if empty:
            connection.execute(change_table.delete().where(change_table.c.id.in_(empty)))
            removed += len(empty)
    scrubbed = 0
    values = [value for value in found.values if len(value) >= _MIN_SCRUBBED]
    touched = set(found.changes)
    for change_id, action, summary in connection.execute(
        sa.select(change_table.c.id, change_table.c.action, change_table.c.summary).order_by(
            change_table.c.id
        )
    ).all():
        if not summary or action == PURGE_ACTION:
            continue
        folded = summary.casefold()
        if change_id in touched or any(value.casefold() in folded for value in values):
            connection.execute(
                change_table.update()
                .where(change_table.c.id == change_id)
                .values(summary=f"{action} (purged)")
            )
            scrubbed += 1
    dropped = connection.execute(
        change_table.update().where(change_table.c.state == "undone").values(state="dropped")
    ).rowcount
    who = f" by {coder}" if coder else ""
    connection.execute(
        change_table.insert().values(
            created_at=models.utcnow(),
            coder_id=None,  # on every coder's stack: nobody's undo reaches past it
            action=PURGE_ACTION,
            summary=f"purge{who}: {len(found.rows)} log rows of erased data removed",
            state=PURGED,
        )
    )
    return LogPurged(len(found.rows), dict(found.tables), removed, scrubbed, int(dropped or 0))
