"""The change log: an audit trail of every change, and undo and redo across restarts.

A write transaction (:meth:`workbench.project.db.Project.transaction`) carries a :class:`Recorder`.
SQLAlchemy's ``after_flush`` event hands it every row inserted, updated or deleted in the
tracked tables (codes, segments, codings, places, links, memos, cases...), with the row as it
was before and as it is after. At commit the recorder writes one ``change`` row and its
``change_row`` images. Because the rows are captured where the ORM writes them, no core
function can forget to log a change.

Undo sets every row of the newest ``done`` change back to its before-image and marks the
change ``undone``; redo sets them to their after-images again. A new change drops the redo
stack (the dropped changes stay in the log, marked ``dropped``). Undo and redo write with
SQL expressions, not the ORM, so they are not themselves recorded as changes.
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

from workbench.errors import NothingToDo, WorkbenchError
from workbench.project import models

TRACKED: dict[str, sa.Table] = {
    table.name: table for table in map(models.table_of, models.TRACKED_TABLES)
}


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
    for column in table.columns:
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
            if table in TRACKED:
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
            if table in TRACKED:
                self.rows.append((table, obj.id, _image(obj, before=True), None))

    def write(self, session: OrmSession) -> int | None:
        """Write the change and its rows; drop the redo stack. Returns the change id."""
        if not self.rows:
            return None
        connection = session.connection()
        change_table = models.table_of(models.Change)
        coder_id = None
        if self.coder:
            coder_table = models.table_of(models.Coder)
            coder_id = connection.execute(
                sa.select(coder_table.c.id).where(coder_table.c.name == self.coder)
            ).scalar()
        connection.execute(
            change_table.update().where(change_table.c.state == "undone").values(state="dropped")
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
        if row is None or {k: _encode(v) for k, v in row.items()} != image:
            raise WorkbenchError(
                f"cannot undo or redo: {table.name} {row_id} was changed outside the change log"
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


def _step(session: OrmSession, *, undo: bool) -> ChangeInfo:
    change_table = models.table_of(models.Change)
    rows_table = models.table_of(models.ChangeRow)
    connection = session.connection()
    if undo:
        query = sa.select(change_table).where(change_table.c.state == "done")
        query = query.order_by(change_table.c.id.desc())
    else:
        query = sa.select(change_table).where(change_table.c.state == "undone")
        query = query.order_by(change_table.c.id.asc())
    change = connection.execute(query.limit(1)).first()
    if change is None:
        raise NothingToDo("nothing to undo" if undo else "nothing to redo")
    rows = connection.execute(
        sa.select(rows_table).where(rows_table.c.change_id == change.id).order_by(rows_table.c.seq)
    ).all()
    net = _net_images(rows)
    if undo:
        targets = {key: (after, before) for key, (before, after) in net.items()}
    else:
        targets = dict(net)
    try:
        _apply(connection, targets)
    except sa.exc.IntegrityError as exc:
        verb = "undo" if undo else "redo"
        raise WorkbenchError(
            f"cannot {verb} {change.action!r}: later data depends on it ({exc.orig})"
        ) from exc
    connection.execute(
        change_table.update()
        .where(change_table.c.id == change.id)
        .values(state="undone" if undo else "done")
    )
    coder_table = models.table_of(models.Coder)
    coder = None
    if change.coder_id is not None:
        coder = connection.execute(
            sa.select(coder_table.c.name).where(coder_table.c.id == change.coder_id)
        ).scalar()
    return ChangeInfo(
        id=change.id,
        action=change.action,
        summary=change.summary,
        state="undone" if undo else "done",
        created_at=change.created_at,
        coder=coder,
    )


def undo(session: OrmSession) -> ChangeInfo:
    """Undo the newest change that is done. Raises :class:`NothingToDo` when there is none."""
    return _step(session, undo=True)


def redo(session: OrmSession) -> ChangeInfo:
    """Redo the oldest undone change. Raises :class:`NothingToDo` when there is none."""
    return _step(session, undo=False)


def history(session: OrmSession, limit: int = 50) -> list[ChangeInfo]:
    """The newest changes, newest first."""
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
