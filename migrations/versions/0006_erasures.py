"""The erasure table: keyed fingerprints of what a purge erased.

A merge of a copy made before a purge would otherwise bring back what the purge erased: the
purge removes from the change log the record that the rows were deleted, which is what a merge
reads to leave removed work out. Each row is a keyed SHA-256 of an identity (a GUID, a
document's text hash, a real name of the pseudonym table) or of "this column of this row was
replaced", never the erased text itself.

New table only: existing projects get an empty one (nothing was purged with this record).
The workbench writes a backup copy of the file before it runs this (``db.open_project``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("purged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )


def downgrade() -> None:
    op.drop_table("erasure")
