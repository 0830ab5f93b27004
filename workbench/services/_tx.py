"""What every write service does first: the coder of the change (created on first use)."""

from __future__ import annotations

from sqlmodel import Session

from workbench.project import coders


def coder_id(session: Session, coder: str | None) -> int:
    """The id of the coder doing this change (``None``: the default coder), created on first
    use, in the change's own transaction."""
    row = coders.ensure(session, coder)
    assert row.id is not None
    return row.id
