"""Three columns for exchange and publication:

- ``code.codable``: REFI-QDA's ``isCodable``. A code that only groups others (ATLAS.ti, NVivo
  folders) is kept as not codable instead of being exported as codable.
- ``code.anchor_segment_id``: the anchor quote the researcher chose for the codebook report.
  A plain integer, not a foreign key: deleting the segment leaves a number that the report
  ignores, and SQLite could only add a foreign key by rebuilding the table.
- ``document.label``: the citation label the researcher set for a document. Pseudonymised
  output cites a document by its case, else this label, else ``Doc N``; never by its file
  name, which often carries the participant's name.

Existing rows get the values that mean "as before": codable, no anchor, no label.
The workbench writes a backup copy of the file before it runs this (``db.open_project``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD COLUMN and DROP COLUMN (SQLite 3.35+ has both): a batch copy of ``document``
# would drop a table that every other table refers to. The defaults are literal strings so
# that SQLite adds the columns in place.


def upgrade() -> None:
    op.add_column("code", sa.Column("codable", sa.Boolean(), nullable=False, server_default="1"))
    op.add_column("code", sa.Column("anchor_segment_id", sa.Integer(), nullable=True))
    op.add_column(
        "document",
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("document", "label")
    op.drop_column("code", "anchor_segment_id")
    op.drop_column("code", "codable")
