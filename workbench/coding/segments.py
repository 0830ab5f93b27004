"""Segments, codings and links to places: code a span, uncode, link, unlink.

Every function works inside the caller's write transaction (a service opens it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlmodel import Session, col, select

from workbench.coding.codes import add_code
from workbench.coding.lookups import find_code, find_document, find_place, find_segment
from workbench.coding.memos import add_memo
from workbench.coding.prune import drop_empty_segments
from workbench.errors import InvalidValue, NotFound
from workbench.i18n import _, counted
from workbench.project.models import (
    Code,
    Coding,
    Document,
    Place,
    Segment,
    SegmentPlace,
    id_of,
)

# --- segments, codings and links -------------------------------------------------------------


@dataclass
class SegmentView:
    """A segment as the command line's ``--json`` shows it."""

    segment: int
    document: str
    start: int
    end: int
    codes: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The contract's JSON object."""
        return asdict(self)


def segment_view(session: Session, segment_id: int) -> SegmentView:
    """The segment with the names of its codes (all coders) and places."""
    segment = find_segment(session, segment_id)
    document = session.get(Document, segment.document_id)
    codes = session.exec(
        select(Code.name)
        .join(Coding, col(Coding.code_id) == Code.id)
        .where(Coding.segment_id == segment_id)
        .distinct()
        .order_by(Code.name)
    ).all()
    places = session.exec(
        select(Place.name)
        .join(SegmentPlace, col(SegmentPlace.place_id) == Place.id)
        .where(SegmentPlace.segment_id == segment_id)
        .order_by(Place.name)
    ).all()
    assert document is not None
    return SegmentView(
        segment_id, document.name, segment.start, segment.end, list(codes), list(places)
    )


def check_span(document: Document, start: int, end: int) -> None:
    """Offsets must lie inside the document and enclose at least one character."""
    length = len(document.text)
    if start < 0 or end < 0:
        raise InvalidValue(
            _("offsets cannot be negative (start {start}, end {end})").format(start=start, end=end)
        )
    if start >= length or end > length:
        raise InvalidValue(
            _("offset {offset} is past the end of document {document} ({length})").format(
                offset=max(start, end),
                document=repr(document.name),
                length=counted(length, "character", "characters"),
            )
        )
    if end <= start:
        raise InvalidValue(
            _("end ({end}) must be greater than start ({start})").format(end=end, start=start)
        )
    if not document.text[start:end].strip():
        raise InvalidValue(
            _("the span {start}..{end} of {document} holds only white space").format(
                start=start, end=end, document=repr(document.name)
            )
        )


def ensure_segment(
    session: Session, document: Document, start: int, end: int, *, coder_id: int
) -> Segment:
    """The segment over exactly this span, created when there is none."""
    check_span(document, start, end)
    segment = session.exec(
        select(Segment).where(
            Segment.document_id == document.id, Segment.start == start, Segment.end == end
        )
    ).first()
    if segment is None:
        segment = Segment(document_id=id_of(document), start=start, end=end, coder_id=coder_id)
        session.add(segment)
        session.flush()
    return segment


def apply_code(session: Session, segment: Segment, code: Code, *, coder_id: int) -> bool:
    """Put ``code`` on ``segment`` for this coder. False if it was there already."""
    exists = session.exec(
        select(Coding.id).where(
            Coding.segment_id == segment.id, Coding.code_id == code.id, Coding.coder_id == coder_id
        )
    ).first()
    if exists is not None:
        return False
    session.add(Coding(segment_id=id_of(segment), code_id=id_of(code), coder_id=coder_id))
    session.flush()
    return True


def link_place(session: Session, segment: Segment, place: Place, *, coder_id: int) -> bool:
    """Link a segment to a place. False if it was linked already."""
    exists = session.exec(
        select(SegmentPlace.id).where(
            SegmentPlace.segment_id == segment.id, SegmentPlace.place_id == place.id
        )
    ).first()
    if exists is not None:
        return False
    session.add(SegmentPlace(segment_id=id_of(segment), place_id=id_of(place), coder_id=coder_id))
    session.flush()
    return True


def code_span(
    session: Session,
    document: str,
    start: int,
    end: int,
    codes: list[str],
    *,
    coder_id: int,
    places: Sequence[str] = (),
    memo: str | None = None,
    create_codes: bool = False,
) -> SegmentView:
    """Code a span with one or more codes (and places, a memo): the ``code`` command."""
    if not codes and not places:
        raise InvalidValue(_("give at least one code (or a place) to code a span with"))
    doc = find_document(session, document)
    check_span(doc, start, end)
    resolved: list[Code] = []
    for name in codes:
        try:
            resolved.append(find_code(session, name))
        except NotFound:
            if not create_codes:
                raise
            resolved.append(add_code(session, name, coder_id=coder_id))
    resolved_places = [find_place(session, name) for name in places]
    segment = ensure_segment(session, doc, start, end, coder_id=coder_id)
    for code in resolved:
        apply_code(session, segment, code, coder_id=coder_id)
    for place in resolved_places:
        link_place(session, segment, place, coder_id=coder_id)
    if memo:
        add_memo(session, "segment", str(segment.id), memo, coder_id=coder_id)
    return segment_view(session, id_of(segment))


def uncode(session: Session, segment_id: int, codes: Sequence[str] = ()) -> SegmentView:
    """Remove codes (all of them when none are named) from a segment.

    A segment left with no code, no place and no memo is deleted.
    """
    segment = find_segment(session, segment_id)
    view = segment_view(session, segment_id)
    query = select(Coding).where(Coding.segment_id == segment_id)
    if codes:
        ids = []
        for name in codes:
            code = find_code(session, name)
            if code.name not in view.codes:
                raise NotFound(
                    _("segment {segment} is not coded {code}").format(
                        segment=segment_id, code=repr(code.name)
                    )
                )
            ids.append(code.id)
        query = query.where(col(Coding.code_id).in_(ids))
    for coding in session.exec(query).all():
        session.delete(coding)
    session.flush()
    drop_empty_segments(session, {id_of(segment)})
    if session.get(Segment, segment_id) is None:
        view.codes = []
        return view
    return segment_view(session, segment_id)


def link(session: Session, segment_id: int, place: str, *, coder_id: int) -> SegmentView:
    """Link a segment to a place (the ``link`` command)."""
    segment = find_segment(session, segment_id)
    link_place(session, segment, find_place(session, place), coder_id=coder_id)
    return segment_view(session, segment_id)


def unlink(session: Session, segment_id: int, place: str) -> SegmentView:
    """Remove a segment's link to a place.

    A segment left with no code, no place and no memo is deleted (as :func:`uncode` does);
    the view returned then shows no places.
    """
    segment = find_segment(session, segment_id)
    target = find_place(session, place)
    row = session.exec(
        select(SegmentPlace).where(
            SegmentPlace.segment_id == segment_id, SegmentPlace.place_id == target.id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("segment {segment} is not linked to {place}").format(
                segment=segment_id, place=repr(target.name)
            )
        )
    view = segment_view(session, segment_id)
    session.delete(row)
    session.flush()
    drop_empty_segments(session, {id_of(segment)})
    if session.get(Segment, segment_id) is None:
        view.places = []
        return view
    return segment_view(session, segment_id)
