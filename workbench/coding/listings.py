"""The listings the shells show: documents, the code tree with counts, places.

Reading only: nothing here writes.
"""

from __future__ import annotations

from typing import TypedDict

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.project.models import (
    Case,
    Code,
    Coding,
    Document,
    Place,
    PlaceAlias,
    Segment,
    SegmentPlace,
    id_of,
)


class DocumentListing(TypedDict):
    """A document as ``docs --json`` shows it."""

    id: int
    name: str
    source: str
    language: str
    cases: list[str]
    characters: int
    words: int
    turns: int
    speakers: dict[str, int]
    segments: int
    imported_at: str
    label: str
    """The citation label the researcher set ("" when none: cited by case, else "Doc N")."""


class CodeListing(TypedDict):
    """A code of the tree as ``codes --json`` shows it."""

    id: int
    name: str
    label: str
    parent: str | None
    depth: int
    color: str
    description: str
    segments: int
    segments_total: int
    documents: int


class PlaceListing(TypedDict):
    """A place as ``places --json`` shows it."""

    id: int
    name: str
    kind: str
    status: str
    neighbourhood: str
    municipality: str
    address: str
    latitude: float | None
    longitude: float | None
    aliases: list[str]
    segments: int
    description: str


# --- listings --------------------------------------------------------------------------------


def list_documents(session: Session) -> list[DocumentListing]:
    """Documents with their cases, size, turns, speakers and number of segments."""
    from workbench.project.models import DocumentCase, Turn

    # sqlmodel's select() is typed for up to four columns: eight go through sa.select().
    docs = session.execute(
        sa.select(
            col(Document.id),
            col(Document.name),
            col(Document.source_name),
            col(Document.language),
            col(Document.char_count),
            col(Document.word_count),
            col(Document.imported_at),
            col(Document.label),
        ).order_by(col(Document.name))
    ).all()
    segments = dict(
        session.exec(
            select(Segment.document_id, sa.func.count(col(Segment.id))).group_by(
                col(Segment.document_id)
            )
        ).all()
    )
    turns: dict[int, dict[str, int]] = {}
    # Speakers in the order they first speak (as ``import`` lists them), the same on every
    # database: positions are numbers, so no collation decides.
    first = sa.func.min(col(Turn.position))
    for doc_id, speaker, count in session.exec(
        select(Turn.document_id, Turn.speaker, sa.func.count(col(Turn.id)))
        .group_by(col(Turn.document_id), col(Turn.speaker))
        .order_by(col(Turn.document_id), first)
    ):
        turns.setdefault(doc_id, {})[speaker or "?"] = count
    cases: dict[int, list[str]] = {}
    for doc_id, case_name in session.exec(
        select(DocumentCase.document_id, Case.name)
        .join(Case, col(Case.id) == DocumentCase.case_id)
        .order_by(col(Case.name))
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
            "label": label,
        }
        for doc_id, name, source, language, chars, words, imported, label in docs
    ]


def code_tree(session: Session) -> list[CodeListing]:
    """Codes depth first with their counts: ``segments`` coded with the code itself,
    ``segments_total`` with it or a descendant, ``documents`` with it."""
    codes = session.exec(select(Code).order_by(col(Code.position), col(Code.name))).all()
    direct = dict(
        session.exec(
            select(Coding.code_id, sa.func.count(sa.distinct(col(Coding.segment_id)))).group_by(
                col(Coding.code_id)
            )
        ).all()
    )
    documents = dict(
        session.exec(
            select(Coding.code_id, sa.func.count(sa.distinct(col(Segment.document_id))))
            .join(Segment, col(Segment.id) == Coding.segment_id)
            .group_by(col(Coding.code_id))
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
    rows: list[CodeListing] = []

    def walk(parent: int | None, depth: int, parent_name: str | None) -> None:
        for code in children.get(parent, []):
            code_id = id_of(code)
            rows.append(
                {
                    "id": code_id,
                    "name": code.name,
                    "label": code.label,
                    "parent": parent_name,
                    "depth": depth,
                    "color": code.color,
                    "description": code.description,
                    "segments": direct.get(code_id, 0),
                    "segments_total": len(under.get(code_id, ())),
                    "documents": documents.get(code_id, 0),
                }
            )
            walk(code_id, depth + 1, code.name)

    walk(None, 0, None)
    return rows


def list_places(session: Session) -> list[PlaceListing]:
    """Places with kind, status, area, aliases and the number of linked segments."""
    counts = dict(
        session.exec(
            select(SegmentPlace.place_id, sa.func.count(col(SegmentPlace.id))).group_by(
                col(SegmentPlace.place_id)
            )
        ).all()
    )
    aliases: dict[int, list[str]] = {}
    for place_id, alias in session.exec(
        select(PlaceAlias.place_id, PlaceAlias.alias).order_by(col(PlaceAlias.alias))
    ):
        aliases.setdefault(place_id, []).append(alias)
    return [
        {
            "id": id_of(place),
            "name": place.name,
            "kind": place.kind,
            "status": place.status,
            "neighbourhood": place.neighbourhood,
            "municipality": place.municipality,
            "address": place.address,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "aliases": aliases.get(id_of(place), []),
            "segments": counts.get(id_of(place), 0),
            "description": place.description,
        }
        for place in session.exec(select(Place).order_by(col(Place.name)))
    ]
