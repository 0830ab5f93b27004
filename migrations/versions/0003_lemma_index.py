"""Lemma index: word forms with their lemmas, postings per form and chunk, indexed documents.

The index is derived data. This migration only creates the empty tables: it does not run
spaCy. Documents that were imported before it have no ``indexed_document`` row, which marks
them as not yet indexed; ``workbench.text.lemmas.ensure_index`` indexes them once, on the first
search or suggestion that needs them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_form",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("form", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lemma", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_form")),
        sa.UniqueConstraint("language", "form", name="uq_index_form_language_form"),
    )
    with op.batch_alter_table("index_form", schema=None) as batch_op:
        batch_op.create_index("ix_index_form_language_lemma", ["language", "lemma"], unique=False)
    op.create_table(
        "index_posting",
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"], ["index_form.id"], name=op.f("fk_index_posting_form_id_index_form")
        ),
        sa.PrimaryKeyConstraint("form_id", "chunk", name=op.f("pk_index_posting")),
    )
    op.create_table(
        "indexed_document",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.Integer(), nullable=False),
        sa.Column("lemmatiser", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("indexed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_indexed_document_document_id_document"),
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_indexed_document")),
    )


def downgrade() -> None:
    op.drop_table("indexed_document")
    op.drop_table("index_posting")
    with op.batch_alter_table("index_form", schema=None) as batch_op:
        batch_op.drop_index("ix_index_form_language_lemma")
    op.drop_table("index_form")
