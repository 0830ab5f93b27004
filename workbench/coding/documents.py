"""Deleting documents for good, with everything that belongs to them.

Only a purge deletes documents (:mod:`workbench.services.purge`): a document's text is fixed at
import and the change log does not keep it, so its deletion cannot be undone; the purge that
deletes it also removes the log's images of its segments, codings, turns and memos.

Every row that refers to a deleted row goes with it, found from the tables' foreign keys
(turns, sentences, paragraphs, case links, segments and, through them, codings, place links and
memos), so a table added later is not forgotten. The writes are SQL statements in the caller's
transaction, which the change log does not record.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from workbench.coding.lookups import find_document
from workbench.project.models import (
    Code,
    Document,
    IndexedDocument,
    IndexForm,
    IndexPosting,
    Segment,
    id_of,
    table_of,
)


def _chunks(ids: Sequence[int], size: int = 500) -> list[list[int]]:
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def _delete_with_dependents(connection: sa.Connection, table: sa.Table, ids: list[int]) -> int:
    """Delete rows of ``table`` by id and, first, every row that refers to them (depth
    first). Returns how many rows of ``table`` were deleted."""
    if not ids:
        return 0
    for child in SQLModel.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table or child is table:
                continue
            column = fk.parent
            key = list(child.primary_key.columns)
            for chunk in _chunks(ids):
                if len(key) == 1 and key[0].name == "id":
                    found = [
                        int(i)
                        for i in connection.execute(
                            sa.select(key[0]).where(column.in_(chunk)).order_by(key[0])
                        ).scalars()
                    ]
                    _delete_with_dependents(connection, child, found)
                else:  # a table nothing refers to (keyed by its foreign key): delete directly
                    connection.execute(child.delete().where(column.in_(chunk)))
    deleted = 0
    for chunk in _chunks(ids):
        deleted += connection.execute(table.delete().where(table.c.id.in_(chunk))).rowcount or 0
    return deleted


def delete_documents(session: Session, names: Sequence[str]) -> int:
    """Delete the documents called ``names`` with their turns, sentences, paragraphs, case
    links, segments (with their codings, place links and memos) and memos; anchor quotes on
    their segments are cleared. Returns the number of segments deleted."""
    documents = [id_of(find_document(session, name)) for name in dict.fromkeys(names)]
    if not documents:
        return 0
    connection = session.connection()
    segment, code = table_of(Segment), table_of(Code)
    segments = [
        int(i)
        for i in connection.execute(
            sa.select(segment.c.id)
            .where(segment.c.document_id.in_(documents))
            .order_by(segment.c.id)
        ).scalars()
    ]
    for chunk in _chunks(segments):
        connection.execute(
            code.update().where(code.c.anchor_segment_id.in_(chunk)).values(anchor_segment_id=None)
        )
    _delete_with_dependents(connection, table_of(Document), documents)
    session.expire_all()
    return len(segments)


def drop_index(session: Session) -> None:
    """Empty the lemma index (derived data: the next search or suggestion indexes the
    documents again). The index's word forms come from every document ever indexed, those
    since deleted too."""
    connection = session.connection()
    for table in (IndexPosting, IndexedDocument, IndexForm):
        connection.execute(sa.delete(table_of(table)))


def stale_index(session: Session) -> bool:
    """True when the index holds postings of a chunk no indexed document belongs to any more
    (words of documents deleted or indexed again since)."""
    posting, indexed = table_of(IndexPosting), table_of(IndexedDocument)
    found = session.connection().execute(
        sa.select(posting.c.chunk).where(~posting.c.chunk.in_(sa.select(indexed.c.chunk))).limit(1)
    )
    return found.first() is not None
