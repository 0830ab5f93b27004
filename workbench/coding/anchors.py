"""Anchor quotes: the one segment per code that the codebook report quotes as its example.

``code.anchor_segment_id`` names the segment (not a foreign key: a segment can be removed
while a code names it, and the report then leaves the quote out with a warning). Choosing an
anchor is a write on the code row, so the change log records it and undo takes it back.
"""

from __future__ import annotations

from sqlmodel import Session, select

from workbench.coding.lookups import find_code
from workbench.errors import InvalidValue, NotFound, quoted
from workbench.i18n import _
from workbench.project.models import Code, Coding, Segment


def set_anchor(session: Session, name: str, segment_id: int | None) -> Code:
    """Make segment ``segment_id`` the anchor quote of the code ``name`` (None clears it).

    The segment must carry the code (a coding of any coder): an anchor quote shows what the
    code means, so it must be coded with it.
    """
    code = find_code(session, name)
    if segment_id is not None:
        if session.get(Segment, segment_id) is None:
            raise NotFound(_("no segment {segment}").format(segment=segment_id))
        coded = session.exec(
            select(Coding.id).where(Coding.segment_id == segment_id, Coding.code_id == code.id)
        ).first()
        if coded is None:
            raise InvalidValue(
                _("segment {id} is not coded {code}; an anchor quote must carry its code").format(
                    id=segment_id, code=quoted(code.name)
                )
            )
    code.anchor_segment_id = segment_id
    session.add(code)
    session.flush()
    return code
