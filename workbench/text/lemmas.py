"""The lemma index: where every word form occurs, and the lemma of each form.

Built at import from the spaCy docs the importer already makes for sentences (the text is
not parsed twice), or once, lazily, for documents imported without it (before schema 0003,
or by an importer that does not index): :func:`ensure_index`. Searching never runs spaCy
over the corpus; at most it tokenises the query.

Layout (three tables, see :mod:`workbench.project.models`):

- ``index_form``: one row per language and lower-cased word form, with the form's lemma.
  Lemmas come from the lookup tables of ``spacy-lookups-data`` (the tables spaCy's lookup
  lemmatizer uses), so a form has one lemma whatever its context: lemma search for
  ``bibliotheek`` is "every form whose lemma is bibliotheek".
- ``index_posting``: one row per form and *chunk*. A chunk is a batch of documents indexed
  together (an import; large imports are cut into chunks of about
  :data:`CHUNK_TOKENS` tokens), so a form has a handful of rows, not one per document,
  and importing writes few rows. A row packs the documents, how often the form occurs in
  each, and the offsets (:func:`encode_postings`).
- ``indexed_document``: the documents that are indexed and the chunk holding each one's
  postings. A document without a row is not indexed; postings of a document found in any
  other chunk are stale and ignored.

Indexed are the tokens of the sentence pieces (so not the speaker labels), except
punctuation and white space. A *phrase* (several words) matches consecutive indexed tokens
whose lemmas match, with nothing but white space and punctuation between them.

The lemma of a form: the lookup table's entry for the form (curly apostrophes read as
straight ones), else its entry for the capitalised form (the English table keys some
words that way: "Tuesdays"), else the form itself; lower-cased. The same function
lemmatises queries, code keywords and place names, so index and query always agree.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.project.models import (
    Document,
    IndexedDocument,
    IndexForm,
    IndexPosting,
    Paragraph,
    Turn,
    id_col,
    utcnow,
)
from workbench.text import nlp

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from workbench.project.db import Project

#: Span of text: ``(start, end)`` code-point offsets, end exclusive.
Span = tuple[int, int]

#: A chunk of the index is written when the documents waiting hold this many tokens.
CHUNK_TOKENS = 2_000_000

# --- packing postings ------------------------------------------------------------------------
#
# A posting row for one form in one chunk, with D documents and N occurrences in all:
#   flags (1 byte) | document ids (D x u32) | occurrences per document (D x u32)
#   | start deltas (N x u16, or u32 when flagged; the first of each document is its start)
#   | lengths (N values, or one when all are equal; u8, u16 or u32)

_DELTA_WIDE = 0x01  # start deltas are 32-bit (else 16-bit)
_LENGTH_SHIFT = 1  # bits 1-2: width of lengths, 0 = 8, 1 = 16, 2 = 32 bits
_ONE_LENGTH = 0x08  # every occurrence has the same length, stored once
_LENGTH_DTYPES = ("<u1", "<u2", "<u4")
_LENGTH_SIZES = (1, 2, 4)


def _length_code(longest: int) -> int:
    return 0 if longest < 0x100 else 1 if longest < 0x10000 else 2


@dataclass
class _Columns:
    """Occurrences sorted by form, document and start, with the group boundaries."""

    docs: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    form_bounds: np.ndarray  # index of the first occurrence of each form
    pair_bounds: np.ndarray  # index of the first occurrence of each (form, document)


def _pack_rows(columns: _Columns) -> list[tuple[int, int, bytes]]:
    """``(documents, count, data)`` for each form group (in order), packed as above."""
    n = len(columns.starts)
    form_bounds, pair_bounds = columns.form_bounds, columns.pair_bounds
    form_ends = np.append(form_bounds[1:], n)
    pair_ends = np.append(pair_bounds[1:], n)
    deltas = np.diff(columns.starts, prepend=0)
    deltas[pair_bounds] = columns.starts[pair_bounds]
    pair_lo = np.searchsorted(pair_bounds, form_bounds).tolist()
    pair_hi = np.searchsorted(pair_bounds, form_ends).tolist()
    wide = (np.maximum.reduceat(deltas, form_bounds) >= 0x10000).tolist()
    shortest = np.minimum.reduceat(columns.lengths, form_bounds).tolist()
    longest = np.maximum.reduceat(columns.lengths, form_bounds).tolist()
    doc_bytes = columns.docs[pair_bounds].astype("<u4").tobytes()
    count_bytes = (pair_ends - pair_bounds).astype("<u4").tobytes()
    delta_bytes = {2: deltas.astype("<u2").tobytes(), 4: deltas.astype("<u4").tobytes()}
    length_bytes = [columns.lengths.astype(dtype).tobytes() for dtype in _LENGTH_DTYPES]
    rows: list[tuple[int, int, bytes]] = []
    for lo, hi, first, last, is_wide, low, high in zip(
        pair_lo,
        pair_hi,
        form_bounds.tolist(),
        form_ends.tolist(),
        wide,
        shortest,
        longest,
        strict=True,
    ):
        width = 4 if is_wide else 2
        code = _length_code(high)
        size = _LENGTH_SIZES[code]
        flags = (_DELTA_WIDE if is_wide else 0) | (code << _LENGTH_SHIFT)
        if low == high:
            flags |= _ONE_LENGTH
            tail = length_bytes[code][first * size : (first + 1) * size]
        else:
            tail = length_bytes[code][first * size : last * size]
        data = b"".join(
            (
                bytes((flags,)),
                doc_bytes[lo * 4 : hi * 4],
                count_bytes[lo * 4 : hi * 4],
                delta_bytes[width][first * width : last * width],
                tail,
            )
        )
        rows.append((hi - lo, last - first, data))
    return rows


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """``argsort(keys, kind="stable")`` for non-negative keys, by 16-bit radix passes."""
    if not len(keys) or int(keys.max()) < 0x10000:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    high = (keys[order] >> 16).astype(np.int64)
    return (
        order[np.argsort(high.astype(np.uint16), kind="stable")]
        if int(high.max()) < 0x10000
        else order[np.argsort(high, kind="stable")]
    )


def _sorted_columns(
    forms: np.ndarray, docs: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, _Columns]:
    """Group occurrences given in (document, start) order by form, keeping that order."""
    order = _stable_order(forms)
    forms, docs = forms[order], docs[order]
    starts, lengths = starts[order].astype(np.int64), lengths[order]
    new_form = np.empty(len(forms), dtype=bool)
    new_form[:1] = True
    np.not_equal(forms[1:], forms[:-1], out=new_form[1:])
    new_pair = new_form.copy()
    new_pair[1:] |= docs[1:] != docs[:-1]
    form_bounds = np.flatnonzero(new_form)
    return forms[form_bounds], _Columns(
        docs, starts, lengths, form_bounds, np.flatnonzero(new_pair)
    )


def encode_postings(occurrences: Sequence[tuple[int, int, int]]) -> tuple[int, int, bytes]:
    """Pack the occurrences of one form, ``(document id, start, end)``, as one posting row.

    Returns ``(documents, count, data)``: the columns of
    :class:`~workbench.project.models.IndexPosting`.
    """
    if not occurrences:
        raise ValueError("a posting needs at least one occurrence")
    array = np.asarray(occurrences, dtype=np.int64).reshape(-1, 3)
    array = array[np.lexsort((array[:, 1], array[:, 0]))]
    _forms, columns = _sorted_columns(
        np.zeros(len(array), dtype=np.int64), array[:, 0], array[:, 1], array[:, 2] - array[:, 1]
    )
    return _pack_rows(columns)[0]


def decode_postings(
    data: bytes, documents: int, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unpack a posting row: ``(document ids, starts, ends)``, one entry per occurrence."""
    flags = data[0]
    doc_ids = np.frombuffer(data, dtype="<u4", count=documents, offset=1).astype(np.int64)
    counts = np.frombuffer(data, dtype="<u4", count=documents, offset=1 + 4 * documents)
    width = 4 if flags & _DELTA_WIDE else 2
    offset = 1 + 8 * documents
    deltas = np.frombuffer(data, dtype="<u4" if width == 4 else "<u2", count=count, offset=offset)
    running = np.cumsum(deltas, dtype=np.int64)
    firsts = np.zeros(documents, dtype=np.int64)
    np.cumsum(counts[:-1], out=firsts[1:])
    before = running[firsts] - deltas[firsts]
    starts = running - np.repeat(before, counts)
    code = (flags >> _LENGTH_SHIFT) & 0x03
    stored = 1 if flags & _ONE_LENGTH else count
    lengths = np.frombuffer(
        data, dtype=_LENGTH_DTYPES[code], count=stored, offset=offset + width * count
    ).astype(np.int64)
    return np.repeat(doc_ids, counts), starts, starts + lengths


# --- lemmas ----------------------------------------------------------------------------------

_tables: dict[str, Any] = {}
_lemma_cache: dict[str, dict[str, str]] = {}
_lock = threading.Lock()
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def lemmatiser_name() -> str:
    """What made the lemmas, recorded with each indexed document."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"spacy-lookups-data {version('spacy-lookups-data')}"
    except PackageNotFoundError:  # pragma: no cover - a dependency of the package
        return "none"


def _lookup_table(language: str) -> Any:
    with _lock:
        if language not in _tables:
            from spacy.lookups import load_lookups

            lookups = load_lookups(language, ["lemma_lookup"], strict=False)
            _tables[language] = (
                lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None
            )
        return _tables[language]


def lemma_of(language: str, form: str) -> str:
    """The lemma of a lower-cased word form (see the module docstring)."""
    cache = _lemma_cache.setdefault(language, {})
    lemma = cache.get(form)
    if lemma is None:
        key = form.translate(_APOSTROPHES)
        table = _lookup_table(language)
        found = None
        if table is not None:
            found = table.get(key) or table.get(key.capitalize())
            if isinstance(found, list):  # some tables list several lemmas: take the first
                found = found[0] if found else None
        lemma = cache[form] = str(found or key).lower()
    return lemma


_stop_words: dict[str, frozenset[str]] = {}
_probabilities: dict[str, Any] = {}


def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words of the language (function words: "to", "my", "used", "de"), lower-cased;
    empty for a language spaCy has no list for."""
    with _lock:
        if language not in _stop_words:
            from importlib import import_module

            try:
                module = import_module(f"spacy.lang.{language}.stop_words")
                words = frozenset(word.lower() for word in module.STOP_WORDS)
            except ImportError:
                words = frozenset()
            _stop_words[language] = words
        return _stop_words[language]


def word_logprob(language: str, form: str) -> float | None:
    """How common a lower-cased word is in the language at large: its log probability from the
    ``lexeme_prob`` table of ``spacy-lookups-data`` (English has one, Dutch has none), or
    ``None`` when there is no table. A word the table lacks is rare: -20."""
    with _lock:
        if language not in _probabilities:
            from spacy.lookups import load_lookups

            lookups = load_lookups(language, ["lexeme_prob"], strict=False)
            _probabilities[language] = (
                lookups.get_table("lexeme_prob") if lookups.has_table("lexeme_prob") else None
            )
        table = _probabilities[language]
    if table is None:
        return None
    value = table.get(form.translate(_APOSTROPHES))
    return float(value) if value is not None else -20.0


# --- collecting the tokens of a document -----------------------------------------------------

_SKIP = ("", 0)  # cached for tokens that are not indexed (punctuation, white space)
_form_cache: dict[int, tuple[str, int]] = {}
_BROKEN_OFF = "-\u2010\u2011"  # a word broken off ("I feel- I felt"): trailing hyphens
#: Characters cut off the end of a word broken off ("friend-"), as the index does.
BROKEN_OFF = _BROKEN_OFF


def _form(vocab: Any, key: int) -> tuple[str, int]:
    """The indexed form of a lower-cased token, and how many characters to cut off its end.

    Transcripts mark broken-off words with a hyphen ("friend-"), which spaCy keeps in the
    token; the form is the word without it, and so is the span.
    """
    form = _form_cache.get(key)
    if form is None:
        text = vocab.strings[key]
        lexeme = vocab[text]
        word = text.rstrip(_BROKEN_OFF)
        if lexeme.is_punct or lexeme.is_space or not word.strip():
            form = _form_cache[key] = _SKIP
        else:
            form = _form_cache[key] = (word, len(text) - len(word))
    return form


@dataclass
class DocumentTokens:
    """The indexed tokens of one document, ready to store."""

    forms: list[str]
    """The lower-cased forms, each once."""
    form_index: np.ndarray
    """Per token: its form, as an index into :attr:`forms`."""
    starts: np.ndarray
    """Per token: its start offset in the document."""
    lengths: np.ndarray
    """Per token: its length."""

    @property
    def tokens(self) -> int:
        """How many tokens are indexed."""
        return len(self.starts)


def _no_tokens() -> DocumentTokens:
    empty = np.zeros(0, dtype=np.uint32)
    return DocumentTokens([], empty.astype(np.int32), empty, empty)


class TokenCollector:
    """Collects the tokens of a document's spaCy docs (one doc per piece of text).

    Pass :meth:`add` as ``on_doc`` to :func:`workbench.text.nlp.sentence_spans`, then call
    :meth:`finish`. The work per token is done by numpy; Python sees each distinct form.
    """

    def __init__(self) -> None:
        from spacy.attrs import IDX, LENGTH, LOWER

        self._attributes = (IDX, LENGTH, LOWER)
        self._parts: list[np.ndarray] = []
        self._offsets: list[int] = []
        self._vocab: Any = None

    def add(self, offset: int, doc: Any) -> None:
        """Take the tokens of one doc whose text starts at ``offset`` in the document."""
        self._parts.append(doc.to_array(self._attributes))
        self._offsets.append(offset)
        self._vocab = doc.vocab

    def finish(self) -> DocumentTokens:
        """The document's tokens, punctuation and white space left out."""
        parts, offsets = self._parts, self._offsets
        self._parts, self._offsets = [], []
        if not parts:
            return _no_tokens()
        array = np.concatenate(parts)
        if not len(array):
            return _no_tokens()
        array[:, 0] += np.repeat(np.asarray(offsets, dtype=np.uint64), [len(p) for p in parts])
        keys, inverse = np.unique(array[:, 2], return_inverse=True)
        cache, vocab = _form_cache, self._vocab
        forms = [cache.get(key) or _form(vocab, key) for key in keys.tolist()]
        numbers: dict[str, int] = {}
        key_form = np.fromiter(
            (numbers.setdefault(form, len(numbers)) if form else -1 for form, _cut in forms),
            dtype=np.int32,
            count=len(forms),
        )
        key_cut = np.fromiter((cut for _form, cut in forms), dtype=np.int64, count=len(forms))
        token_form = key_form[inverse]
        keep = token_form >= 0
        kept = inverse[keep]
        return DocumentTokens(
            forms=list(numbers),
            form_index=token_form[keep],
            starts=array[keep, 0].astype(np.uint32),
            lengths=(array[keep, 1].astype(np.int64) - key_cut[kept]).astype(np.uint32),
        )


def collect_tokens(language: str, pieces: Iterable[tuple[int, str]]) -> DocumentTokens:
    """Parse pieces of a document (as the importer cuts them) and collect their tokens."""
    collector = TokenCollector()
    for _span in nlp.sentence_spans(language, pieces, on_doc=collector.add):
        pass
    return collector.finish()


# --- storing ---------------------------------------------------------------------------------


class _Pending:
    """Documents waiting, in one write transaction, to be written as a chunk."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.documents: list[tuple[int, str, DocumentTokens]] = []
        self.tokens = 0
        self.form_ids: dict[str, dict[str, int]] = {}
        top = session.exec(select(sa.func.max(IndexForm.id))).one()
        self.next_form_id = int(top or 0) + 1

    def known_forms(self, language: str) -> dict[str, int]:
        known = self.form_ids.get(language)
        if known is None:
            rows = self.session.exec(
                select(IndexForm.form, id_col(IndexForm.id)).where(IndexForm.language == language)
            ).all()
            known = self.form_ids[language] = {form: int(i) for form, i in rows}
        return known


def _pending(session: Session) -> _Pending:
    pending = session.info.get("index_pending")
    if not isinstance(pending, _Pending):
        pending = session.info["index_pending"] = _Pending(session)
    return pending


def store_tokens(session: Session, document_id: int, language: str, tokens: DocumentTokens) -> None:
    """Add a document to the index in the caller's write transaction.

    Documents are gathered and written as one chunk when enough tokens are waiting, and
    at the latest when the transaction commits (or by :func:`flush_index`).
    """
    pending = _pending(session)
    pending.documents.append((document_id, language, tokens))
    pending.tokens += tokens.tokens
    if pending.tokens >= CHUNK_TOKENS:
        flush_index(session)


def flush_index(session: Session) -> None:
    """Write the documents waiting in this transaction as one chunk of the index."""
    pending = session.info.get("index_pending")
    if not isinstance(pending, _Pending) or not pending.documents:
        return
    documents, pending.documents, pending.tokens = pending.documents, [], 0
    connection = session.connection()
    new_forms: list[tuple[object, ...]] = []
    form_parts: list[np.ndarray] = []
    for _doc_id, language, tokens in documents:
        known = pending.known_forms(language)
        ids = []
        for form in tokens.forms:
            form_id = known.get(form)
            if form_id is None:
                form_id = known[form] = pending.next_form_id
                pending.next_form_id += 1
                new_forms.append((form_id, language, form, None))  # lemma: fill_lemmas
            ids.append(form_id)
        form_parts.append(np.asarray(ids, dtype=np.uint32)[tokens.form_index])
    if new_forms:
        _insert_many(connection, IndexForm, ("id", "language", "form", "lemma"), new_forms)
    chunk = 1 + max(
        int(session.exec(select(sa.func.max(table.chunk))).one() or 0)
        for table in (IndexedDocument, IndexPosting)
    )
    if any(tokens.tokens for _d, _l, tokens in documents):
        form_ids, columns = _sorted_columns(
            np.concatenate(form_parts),
            np.repeat(
                np.array([doc_id for doc_id, _l, _t in documents], dtype=np.uint32),
                [t.tokens for _d, _l, t in documents],
            ),
            np.concatenate([t.starts for _d, _l, t in documents]),
            np.concatenate([t.lengths for _d, _l, t in documents]),
        )
        _insert_many(
            connection,
            IndexPosting,
            ("form_id", "chunk", "documents", "count", "data"),
            [
                (form_id, chunk, n_docs, n, data)
                for form_id, (n_docs, n, data) in zip(
                    form_ids.tolist(), _pack_rows(columns), strict=True
                )
            ],
        )
    now = utcnow()
    name = lemmatiser_name()
    connection.execute(
        sa.insert(IndexedDocument),
        [
            {
                "document_id": doc_id,
                "chunk": chunk,
                "tokens": tokens.tokens,
                "lemmatiser": name,
                "indexed_at": now,
            }
            for doc_id, _language, tokens in documents
        ],
    )


def _insert_many(
    connection: sa.Connection,
    table: type[Any],
    columns: Sequence[str],
    rows: Sequence[tuple[object, ...]],
) -> None:
    """Insert plain values (ints, strings, bytes, None) with the driver's ``executemany``.

    The statement is compiled for the connection's dialect, so this stays portable; the
    rows skip SQLAlchemy's per-value processing, which for the index's thousands of rows
    costs more than the database's own work.
    """
    compiled = sa.insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if compiled.positiontup is not None:
        order = [columns.index(name) for name in compiled.positiontup]
        params: list[Any] = (
            list(rows)
            if order == list(range(len(columns)))
            else [tuple(row[i] for i in order) for row in rows]
        )
    else:  # pragma: no cover - named parameters (PostgreSQL drivers)
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)


@event.listens_for(OrmSession, "before_commit")
def _before_commit(session: OrmSession) -> None:
    if isinstance(session, Session):  # the index is written through SQLModel sessions only
        flush_index(session)


# --- lazy indexing ---------------------------------------------------------------------------


def missing_documents(session: Session, document_ids: Collection[int] | None = None) -> list[int]:
    """Ids of documents (of those given, or all) that are not in the index yet."""
    query = (
        select(id_col(Document.id))
        .outerjoin(IndexedDocument, col(IndexedDocument.document_id) == Document.id)
        .where(col(IndexedDocument.document_id).is_(None))
        .order_by(col(Document.id))
    )
    if document_ids is not None and len(document_ids) <= 500:
        query = query.where(col(Document.id).in_(list(document_ids)))
    missing = [int(doc_id) for doc_id in session.exec(query)]
    if document_ids is not None and len(document_ids) > 500:
        wanted = set(document_ids)
        missing = [doc_id for doc_id in missing if doc_id in wanted]
    return missing


def ensure_index(
    session: Session,
    document_ids: Collection[int] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Index the documents (of those given, or all) not indexed yet; returns how many.

    Runs in the caller's write transaction, which the change log does not record: the
    index is derived data. Each document is parsed once, in the pieces the importer uses.
    """
    from workbench.text.turns import ParsedTurn
    from workbench.text.units import sentence_pieces

    missing = missing_documents(session, document_ids)
    for done, doc_id in enumerate(missing):
        if progress:
            progress(done, len(missing))
        text, language = session.exec(
            select(Document.text, Document.language).where(Document.id == doc_id)
        ).one()
        paragraphs = [
            (int(start), int(end))
            for start, end in session.exec(
                select(Paragraph.start, Paragraph.end)
                .where(Paragraph.document_id == doc_id)
                .order_by(col(Paragraph.start))
            )
        ]
        turns = [
            ParsedTurn(int(start), int(end), int(text_start), speaker)
            for start, end, text_start, speaker in session.exec(
                select(Turn.start, Turn.end, Turn.text_start, Turn.speaker)
                .where(Turn.document_id == doc_id)
                .order_by(col(Turn.start))
            )
        ]
        pieces = sentence_pieces(paragraphs, turns, text)
        store_tokens(session, doc_id, language, collect_tokens(language, pieces))
    flush_index(session)
    fill_lemmas(session)
    if progress and missing:
        progress(len(missing), len(missing))
    return len(missing)


def fill_lemmas(session: Session) -> int:
    """Give the forms new since the last search their lemma; returns how many.

    Import stores new forms without a lemma, so that it does not have to load the lookup
    tables (a second for Dutch); the first search or suggestion does it, once.
    """
    rows = (
        session.connection()
        .execute(
            sa.select(col(IndexForm.id), col(IndexForm.language), col(IndexForm.form)).where(
                col(IndexForm.lemma).is_(None)
            )
        )
        .all()
    )
    if rows:
        session.connection().execute(
            sa.update(IndexForm)
            .where(col(IndexForm.id) == sa.bindparam("form_id"))
            .values(lemma=sa.bindparam("new_lemma")),
            [
                {"form_id": form_id, "new_lemma": lemma_of(language, form)}
                for form_id, language, form in rows
            ],
        )
    return len(rows)


def is_complete(session: Session, document_ids: Collection[int] | None = None) -> bool:
    """Whether the index covers these documents (or all) and every form has its lemma."""
    if missing_documents(session, document_ids):
        return False
    query = sa.select(col(IndexForm.id)).where(col(IndexForm.lemma).is_(None)).limit(1)
    return session.connection().execute(query).first() is None


def check_complete(session: Session, document_ids: Collection[int] | None = None) -> None:
    """Raise unless :func:`is_complete` (searching an incomplete index would miss words)."""
    if not is_complete(session, document_ids):
        raise WorkbenchError(
            _(
                "the lemma index is not complete for these documents; bring it up to date "
                "first (workbench.text.lemmas.index_project, or ensure_index in a write "
                "transaction)"
            )
        )


def index_project(project: Project, document_ids: Collection[int] | None = None) -> int:
    """Bring the index up to date in its own write transaction, opened only when needed.

    Returns the number of documents indexed.
    """
    with project.session() as session:
        if is_complete(session, document_ids):
            return 0
    with project.transaction("index words", record=False) as session:
        return ensure_index(session, document_ids)


def batches(items: Sequence[Any], size: int = 500) -> Iterable[list[Any]]:
    """``items`` in lists of at most ``size`` (to keep ``IN (...)`` lists short)."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# --- finding phrases -------------------------------------------------------------------------


def query_lemmas(session: Session, language: str, text: str) -> list[str]:
    """The lemmas of the words of ``text`` (punctuation left out), as the index has them.

    Words the index already knows are looked up there (no spaCy needed); otherwise the text
    is tokenised with the language's spaCy tokenizer.
    """
    words = [word.lower() for word in text.split()]
    if words:
        known = dict(
            session.exec(
                select(IndexForm.form, IndexForm.lemma).where(
                    IndexForm.language == language, col(IndexForm.form).in_(set(words))
                )
            ).all()
        )
        found = [lemma for word in words if (lemma := known.get(word))]
        if len(found) == len(words):
            return found
    tokenizer = nlp.pipeline(language).tokenizer
    forms = (
        token.lower_.rstrip(_BROKEN_OFF)
        for token in tokenizer(text)
        if not (token.is_punct or token.is_space)
    )
    return [lemma_of(language, form) for form in forms if form.strip()]


class Texts:
    """Document texts loaded on demand, in batches, and kept for the length of a query."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[int, str] = {}

    def load(self, document_ids: Iterable[int]) -> None:
        """Load the texts of these documents (those not loaded yet)."""
        wanted = [doc_id for doc_id in dict.fromkeys(document_ids) if doc_id not in self.cache]
        connection = self.session.connection()
        for chunk in batches(wanted):
            for doc_id, text in connection.execute(
                sa.select(id_col(Document.id), col(Document.text)).where(
                    col(Document.id).in_(chunk)
                )
            ):
                self.cache[doc_id] = text

    def __getitem__(self, document_id: int) -> str:
        if document_id not in self.cache:
            self.load([document_id])
        return self.cache[document_id]


_WORD = re.compile(r"\w")
_Occurrences = tuple[np.ndarray, np.ndarray, np.ndarray]  # document ids, starts, ends


def _current_chunks(
    session: Session, language: str, document_ids: Collection[int] | None
) -> np.ndarray:
    """Per document id (as the index), the chunk holding its postings; -1 for none."""
    query = (
        select(IndexedDocument.document_id, IndexedDocument.chunk)
        .join(Document, col(Document.id) == IndexedDocument.document_id)
        .where(Document.language == language)
    )
    rows = session.connection().execute(query).all()
    scope = set(document_ids) if document_ids is not None else None
    pairs = [(int(d), int(c)) for d, c in rows if scope is None or d in scope]
    table = np.full(max((d for d, _c in pairs), default=0) + 1, -1, dtype=np.int64)
    if pairs:
        docs, chunks = zip(*pairs, strict=True)
        table[list(docs)] = chunks
    return table


def find_phrases(
    session: Session,
    language: str,
    phrases: Sequence[Sequence[str]],
    *,
    document_ids: Collection[int] | None = None,
    texts: Texts | None = None,
) -> list[dict[int, list[Span]]]:
    """Where each phrase (a sequence of lemmas) occurs: ``{document id: [(start, end)]}``.

    Only indexed documents in ``language`` are searched (of those, only ``document_ids``).
    A phrase of several lemmas matches consecutive indexed tokens with nothing but white
    space and punctuation between them; its span runs from the first token to the last.
    Spans are sorted by start.
    """
    results: list[dict[int, list[Span]]] = [{} for _ in phrases]
    lemmas = sorted({lemma for phrase in phrases for lemma in phrase})
    forms_of: dict[str, list[int]] = {}
    for chunk in batches(lemmas):
        for form_id, lemma in session.exec(
            select(id_col(IndexForm.id), IndexForm.lemma).where(
                IndexForm.language == language, col(IndexForm.lemma).in_(chunk)
            )
        ):
            assert lemma is not None  # the query asks for these lemmas
            forms_of.setdefault(lemma, []).append(int(form_id))
    if not forms_of:
        return results
    words = [[forms_of.get(lemma, []) for lemma in phrase] for phrase in phrases]
    return _find_words(session, language, words, document_ids=document_ids, texts=texts)


def forms_with_lemmas(
    session: Session, language: str, lemmas: Collection[str]
) -> dict[str, list[str]]:
    """The indexed forms of each lemma: ``{lemma: [form, ...]}`` (forms sorted)."""
    found: dict[str, list[str]] = {}
    for chunk in batches(sorted(set(lemmas))):
        for form, lemma in session.exec(
            select(IndexForm.form, IndexForm.lemma)
            .where(IndexForm.language == language, col(IndexForm.lemma).in_(chunk))
            .order_by(col(IndexForm.form))
        ):
            assert lemma is not None  # the query asks for these lemmas
            found.setdefault(lemma, []).append(form)
    return found


def find_form_phrases(
    session: Session,
    language: str,
    phrases: Sequence[Sequence[Collection[str]]],
    *,
    document_ids: Collection[int] | None = None,
    texts: Texts | None = None,
) -> list[dict[int, list[Span]]]:
    """Like :func:`find_phrases`, but each word of a phrase is a set of accepted lower-cased
    forms instead of a lemma (so the caller decides which forms of a word count)."""
    wanted = sorted({form for phrase in phrases for word in phrase for form in word})
    ids: dict[str, int] = {}
    for chunk in batches(wanted):
        for form_id, form in session.exec(
            select(id_col(IndexForm.id), IndexForm.form).where(
                IndexForm.language == language, col(IndexForm.form).in_(chunk)
            )
        ):
            ids[form] = int(form_id)
    words = [
        [sorted(ids[form] for form in word if form in ids) for word in phrase] for phrase in phrases
    ]
    return _find_words(session, language, words, document_ids=document_ids, texts=texts)


def _find_words(
    session: Session,
    language: str,
    phrases: Sequence[Sequence[Sequence[int]]],
    *,
    document_ids: Collection[int] | None,
    texts: Texts | None,
) -> list[dict[int, list[Span]]]:
    """Where each phrase occurs, each word of a phrase given as the ids of its accepted forms."""
    results: list[dict[int, list[Span]]] = [{} for _ in phrases]
    form_ids = sorted({form_id for phrase in phrases for word in phrase for form_id in word})
    if not form_ids:
        return results
    current = _current_chunks(session, language, document_ids)
    occurrences: dict[int, _Occurrences] = {}  # form id -> occurrences in current chunks
    for chunk in batches(form_ids):
        # sqlmodel's select() is typed for up to four columns: five go through sa.select().
        for form_id, chunk_no, n_docs, count, data in session.execute(
            sa.select(
                col(IndexPosting.form_id),
                col(IndexPosting.chunk),
                col(IndexPosting.documents),
                col(IndexPosting.count),
                col(IndexPosting.data),
            ).where(col(IndexPosting.form_id).in_(chunk))
        ):
            docs, starts, ends = decode_postings(data, int(n_docs), int(count))
            inside = docs < len(current)
            keep = inside.copy()
            keep[inside] = current[docs[inside]] == chunk_no
            if not keep.any():
                continue
            found = (docs[keep], starts[keep], ends[keep])
            previous = occurrences.get(int(form_id))
            if previous is not None:
                found = (
                    np.concatenate((previous[0], found[0])),
                    np.concatenate((previous[1], found[1])),
                    np.concatenate((previous[2], found[2])),
                )
            occurrences[int(form_id)] = found
    texts = texts if texts is not None else Texts(session)
    by_word: dict[tuple[int, ...], dict[int, tuple[np.ndarray, np.ndarray]]] = {}
    for index, phrase in enumerate(phrases):
        if not phrase or any(not word for word in phrase):
            continue
        positions = []
        for word in phrase:
            key = tuple(sorted(set(word)))
            if key not in by_word:
                by_word[key] = _per_document([occurrences[f] for f in key if f in occurrences])
            positions.append(by_word[key])
        candidates = set(positions[0])
        for per_doc in positions[1:]:
            candidates &= set(per_doc)
        if len(phrase) > 1:
            texts.load(sorted(candidates))  # for the gaps between words: in batches
        for doc_id in sorted(candidates):
            spans = _chain([per_doc[doc_id] for per_doc in positions], texts, doc_id)
            if spans:
                results[index][doc_id] = spans
    return results


def _per_document(parts: list[_Occurrences]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Occurrences grouped by document: ``{document id: (starts, ends)}`` sorted by start."""
    if not parts:
        return {}
    docs = np.concatenate([part[0] for part in parts])
    starts = np.concatenate([part[1] for part in parts])
    ends = np.concatenate([part[2] for part in parts])
    order = np.lexsort((starts, docs))
    docs, starts, ends = docs[order], starts[order], ends[order]
    bounds = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    limits = np.append(bounds[1:], len(docs))
    return {
        int(docs[lo]): (starts[lo:hi], ends[lo:hi])
        for lo, hi in zip(bounds.tolist(), limits.tolist(), strict=True)
    }


def _chain(positions: list[tuple[np.ndarray, np.ndarray]], texts: Texts, doc_id: int) -> list[Span]:
    starts, ends = positions[0]
    if len(positions) > 1:
        text = texts[doc_id]
        for next_starts, next_ends in positions[1:]:
            # The next occurrence at or after each chain's end, with no word in between
            # (the search stops at the first word character, usually right away).
            index = np.searchsorted(next_starts, ends, side="left")
            inside = index < len(next_starts)
            starts, ends, index = starts[inside], ends[inside], index[inside]
            following = next_starts[index]
            joined = np.fromiter(
                (
                    _WORD.search(text, end, start) is None
                    for end, start in zip(ends.tolist(), following.tolist(), strict=True)
                ),
                dtype=bool,
                count=len(index),
            )
            starts, ends = starts[joined], next_ends[index[joined]]
            if not len(starts):
                return []
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
