"""Places: add and edit them, with their aliases.

One transaction per function, named in the change log with the command line's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from workbench.coding import places
from workbench.project import changelog
from workbench.project.db import Project
from workbench.project.models import PlaceAlias
from workbench.services._tx import coder_id


@dataclass(frozen=True)
class PlaceSaved:
    """A place added or changed."""

    id: int
    name: str
    kind: str
    status: str
    summary: str
    """The change log's text."""

    def to_dict(self) -> dict[str, object]:
        """The ``place add --json`` object."""
        return {"id": self.id, "name": self.name, "kind": self.kind, "status": self.status}


def add_place(
    project: Project,
    name: str,
    *,
    kind: str,
    aliases: Sequence[str] = (),
    coder: str | None = None,
    **fields: Any,
) -> PlaceSaved:
    """Add a place of a codebook ``kind`` with its aliases and fields (status, neighbourhood,
    municipality, address, latitude, longitude, description) as one change."""
    values = {key: value for key, value in fields.items() if value is not None}
    with project.transaction("place add", coder=coder) as session:
        row = places.add_place(
            session,
            name,
            kind=kind,
            aliases=list(aliases),
            coder_id=coder_id(session, coder),
            **values,
        )
        summary = f"add place {row.name}"
        changelog.describe(session, summary)
        assert row.id is not None
        return PlaceSaved(row.id, row.name, row.kind, row.status, summary)


def edit_place(
    project: Project,
    name: str,
    *,
    new_name: str | None = None,
    kind: str | None = None,
    add_aliases: Sequence[str] = (),
    remove_aliases: Sequence[str] = (),
    aliases: Sequence[str] | None = None,
    coder: str | None = None,
    **fields: Any,
) -> PlaceSaved:
    """Change a place as one change: its name, kind, fields (None leaves one as it is) and
    aliases: ``add_aliases`` and ``remove_aliases``, or with ``aliases`` the whole list (the
    TUI's place form)."""
    with project.transaction("place edit", coder=coder) as session:
        coder_id(session, coder)
        row = places.edit_place(session, name, name=new_name, kind=kind, **fields)
        if aliases is not None:
            current = set(
                session.exec(select(PlaceAlias.alias).where(col(PlaceAlias.place_id) == row.id))
            )
            wanted = list(dict.fromkeys(" ".join(a.split()) for a in aliases if a.strip()))
            remove_aliases = [*remove_aliases, *sorted(current - set(wanted))]
            add_aliases = [*add_aliases, *(a for a in wanted if a not in current)]
        for alias in add_aliases:
            places.add_alias(session, row, alias)
        for alias in remove_aliases:
            places.remove_alias(session, row, alias)
        summary = f"edit place {row.name}"
        changelog.describe(session, summary)
        assert row.id is not None
        return PlaceSaved(row.id, row.name, row.kind, row.status, summary)
