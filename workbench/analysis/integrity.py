"""``workbench check``: is the project whole?

SQLite's own integrity and foreign-key checks, the text of every document against the
sha256 taken at import, every stored span inside its document, and the lemma index
(:func:`check_lemma_index`) against the documents' texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import numpy as np
import sqlalchemy as sa
from sqlmodel import col

from workbench.i18n import _, ngettext
from workbench.project.db import Project
from workbench.project.models import (
    Document,
    IndexedDocument,
    IndexForm,
    IndexPosting,
    Paragraph,
    Segment,
    Sentence,
    Turn,
    id_col,
    table_of,
)


def check_project(project: Project) -> list[str]:
    """A list of problems, one line each; empty when the project is whole."""
    problems: list[str] = []
    with project.engine.connect() as connection:
        if project.engine.dialect.name == "sqlite":
            for (row,) in connection.exec_driver_sql("PRAGMA integrity_check"):
                if row != "ok":
                    problems.append(_("sqlite: {problem}").format(problem=row))
            for row in connection.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(
                    _("foreign key: {table} row {row} refers to a missing {parent}").format(
                        table=row[0], row=row[1], parent=row[2]
                    )
                )
        lengths: dict[int, int] = {}
        for doc_id, name, text, digest in connection.execute(
            sa.select(
                id_col(Document.id), col(Document.name), col(Document.text), col(Document.sha256)
            ).order_by(col(Document.id))
        ):
            lengths[doc_id] = len(text)
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
                problems.append(
                    _("document {name}: its text changed after import (hash differs)").format(
                        name=repr(name)
                    )
                )
        for model in (Segment, Turn, Sentence, Paragraph):
            table = table_of(model)
            rows = connection.execute(
                sa.select(table.c.id, table.c.document_id, table.c.start, table.c.end).order_by(
                    table.c.id
                )
            )
            for row_id, doc_id, start, end in rows:
                if not 0 <= start <= end <= lengths.get(doc_id, -1):
                    problems.append(
                        _("{table} {id}: span {start}..{end} is outside its document").format(
                            table=table.name, id=row_id, start=start, end=end
                        )
                    )
        problems.extend(check_lemma_index(connection))
    return problems


def check_lemma_index(connection: sa.Connection) -> list[str]:
    """Problems of the lemma index (:mod:`workbench.text.lemmas`), one line per document and kind.

    The index is stale or damaged for a document that has no ``indexed_document`` row (not
    indexed yet: the first lemma search would index it), that was indexed by another
    lemmatiser than the workbench now uses, whose postings in its current chunk do not number
    the tokens recorded for it, point outside its text, or do not spell, lower-cased, the
    form they are filed under (the index was built from another text). Postings in other
    chunks than a document's current one are ignored by search, and so here.
    """
    from workbench.text.lemmas import lemmatiser_name

    problems: list[str] = []
    names: dict[int, str] = dict(
        connection.execute(
            sa.select(id_col(Document.id), col(Document.name)).order_by(col(Document.id))
        ).all()
    )
    indexed: dict[int, tuple[int, int]] = {}  # document id: (chunk, tokens)
    lemmatiser = lemmatiser_name()
    for doc_id, chunk, tokens, made_by in connection.execute(
        sa.select(
            col(IndexedDocument.document_id),
            col(IndexedDocument.chunk),
            col(IndexedDocument.tokens),
            col(IndexedDocument.lemmatiser),
        ).order_by(col(IndexedDocument.document_id))
    ):
        if doc_id not in names:
            continue  # PRAGMA foreign_key_check reports it
        indexed[doc_id] = (chunk, tokens)
        if made_by != lemmatiser:
            problem = (
                _(
                    "document {name}: lemma index made by {made_by} lemmatiser, "
                    "the workbench now uses {lemmatiser}"
                )
                if made_by
                else _(
                    "document {name}: lemma index made by an unknown lemmatiser, "
                    "the workbench now uses {lemmatiser}"
                )
            )
            problems.append(
                problem.format(name=repr(names[doc_id]), made_by=made_by, lemmatiser=lemmatiser)
            )
    for doc_id, name in names.items():
        if doc_id not in indexed:
            problems.append(_("document {name}: not in the lemma index").format(name=repr(name)))
    if not indexed:
        return problems
    spelling = _Spelling(
        dict(connection.execute(sa.select(id_col(IndexForm.id), col(IndexForm.form))).all())
    )
    current = np.full(max(max(indexed), max(names)) + 1, -1, dtype=np.int64)
    for doc_id, (chunk, _tokens) in indexed.items():
        current[doc_id] = chunk
    for chunk in sorted({chunk for chunk, _tokens in indexed.values()}):
        occurrences = _chunk_occurrences(connection, chunk, current)
        docs_in_chunk = sorted(d for d, (c, _t) in indexed.items() if c == chunk)
        for doc_id, text in _texts(connection, docs_in_chunk):
            starts, ends, form_ids = occurrences.get(doc_id, (np.zeros(0, np.int64),) * 3)
            name, tokens = names[doc_id], indexed[doc_id][1]
            if len(starts) != tokens:
                problems.append(
                    _(
                        "document {name}: the lemma index holds {count} words of it, "
                        "{tokens} were indexed"
                    ).format(name=repr(name), count=len(starts), tokens=tokens)
                )
            inside = (starts >= 0) & (starts < ends) & (ends <= len(text))
            outside = int(len(starts) - np.count_nonzero(inside))
            if outside:
                problems.append(
                    ngettext(
                        "document {name}: {count} word of the lemma index lies outside "
                        "its text (which has {length} characters)",
                        "document {name}: {count} words of the lemma index lie outside "
                        "its text (which has {length} characters)",
                        outside,
                    ).format(name=repr(name), count=outside, length=len(text))
                )
            differ = spelling.differences(text, starts[inside], ends[inside], form_ids[inside])
            if differ:
                problems.append(
                    _(
                        "document {name}: the lemma index does not match its text "
                        "({differ} of {count} words differ)"
                    ).format(name=repr(name), differ=differ, count=len(starts))
                )
    return problems


class _Spelling:
    """Compares words of a text with the forms of the index they are filed under."""

    def __init__(self, forms: dict[int, str]) -> None:
        self.forms = forms
        size = max(forms, default=0) + 1
        ids = np.fromiter(forms, dtype=np.int64, count=len(forms))
        lengths = np.fromiter((len(f) for f in forms.values()), dtype=np.int64, count=len(forms))
        self.length = np.full(size, -1, dtype=np.int64)  # -1: no such form
        self.length[ids] = lengths
        self.offset = np.zeros(size, dtype=np.int64)
        self.offset[ids] = np.cumsum(lengths) - lengths
        self.points = _code_points("".join(forms.values()))

    def differences(
        self, text: str, starts: np.ndarray, ends: np.ndarray, form_ids: np.ndarray
    ) -> int:
        """How many of the words ``text[start:end]`` (inside the text), lower-cased, are not
        the form they are filed under. numpy compares the code points of words as long as
        their form; what differs there is compared again in Python (lower-casing can change
        the length of a word: "İ")."""
        lowered = text.lower()
        known = (form_ids >= 0) & (form_ids < len(self.length))
        lengths = np.full(len(starts), -1, dtype=np.int64)
        lengths[known] = self.length[form_ids[known]]
        candidates = lengths != ends - starts
        if len(lowered) == len(text):
            same = np.flatnonzero(~candidates)
            size = lengths[same]
            owner = np.repeat(np.arange(len(same)), size)
            step = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
            text_points = _code_points(lowered)[starts[same][owner] + step]
            form_points = self.points[self.offset[form_ids[same]][owner] + step]
            candidates[same[np.unique(owner[text_points != form_points])]] = True
        else:
            candidates[:] = True
        return sum(
            1
            for start, end, form_id in zip(
                starts[candidates].tolist(),
                ends[candidates].tolist(),
                form_ids[candidates].tolist(),
                strict=True,
            )
            if text[start:end].lower() != self.forms.get(form_id)
        )


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


def _chunk_occurrences(
    connection: sa.Connection, chunk: int, current: np.ndarray
) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per document whose current chunk is ``chunk``: the starts, ends and form ids of its
    postings there, in the order of the posting rows."""
    from workbench.text.lemmas import decode_postings

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for form_id, documents, count, data in connection.execute(
        sa.select(
            col(IndexPosting.form_id),
            col(IndexPosting.documents),
            col(IndexPosting.count),
            col(IndexPosting.data),
        ).where(col(IndexPosting.chunk) == chunk)
    ):
        try:
            docs, starts, ends = decode_postings(data, documents, count)
        except (ValueError, IndexError):  # a row too short for its counts: damaged
            docs = starts = ends = np.full(max(count, 1), -1, dtype=np.int64)
        parts.append((docs, starts, ends, np.full(len(docs), form_id, dtype=np.int64)))
    if not parts:
        return {}
    docs, starts, ends, form_ids = (np.concatenate(column) for column in zip(*parts, strict=True))
    known = (docs >= 0) & (docs < len(current))
    mine = np.zeros(len(docs), dtype=bool)
    mine[known] = current[docs[known]] == chunk
    docs, starts, ends, form_ids = docs[mine], starts[mine], ends[mine], form_ids[mine]
    order = np.argsort(docs, kind="stable")
    docs, starts, ends, form_ids = docs[order], starts[order], ends[order], form_ids[order]
    found, first = np.unique(docs, return_index=True)
    bounds = [*first.tolist(), len(docs)]
    return {
        int(doc_id): (starts[lo:hi], ends[lo:hi], form_ids[lo:hi])
        for doc_id, lo, hi in zip(found.tolist(), bounds, bounds[1:], strict=False)
    }


def _texts(connection: sa.Connection, document_ids: list[int]) -> Iterator[tuple[int, str]]:
    """The texts of these documents, read a few at a time."""
    for start in range(0, len(document_ids), 100):
        batch = document_ids[start : start + 100]
        rows = connection.execute(
            sa.select(id_col(Document.id), col(Document.text))
            .where(col(Document.id).in_(batch))
            .order_by(col(Document.id))
        )
        yield from ((int(doc_id), text) for doc_id, text in rows)
