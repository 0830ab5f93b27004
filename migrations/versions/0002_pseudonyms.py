"""Pseudonym table: real names of people and places and the pseudonyms that replace them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pseudonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("real", sa.String(), nullable=False),
        sa.Column("pseudonym", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("variants", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonym")),
        sa.UniqueConstraint("real", name=op.f("uq_pseudonym_real")),
    )


def downgrade() -> None:
    op.drop_table("pseudonym")
