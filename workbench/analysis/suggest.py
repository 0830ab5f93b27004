"""Suggestions: codes from codebook keywords, places from place names and aliases.

A suggestion proposes a passage to code with a code, or to link to a place, and says why:
which keyword, name or alias matched, and on which word ("keyword 'eenzaam' (lemma of
'eenzame')"). Nothing is applied until the researcher accepts chosen suggestions by id
(:func:`workbench.services.coding.accept_suggestions`), which codes or links them in one
transaction, recorded in the change log like any coding (so ``undo`` reverts it).

How matches are found: each keyword, place name and alias is lemmatised like a search
query, and its lemma sequence is looked up in the lemma index (:mod:`workbench.text.lemmas`).
That is what a spaCy ``PhraseMatcher`` with ``attr="LEMMA"`` over the documents would
find, without parsing the corpus again: the index holds the same spaCy tokens and lookup
lemmas, and since a form's lemma depends only on the lower-cased form, every match on
``LOWER`` is a match on ``LEMMA`` too. So "the library", "libraries" and "Library" all
match the alias "library"; a keyword of several words matches those words in a row.

What is proposed (``unit``): by default the *sentence* holding the match (researchers code
passages, not single words), or the speaker's whole turn (``turn``), or only the matched
words (``match``). Matches of one target in one unit make one suggestion. A match already
inside a segment coded with that code (by anyone), or linked to that place, is not
suggested again; nor is a match inside a longer match of the same target ("youth club"
covers the alias "club").

Ids are stable: ``c12-3f9a0b1c2d`` is a code suggestion in document 12, the rest a hash of
kind, target, document and span, so ``suggest --accept ID`` in a later run accepts exactly
what was listed, or fails if the suggestion is gone.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlmodel import Session, col, select

from workbench.analysis.search import DocumentRef, documents_in_scope, one_line
from workbench.errors import InvalidValue, NotFound
from workbench.project.models import (
    Code,
    Coding,
    Document,
    Place,
    PlaceAlias,
    Segment,
    SegmentPlace,
    Sentence,
    Turn,
    id_col,
)
from workbench.text import lemmas

#: What a suggestion proposes to code: the sentence, the speaker turn, or the match only.
UNITS = ("sentence", "turn", "match")
_ID = re.compile(r"([cp])(\d+)-([0-9a-f]{10})")


@dataclass
class Suggestion:
    """A proposed coding (``kind`` "code") or link to a place (``kind`` "place")."""

    id: str
    """Stable id to accept it by."""
    kind: str
    """``code`` or ``place``."""
    target: str
    """The code's or the place's name."""
    document: str
    """The document's name."""
    start: int
    """Start of the proposed segment."""
    end: int
    """End of the proposed segment (exclusive)."""
    line: int
    """The 1-based line the proposed segment starts on."""
    text: str
    """The proposed segment's text, on one line."""
    reason: str
    """Which keyword, name or alias matched, and on which word."""
    unit: str = "sentence"
    """What was proposed: ``sentence``, ``turn`` or ``match``."""
    matches: list[list[int]] = field(default_factory=list)
    """The matched words inside the segment, as ``[start, end]`` pairs."""

    def to_dict(self) -> dict[str, object]:
        """The suggestion as ``suggest --json`` prints it."""
        return asdict(self)


@dataclass(frozen=True)
class _Pattern:
    kind: str
    target_id: int
    target: str
    source: str  # keyword | name | alias
    phrase: str


@dataclass(frozen=True)
class _Match:
    pattern: _Pattern
    lemmas: tuple[str, ...]
    document: int
    start: int
    end: int


def suggestion_id(kind: str, target: str, document: DocumentRef, start: int, end: int) -> str:
    """The stable id of a suggestion."""
    key = "\x00".join((kind, target, document.name, str(start), str(end)))
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{kind[0]}{document.id}-{digest}"


def _patterns(session: Session, *, codes: bool, places: bool) -> list[_Pattern]:
    patterns: list[_Pattern] = []
    if codes:
        for code_id, name, keywords in session.exec(
            select(id_col(Code.id), Code.name, Code.keywords).order_by(id_col(Code.id))
        ):
            try:
                words = json.loads(keywords or "[]")
            except ValueError:
                continue
            for keyword in words if isinstance(words, list) else []:
                if isinstance(keyword, str) and keyword.strip():
                    patterns.append(_Pattern("code", int(code_id), name, "keyword", keyword))
    if places:
        names = dict(
            session.exec(select(id_col(Place.id), Place.name).order_by(id_col(Place.id))).all()
        )
        for place_id, name in names.items():
            patterns.append(_Pattern("place", int(place_id), name, "name", name))
        for place_id, alias in session.exec(
            select(PlaceAlias.place_id, PlaceAlias.alias).order_by(id_col(PlaceAlias.id))
        ):
            if alias.strip():
                patterns.append(_Pattern("place", int(place_id), names[place_id], "alias", alias))
    return patterns


def _find(
    session: Session, docs: list[DocumentRef], patterns: list[_Pattern], texts: lemmas.Texts
) -> list[_Match]:
    found: list[_Match] = []
    for language in sorted({doc.language for doc in docs}):
        scope = [doc.id for doc in docs if doc.language == language]
        phrases: dict[str, list[str]] = {}
        for pattern in patterns:
            if pattern.phrase not in phrases:
                phrases[pattern.phrase] = lemmas.query_lemmas(session, language, pattern.phrase)
        keys = [phrase for phrase, sequence in phrases.items() if sequence]
        results = dict(
            zip(
                keys,
                lemmas.find_phrases(
                    session, language, [phrases[k] for k in keys], document_ids=scope, texts=texts
                ),
                strict=True,
            )
        )
        for pattern in patterns:
            sequence = tuple(phrases[pattern.phrase])
            for doc_id, spans in results.get(pattern.phrase, {}).items():
                found.extend(_Match(pattern, sequence, doc_id, s, e) for s, e in spans)
    return found


def _covered(session: Session, doc_ids: list[int]) -> dict[tuple[str, int, int], list[lemmas.Span]]:
    """Spans already coded with each code / linked to each place: ``(kind, target, doc)``."""
    out: dict[tuple[str, int, int], list[lemmas.Span]] = {}
    for chunk in lemmas.batches(doc_ids):
        coded = session.exec(
            select(Coding.code_id, Segment.document_id, Segment.start, Segment.end)
            .join(Segment, col(Segment.id) == Coding.segment_id)
            .where(col(Segment.document_id).in_(chunk))
        )
        for code_id, doc_id, start, end in coded:
            out.setdefault(("code", code_id, doc_id), []).append((start, end))
        linked = session.exec(
            select(SegmentPlace.place_id, Segment.document_id, Segment.start, Segment.end)
            .join(Segment, col(Segment.id) == SegmentPlace.segment_id)
            .where(col(Segment.document_id).in_(chunk))
        )
        for place_id, doc_id, start, end in linked:
            out.setdefault(("place", place_id, doc_id), []).append((start, end))
    return out


def _keep(
    matches: list[_Match], covered: dict[tuple[str, int, int], list[lemmas.Span]]
) -> list[_Match]:
    """Matches not already coded/linked, and not inside a longer match of the same target."""
    groups: dict[tuple[str, int, int], list[_Match]] = {}
    for match in matches:
        key = (match.pattern.kind, match.pattern.target_id, match.document)
        spans = covered.get(key, ())
        if any(s <= match.start and match.end <= e for s, e in spans):
            continue
        groups.setdefault(key, []).append(match)
    kept: list[_Match] = []
    for group in groups.values():
        group.sort(key=lambda m: (m.start, -m.end))
        reach = -1
        seen: set[tuple[int, int]] = set()
        for match in group:
            if match.end <= reach or (match.start, match.end) in seen:
                continue  # inside an earlier, longer match (or the same span again)
            seen.add((match.start, match.end))
            kept.append(match)
            reach = max(reach, match.end)
    return kept


def _units(
    session: Session, unit: str, doc_ids: list[int]
) -> dict[int, tuple[list[int], list[int]]]:
    """Per document: sorted starts and ends of its sentences or turns' speech."""
    out: dict[int, tuple[list[int], list[int]]] = {}
    if unit == "match":
        return out
    for chunk in lemmas.batches(doc_ids):
        if unit == "sentence":
            query = (
                select(Sentence.document_id, Sentence.start, Sentence.end)
                .where(col(Sentence.document_id).in_(chunk))
                .order_by(col(Sentence.document_id), col(Sentence.start))
            )
        else:
            query = (
                select(Turn.document_id, Turn.text_start, Turn.end)
                .where(col(Turn.document_id).in_(chunk))
                .order_by(col(Turn.document_id), col(Turn.start))
            )
        for doc_id, start, end in session.exec(query):
            starts, ends = out.setdefault(int(doc_id), ([], []))
            starts.append(int(start))
            ends.append(int(end))
    return out


def _unit_span(
    text: str, units: tuple[list[int], list[int]] | None, start: int, end: int
) -> lemmas.Span:
    """The unit span around a match (the match itself when no unit holds it)."""
    if units is None:
        return start, end
    starts, ends = units
    first = bisect_right(starts, start) - 1
    if first < 0 or start >= ends[first]:
        return start, end
    last = max(first, bisect_right(starts, end - 1) - 1)
    unit_start, unit_end = starts[first], max(ends[first : last + 1])
    # Turns include the white space up to the next turn: trim it.
    while unit_start < start and text[unit_start].isspace():
        unit_start += 1
    while unit_end > end and text[unit_end - 1].isspace():
        unit_end -= 1
    return min(unit_start, start), max(unit_end, end)


def _reason(match: _Match, matched: str) -> str:
    """``keyword 'eenzaam' (lemma of 'eenzame')``, ``alias 'bieb' of 'Bibliotheek'``, ..."""
    pattern = match.pattern
    what = f"{pattern.source} {pattern.phrase!r}"
    if pattern.source == "alias":
        what += f" of {pattern.target!r}"
    phrase = " ".join(pattern.phrase.split()).lower()
    matched = " ".join(matched.split())
    if matched.lower() != phrase:
        lemma = " ".join(match.lemmas)
        if lemma == phrase:
            what += f" (lemma of {matched!r})"
        else:
            what += f" (matched {matched!r}: both have lemma {lemma!r})"
    return what


def _suggest(
    session: Session,
    docs: list[DocumentRef],
    *,
    codes: bool,
    places: bool,
    units: Sequence[str],
) -> list[Suggestion]:
    for unit in units:
        if unit not in UNITS:
            raise InvalidValue(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    lemmas.check_complete(session, [doc.id for doc in docs])
    patterns = _patterns(session, codes=codes, places=places)
    if not patterns or not docs:
        return []
    texts = lemmas.Texts(session)
    matches = _keep(_find(session, docs, patterns, texts), _covered(session, [d.id for d in docs]))
    by_id = {doc.id: doc for doc in docs}
    doc_ids = sorted({match.document for match in matches})
    texts.load(doc_ids)
    suggestions: dict[str, Suggestion] = {}
    for unit in units:
        spans = _units(session, unit, doc_ids)
        for match in matches:
            doc = by_id[match.document]
            text = texts[doc.id]
            start, end = _unit_span(text, spans.get(doc.id), match.start, match.end)
            pattern = match.pattern
            key = suggestion_id(pattern.kind, pattern.target, doc, start, end)
            reason = _reason(match, text[match.start : match.end])
            existing = suggestions.get(key)
            if existing is None:
                suggestions[key] = Suggestion(
                    id=key,
                    kind=pattern.kind,
                    target=pattern.target,
                    document=doc.name,
                    start=start,
                    end=end,
                    line=text.count("\n", 0, start) + 1,
                    text=one_line(text[start:end]),
                    reason=reason,
                    unit=unit,
                    matches=[[match.start, match.end]],
                )
            else:
                if [match.start, match.end] not in existing.matches:
                    existing.matches.append([match.start, match.end])
                if reason not in existing.reason.split("; "):
                    existing.reason += f"; {reason}"
    for suggestion in suggestions.values():
        suggestion.matches.sort()
    return sorted(
        suggestions.values(),
        key=lambda s: (s.document, s.start, s.end, s.kind, s.target, UNITS.index(s.unit)),
    )


def suggest(
    session: Session,
    *,
    document: str | None = None,
    codes: bool = True,
    places: bool = True,
    unit: str = "sentence",
) -> list[Suggestion]:
    """Code and place suggestions for one document or all (see the module docstring).

    The documents must be in the lemma index (:func:`workbench.text.lemmas.index_project`).
    """
    docs = documents_in_scope(session, [document] if document else None)
    return _suggest(session, docs, codes=codes, places=places, units=(unit,))


def chosen(session: Session, ids: Sequence[str]) -> list[Suggestion]:
    """The suggestions with these ids, as they stand now (reading only).

    The suggestions of the documents concerned are computed again (for every unit), so an
    id is found only while it still stands: accepted already, or the codes, places or
    codings changed, and it is refused. :func:`workbench.services.coding.accept_suggestions`
    applies them in one write transaction.
    """
    if not ids:
        raise InvalidValue("give the id of at least one suggestion to accept")
    wanted = list(dict.fromkeys(ids))
    doc_ids: set[int] = set()
    for suggestion_id_ in wanted:
        parsed = _ID.fullmatch(suggestion_id_)
        if parsed is None:
            raise NotFound(
                f"no suggestion {suggestion_id_!r} (ids look like c12-0a1b2c3d4e; "
                "list them with `workbench suggest`)"
            )
        doc_ids.add(int(parsed.group(2)))
    docs = [
        DocumentRef(int(i), name, language)
        for i, name, language in session.exec(
            select(id_col(Document.id), Document.name, Document.language)
            .where(col(Document.id).in_(sorted(doc_ids)))
            .order_by(col(Document.name))
        )
    ]
    current = {s.id: s for s in _suggest(session, docs, codes=True, places=True, units=UNITS)}
    found: list[Suggestion] = []
    for suggestion_id_ in wanted:
        suggestion = current.get(suggestion_id_)
        if suggestion is None:
            raise NotFound(
                f"no suggestion {suggestion_id_!r} now (accepted already, or the codes, places "
                "or codings changed); list them again with `workbench suggest`"
            )
        found.append(suggestion)
    return found


def summary(suggestions: Sequence[Suggestion]) -> str:
    """The change log's text for accepting these suggestions."""
    parts = [
        f"code {s.document} {s.start}-{s.end} with {s.target}"
        if s.kind == "code"
        else f"link {s.document} {s.start}-{s.end} to {s.target}"
        for s in suggestions
    ]
    noun = "suggestion" if len(parts) == 1 else "suggestions"
    return f"accept {len(parts)} {noun}: " + "; ".join(parts)
