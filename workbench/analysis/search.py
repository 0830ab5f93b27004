"""Keyword in context: find a word or phrase in the transcripts, exactly or by lemma.

- **Exact** (the default): the text as typed, ignoring case, anywhere (also inside longer
  words: ``club`` finds ``clubs``); white space in the query matches any white space in
  the text, so a phrase is found across a line break. Runs over the document texts.
- **Lemma** (``lemma=True``): the words of the query are lemmatised with the spaCy lookup
  lemmas of each document's language, and every sequence of consecutive words with those
  lemmas is found (``bibliotheek`` finds ``bibliotheken``, ``go`` finds ``went``). Runs on
  the lemma index (:mod:`workbench.text.lemmas`), which must be complete for the documents
  searched: call :func:`workbench.text.lemmas.index_project` (or ``ensure_index``) first.

Each hit has its document, offsets, 1-based line, the speaker of the turn it starts in, the
context before and after it on one line, and the ids of the segments it shares a
character with. Hits are sorted by document name, then start.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.errors import InvalidValue
from workbench.i18n import _, counted, number
from workbench.project.models import Document, Segment, Turn, id_col
from workbench.text import lemmas

#: Characters of context shown on each side of a hit by default.
DEFAULT_CONTEXT = 60
_BATCH = 200  # documents whose texts are handled at once
_BREAKS = re.compile(r"[\n\r\t\v\f]")


@dataclass
class Hit:
    """One place where the search text occurs."""

    document: str
    """The document's name."""
    start: int
    """Offset of the first character of the match (code points, zero-based)."""
    end: int
    """Offset just after the match."""
    line: int
    """The 1-based line the match starts on."""
    speaker: str | None
    """The speaker of the turn the match starts in (None outside turns)."""
    before: str
    """Up to ``context`` characters before the match, on one line."""
    match: str
    """The matched text, on one line (``text[start:end]`` with line breaks as spaces)."""
    after: str
    """Up to ``context`` characters after the match, on one line."""
    segments: list[int] = field(default_factory=list)
    """Ids of the segments that share a character with the match."""

    def to_dict(self) -> dict[str, object]:
        """The hit as ``search --json`` prints it."""
        return asdict(self)


@dataclass
class DocumentRef:
    """A document as searching needs it: id, name and language (not its text)."""

    id: int
    """The document's id."""
    name: str
    """The document's name."""
    language: str
    """The language its words are lemmatised in."""


def one_line(text: str) -> str:
    """Text with line breaks and tabs shown as spaces."""
    return text if text.isprintable() else _BREAKS.sub(" ", text)


def documents_in_scope(session: Session, names: Sequence[str] | None = None) -> list[DocumentRef]:
    """The documents to search (all, or those named), sorted by name."""
    query = select(id_col(Document.id), Document.name, Document.language).order_by(
        col(Document.name)
    )
    if names:
        query = query.where(col(Document.name).in_(list(names)))
    found = [DocumentRef(int(i), n, lang) for i, n, lang in session.exec(query)]
    if names:
        from workbench.coding.lookups import find_document

        known = {doc.name for doc in found}
        for name in names:
            if name not in known:
                find_document(session, name)  # raises NotFound with suggestions
    return found


def exact_pattern(text: str) -> re.Pattern[str]:
    """The regular expression of an exact search: the words in order, any white space
    between them, case ignored."""
    words = text.split()
    if not words:
        raise InvalidValue(_("give a word or phrase to search for"))
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)


def _containing(session: Session, word: str) -> set[int] | None:
    """Ids of the documents whose text contains ``word``, case ignored, found by the
    database; None when it cannot tell (a word with non-ASCII letters: SQLite folds the
    case of ASCII letters only).
    """
    if not word.isascii():
        return None
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if session.get_bind().dialect.name == "sqlite":  # SQLite's LIKE ignores ASCII case
        condition = col(Document.text).like(f"%{escaped}%", escape="\\")
    else:  # pragma: no cover - PostgreSQL is not available on the test machine
        condition = col(Document.text).ilike(f"%{escaped}%", escape="\\")
    rows = session.connection().execute(sa.select(id_col(Document.id)).where(condition)).all()
    return {doc_id for (doc_id,) in rows}


def _exact_spans(
    session: Session, text: str, docs: list[DocumentRef], texts: lemmas.Texts
) -> Iterator[tuple[DocumentRef, list[lemmas.Span]]]:
    pattern = exact_pattern(text)
    candidates = _containing(session, max(text.split(), key=len))
    if candidates is not None:
        docs = [doc for doc in docs if doc.id in candidates]
    for start in range(0, len(docs), _BATCH):
        batch = docs[start : start + _BATCH]
        texts.load(doc.id for doc in batch)
        for doc in batch:
            spans = [match.span() for match in pattern.finditer(texts[doc.id])]
            if spans:
                yield doc, spans
            else:
                texts.cache.pop(doc.id, None)


def _lemma_spans(
    session: Session, text: str, docs: list[DocumentRef], texts: lemmas.Texts
) -> Iterator[tuple[DocumentRef, list[lemmas.Span]]]:
    if not text.split():
        raise InvalidValue(_("give a word or phrase to search for"))
    lemmas.check_complete(session, [doc.id for doc in docs])
    found: dict[int, list[lemmas.Span]] = {}
    languages = sorted({doc.language for doc in docs})
    words = False
    for language in languages:
        phrase = lemmas.query_lemmas(session, language, text)
        if not phrase:
            continue
        words = True
        scope = [doc.id for doc in docs if doc.language == language]
        [spans] = lemmas.find_phrases(session, language, [phrase], document_ids=scope, texts=texts)
        found.update(spans)
    if not words:
        raise InvalidValue(_("{text} has no words to look up by lemma").format(text=repr(text)))
    for doc in docs:
        if doc.id in found:
            yield doc, found[doc.id]


def search(
    session: Session,
    text: str,
    *,
    lemma: bool = False,
    documents: Sequence[str] | None = None,
    context: int = DEFAULT_CONTEXT,
    limit: int | None = None,
) -> list[Hit]:
    """Find ``text`` in the documents (all, or those named): see the module docstring."""
    if context < 0:
        raise InvalidValue(
            _("context must be 0 or more characters, not {context}").format(context=context)
        )
    if limit is not None and limit < 1:
        raise InvalidValue(_("limit must be at least 1, not {limit}").format(limit=limit))
    docs = documents_in_scope(session, documents)
    texts = lemmas.Texts(session)
    finder = _lemma_spans if lemma else _exact_spans
    hits: list[Hit] = []
    pending: list[tuple[DocumentRef, list[lemmas.Span]]] = []
    remaining = limit
    for doc, spans in finder(session, text, docs, texts):
        if remaining is not None:
            spans = spans[:remaining]
            remaining -= len(spans)
        pending.append((doc, spans))
        if len(pending) >= _BATCH:
            hits.extend(_hits(session, pending, texts, context))
            pending = []
        if remaining == 0:
            break
    hits.extend(_hits(session, pending, texts, context))
    return hits


def _hits(
    session: Session,
    found: list[tuple[DocumentRef, list[lemmas.Span]]],
    texts: lemmas.Texts,
    context: int,
) -> list[Hit]:
    """Hits with line, speaker, context and segments, for spans found in some documents."""
    if not found:
        return []
    texts.load(doc.id for doc, _spans in found)
    flat = [(doc.id, start, end) for doc, spans in found for start, end in spans]
    speakers, segments = _annotations(session, flat)
    hits: list[Hit] = []
    index = 0
    for doc, spans in found:
        text = texts[doc.id]
        line, counted = 1, 0
        for start, end in spans:
            line += text.count("\n", counted, start)  # spans are sorted: count on from the last
            counted = start
            hits.append(
                Hit(
                    document=doc.name,
                    start=start,
                    end=end,
                    line=line,
                    speaker=speakers.get(index),
                    before=one_line(text[max(0, start - context) : start]),
                    match=one_line(text[start:end]),
                    after=one_line(text[end : end + context]),
                    segments=segments.get(index, []),
                )
            )
            index += 1
        texts.cache.pop(doc.id, None)
    return hits


def _annotations(
    session: Session, spans: list[tuple[int, int, int]]
) -> tuple[dict[int, str | None], dict[int, list[int]]]:
    """For spans ``(document id, start, end)`` sorted by document and start, by position
    in the list: the speaker of the turn each starts in, and the segments sharing a
    character with each.

    The turns and segments of the documents concerned are read once (through the indexes
    on document and start, in one query per batch of documents) and matched to the spans
    by a merge walk: much faster than a lookup per hit in the database.
    """
    speakers: dict[int, str | None] = {}
    segments: dict[int, list[int]] = {}
    connection = session.connection()
    ranges: dict[int, tuple[int, int]] = {}
    for doc_id, start, end in spans:
        low, high = ranges.get(doc_id, (start, end))
        ranges[doc_id] = (min(low, start), max(high, end))
    any_segment = connection.execute(sa.select(col(Segment.id)).limit(1)).first() is not None
    turns: dict[int, tuple[list[int], list[int], list[str | None]]] = {}
    pieces: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}
    for chunk in lemmas.batches(sorted(ranges), 200):
        # Per document only the turns and segments reaching into the range of its hits.
        rows = connection.execute(
            sa.select(col(Turn.document_id), col(Turn.start), col(Turn.end), col(Turn.speaker))
            .where(
                sa.or_(
                    *(
                        sa.and_(
                            col(Turn.document_id) == doc_id,
                            col(Turn.start) <= ranges[doc_id][1],
                            col(Turn.end) > ranges[doc_id][0],
                        )
                        for doc_id in chunk
                    )
                )
            )
            .order_by(col(Turn.document_id), col(Turn.start))
        ).all()
        for doc_id, start, end, speaker in rows:
            starts, ends, labels = turns.setdefault(doc_id, ([], [], []))
            starts.append(start)
            ends.append(end)
            labels.append(speaker)
        if not any_segment:
            continue
        segment_rows = connection.execute(
            sa.select(
                col(Segment.document_id), col(Segment.start), col(Segment.end), id_col(Segment.id)
            )
            .where(
                sa.or_(
                    *(
                        sa.and_(
                            col(Segment.document_id) == doc_id,
                            col(Segment.start) < ranges[doc_id][1],
                            col(Segment.end) > ranges[doc_id][0],
                        )
                        for doc_id in chunk
                    )
                )
            )
            .order_by(col(Segment.document_id), col(Segment.start))
        ).all()
        for doc_id, start, end, segment_id in segment_rows:
            seg_starts, seg_rest = pieces.setdefault(doc_id, ([], []))
            seg_starts.append(start)
            seg_rest.append((end, segment_id))
    no_turns: tuple[list[int], list[int], list[str | None]] = ([], [], [])
    for key, (doc_id, start, end) in enumerate(spans):
        starts, ends, labels = turns.get(doc_id, no_turns)
        at = bisect_right(starts, start) - 1
        if at >= 0 and start < ends[at]:
            speakers[key] = labels[at]
        if doc_id in pieces:
            seg_starts, seg_rest = pieces[doc_id]
            ids = sorted(
                segment_id
                for seg_end, segment_id in seg_rest[: bisect_left(seg_starts, end)]
                if seg_end > start
            )
            if ids:
                segments[key] = ids
    return speakers, segments


def count_line(hits: Sequence[Hit], *, limit: int | None = None) -> str:
    """ "N hits in M documents" (saying when a limit cut the list)."""
    documents = len({hit.document for hit in hits})
    counts = {
        "hits": counted(len(hits), "hit", "hits"),
        "documents": counted(documents, "document", "documents"),
    }
    if limit is not None and len(hits) >= limit:
        return _("{hits} in {documents} (limit {limit} reached)").format(
            **counts, limit=number(limit)
        )
    return _("{hits} in {documents}").format(**counts)
