"""What the TUI reads from and writes to a project, with no Textual import.

Every function here is a thin call into the core (:mod:`workbench.coding`,
:mod:`workbench.changelog`) or a plain SQLModel select for reading. They are called from
thread workers and return plain frozen dataclasses, so no ORM object crosses into the UI
thread and no widget is touched from a worker. No rule of the workbench is written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, select

from workbench import changelog, coders, coding
from workbench.db import Project
from workbench.models import Code, Coding, Place, Segment, SegmentPlace, Turn


@dataclass(frozen=True)
class DocumentRow:
    """One row of the documents table (from :func:`workbench.coding.list_documents`)."""

    id: int
    name: str
    cases: tuple[str, ...]
    words: int
    turns: int
    segments: int
    characters: int
    language: str


@dataclass(frozen=True)
class CodeRow:
    """One code of the code tree with its counts (from :func:`workbench.coding.code_tree`)."""

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


@dataclass(frozen=True)
class PlaceRow:
    """One place with its number of linked segments (from :func:`workbench.coding.list_places`)."""

    id: int
    name: str
    kind: str
    status: str
    neighbourhood: str
    municipality: str
    aliases: tuple[str, ...]
    segments: int


@dataclass(frozen=True)
class TurnSpan:
    """A speaker turn: ``start``..``text_start`` is the speaker label, if there is one."""

    start: int
    text_start: int
    end: int
    speaker: str | None


@dataclass(frozen=True)
class SegmentInfo:
    """A segment of the open document with the names and colours of its codes, and its places."""

    id: int
    start: int
    end: int
    codes: tuple[str, ...]
    colors: tuple[str, ...]
    """The colour of each code in ``codes``, in the same order."""
    places: tuple[str, ...]

    def covers(self, offset: int) -> bool:
        """True when the character at ``offset`` lies in this segment."""
        return self.start <= offset < self.end

    def intersects(self, start: int, end: int) -> bool:
        """True when the segment shares a character with ``start``..``end``."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class DocumentText:
    """An open document: its text, its speaker turns and its segments."""

    id: int
    name: str
    text: str
    turns: tuple[TurnSpan, ...]
    segments: tuple[SegmentInfo, ...] = field(default=())


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
        )
        for row in coding.list_documents(session)
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
        )
        for row in coding.code_tree(session)
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
        )
        for row in coding.list_places(session)
    )


def overview(project: Project) -> Overview:
    """Documents, codes and places, read in one session."""
    with project.session() as session:
        return Overview(_documents(session), _codes(session), _places(session))


def segments_of(session: Session, document_id: int) -> tuple[SegmentInfo, ...]:
    """The segments of a document in text order, each with its codes (all coders) and places."""
    rows = session.exec(
        select(Segment.id, Segment.start, Segment.end, Code.name, Code.color)
        .join(Coding, Coding.segment_id == Segment.id, isouter=True)
        .join(Code, Code.id == Coding.code_id, isouter=True)
        .where(Segment.document_id == document_id)
        .order_by(Segment.start, Segment.end, Segment.id, Code.name)
    ).all()
    place_rows = session.exec(
        select(SegmentPlace.segment_id, Place.name)
        .join(Place, Place.id == SegmentPlace.place_id)
        .join(Segment, Segment.id == SegmentPlace.segment_id)
        .where(Segment.document_id == document_id)
        .order_by(Place.name)
    ).all()
    places: dict[int, list[str]] = {}
    for segment_id, place_name in place_rows:
        places.setdefault(segment_id, []).append(place_name)
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
        )
        for segment_id in order
    )


def document_text(project: Project, name: str) -> DocumentText:
    """A document with its turns and segments, for the coding view."""
    with project.session() as session:
        document = coding.find_document(session, name)
        assert document.id is not None
        turns = session.exec(
            select(Turn.start, Turn.text_start, Turn.end, Turn.speaker)
            .where(Turn.document_id == document.id)
            .order_by(Turn.start)
        ).all()
        return DocumentText(
            id=document.id,
            name=document.name,
            text=document.text,
            turns=tuple(TurnSpan(*turn) for turn in turns),
            segments=segments_of(session, document.id),
        )


def document_segments(project: Project, document_id: int) -> tuple[SegmentInfo, ...]:
    """The segments of one document, read again after a change."""
    with project.session() as session:
        return segments_of(session, document_id)


# --- writing: one transaction per user action ------------------------------------------------


def code_span(
    project: Project,
    document: str,
    start: int,
    end: int,
    codes: Sequence[str],
    *,
    coder: str | None = None,
) -> coding.SegmentView:
    """Code ``start``..``end`` of ``document`` with existing codes, as one change."""
    with project.transaction("code", coder=coder) as session:
        coder_id = coders.ensure(session, coder).id
        assert coder_id is not None
        view = coding.code_span(session, document, start, end, list(codes), coder_id=coder_id)
        changelog.describe(session, f"code {document} {start}-{end} with {', '.join(view.codes)}")
        return view


def step(project: Project, *, undo: bool) -> StepDone:
    """Undo the newest change, or redo the oldest undone one (not itself recorded)."""
    with project.transaction("undo" if undo else "redo", record=False) as session:
        info = changelog.undo(session) if undo else changelog.redo(session)
    return StepDone(undo=undo, action=info.action, summary=info.summary)
