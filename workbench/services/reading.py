"""What the shells list and show: plain, frozen results read in one session each.

Every function opens one read session and returns plain values (frozen dataclasses, lists,
dicts), so no ORM object crosses into a shell and a TUI worker can call it from a thread.
Nothing here writes.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import and_
from sqlmodel import Session, col, select

from workbench.analysis import fragments, query
from workbench.analysis.fragments import Fragment
from workbench.coding import cases, listings, lookups, names
from workbench.coding.codes import DEFAULT_COLOR
from workbench.i18n import _
from workbench.project import coders, settings
from workbench.project.db import Project
from workbench.project.models import (
    Code,
    Coder,
    Coding,
    Memo,
    Place,
    PlaceKind,
    PlaceStatus,
    Segment,
    SegmentPlace,
    Sentence,
    Turn,
)

if TYPE_CHECKING:  # numpy is imported only by the functions that count
    from workbench.analysis import cooccurrence as cooc


@dataclass(frozen=True)
class DocumentRow:
    """One row of the documents table (from :func:`workbench.coding.listings.list_documents`)."""

    id: int
    name: str
    cases: tuple[str, ...]
    words: int
    turns: int
    segments: int
    characters: int
    language: str
    attributes: tuple[tuple[str, str], ...] = ()
    """The attributes of its cases as (key, value), by key."""
    label: str = ""
    """The citation label the researcher set, or "" (see :mod:`workbench.coding.labels`)."""


@dataclass(frozen=True)
class CodeRow:
    """One code of the code tree with its counts (from
    :func:`workbench.coding.listings.code_tree`)."""

    id: int
    name: str
    parent: str | None
    depth: int
    color: str
    description: str
    segments: int
    """Segments coded with this code itself."""
    segments_total: int
    """Segments coded with this code or one of its descendants."""
    documents: int
    label: str = ""
    """The codebook's label of the code (often a translation of its name)."""


@dataclass(frozen=True)
class PlaceRow:
    """One place with its number of linked segments (from
    :func:`workbench.coding.listings.list_places`)."""

    id: int
    name: str
    kind: str
    status: str
    neighbourhood: str
    municipality: str
    aliases: tuple[str, ...]
    segments: int
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""


@dataclass(frozen=True)
class TurnSpan:
    """A speaker turn: ``start``..``text_start`` is the speaker label, if there is one."""

    start: int
    text_start: int
    end: int
    speaker: str | None


@dataclass(frozen=True)
class MemoInfo:
    """A memo on a segment."""

    id: int
    text: str
    coder: str


@dataclass(frozen=True)
class PlaceKindRow:
    """A kind of place from the codebook (library, park, ...)."""

    name: str
    label: str
    description: str


@dataclass(frozen=True)
class SegmentInfo:
    """A segment of the open document with the names and colours of its codes, its places and
    its memos."""

    id: int
    start: int
    end: int
    codes: tuple[str, ...]
    colors: tuple[str, ...]
    """The colour of each code in ``codes``, in the same order."""
    places: tuple[str, ...]
    memos: tuple[MemoInfo, ...] = ()
    """The memos on the segment, oldest first."""

    def covers(self, offset: int) -> bool:
        """True when the character at ``offset`` lies in this segment."""
        return self.start <= offset < self.end

    def intersects(self, start: int, end: int) -> bool:
        """True when the segment shares a character with ``start``..``end``."""
        return self.start < end and start < self.end

    @property
    def span(self) -> tuple[int, int]:
        """(start, end)."""
        return self.start, self.end


@dataclass(frozen=True)
class DocumentText:
    """An open document: its text, its speaker turns and its segments."""

    id: int
    name: str
    text: str
    turns: tuple[TurnSpan, ...]
    segments: tuple[SegmentInfo, ...] = field(default=())
    sentences: tuple[tuple[int, int], ...] = field(default=())
    """The sentences (start, end) found at import, in text order."""


@dataclass(frozen=True)
class Overview:
    """Everything the lists show: documents, the code tree and the places."""

    documents: tuple[DocumentRow, ...]
    codes: tuple[CodeRow, ...]
    places: tuple[PlaceRow, ...]
    labels_language: str | None = None
    """The language of the codebook's labels (codes, place kinds), as its file says; None
    when the project has no codebook file's language (codes made in the workbench)."""
    kind_labels: tuple[tuple[str, str], ...] = ()
    """The place kinds that have a label, as (name, label), in codebook order."""
    status_labels: tuple[tuple[str, str], ...] = ()
    """The place statuses that have a label, as (name, label), in codebook order."""


# --- reading ---------------------------------------------------------------------------------


def _documents(session: Session) -> tuple[DocumentRow, ...]:
    attributes: dict[str, dict[str, str]] = {}
    for case in cases.list_cases(session):
        for document in case.documents:
            attributes.setdefault(document, {}).update(case.attributes)
    return tuple(
        DocumentRow(
            id=int(row["id"]),
            name=str(row["name"]),
            cases=tuple(row["cases"]),
            words=int(row["words"]),
            turns=int(row["turns"]),
            segments=int(row["segments"]),
            characters=int(row["characters"]),
            language=str(row["language"]),
            attributes=tuple(sorted(attributes.get(str(row["name"]), {}).items())),
            label=str(row["label"]),
        )
        for row in listings.list_documents(session)
    )


def _codes(session: Session) -> tuple[CodeRow, ...]:
    return tuple(
        CodeRow(
            id=int(row["id"]),
            name=str(row["name"]),
            parent=None if row["parent"] is None else str(row["parent"]),
            depth=int(row["depth"]),
            color=str(row["color"] or DEFAULT_COLOR),
            description=str(row["description"] or ""),
            segments=int(row["segments"]),
            segments_total=int(row["segments_total"]),
            documents=int(row["documents"]),
            label=row["label"] or "",
        )
        for row in listings.code_tree(session)
    )


def _places(session: Session) -> tuple[PlaceRow, ...]:
    return tuple(
        PlaceRow(
            id=int(row["id"]),
            name=str(row["name"]),
            kind=str(row["kind"]),
            status=str(row["status"]),
            neighbourhood=str(row["neighbourhood"] or ""),
            municipality=str(row["municipality"] or ""),
            aliases=tuple(row["aliases"]),
            segments=int(row["segments"]),
            address=str(row["address"] or ""),
            latitude=row["latitude"],
            longitude=row["longitude"],
            description=str(row["description"] or ""),
        )
        for row in listings.list_places(session)
    )


def overview(project: Project) -> Overview:
    """Documents, codes and places, read in one session."""
    with project.session() as session:
        codebook_meta = settings.get(session, "codebook") or {}
        language = codebook_meta.get("language") if isinstance(codebook_meta, dict) else None
        kinds = session.exec(
            select(PlaceKind.name, PlaceKind.label)
            .where(PlaceKind.label != "")
            .order_by(col(PlaceKind.position), col(PlaceKind.name))
        ).all()
        statuses = session.exec(
            select(PlaceStatus.name, PlaceStatus.label)
            .where(PlaceStatus.label != "")
            .order_by(col(PlaceStatus.position), col(PlaceStatus.name))
        ).all()
        return Overview(
            _documents(session),
            _codes(session),
            _places(session),
            str(language) if language else None,
            tuple((str(name), str(label)) for name, label in kinds),
            tuple((str(name), str(label)) for name, label in statuses),
        )


def segments_of(
    session: Session, document_id: int, *, only: int | None = None
) -> tuple[SegmentInfo, ...]:
    """The segments of a document in text order, each with its codes (all coders) and places;
    with ``only``, just that segment (if it is in the document)."""
    which = col(Segment.document_id) == document_id
    if only is not None:
        which = and_(which, col(Segment.id) == only)
    # sqlmodel's select() is typed for up to four columns: five go through sqlalchemy's.
    rows = session.execute(
        sa.select(
            col(Segment.id), col(Segment.start), col(Segment.end), col(Code.name), col(Code.color)
        )
        .join(Coding, col(Coding.segment_id) == col(Segment.id), isouter=True)
        .join(Code, col(Code.id) == col(Coding.code_id), isouter=True)
        .where(which)
        .order_by(col(Segment.start), col(Segment.end), col(Segment.id), col(Code.name))
    ).all()
    place_rows = session.exec(
        select(col(SegmentPlace.segment_id), Place.name)
        .join(Place, col(Place.id) == col(SegmentPlace.place_id))
        .join(Segment, col(Segment.id) == col(SegmentPlace.segment_id))
        .where(which)
        .order_by(col(Place.name))
    ).all()
    places: dict[int, list[str]] = {}
    for segment_id, place_name in place_rows:
        places.setdefault(segment_id, []).append(place_name)
    memo_rows = session.exec(
        select(col(Memo.segment_id), col(Memo.id), Memo.text, Coder.name)
        .join(Segment, col(Segment.id) == col(Memo.segment_id))
        .join(Coder, col(Coder.id) == col(Memo.coder_id))
        .where(which)
        .order_by(col(Memo.id))
    ).all()
    memos: dict[int, list[MemoInfo]] = {}
    for memo_segment, memo_id, memo_text, coder_name in memo_rows:
        if memo_segment is not None and memo_id is not None:
            memos.setdefault(memo_segment, []).append(MemoInfo(memo_id, memo_text, coder_name))
    order: list[int] = []
    spans: dict[int, tuple[int, int]] = {}
    codes: dict[int, dict[str, str]] = {}
    for segment_id, start, end, code_name, color in rows:
        if segment_id not in spans:
            order.append(segment_id)
            spans[segment_id] = (start, end)
            codes[segment_id] = {}
        if code_name is not None:
            codes[segment_id].setdefault(code_name, color or DEFAULT_COLOR)
    return tuple(
        SegmentInfo(
            id=segment_id,
            start=spans[segment_id][0],
            end=spans[segment_id][1],
            codes=tuple(codes[segment_id]),
            colors=tuple(codes[segment_id].values()),
            places=tuple(places.get(segment_id, ())),
            memos=tuple(memos.get(segment_id, ())),
        )
        for segment_id in order
    )


def document_text(project: Project, name: str) -> DocumentText:
    """A document with its turns and segments, for the coding view."""
    with project.session() as session:
        document = lookups.find_document(session, name)
        assert document.id is not None
        turns = session.exec(
            select(Turn.start, Turn.text_start, Turn.end, Turn.speaker)
            .where(col(Turn.document_id) == document.id)
            .order_by(col(Turn.start))
        ).all()
        sentences = session.exec(
            select(Sentence.start, Sentence.end)
            .where(col(Sentence.document_id) == document.id)
            .order_by(col(Sentence.start))
        ).all()
        return DocumentText(
            id=document.id,
            name=document.name,
            text=document.text,
            turns=tuple(TurnSpan(*turn) for turn in turns),
            segments=segments_of(session, document.id),
            sentences=tuple((start, end) for start, end in sentences),
        )


def document_turns(project: Project, document_id: int) -> tuple[TurnSpan, ...]:
    """The speaker turns of one document, read again after a change (in text order)."""
    with project.session() as session:
        turns = session.exec(
            select(Turn.start, Turn.text_start, Turn.end, Turn.speaker)
            .where(col(Turn.document_id) == document_id)
            .order_by(col(Turn.start))
        ).all()
    return tuple(TurnSpan(*turn) for turn in turns)


def document_segments(project: Project, document_id: int) -> tuple[SegmentInfo, ...]:
    """The segments of one document, read again after a change."""
    with project.session() as session:
        return segments_of(session, document_id)


def segment_in(project: Project, document_id: int, segment_id: int) -> SegmentInfo | None:
    """One segment of a document, read again after a change to it (None when it is gone or
    belongs to another document)."""
    with project.session() as session:
        found = segments_of(session, document_id, only=segment_id)
    return found[0] if found else None


def segment_exists(project: Project, segment_id: int) -> bool:
    """Whether the segment is (still) in the project."""
    with project.session() as session:
        return session.get(Segment, segment_id) is not None


def with_segment(segments: Sequence[SegmentInfo], segment: SegmentInfo) -> tuple[SegmentInfo, ...]:
    """``segments`` (in text order) with ``segment`` put in, in place of the one with its id."""
    kept = [s for s in segments if s.id != segment.id]
    position = bisect.bisect(kept, (segment.start, segment.end, segment.id), key=_order)
    kept.insert(position, segment)
    return tuple(kept)


def _order(segment: SegmentInfo) -> tuple[int, int, int]:
    return segment.start, segment.end, segment.id


# --- the project screens: codebook, places, analysis, import ---------------------------------


@dataclass(frozen=True)
class CodeDetail:
    """A code's definition, for the codebook's detail panel and its edit form."""

    name: str
    label: str
    parent: str | None
    color: str
    description: str
    inclusion: str
    exclusion: str
    example: str
    keywords: tuple[str, ...]
    anchor: int | None = None
    """The segment chosen as the code's anchor quote (for the codebook report), or None."""


@dataclass(frozen=True)
class FragmentList:
    """Fragments listed for something: a code, a place, a table cell or a typed query."""

    title: str
    """What they are the fragments of, for the list's title."""
    query: str
    """A query of the fragment query language that lists the same fragments, or ""."""
    fragments: tuple[Fragment, ...]
    """The fragments, by document name, then start."""


@dataclass(frozen=True)
class AreaSummary:
    """The places of one neighbourhood (of one municipality): by kind, lost, missed, wished."""

    neighbourhood: str
    municipality: str
    places: int
    kinds: tuple[tuple[str, int], ...]
    """(kind, number of places), most places first."""
    lost: tuple[str, ...]
    missed: tuple[str, ...]
    wished: tuple[str, ...]
    segments: int
    """Segments linked to the area's places (a segment linked to two of them counts twice)."""


def code_view(
    project: Project, name: str, *, limit: int | None = None
) -> tuple[CodeDetail, FragmentList]:
    """A code's definition and the fragments coded with it (by any coder; ``limit`` at most)."""
    with project.session() as session:
        code = lookups.find_code(session, name)
        parent = session.get(Code, code.parent_id) if code.parent_id is not None else None
        detail = CodeDetail(
            name=code.name,
            label=code.label,
            parent=parent.name if parent is not None else None,
            color=code.color or DEFAULT_COLOR,
            description=code.description,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            keywords=tuple(json.loads(code.keywords or "[]")),
            anchor=code.anchor_segment_id,
        )
        text = str(query.CodeTerm(code.name, 1))
        found = fragments.find_fragments(session, text, limit=limit)
    return detail, FragmentList(_("coded {code}").format(code=code.name), text, tuple(found))


def place_view(project: Project, name: str, *, limit: int | None = None) -> FragmentList:
    """The fragments linked to a place (``limit`` at most)."""
    with project.session() as session:
        place = lookups.find_place(session, name)
        text = str(query.FieldTerm("place", place.name, 1, 1))
        found = fragments.find_fragments(session, text, limit=limit)
    return FragmentList(_("at {place}").format(place=place.name), text, tuple(found))


def places_view(
    project: Project, title: str, names: Sequence[str], *, limit: int | None = None
) -> FragmentList:
    """The fragments linked to any of several places (an area's), ``limit`` at most."""
    if not names:
        return FragmentList(title, "", ())
    text = " | ".join(str(query.FieldTerm("place", name, 1, 1)) for name in names)
    with project.session() as session:
        found = fragments.find_fragments(session, text, limit=limit)
    return FragmentList(title, text, tuple(found))


def query_fragments(
    project: Project,
    text: str,
    *,
    limit: int | None = None,
    filters: cooc.Filters | None = None,
) -> FragmentList:
    """The fragments matching a typed query; raises :class:`workbench.analysis.query.QueryError`.

    With ``filters`` (the Analysis tab's) the coder goes to
    :func:`workbench.analysis.fragments.find_fragments` and the documents, cases and attributes are
    added to the query as its own terms (:func:`filters_query`); an error in the typed part
    keeps the column of the typed text."""
    scope = filters_query(filters) if filters is not None else ""
    full = f"({text}) & {scope}" if scope else text
    coder = filters.coder if filters is not None and filters.coder else None
    with project.session() as session:
        try:
            found = fragments.find_fragments(session, full, coder=coder, limit=limit)
        except query.QueryError as error:
            if full != text and 2 <= error.column <= len(text) + 1:
                raise query.QueryError(text, error.column - 1, error.reason) from None
            raise
    return FragmentList(_("matching the query"), full, tuple(found))


def cooccurrence(
    project: Project, *, scope: str, rollup: bool, filters: cooc.Filters | None = None
) -> cooc.Cooccurrence:
    """The co-occurrence of every code in ``scope`` (see DESIGN.md for what is counted)."""
    from workbench.analysis import cooccurrence as cooc

    with project.session() as session:
        return cooc.cooccur(session, scope=scope, rollup=rollup, filters=filters)


def cooccurrence_fragments(
    project: Project,
    a: str,
    b: str,
    *,
    scope: str,
    rollup: bool,
    limit: int | None = None,
    filters: cooc.Filters | None = None,
) -> FragmentList:
    """The fragments behind one cell of the co-occurrence table (``limit`` at most); with a
    coder in ``filters`` a fragment lists only that coder's codes."""
    from workbench.analysis import cooccurrence as cooc

    coder = filters.coder if filters is not None and filters.coder else None
    with project.session() as session:
        ids = cooc.cooccur_segments(session, a, b, scope=scope, rollup=rollup, filters=filters)
        ids = ids[:limit] if limit is not None else ids
        found = fragments.find_fragments(session, coder=coder, segment_ids=ids) if ids else []
    title = (
        _("coded {code}").format(code=a)
        if a == b
        else _("coded {a} × {b} (by {scope})").format(a=a, b=b, scope=scope)
    )
    return FragmentList(title, "", tuple(found))


def code_matrix(
    project: Project, *, cols: str, rollup: bool, filters: cooc.Filters | None = None
) -> cooc.Matrix:
    """The code × place (``cols="place"``) or code × attribute (``"attr:KEY"``) matrix."""
    from workbench.analysis import cooccurrence as cooc

    with project.session() as session:
        return cooc.matrix(session, cols=cols, rollup=rollup, filters=filters)


def matrix_fragments(
    project: Project,
    code: str,
    column: str,
    *,
    cols: str,
    rollup: bool,
    limit: int | None = None,
    filters: cooc.Filters | None = None,
) -> FragmentList:
    """The fragments behind one cell of the matrix (``limit`` at most); with a coder in
    ``filters`` a fragment lists only that coder's codes."""
    from workbench.analysis import cooccurrence as cooc

    coder = filters.coder if filters is not None and filters.coder else None
    with project.session() as session:
        ids = cooc.matrix_segments(session, code, column, cols=cols, rollup=rollup, filters=filters)
        ids = ids[:limit] if limit is not None else ids
        found = fragments.find_fragments(session, coder=coder, segment_ids=ids) if ids else []
    return FragmentList(f"{code} × {column}", "", tuple(found))


# --- the Analysis tab's filters (the command line's --coder, --doc, --case, --attr) ----------


@dataclass(frozen=True)
class FilterChoices:
    """What the Analysis tab's filters can choose from."""

    coders: tuple[str, ...]
    """Every coder, by name."""
    documents: tuple[str, ...]
    """Every document, by name."""
    cases: tuple[tuple[str, tuple[str, ...]], ...]
    """Every case by name, with the names of its documents."""
    attributes: tuple[tuple[str, tuple[str, ...]], ...]
    """Every case attribute by name, with the values cases have (sorted as text)."""


def filter_choices(project: Project) -> FilterChoices:
    """The coders, documents, cases and case attributes of the project, in one session."""
    with project.session() as session:
        coder_names = tuple(coder.name for coder in coders.list_coders(session))
        documents = tuple(str(row["name"]) for row in listings.list_documents(session))
        listed = cases.list_cases(session)
    values: dict[str, set[str]] = {}
    for case in listed:
        for key, value in case.attributes.items():
            values.setdefault(key, set()).add(value)
    return FilterChoices(
        coders=coder_names,
        documents=tuple(sorted(documents)),
        cases=tuple((case.name, tuple(case.documents)) for case in listed),
        attributes=tuple((key, tuple(sorted(values[key]))) for key in sorted(values)),
    )


def check_filters(project: Project, filters: cooc.Filters) -> None:
    """Raise the core's NotFound or InvalidValue when ``filters`` name a coder, document,
    case or attribute that does not exist, or an attribute value of the wrong type: the same
    check as the command line's ``--coder``/``--doc``/``--case``/``--attr``."""
    from workbench.analysis import cooccurrence as cooc

    with project.session() as session:
        cooc.check_filters(session, filters)


def filters_query(filters: cooc.Filters) -> str:
    """The documents, cases and attributes of ``filters`` as terms of the query language
    (``doc:``, ``case:``, ``attr:``), combined as :class:`workbench.analysis.cooccurrence.Filters`
    combines them: any of the documents, any of the cases, every attribute; "" when there are none.
    The coder is not a term: it goes to ``find_fragments(coder=...)``."""
    groups: list[query.Node] = []
    for field_name, names_ in (("doc", filters.documents), ("case", filters.cases)):
        terms = [query.FieldTerm(field_name, name, 1, 1) for name in names_]
        if terms:
            node: query.Node = terms[0]
            for term in terms[1:]:
                node = query.Or(node, term)
            groups.append(node)
    groups += [query.FieldTerm("attr", value, 1, 1, key=key) for key, value in filters.attrs]
    if not groups:
        return ""
    combined = groups[0]
    for group in groups[1:]:
        combined = query.And(combined, group)
    return str(combined)


def attribute_keys(project: Project) -> tuple[str, ...]:
    """The names of the case attributes, for the matrix's columns."""
    with project.session() as session:
        keys = {key for case in cases.list_cases(session) for key in case.attributes}
    return tuple(sorted(keys))


def place_vocabulary(project: Project) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The place kinds and the place statuses a place can have, in codebook order."""
    with project.session() as session:
        kinds = session.exec(
            select(PlaceKind.name).order_by(col(PlaceKind.position), col(PlaceKind.name))
        )
        statuses = session.exec(
            select(PlaceStatus.name).order_by(col(PlaceStatus.position), col(PlaceStatus.name))
        )
        return tuple(kinds), tuple(statuses) or names.PLACE_STATUS_NAMES


def area_summary(places: Sequence[PlaceRow]) -> tuple[AreaSummary, ...]:
    """The places grouped by neighbourhood and municipality, by municipality then name."""
    groups: dict[tuple[str, str], list[PlaceRow]] = {}
    for place in places:
        groups.setdefault((place.municipality, place.neighbourhood), []).append(place)
    summaries = []
    for (municipality, neighbourhood), rows in sorted(groups.items()):
        kinds: dict[str, int] = {}
        for place in rows:
            kinds[place.kind] = kinds.get(place.kind, 0) + 1
        summaries.append(
            AreaSummary(
                neighbourhood=neighbourhood,
                municipality=municipality,
                places=len(rows),
                kinds=tuple(sorted(kinds.items(), key=lambda item: (-item[1], item[0]))),
                lost=tuple(p.name for p in rows if p.status == "lost"),
                missed=tuple(p.name for p in rows if p.status == "missed"),
                wished=tuple(p.name for p in rows if p.status == "wished"),
                segments=sum(p.segments for p in rows),
            )
        )
    return tuple(summaries)


@dataclass(frozen=True)
class SuggestionInfo:
    """A code or place suggested for a span of the open document (by
    :mod:`workbench.analysis.suggest`)."""

    id: str
    kind: str
    """``code`` or ``place``."""
    target: str
    """The name of the code or place suggested."""
    start: int
    end: int
    line: int
    text: str
    reason: str
    """Which keywords, name or alias matched, and as which words."""
    score: float = 0.0
    """How strong the evidence is, 0 to 1."""


def place_kinds(project: Project) -> tuple[PlaceKindRow, ...]:
    """The place kinds of the codebook, in codebook order, with their labels."""
    with project.session() as session:
        rows = session.exec(
            select(PlaceKind.name, PlaceKind.label, PlaceKind.description).order_by(
                col(PlaceKind.position), col(PlaceKind.name)
            )
        ).all()
    return tuple(
        PlaceKindRow(name, label or "", description or "") for name, label, description in rows
    )


def search_document(project: Project, document: str, text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of every match of ``text`` in ``document``: the core's search as typed
    (:func:`workbench.analysis.search.search`; case ignored, white space matching any white
    space)."""
    from workbench.analysis import search

    with project.session() as session:
        hits = search.search(session, text, lemma=False, documents=[document])
    return tuple(sorted({(int(hit.start), int(hit.end)) for hit in hits}))


def suggestions(project: Project, document: str) -> tuple[SuggestionInfo, ...]:
    """The code and place suggestions for one document
    (:func:`workbench.analysis.suggest.suggest`: the best few per page), in the order of the
    text, for going through the document."""
    from workbench.analysis import suggest
    from workbench.text import lemmas

    with project.session() as session:
        document_id = lookups.find_document(session, document).id
    assert document_id is not None
    lemmas.index_project(project, [document_id])  # derived data, once per document
    with project.session() as session:
        found = suggest.suggest(session, document=document)
    return tuple(
        SuggestionInfo(
            id=str(item.id),
            kind=str(item.kind),
            target=str(item.target),
            start=int(item.start),
            end=int(item.end),
            line=int(item.line),
            text=str(item.text),
            reason=str(item.reason),
            score=float(item.score),
        )
        for item in sorted(found, key=lambda s: (s.start, s.end, s.kind, s.target))
    )


# --- the command line's searches and analyses ----------------------------------------------


def search(
    project: Project,
    text: str,
    *,
    lemma: bool = False,
    documents: Sequence[str] | None = None,
    context: int = 60,
    limit: int | None = None,
) -> list[Any]:
    """Keyword in context: every place ``text`` occurs (by lemma with ``lemma``), with line,
    speaker and context (:func:`workbench.analysis.search.search`)."""
    from workbench.analysis.search import search as find
    from workbench.text import lemmas

    if lemma:
        lemmas.index_project(project)  # documents not yet indexed: once (derived data)
    with project.session() as session:
        return find(
            session,
            text,
            lemma=lemma,
            documents=list(documents) if documents else None,
            context=context,
            limit=limit,
        )


def suggest(
    project: Project,
    *,
    document: str | None = None,
    codes: bool = True,
    places: bool = True,
    unit: str = "sentence",
    every: bool = False,
) -> list[Any]:
    """Code and place suggestions, best first, each with an id to accept it by
    (:func:`workbench.analysis.suggest.suggest`; ``every``: every match, not only the best
    few per page); nothing is applied."""
    from workbench.analysis import suggest as suggestions
    from workbench.text import lemmas

    lemmas.index_project(project)  # documents not yet indexed: once (derived data)
    with project.session() as session:
        return suggestions.suggest(
            session, document=document, codes=codes, places=places, unit=unit, every=every
        )


def agreement(
    project: Project,
    first: str,
    second: str,
    *,
    codes: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    rollup: bool = False,
    max_disagreements: int | None = None,
) -> Any:
    """Inter-coder agreement of two coders (:func:`workbench.analysis.agreement.agreement`)."""
    from workbench.analysis.agreement import agreement as measure

    with project.session() as session:
        return measure(
            session,
            first,
            second,
            codes=list(codes) if codes else None,
            documents=list(documents) if documents else None,
            rollup=rollup,
            max_disagreements=max_disagreements,
        )
