"""What the TUI reads from and writes to a project, with no Textual import.

Every function here is a thin call into the core (:mod:`workbench.coding`,
:mod:`workbench.project.changelog`) or a plain SQLModel select for reading. They are called from
thread workers and return plain frozen dataclasses, so no ORM object crosses into the UI
thread and no widget is touched from a worker. No rule of the workbench is written here.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_
from sqlmodel import Session, select

from workbench.analysis import cooccurrence as cooc
from workbench.analysis import fragments, query
from workbench.analysis.fragments import Fragment
from workbench.coding import (
    cases,
    importing,
    listings,
    lookups,
    names,
)
from workbench.coding import codes as code_ops
from workbench.coding import memos as memo_ops
from workbench.coding import places as place_ops
from workbench.coding import segments as segment_ops
from workbench.errors import InvalidValue
from workbench.project import changelog, coders
from workbench.project.db import Project
from workbench.project.models import (
    Code,
    Coder,
    Coding,
    Memo,
    Place,
    PlaceAlias,
    PlaceKind,
    PlaceStatus,
    Segment,
    SegmentPlace,
    Sentence,
    Turn,
)


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


@dataclass(frozen=True)
class CodeRow:
    """One code of the code tree with its counts (from :func:`workbench.coding.listings.code_tree`)."""

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
    """One place with its number of linked segments (from :func:`workbench.coding.listings.list_places`)."""

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


@dataclass(frozen=True)
class StepDone:
    """An undo or a redo that happened."""

    undo: bool
    action: str
    summary: str


# --- reading ---------------------------------------------------------------------------------


def _documents(session: Session) -> tuple[DocumentRow, ...]:
    attributes: dict[str, dict[str, str]] = {}
    for case in cases.list_cases(session):
        for document in case.documents:
            attributes.setdefault(document, {}).update(case.attributes)
    return tuple(
        DocumentRow(
            id=int(row["id"]),  # type: ignore[call-overload]
            name=str(row["name"]),
            cases=tuple(row["cases"]),  # type: ignore[call-overload]
            words=int(row["words"]),  # type: ignore[call-overload]
            turns=int(row["turns"]),  # type: ignore[call-overload]
            segments=int(row["segments"]),  # type: ignore[call-overload]
            characters=int(row["characters"]),  # type: ignore[call-overload]
            language=str(row["language"]),
            attributes=tuple(sorted(attributes.get(str(row["name"]), {}).items())),
        )
        for row in listings.list_documents(session)
    )


def _codes(session: Session) -> tuple[CodeRow, ...]:
    return tuple(
        CodeRow(
            id=int(row["id"]),  # type: ignore[call-overload]
            name=str(row["name"]),
            parent=None if row["parent"] is None else str(row["parent"]),
            depth=int(row["depth"]),  # type: ignore[call-overload]
            color=str(row["color"]),
            description=str(row["description"] or ""),
            segments=int(row["segments"]),  # type: ignore[call-overload]
            segments_total=int(row["segments_total"]),  # type: ignore[call-overload]
            documents=int(row["documents"]),  # type: ignore[call-overload]
            label=str(row.get("label") or ""),
        )
        for row in listings.code_tree(session)
    )


def _places(session: Session) -> tuple[PlaceRow, ...]:
    return tuple(
        PlaceRow(
            id=int(row["id"]),  # type: ignore[call-overload]
            name=str(row["name"]),
            kind=str(row["kind"]),
            status=str(row["status"]),
            neighbourhood=str(row["neighbourhood"] or ""),
            municipality=str(row["municipality"] or ""),
            aliases=tuple(row["aliases"]),  # type: ignore[call-overload]
            segments=int(row["segments"]),  # type: ignore[call-overload]
            address=str(row["address"] or ""),
            latitude=row["latitude"],  # type: ignore[arg-type]
            longitude=row["longitude"],  # type: ignore[arg-type]
            description=str(row["description"] or ""),
        )
        for row in listings.list_places(session)
    )


def overview(project: Project) -> Overview:
    """Documents, codes and places, read in one session."""
    with project.session() as session:
        return Overview(_documents(session), _codes(session), _places(session))


def segments_of(
    session: Session, document_id: int, *, only: int | None = None
) -> tuple[SegmentInfo, ...]:
    """The segments of a document in text order, each with its codes (all coders) and places;
    with ``only``, just that segment (if it is in the document)."""
    which = Segment.document_id == document_id
    if only is not None:
        which = and_(which, Segment.id == only)
    rows = session.exec(
        select(Segment.id, Segment.start, Segment.end, Code.name, Code.color)
        .join(Coding, Coding.segment_id == Segment.id, isouter=True)
        .join(Code, Code.id == Coding.code_id, isouter=True)
        .where(which)
        .order_by(Segment.start, Segment.end, Segment.id, Code.name)
    ).all()
    place_rows = session.exec(
        select(SegmentPlace.segment_id, Place.name)
        .join(Place, Place.id == SegmentPlace.place_id)
        .join(Segment, Segment.id == SegmentPlace.segment_id)
        .where(which)
        .order_by(Place.name)
    ).all()
    places: dict[int, list[str]] = {}
    for segment_id, place_name in place_rows:
        places.setdefault(segment_id, []).append(place_name)
    memo_rows = session.exec(
        select(Memo.segment_id, Memo.id, Memo.text, Coder.name)
        .join(Segment, Segment.id == Memo.segment_id)
        .join(Coder, Coder.id == Memo.coder_id)
        .where(which)
        .order_by(Memo.id)
    ).all()
    memos: dict[int, list[MemoInfo]] = {}
    for segment_id, memo_id, memo_text, coder_name in memo_rows:
        memos.setdefault(segment_id, []).append(MemoInfo(memo_id, memo_text, coder_name))
    order: list[int] = []
    spans: dict[int, tuple[int, int]] = {}
    codes: dict[int, dict[str, str]] = {}
    for segment_id, start, end, code_name, color in rows:
        if segment_id not in spans:
            order.append(segment_id)
            spans[segment_id] = (start, end)
            codes[segment_id] = {}
        if code_name is not None:
            codes[segment_id].setdefault(code_name, color)
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
            .where(Turn.document_id == document.id)
            .order_by(Turn.start)
        ).all()
        sentences = session.exec(
            select(Sentence.start, Sentence.end)
            .where(Sentence.document_id == document.id)
            .order_by(Sentence.start)
        ).all()
        return DocumentText(
            id=document.id,
            name=document.name,
            text=document.text,
            turns=tuple(TurnSpan(*turn) for turn in turns),
            segments=segments_of(session, document.id),
            sentences=tuple((start, end) for start, end in sentences),
        )


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


def with_segment(segments: Sequence[SegmentInfo], segment: SegmentInfo) -> tuple[SegmentInfo, ...]:
    """``segments`` (in text order) with ``segment`` put in, in place of the one with its id."""
    kept = [s for s in segments if s.id != segment.id]
    position = bisect.bisect(kept, (segment.start, segment.end, segment.id), key=_order)
    kept.insert(position, segment)
    return tuple(kept)


def _order(segment: SegmentInfo) -> tuple[int, int, int]:
    return segment.start, segment.end, segment.id


# --- writing: one transaction per user action ------------------------------------------------


def code_span(
    project: Project,
    document: str,
    start: int,
    end: int,
    codes: Sequence[str],
    *,
    create: bool = False,
    coder: str | None = None,
) -> segment_ops.SegmentView:
    """Code ``start``..``end`` of ``document`` as one change; with ``create`` the codes that do
    not exist yet are created in the same change (the command line's ``code --new``)."""
    with project.transaction("code", coder=coder) as session:
        coder_id = coders.ensure(session, coder).id
        assert coder_id is not None
        view = segment_ops.code_span(
            session, document, start, end, list(codes), coder_id=coder_id, create_codes=create
        )
        changelog.describe(session, f"code {document} {start}-{end} with {', '.join(view.codes)}")
        return view


def step(project: Project, *, undo: bool) -> StepDone:
    """Undo the newest change, or redo the oldest undone one (not itself recorded)."""
    with project.transaction("undo" if undo else "redo", record=False) as session:
        info = changelog.undo(session) if undo else changelog.redo(session)
    return StepDone(undo=undo, action=info.action, summary=info.summary)


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
            color=code.color,
            description=code.description,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            keywords=tuple(json.loads(code.keywords or "[]")),
        )
        text = str(query.CodeTerm(code.name, 1))
        found = fragments.find_fragments(session, text, limit=limit)
    return detail, FragmentList(f"coded {code.name}", text, tuple(found))


def place_view(project: Project, name: str, *, limit: int | None = None) -> FragmentList:
    """The fragments linked to a place (``limit`` at most)."""
    with project.session() as session:
        place = lookups.find_place(session, name)
        text = str(query.FieldTerm("place", place.name, 1, 1))
        found = fragments.find_fragments(session, text, limit=limit)
    return FragmentList(f"at {place.name}", text, tuple(found))


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
    return FragmentList("matching the query", full, tuple(found))


def cooccurrence(
    project: Project, *, scope: str, rollup: bool, filters: cooc.Filters | None = None
) -> cooc.Cooccurrence:
    """The co-occurrence of every code in ``scope`` (see DESIGN.md for what is counted)."""
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
    coder = filters.coder if filters is not None and filters.coder else None
    with project.session() as session:
        ids = cooc.cooccur_segments(session, a, b, scope=scope, rollup=rollup, filters=filters)
        ids = ids[:limit] if limit is not None else ids
        found = fragments.find_fragments(session, coder=coder, segment_ids=ids) if ids else []
    title = f"coded {a}" if a == b else f"coded {a} × {b} (by {scope})"
    return FragmentList(title, "", tuple(found))


def code_matrix(
    project: Project, *, cols: str, rollup: bool, filters: cooc.Filters | None = None
) -> cooc.Matrix:
    """The code × place (``cols="place"``) or code × attribute (``"attr:KEY"``) matrix."""
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
    coder = filters.coder if filters is not None and filters.coder else None
    with project.session() as session:
        ids = cooc.matrix_segments(
            session, code, column, cols=cols, rollup=rollup, filters=filters
        )
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
    with project.session() as session:
        cooc.check_filters(session, filters)


def filters_query(filters: cooc.Filters) -> str:
    """The documents, cases and attributes of ``filters`` as terms of the query language
    (``doc:``, ``case:``, ``attr:``), combined as :class:`workbench.analysis.cooccurrence.Filters` combines
    them: any of the documents, any of the cases, every attribute; "" when there are none.
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
        kinds = session.exec(select(PlaceKind.name).order_by(PlaceKind.position, PlaceKind.name))
        statuses = session.exec(
            select(PlaceStatus.name).order_by(PlaceStatus.position, PlaceStatus.name)
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


def add_code(
    project: Project, name: str, *, parent: str | None = None, coder: str | None = None
) -> str:
    """Create a code (under ``parent``) as one change; returns what was done."""
    with project.transaction("code add", coder=coder) as session:
        code = code_ops.add_code(
            session, name, parent=parent, coder_id=coders.ensure(session, coder).id
        )
        summary = f"add code {code.name}" + (f" under {parent}" if parent else "")
        changelog.describe(session, summary)
    return summary


def rename_code(project: Project, old: str, new: str, *, coder: str | None = None) -> str:
    """Rename a code as one change; its codings stay."""
    with project.transaction("code rename", coder=coder) as session:
        coders.ensure(session, coder)
        code = code_ops.rename_code(session, old, new)
        summary = f"rename code {old} to {code.name}"
        changelog.describe(session, summary)
    return summary


def move_code(project: Project, name: str, parent: str | None, *, coder: str | None = None) -> str:
    """Move a code (with its subtree) under ``parent``, or to the top with None."""
    with project.transaction("code move", coder=coder) as session:
        coders.ensure(session, coder)
        code_ops.move_code(session, name, parent)
        summary = f"move code {name} under {parent or '(top)'}"
        changelog.describe(session, summary)
    return summary


def merge_codes(project: Project, source: str, target: str, *, coder: str | None = None) -> str:
    """Merge ``source`` into ``target`` as one change: codings, children and memos move."""
    with project.transaction("code merge", coder=coder) as session:
        coders.ensure(session, coder)
        code_ops.merge_codes(session, source, target)
        summary = f"merge code {source} into {target}"
        changelog.describe(session, summary)
    return summary


def delete_code(project: Project, name: str, *, coder: str | None = None) -> str:
    """Delete a code (with its subtree) and its codings as one change (undo restores them)."""
    with project.transaction("code delete", coder=coder) as session:
        coders.ensure(session, coder)
        deleted = code_ops.delete_code(session, name, recursive=True)
        summary = f"delete code {', '.join(deleted)}"
        changelog.describe(session, summary)
    return summary


def edit_code(project: Project, name: str, *, coder: str | None = None, **fields: object) -> str:
    """Change a code's definition or colour (fields of :func:`workbench.coding.codes.update_code`)."""
    with project.transaction("code edit", coder=coder) as session:
        coders.ensure(session, coder)
        code_ops.update_code(session, name, **fields)
        what = "colour" if set(fields) == {"color"} else "definition"
        summary = f"edit code {name} ({what})"
        changelog.describe(session, summary)
    return summary


def save_place(
    project: Project,
    original: str | None,
    fields: dict[str, object],
    aliases: Sequence[str],
    *,
    coder: str | None = None,
) -> str:
    """Add a place (``original`` None) or change one, aliases included, as one change."""
    action = "place add" if original is None else "place edit"
    with project.transaction(action, coder=coder) as session:
        coder_row = coders.ensure(session, coder)
        if original is None:
            name = str(fields.pop("name", ""))
            place = place_ops.add_place(
                session, name, aliases=list(aliases), coder_id=coder_row.id, **fields
            )  # type: ignore[arg-type]
            summary = f"add place {place.name}"
        else:
            place = place_ops.edit_place(session, original, **fields)
            current = set(
                session.exec(select(PlaceAlias.alias).where(PlaceAlias.place_id == place.id))
            )
            wanted = list(dict.fromkeys(" ".join(a.split()) for a in aliases if a.strip()))
            for alias in sorted(current - set(wanted)):
                place_ops.remove_alias(session, place, alias)
            for alias in wanted:
                if alias not in current:
                    place_ops.add_alias(session, place, alias)
            summary = f"edit place {place.name}"
        changelog.describe(session, summary)
    return summary


def import_files(
    project: Project,
    paths: Sequence[Path],
    *,
    case: str | None = None,
    language: str | None = None,
    coder: str | None = None,
    progress: importing.ProgressCallback | None = None,
) -> tuple[str, ...]:
    """Import transcript files in one transaction; returns the names of the new documents."""
    imported = importing.import_files(
        project, list(paths), case=case, language=language, coder=coder, progress=progress
    )
    return tuple(document.name for document in imported)


# --- the coding screen: links, memos, removals, search and suggestions -----------------------


@dataclass(frozen=True)
class WriteDone:
    """A change written from the coding screen: what was done, and the segment it touched."""

    summary: str
    """One line for the user (also the change log's summary)."""
    segment: int | None = None
    """The segment changed or created (None when it was deleted)."""


@dataclass(frozen=True)
class SuggestionInfo:
    """A code or place suggested for a span of the open document (by :mod:`workbench.analysis.suggest`)."""

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


def _coder_id(session: Session, coder: str | None) -> int:
    coder_id = coders.ensure(session, coder).id
    assert coder_id is not None
    return coder_id


def place_kinds(project: Project) -> tuple[PlaceKindRow, ...]:
    """The place kinds of the codebook, in codebook order, with their labels."""
    with project.session() as session:
        rows = session.exec(
            select(PlaceKind.name, PlaceKind.label, PlaceKind.description).order_by(
                PlaceKind.position, PlaceKind.name
            )
        ).all()
    return tuple(
        PlaceKindRow(name, label or "", description or "") for name, label, description in rows
    )


def link_place(
    project: Project,
    place: str,
    *,
    segment_id: int | None = None,
    document: str | None = None,
    span: tuple[int, int] | None = None,
    new_kind: str | None = None,
    coder: str | None = None,
) -> WriteDone:
    """Link a place to a segment, or to the segment over ``span`` of ``document`` (created when
    there is none), as one change. With ``new_kind`` the place is created first, in the same
    change."""
    with project.transaction("link", coder=coder) as session:
        coder_id = _coder_id(session, coder)
        summary = ""
        if new_kind is not None:
            place = place_ops.add_place(session, place, kind=new_kind, coder_id=coder_id).name
            summary = f"add place {place} ({new_kind}); "
        if segment_id is not None:
            view = segment_ops.link(session, segment_id, place, coder_id=coder_id)
        elif document is not None and span is not None:
            view = segment_ops.code_span(
                session, document, span[0], span[1], [], places=[place], coder_id=coder_id
            )
        else:
            raise InvalidValue("select the text to link, or put the cursor on a segment")
        summary += f"link segment {view.segment} to {place}"
        changelog.describe(session, summary)
    return WriteDone(summary, view.segment)


def save_memo(
    project: Project,
    text: str,
    *,
    memo_id: int | None = None,
    segment_id: int | None = None,
    document: str | None = None,
    span: tuple[int, int] | None = None,
    coder: str | None = None,
) -> WriteDone:
    """Write a segment memo as one change.

    With ``memo_id`` the memo's text is replaced, or the memo deleted when ``text`` is blank.
    Otherwise a new memo goes on ``segment_id``, or on the segment over ``span`` of
    ``document`` (created when there is none).
    """
    with project.transaction("memo", coder=coder) as session:
        coder_id = _coder_id(session, coder)
        if memo_id is not None:
            segment_id = lookups.find_memo(session, memo_id).segment_id
            if text.strip():
                memo_ops.update_memo(session, memo_id, text)
                summary = f"edit memo {memo_id} on segment {segment_id}"
            else:
                memo_ops.delete_memo(session, memo_id)
                summary = f"delete memo {memo_id} on segment {segment_id}"
                if session.get(Segment, segment_id) is None:
                    segment_id = None
        else:
            if segment_id is None:
                if document is None or span is None:
                    raise InvalidValue(
                        "select the text for the memo, or put the cursor on a segment"
                    )
                doc = lookups.find_document(session, document)
                segment_id = segment_ops.ensure_segment(session, doc, *span, coder_id=coder_id).id
            memo = memo_ops.add_memo(session, "segment", str(segment_id), text, coder_id=coder_id)
            summary = f"memo {memo.id} on segment {segment_id}"
        changelog.describe(session, summary)
    return WriteDone(summary, segment_id)


def remove_from_segment(
    project: Project,
    segment_id: int,
    *,
    code: str | None = None,
    place: str | None = None,
    coder: str | None = None,
) -> WriteDone:
    """Remove one code (:func:`workbench.coding.segments.uncode`) or one place link
    (:func:`workbench.coding.segments.unlink`) from a segment, as one change."""
    with project.transaction("uncode" if code is not None else "unlink", coder=coder) as session:
        coders.ensure(session, coder)
        if code is not None:
            segment_ops.uncode(session, segment_id, [code])
            summary = f"uncode segment {segment_id}: {code}"
        elif place is not None:
            segment_ops.unlink(session, segment_id, place)
            summary = f"unlink segment {segment_id} from {place}"
        else:
            raise InvalidValue("name the code or the place to remove")
        changelog.describe(session, summary)
        left = session.get(Segment, segment_id) is not None
    return WriteDone(summary, segment_id if left else None)


def search_document(project: Project, document: str, text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of every match of ``text`` in ``document``: the core's search as typed
    (:func:`workbench.analysis.search.search`; case ignored, white space matching any white space)."""
    from workbench.analysis import search

    with project.session() as session:
        hits = search.search(session, text, lemma=False, documents=[document])
    return tuple(sorted({(int(hit.start), int(hit.end)) for hit in hits}))


def suggestions(project: Project, document: str) -> tuple[SuggestionInfo, ...]:
    """The code and place suggestions for one document (:func:`workbench.analysis.suggest.suggest`)."""
    from workbench.analysis import suggest
    from workbench.text import lemmas

    with project.session() as session:
        document_id = lookups.find_document(session, document).id
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
        )
        for item in found
    )


def accept_suggestion(
    project: Project, suggestion: SuggestionInfo, *, coder: str | None = None
) -> WriteDone:
    """Accept one suggestion (:func:`workbench.analysis.suggest.accept`, which also describes the
    change for the change log) as one change."""
    from workbench.analysis import suggest

    with project.transaction("suggest accept", coder=coder) as session:
        views = suggest.accept(session, [suggestion.id], coder_id=_coder_id(session, coder))
    verb = "coded" if suggestion.kind == "code" else "linked to"
    summary = f"accepted: line {suggestion.line} {verb} {suggestion.target}"
    return WriteDone(summary, views[0].segment if views else None)


# --- exports (the export dialog); each only reads the project --------------------------------


@dataclass(frozen=True)
class ExportDone:
    """What an export wrote, for the dialog: one line, and warnings (names left over)."""

    summary: str
    warnings: tuple[str, ...] = ()


def export_fragments(
    project: Project,
    path: Path,
    *,
    fmt: str,
    query_text: str | None = None,
    group_by: str = "none",
    memos: bool = False,
    pseudonymise: bool = False,
) -> ExportDone:
    """Write the fragments a query finds (all with None) to ``path`` as ``fmt``, cited as
    :mod:`workbench.exchange.publish` cites them; with ``pseudonymise`` through the project's table."""
    from workbench.exchange import pseudonyms, publish
    from workbench.project import settings

    with project.session() as session:
        found = fragments.find_fragments(session, query_text)
        language = str(settings.get(session, "language", "en"))
        table = pseudonyms.table(session) if pseudonymise else None
    warnings: list[str] = []
    shown_query = query_text
    if table is not None:
        if not table:
            warnings.append("the project's pseudonym table is empty: no name was replaced")
        found = table.fragments(found)
        shown_query = table.apply_optional(query_text)
        warnings += [str(left) for left in table.check_fragments(found)]
        warnings += [str(left) for left in table.leftovers(shown_query or "", "the query")]
    options = publish.Options(
        group_by=group_by if fmt in ("md", "html", "docx") else "none",
        memos=memos,
        query=shown_query.strip() if shown_query and shown_query.strip() else None,
        language=language,
    )
    publish.write(found, path, fmt, options)
    noun = "fragment" if len(found) == 1 else "fragments"
    return ExportDone(f"wrote {len(found)} {noun} to {path} ({fmt})", tuple(warnings))


def export_project(project: Project, path: Path, *, fmt: str) -> ExportDone:
    """Export the project as REFI-QDA (``qdpx``, ``qdc``), the YAML ``codebook`` or the places
    as ``geojson``, with the core's exporters (a file appears only when it is complete)."""
    with project.session() as session:
        if fmt == "qdpx":
            from workbench.exchange.refi.writer import export_qdpx

            report = export_qdpx(session, path, name=project_name(project))
            return ExportDone(
                f"wrote {path}: {report.documents} documents, {report.selections} coded "
                f"passages, {report.codes} codes, {report.places} places, {report.cases} cases"
            )
        if fmt == "qdc":
            from workbench.exchange.refi.writer import export_qdc

            report = export_qdc(session, path)
            return ExportDone(f"wrote {path}: {report.codes} codes and {report.places} places")
        if fmt == "codebook":
            from workbench.coding import codebook

            spec = codebook.export_codebook(session, path)
            return ExportDone(f"wrote {path}: {sum(1 for _ in spec.all_codes())} codes")
        if fmt == "geojson":
            from workbench.exchange.geojson import export_geojson

            geo = export_geojson(session, path)
            left = geo.without_coordinates
            warnings = (
                (f"{len(left)} places without coordinates are not on the map: {', '.join(left)}",)
                if left
                else ()
            )
            return ExportDone(f"wrote {path}: {geo.features} places", warnings)
    raise ValueError(f"unknown export format {fmt!r}")


def export_figure(
    project: Project,
    path: Path,
    *,
    figure: str,
    scope: str = "overlap",
    value: str = "c",
    cols: str = "place",
    rollup: bool = False,
    pseudonymise: bool = False,
) -> ExportDone:
    """Draw the co-occurrence heatmap (``figure="cooccur"``) or the matrix (``"matrix"``) for
    print with :mod:`workbench.exchange.figures` (SVG, PNG or PDF from the suffix)."""
    from workbench.exchange import figures, pseudonyms

    figures.figure_format(path)
    with project.session() as session:
        table = pseudonyms.table(session) if pseudonymise else None
        rename = table.apply if table else None
        if figure == "cooccur":
            drawing = figures.cooccurrence_figure(
                cooc.cooccur(session, scope=scope, rollup=rollup), value=value, rename=rename
            )
        else:
            drawing = figures.matrix_figure(
                cooc.matrix(session, cols=cols, rollup=rollup), rename=rename
            )
    figures.save(drawing, path)
    return ExportDone(f"wrote {path}")


def project_name(project: Project) -> str:
    """The project's name for other tools: its file name without the suffix."""
    return project.path.stem if project.path is not None else "workbench project"
