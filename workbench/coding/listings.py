"""The listings the shells show: documents, the code tree with counts, places.

Reading only: nothing here writes.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from workbench.project.models import (
    Case,
    Code,
    Coding,
    Document,
    Place,
    PlaceAlias,
    Segment,
    SegmentPlace,
)

# --- listings --------------------------------------------------------------------------------


def list_documents(session: Session) -> list[dict[str, object]]:
    """Documents with their cases, size, turns, speakers and number of segments."""
    from workbench.project.models import DocumentCase, Turn

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


