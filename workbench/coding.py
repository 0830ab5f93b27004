"""The coding core: the code tree, segments and codings, links to places, memos.

Every function works inside a write transaction given by the caller
(:meth:`workbench.db.Project.transaction`), so a command is one transaction and its rows
land in the change log as one change, which undo and redo act on.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench import names
from workbench.errors import Conflict, InvalidValue, NotFound
from workbench.models import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    Place,
    PlaceAlias,
    PlaceKind,
    PlaceStatus,
    Segment,
    SegmentPlace,
    utcnow,
)

# --- finding things by name ------------------------------------------------------------------


def _did_you_mean(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def find_code(session: Session, name: str) -> Code:
    """The code called ``name`` (exact, else case-insensitive)."""
    code = session.exec(select(Code).where(Code.name == name)).first()
    if code is None:
        code = session.exec(select(Code).where(sa.func.lower(Code.name) == name.lower())).first()
    if code is None:
        names = list(session.exec(select(Code.name)))
        raise NotFound(f"no code called {name!r}{_did_you_mean(name, names)}")
    return code


def find_document(session: Session, name: str) -> Document:
    """The document called ``name``."""
    document = session.exec(select(Document).where(Document.name == name)).first()
    if document is None:
        names = list(session.exec(select(Document.name)))
        raise NotFound(f"no document called {name!r}{_did_you_mean(name, names)}")
    return document


def find_place(session: Session, name: str) -> Place:
    """The place called ``name``, or the one place with that alias."""
    place = session.exec(select(Place).where(Place.name == name)).first()
    if place is None:
        place = session.exec(select(Place).where(sa.func.lower(Place.name) == name.lower())).first()
    if place is None:
        by_alias = list(
            session.exec(
                select(Place)
                .join(PlaceAlias, PlaceAlias.place_id == Place.id)
                .where(sa.func.lower(PlaceAlias.alias) == name.lower())
            )
        )
        if len({p.id for p in by_alias}) == 1:
            return by_alias[0]
        names = list(session.exec(select(Place.name)))
        raise NotFound(f"no place called {name!r}{_did_you_mean(name, names)}")
    return place


def find_segment(session: Session, segment_id: int) -> Segment:
    """The segment with this id."""
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFound(f"no segment {segment_id}")
    return segment


# --- the code tree ---------------------------------------------------------------------------


def _valid_name(name: str) -> str:
    try:
        return names.check_name(name)
    except ValueError as exc:
        raise InvalidValue(str(exc)) from None


def _valid_color(color: str) -> str:
    if not names.COLOR_PATTERN.match(color):
        raise InvalidValue(f"colour {color!r} is not of the form #RRGGBB")
    return color.lower()


_PALETTE = ("#e6a23c", "#5dade2", "#58d68d", "#ec7063", "#af7ac5", "#f4d03f", "#48c9b0", "#eb984e")


def add_code(
    session: Session,
    name: str,
    *,
    parent: str | None = None,
    label: str = "",
    description: str = "",
    color: str | None = None,
    coder_id: int | None = None,
) -> Code:
    """Create a code (under ``parent`` if given)."""
    name = _valid_name(name)
    names.refuse_duplicate(session, name)
    parent_code = find_code(session, parent) if parent else None
    if color is None:
        color = (
            parent_code.color
            if parent_code
            else _PALETTE[session.exec(select(sa.func.count(Code.id))).one() % len(_PALETTE)]
        )
    position = session.exec(select(sa.func.coalesce(sa.func.max(Code.position), 0))).one() + 1
    code = Code(
        name=name,
        label=label,
        description=description,
        color=_valid_color(color),
        parent_id=parent_code.id if parent_code else None,
        position=position,
        coder_id=coder_id,
    )
    session.add(code)
    session.flush()
    return code


def update_code(session: Session, name: str, **fields: object) -> Code:
    """Change a code's label, description, criteria, example, colour or keywords."""
    code = find_code(session, name)
    allowed = {"label", "description", "inclusion", "exclusion", "example", "color", "keywords"}
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidValue(f"a code has no field {key!r}")
        if value is None:
            continue
        if key == "color":
            value = _valid_color(str(value))
        if key == "keywords":
            value = json.dumps(list(value), ensure_ascii=False)  # type: ignore[call-overload]
        setattr(code, key, value)
    session.flush()
    return code


def rename_code(session: Session, old: str, new: str) -> Code:
    """Rename a code; its codings stay."""
    code = find_code(session, old)
    new = _valid_name(new)
    names.refuse_duplicate(session, new, except_id=code.id)
    code.name = new
    session.flush()
    return code


def _ancestors(session: Session, code: Code) -> list[int]:
    parents = dict(session.exec(select(Code.id, Code.parent_id)).all())
    chain: list[int] = []
    current = code.id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def move_code(session: Session, name: str, parent: str | None) -> Code:
    """Move a code (with its subtree) under ``parent``, or to the top with None."""
    code = find_code(session, name)
    if parent is None:
        code.parent_id = None
    else:
        new_parent = find_code(session, parent)
        if code.id in _ancestors(session, new_parent):
            raise Conflict(
                f"cannot move {code.name!r} under itself or its descendant {new_parent.name!r}"
            )
        code.parent_id = new_parent.id
    session.flush()
    return code


def _drop_empty_segments(session: Session, segment_ids: set[int]) -> None:
    """Delete segments left with no codings, no place links and no memos."""
    for segment_id in sorted(segment_ids):
        has_coding = session.exec(select(Coding.id).where(Coding.segment_id == segment_id)).first()
        has_link = session.exec(
            select(SegmentPlace.id).where(SegmentPlace.segment_id == segment_id)
        ).first()
        has_memo = session.exec(select(Memo.id).where(Memo.segment_id == segment_id)).first()
        if has_coding is None and has_link is None and has_memo is None:
            segment = session.get(Segment, segment_id)
            if segment is not None:
                session.delete(segment)
    session.flush()


def merge_codes(session: Session, source: str, target: str) -> Code:
    """Merge ``source`` into ``target``: codings, children and memos move; source goes."""
    from_code = find_code(session, source)
    into = find_code(session, target)
    if from_code.id == into.id:
        raise Conflict("cannot merge a code into itself")
    if from_code.id in _ancestors(session, into):
        raise Conflict(f"cannot merge {from_code.name!r} into its own descendant {into.name!r}")
    existing = {
        (row.segment_id, row.coder_id)
        for row in session.exec(select(Coding).where(Coding.code_id == into.id))
    }
    for coding in session.exec(select(Coding).where(Coding.code_id == from_code.id)).all():
        if (coding.segment_id, coding.coder_id) in existing:
            session.delete(coding)
        else:
            coding.code_id = into.id  # type: ignore[assignment]
            existing.add((coding.segment_id, coding.coder_id))
    for child in session.exec(select(Code).where(Code.parent_id == from_code.id)).all():
        child.parent_id = into.id
    for memo in session.exec(select(Memo).where(Memo.code_id == from_code.id)).all():
        memo.code_id = into.id
    session.flush()
    session.delete(from_code)
    session.flush()
    return into


def delete_code(session: Session, name: str, *, recursive: bool = False) -> list[str]:
    """Delete a code and its codings (with ``recursive``, its subtree too). Returns names."""
    code = find_code(session, name)
    children = session.exec(select(Code).where(Code.parent_id == code.id)).all()
    if children and not recursive:
        raise Conflict(
            f"{code.name!r} has {len(children)} child code(s); "
            "move them first or delete recursively"
        )
    deleted: list[str] = []
    touched: set[int] = set()
    for child in children:
        deleted += delete_code(session, child.name, recursive=True)
    for coding in session.exec(select(Coding).where(Coding.code_id == code.id)).all():
        touched.add(coding.segment_id)
        session.delete(coding)
    for memo in session.exec(select(Memo).where(Memo.code_id == code.id)).all():
        session.delete(memo)
    session.flush()
    session.delete(code)
    session.flush()
    _drop_empty_segments(session, touched)
    return [*deleted, code.name]


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
        .join(Coding, Coding.code_id == Code.id)
        .where(Coding.segment_id == segment_id)
        .distinct()
        .order_by(Code.name)
    ).all()
    places = session.exec(
        select(Place.name)
        .join(SegmentPlace, SegmentPlace.place_id == Place.id)
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
        raise InvalidValue(f"offsets cannot be negative (start {start}, end {end})")
    if start >= length or end > length:
        raise InvalidValue(
            f"offset {max(start, end)} is past the end of document {document.name!r} "
            f"({length} characters)"
        )
    if end <= start:
        raise InvalidValue(f"end ({end}) must be greater than start ({start})")
    if not document.text[start:end].strip():
        raise InvalidValue(f"the span {start}..{end} of {document.name!r} holds only white space")


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
        segment = Segment(document_id=document.id, start=start, end=end, coder_id=coder_id)  # type: ignore[arg-type]
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
    session.add(Coding(segment_id=segment.id, code_id=code.id, coder_id=coder_id))  # type: ignore[arg-type]
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
    session.add(SegmentPlace(segment_id=segment.id, place_id=place.id, coder_id=coder_id))  # type: ignore[arg-type]
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
    places: list[str] = (),
    memo: str | None = None,  # type: ignore[assignment]
    create_codes: bool = False,
) -> SegmentView:
    """Code a span with one or more codes (and places, a memo): the ``code`` command."""
    if not codes and not places:
        raise InvalidValue("give at least one code (or a place) to code a span with")
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
    return segment_view(session, segment.id)  # type: ignore[arg-type]


def uncode(session: Session, segment_id: int, codes: list[str] = ()) -> SegmentView:  # type: ignore[assignment]
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
                raise NotFound(f"segment {segment_id} is not coded {code.name!r}")
            ids.append(code.id)
        query = query.where(col(Coding.code_id).in_(ids))
    for coding in session.exec(query).all():
        session.delete(coding)
    session.flush()
    _drop_empty_segments(session, {segment.id})  # type: ignore[arg-type]
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
        raise NotFound(f"segment {segment_id} is not linked to {target.name!r}")
    view = segment_view(session, segment_id)
    session.delete(row)
    session.flush()
    _drop_empty_segments(session, {segment.id})  # type: ignore[arg-type]
    if session.get(Segment, segment_id) is None:
        view.places = []
        return view
    return segment_view(session, segment_id)


# --- places ----------------------------------------------------------------------------------


def _check_kind(session: Session, kind: str) -> str:
    kind = kind.strip()
    kinds = list(session.exec(select(PlaceKind.name)))
    if not kinds:  # a project without a codebook learns kinds as they are used
        session.add(PlaceKind(name=kind, label=kind))
        session.flush()
        return kind
    if kind not in kinds:
        raise InvalidValue(
            f"unknown place kind {kind!r}{_did_you_mean(kind, kinds)} "
            f"(kinds: {', '.join(sorted(kinds))})"
        )
    return kind


def _check_status(session: Session, status: str) -> str:
    statuses = list(session.exec(select(PlaceStatus.name))) or list(names.PLACE_STATUS_NAMES)
    if status not in statuses:
        raise InvalidValue(f"unknown place status {status!r}; use one of {', '.join(statuses)}")
    return status


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise InvalidValue("give both --lat and --lon, or neither")
    if latitude is not None and not -90 <= latitude <= 90:
        raise InvalidValue(f"latitude {latitude} is not between -90 and 90")
    if longitude is not None and not -180 <= longitude <= 180:
        raise InvalidValue(f"longitude {longitude} is not between -180 and 180")


def add_place(
    session: Session,
    name: str,
    *,
    kind: str = "other",
    status: str = "existing",
    neighbourhood: str = "",
    municipality: str = "",
    address: str = "",
    aliases: list[str] = (),
    latitude: float | None = None,  # type: ignore[assignment]
    longitude: float | None = None,
    description: str = "",
    coder_id: int | None = None,
) -> Place:
    """Create a place."""
    name = " ".join(name.split())
    if not name:
        raise InvalidValue("a place needs a name")
    if session.exec(select(Place.id).where(sa.func.lower(Place.name) == name.lower())).first():
        raise Conflict(f"a place called {name!r} already exists")
    _check_coordinates(latitude, longitude)
    place = Place(
        name=name,
        kind=_check_kind(session, kind),
        status=_check_status(session, status),
        neighbourhood=neighbourhood,
        municipality=municipality,
        address=address,
        latitude=latitude,
        longitude=longitude,
        description=description,
        coder_id=coder_id,
    )
    session.add(place)
    session.flush()
    for alias in aliases:
        add_alias(session, place, alias)
    return place


def add_alias(session: Session, place: Place, alias: str) -> None:
    """Give a place another name (used by search and suggestions)."""
    alias = " ".join(alias.split())
    if not alias:
        raise InvalidValue("an alias cannot be empty")
    exists = session.exec(
        select(PlaceAlias.id).where(PlaceAlias.place_id == place.id, PlaceAlias.alias == alias)
    ).first()
    if exists is None:
        session.add(PlaceAlias(place_id=place.id, alias=alias))  # type: ignore[arg-type]
        session.flush()


def remove_alias(session: Session, place: Place, alias: str) -> None:
    """Remove an alias from a place."""
    row = session.exec(
        select(PlaceAlias).where(PlaceAlias.place_id == place.id, PlaceAlias.alias == alias)
    ).first()
    if row is None:
        raise NotFound(f"place {place.name!r} has no alias {alias!r}")
    session.delete(row)
    session.flush()


def edit_place(session: Session, name: str, /, **fields: object) -> Place:
    """Change a place's name, kind, status, area, address, coordinates or description
    (``name=`` among the fields renames it)."""
    place = find_place(session, name)
    allowed = {
        "name",
        "kind",
        "status",
        "neighbourhood",
        "municipality",
        "address",
        "latitude",
        "longitude",
        "description",
    }
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidValue(f"a place has no field {key!r}")
        if value is None:
            continue
        if key == "name":
            value = " ".join(str(value).split())
            clash = session.exec(
                select(Place.id).where(sa.func.lower(Place.name) == str(value).lower())
            ).first()
            if clash is not None and clash != place.id:
                raise Conflict(f"a place called {value!r} already exists")
        if key == "kind":
            value = _check_kind(session, str(value))
        if key == "status":
            value = _check_status(session, str(value))
        setattr(place, key, value)
    _check_coordinates(place.latitude, place.longitude)
    session.flush()
    return place


# --- memos -----------------------------------------------------------------------------------

MEMO_TARGETS = ("project", "doc", "code", "segment", "case", "place")


def add_memo(
    session: Session, target_type: str, target: str | None, text: str, *, coder_id: int
) -> Memo:
    """Write a memo on the project or on a document, code, segment, case or place."""
    text = text.strip()
    if not text:
        raise InvalidValue("a memo cannot be empty")
    memo = Memo(text=text, coder_id=coder_id)
    if target_type == "project":
        if target:
            raise InvalidValue("a project memo has no target")
    elif not target:
        raise InvalidValue(f"name the {target_type} the memo is about")
    elif target_type == "doc":
        memo.document_id = find_document(session, target).id
    elif target_type == "code":
        memo.code_id = find_code(session, target).id
    elif target_type == "segment":
        try:
            memo.segment_id = find_segment(session, int(target)).id
        except ValueError:
            raise InvalidValue(f"a segment is named by its number, not {target!r}") from None
    elif target_type == "case":
        from workbench.cases import find_case

        memo.case_id = find_case(session, target).id
    elif target_type == "place":
        memo.place_id = find_place(session, target).id
    else:
        raise InvalidValue(f"memos go on {', '.join(MEMO_TARGETS)}, not {target_type!r}")
    session.add(memo)
    session.flush()
    return memo


def memos_of(session: Session, **target: int | None) -> list[Memo]:
    """The memos on one target (``segment_id=3``), or the project's with no argument."""
    query = select(Memo)
    columns = ("document_id", "code_id", "segment_id", "case_id", "place_id")
    for column in columns:
        value = target.get(column)
        attr = getattr(Memo, column)
        query = query.where(attr == value) if value is not None else query.where(attr.is_(None))
    return list(session.exec(query.order_by(Memo.id)))


def find_memo(session: Session, memo_id: int) -> Memo:
    """The memo with this id."""
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFound(f"no memo {memo_id}")
    return memo


def update_memo(session: Session, memo_id: int, text: str) -> Memo:
    """Replace a memo's text (and mark the time it was changed)."""
    memo = find_memo(session, memo_id)
    text = text.strip()
    if not text:
        raise InvalidValue("a memo cannot be empty; delete it instead")
    memo.text = text
    memo.updated_at = utcnow()
    session.flush()
    return memo


def delete_memo(session: Session, memo_id: int) -> None:
    """Delete a memo; a segment left with no code, no place and no memo goes with it."""
    memo = find_memo(session, memo_id)
    segment_id = memo.segment_id
    session.delete(memo)
    session.flush()
    if segment_id is not None:
        _drop_empty_segments(session, {segment_id})


# --- listings --------------------------------------------------------------------------------


def list_documents(session: Session) -> list[dict[str, object]]:
    """Documents with their cases, size, turns, speakers and number of segments."""
    from workbench.models import DocumentCase, Turn

    docs = session.exec(
        select(
            Document.id,
            Document.name,
            Document.source_name,
            Document.language,
            Document.char_count,
            Document.word_count,
            Document.imported_at,
        ).order_by(Document.name)
    ).all()
    segments = dict(
        session.exec(
            select(Segment.document_id, sa.func.count(Segment.id)).group_by(Segment.document_id)
        ).all()
    )
    turns: dict[int, dict[str, int]] = {}
    for doc_id, speaker, count in session.exec(
        select(Turn.document_id, Turn.speaker, sa.func.count(Turn.id)).group_by(
            Turn.document_id, Turn.speaker
        )
    ):
        turns.setdefault(doc_id, {})[speaker or "?"] = count
    cases: dict[int, list[str]] = {}
    for doc_id, case_name in session.exec(
        select(DocumentCase.document_id, Case.name)
        .join(Case, Case.id == DocumentCase.case_id)
        .order_by(Case.name)
    ):
        cases.setdefault(doc_id, []).append(case_name)
    return [
        {
            "id": doc_id,
            "name": name,
            "source": source,
            "language": language,
            "cases": cases.get(doc_id, []),
            "characters": chars,
            "words": words,
            "turns": sum(turns.get(doc_id, {}).values()),
            "speakers": turns.get(doc_id, {}),
            "segments": segments.get(doc_id, 0),
            "imported_at": imported.isoformat(timespec="seconds"),
        }
        for doc_id, name, source, language, chars, words, imported in docs
    ]


def code_tree(session: Session) -> list[dict[str, object]]:
    """Codes depth first with their counts: ``segments`` coded with the code itself,
    ``segments_total`` with it or a descendant, ``documents`` with it."""
    codes = session.exec(select(Code).order_by(Code.position, Code.name)).all()
    direct = dict(
        session.exec(
            select(Coding.code_id, sa.func.count(sa.distinct(Coding.segment_id))).group_by(
                Coding.code_id
            )
        ).all()
    )
    documents = dict(
        session.exec(
            select(Coding.code_id, sa.func.count(sa.distinct(Segment.document_id)))
            .join(Segment, Segment.id == Coding.segment_id)
            .group_by(Coding.code_id)
        ).all()
    )
    segment_codes = session.exec(select(Coding.segment_id, Coding.code_id).distinct()).all()
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    parent_of = {code.id: code.parent_id for code in codes}
    under: dict[int, set[int]] = {}
    for segment_id, code_id in segment_codes:
        current: int | None = code_id
        while current is not None:
            under.setdefault(current, set()).add(segment_id)
            current = parent_of.get(current)
    rows: list[dict[str, object]] = []

    def walk(parent: int | None, depth: int, parent_name: str | None) -> None:
        for code in children.get(parent, []):
            rows.append(
                {
                    "id": code.id,
                    "name": code.name,
                    "label": code.label,
                    "parent": parent_name,
                    "depth": depth,
                    "color": code.color,
                    "description": code.description,
                    "segments": direct.get(code.id, 0),
                    "segments_total": len(under.get(code.id, ())),  # type: ignore[arg-type]
                    "documents": documents.get(code.id, 0),
                }
            )
            walk(code.id, depth + 1, code.name)

    walk(None, 0, None)
    return rows


def list_places(session: Session) -> list[dict[str, object]]:
    """Places with kind, status, area, aliases and the number of linked segments."""
    counts = dict(
        session.exec(
            select(SegmentPlace.place_id, sa.func.count(SegmentPlace.id)).group_by(
                SegmentPlace.place_id
            )
        ).all()
    )
    aliases: dict[int, list[str]] = {}
    for place_id, alias in session.exec(
        select(PlaceAlias.place_id, PlaceAlias.alias).order_by(PlaceAlias.alias)
    ):
        aliases.setdefault(place_id, []).append(alias)
    return [
        {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "status": place.status,
            "neighbourhood": place.neighbourhood,
            "municipality": place.municipality,
            "address": place.address,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "aliases": aliases.get(place.id, []),
            "segments": counts.get(place.id, 0),  # type: ignore[arg-type]
            "description": place.description,
        }
        for place in session.exec(select(Place).order_by(Place.name))
    ]


def coder_name(session: Session, coder_id: int) -> str:
    """The name of a coder."""
    coder = session.get(Coder, coder_id)
    return coder.name if coder else "?"
