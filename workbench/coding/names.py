"""Rules for names and colours shared by the codebook files and the coding core.

Kept apart from :mod:`workbench.coding.codebook` (YAML and pydantic) so that commands which only
code or list start fast.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, select

from workbench.errors import Conflict
from workbench.project.models import Code

NAME_PATTERN = re.compile(r"^[^\s\"'()&|!:][^\"()&|!:]*$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
#: The place statuses the workbench knows (DESIGN.md); codebooks give them labels.
PLACE_STATUS_NAMES = ("existing", "lost", "missed", "wished")


def check_name(value: str) -> str:
    """A code name with its white space collapsed; ValueError when it cannot be used."""
    value = " ".join(value.split())
    if not value:
        raise ValueError("a name cannot be empty")
    if not NAME_PATTERN.match(value):
        raise ValueError(f"{value!r} has characters a name cannot have (quotes ( ) & | ! :)")
    return value


def refuse_duplicate(session: Session, name: str, *, except_id: int | None = None) -> None:
    """Raise Conflict when a code (other than ``except_id``) already has ``name`` (any case)."""
    query = select(Code.id, Code.name).where(sa.func.lower(Code.name) == name.lower())
    for code_id, code_name in session.exec(query):
        if code_id != except_id:
            raise Conflict(f"a code called {code_name!r} already exists")
