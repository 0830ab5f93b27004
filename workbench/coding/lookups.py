"""Finding codes, documents, places, segments, memos and coders by name or id.

Reading only: nothing here writes.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.coding.names import name_key
from workbench.errors import NotFound, did_you_mean, quoted
from workbench.i18n import _
from workbench.project.models import (
    Code,
    Coder,
    Document,
    Memo,
    Place,
    PlaceAlias,
    Segment,
)

# --- finding things by name ------------------------------------------------------------------


def _by_key(rows: list[tuple[int | None, str]], name: str) -> int | None:
    """The id of the one row whose name is ``name`` in another letter case or spacing."""
    key = name_key(name)
    found = {row_id for row_id, row_name in rows if name_key(row_name) == key}
    return found.pop() if len(found) == 1 else None


def find_code(session: Session, name: str) -> Code:
    """The code called ``name`` (exact, else in another letter case or spacing)."""
    code = session.exec(select(Code).where(Code.name == name)).first()
    if code is None:
        rows = list(session.exec(select(Code.id, Code.name).order_by(col(Code.id))))
        found = _by_key(rows, name)
        code = session.get(Code, found) if found is not None else None
        if code is None:
            names = [row_name for _, row_name in rows]
            raise NotFound(
                _("no code called {name}").format(name=quoted(name)) + did_you_mean(name, names)
            )
    return code


def find_document(session: Session, name: str) -> Document:
    """The document called ``name``."""
    document = session.exec(select(Document).where(Document.name == name)).first()
    if document is None:
        names = list(session.exec(select(Document.name)))
        raise NotFound(
            _("no document called {name}").format(name=quoted(name)) + did_you_mean(name, names)
        )
    return document


def find_place(session: Session, name: str) -> Place:
    """The place called ``name`` (exact, else in another letter case or spacing), or the one
    place with that alias."""
    place = session.exec(select(Place).where(Place.name == name)).first()
    if place is None:
        rows = list(session.exec(select(Place.id, Place.name).order_by(col(Place.id))))
        found = _by_key(rows, name)
        place = session.get(Place, found) if found is not None else None
    if place is None:
        by_alias = list(
            session.exec(
                select(Place)
                .join(PlaceAlias, col(PlaceAlias.place_id) == Place.id)
                .where(sa.func.lower(PlaceAlias.alias) == name.lower())
            )
        )
        if len({p.id for p in by_alias}) == 1:
            return by_alias[0]
        names = list(session.exec(select(Place.name)))
        raise NotFound(
            _("no place called {name}").format(name=quoted(name)) + did_you_mean(name, names)
        )
    return place


def find_segment(session: Session, segment_id: int) -> Segment:
    """The segment with this id."""
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFound(_("no segment {segment}").format(segment=segment_id))
    return segment


def find_memo(session: Session, memo_id: int) -> Memo:
    """The memo with this id."""
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFound(_("no memo {memo}").format(memo=memo_id))
    return memo


def coder_name(session: Session, coder_id: int) -> str:
    """The name of a coder."""
    coder = session.get(Coder, coder_id)
    return coder.name if coder else "?"
