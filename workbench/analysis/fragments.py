"""Fragments: coded segments with everything needed to cite them.

A fragment is the contract's JSON object of ``workbench fragments --format json``: the
segment, its document and case, its offsets and 1-based line range, the speaker of the turn
it starts in, its text, its codes and places, and its memo. :func:`find_fragments` evaluates
a query of the fragment query language (:mod:`workbench.analysis.query`) in SQL and loads the
fragments of the matching segments in a few set-based queries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from workbench.i18n import _
from workbench.project.models import (
    Case,
    Code,
    Coder,
    Coding,
    Document,
    DocumentCase,
    Memo,
    Place,
    Segment,
    SegmentPlace,
    table_of,
)


@dataclass
class Fragment:
    """One coded segment, ready to cite."""

    segment: int
    """The segment id."""
    document: str
    """The document name."""
    case: str | None
    """The name of the document's case (the first by name when it has several), or None."""
    start: int
    """Start offset (code points, zero-based)."""
    end: int
    """End offset (exclusive)."""
    line_start: int
    """1-based line of the first character."""
    line_end: int
    """1-based line of the last character."""
    speaker: str | None
    """The speaker label of the turn the segment starts in, or None outside turns."""
    text: str
    """The text of the segment."""
    codes: list[str] = field(default_factory=list)
    """Names of its codes (all coders), sorted."""
    places: list[str] = field(default_factory=list)
    """Names of its linked places, sorted."""
    memo: str | None = None
    """Its memo (several memos joined by blank lines), or None."""
    coders: list[str] = field(default_factory=list)
    """Names of the coders of its codings, sorted (not part of the JSON contract)."""

    def to_dict(self) -> dict[str, object]:
        """The contract's JSON object (without ``coders``)."""
        data = asdict(self)
        del data["coders"]
        return data


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


def _has_overlaps(query: str | None) -> bool:
    from workbench.analysis import query as q

    if query is None or not query.strip():
        return False
    found: list[bool] = []
    q.walk(q.parse(query), lambda node: found.append(isinstance(node, q.Overlaps)))
    return any(found)


def find_fragments(
    session: Session,
    query: str | None = None,
    *,
    coder: str | None = None,
    rollup: bool = False,
    segment_ids: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Fragment]:
    """The fragments of the segments matching ``query`` (all segments when it is None or
    blank), ordered by document name and offsets.

    ``coder`` counts only that coder's codings: code terms match their codings, a fragment
    lists only their codes, and segments without a coding of theirs are left out.
    ``rollup`` lets a code term match descendants. ``segment_ids`` restricts the result to
    those segments (the TUI lists the segments behind a table cell this way).
    Raises :class:`workbench.analysis.query.QueryError` for a bad query.
    """
    from workbench.analysis import query as q

    segment, document = table_of(Segment), table_of(Document)
    coding, code = table_of(Coding), table_of(Code)
    coder_id: int | None = None
    if coder is not None:
        from workbench.project.coders import find_coder

        coder_id = find_coder(session, coder).id
    conditions: list[sa.ColumnElement[bool]] = []
    if query is not None and query.strip():
        conditions.append(
            q.compile_query(session, query, segment, coder_id=coder_id, rollup=rollup)
        )
    if coder_id is not None:
        conditions.append(
            segment.c.id.in_(sa.select(coding.c.segment_id).where(coding.c.coder_id == coder_id))
        )
    stmt = (
        sa.select(
            segment.c.id,
            segment.c.document_id,
            document.c.name,
            segment.c.start,
            segment.c.end,
            q.speaker_of(segment),
        )
        .select_from(segment.join(document, document.c.id == segment.c.document_id))
        .where(*conditions)
        .order_by(document.c.name, segment.c.start, segment.c.end, segment.c.id)
    )
    try:
        if segment_ids is not None:
            wanted = list(dict.fromkeys(int(i) for i in segment_ids))
            rows: list[sa.Row[*tuple[Any, ...]]] = []
            for chunk in _chunks(wanted):
                rows.extend(session.execute(stmt.where(segment.c.id.in_(chunk))).all())
            rows.sort(key=lambda r: (r[2], r[3], r[4], r[0]))
        else:
            rows = list(session.execute(stmt.limit(limit) if limit is not None else stmt).all())
    except sa.exc.OperationalError as exc:
        # The query's own limits keep it within the database's; should a combination of
        # them still be too deep for its parser, that is said about the query, in one line.
        reason = str(exc.orig)
        if query is None or not any(
            known in reason for known in ("parser stack overflow", "Expression tree is too large")
        ):
            raise
        raise q.QueryError(query, 1, _("the query nests too deeply for the database")) from None
    if limit is not None:
        rows = rows[:limit]
    if not rows:
        return []
    ids = [row[0] for row in rows]

    # Codes, coders, places and memos of those segments, a few set-based queries per chunk.
    codes: dict[int, set[str]] = {}
    coders: dict[int, set[str]] = {}
    places: dict[int, list[str]] = {}
    memos: dict[int, list[str]] = {}
    coder_table, link, place, memo = (
        table_of(Coder),
        table_of(SegmentPlace),
        table_of(Place),
        table_of(Memo),
    )
    if segment_ids is None and limit is None and len(ids) > 3000 and not _has_overlaps(query):
        # Many rows: select the extra rows with the query itself as a subquery, one statement
        # each, rather than thousands of bound ids (``overlaps`` is too dear to evaluate twice).
        selections: list[Any] = [sa.select(segment.c.id).where(*conditions)]
    else:
        selections = list(_chunks(ids))
    for chunk in selections:
        coded = (
            sa.select(coding.c.segment_id, code.c.name, coder_table.c.name)
            .select_from(
                coding.join(code, code.c.id == coding.c.code_id).join(
                    coder_table, coder_table.c.id == coding.c.coder_id
                )
            )
            .where(coding.c.segment_id.in_(chunk))
        )
        if coder_id is not None:
            coded = coded.where(coding.c.coder_id == coder_id)
        for segment_id, code_name, coder_name in session.execute(coded):
            codes.setdefault(segment_id, set()).add(code_name)
            coders.setdefault(segment_id, set()).add(coder_name)
        for segment_id, place_name in session.execute(
            sa.select(link.c.segment_id, place.c.name)
            .select_from(link.join(place, place.c.id == link.c.place_id))
            .where(link.c.segment_id.in_(chunk))
            .order_by(place.c.name)
        ):
            places.setdefault(segment_id, []).append(place_name)
        for segment_id, text in session.execute(
            sa.select(memo.c.segment_id, memo.c.text)
            .where(memo.c.segment_id.in_(chunk))
            .order_by(memo.c.created_at, memo.c.id)
        ):
            memos.setdefault(segment_id, []).append(text)

    # Case names and texts of the documents concerned.
    document_ids = sorted({row[1] for row in rows})
    case_of: dict[int, str] = {}
    texts: dict[int, str] = {}
    dc, case = table_of(DocumentCase), table_of(Case)
    for chunk in _chunks(document_ids):
        for document_id, case_name in session.execute(
            sa.select(dc.c.document_id, case.c.name)
            .select_from(dc.join(case, case.c.id == dc.c.case_id))
            .where(dc.c.document_id.in_(chunk))
            .order_by(case.c.name.desc())
        ):
            case_of[document_id] = case_name  # the first by name wins (ordered descending)
        texts.update(
            session.execute(
                sa.select(document.c.id, document.c.text).where(document.c.id.in_(chunk))
            ).all()
        )

    fragments = []
    # Rows come ordered by document and start: count line breaks from the previous fragment.
    last_document, last_offset, last_line = -1, 0, 1
    for segment_id, document_id, document_name, start, end, speaker in rows:
        text = texts[document_id]
        if document_id != last_document or start < last_offset:
            last_document, last_offset, last_line = document_id, 0, 1
        line_start = last_line + text.count("\n", last_offset, start)
        last_offset, last_line = start, line_start
        fragments.append(
            Fragment(
                segment=segment_id,
                document=document_name,
                case=case_of.get(document_id),
                start=start,
                end=end,
                line_start=line_start,
                line_end=line_start + text.count("\n", start, end - 1),
                speaker=speaker,
                text=text[start:end],
                codes=sorted(codes.get(segment_id, ())),
                places=places.get(segment_id, []),
                memo="\n\n".join(memos[segment_id]) if segment_id in memos else None,
                coders=sorted(coders.get(segment_id, ())),
            )
        )
    return fragments
