"""Covering indexes on the unit tables: (document_id, start, end) for turns, sentences and
paragraphs, in place of the (document_id, start) indexes of 0001.

A query that needs only a unit's id and span (the intersection joins of the analysis, the
units of a document in order) then reads the index alone, never the table. The new index
serves every query the old one served (it has the same leading columns), so the old one is
dropped rather than kept beside it: one index less to write at every import.

The workbench writes a backup copy of the file before it runs this (``db.open_project``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIT_TABLES = ("turn", "sentence", "paragraph")


def upgrade() -> None:
    for table in UNIT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_doc_start_end", ["document_id", "start", "end"], unique=False
            )
            batch_op.drop_index(f"ix_{table}_doc_start")


def downgrade() -> None:
    for table in UNIT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_doc_start", ["document_id", "start"], unique=False)
            batch_op.drop_index(f"ix_{table}_doc_start_end")
