"""``workbench check``: is the project whole?

SQLite's own integrity and foreign-key checks, the text of every document against the
sha256 taken at import, and every stored span inside its document.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from workbench.db import Project
from workbench.models import Document, Paragraph, Segment, Sentence, Turn


def check_project(project: Project) -> list[str]:
    """A list of problems, one line each; empty when the project is whole."""
    problems: list[str] = []
    with project.engine.connect() as connection:
        if project.engine.dialect.name == "sqlite":
            for (row,) in connection.exec_driver_sql("PRAGMA integrity_check"):
                if row != "ok":
                    problems.append(f"sqlite: {row}")
            for row in connection.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: {row[0]} row {row[1]} refers to a missing {row[2]}")
        lengths: dict[int, int] = {}
        for doc_id, name, text, digest in connection.execute(
            sa.select(Document.id, Document.name, Document.text, Document.sha256)
        ):
            lengths[doc_id] = len(text)
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
                problems.append(f"document {name!r}: its text changed after import (hash differs)")
        for model in (Segment, Turn, Sentence, Paragraph):
            table = model.__table__  # type: ignore[attr-defined]
            rows = connection.execute(
                sa.select(table.c.id, table.c.document_id, table.c.start, table.c.end)
            )
            for row_id, doc_id, start, end in rows:
                if not 0 <= start <= end <= lengths.get(doc_id, -1):
                    problems.append(
                        f"{table.name} {row_id}: span {start}..{end} is outside its document"
                    )
    return problems
