"""Suggestions: codes from codebook keywords, places from place names and aliases.

A suggestion proposes a passage to code with a code, or to link to a place, and says why:
which keywords, name or alias matched, and as which word ("keyword 'lonely' (as
'lonelier')", "2 keywords: 'alone', 'on my own'"). Nothing is applied until the researcher
accepts chosen suggestions by id (:func:`workbench.services.coding.accept_suggestions`),
which codes or links them in one transaction, recorded in the change log like any coding
(so ``undo`` reverts it).

Few and good. Keyword matching casts a wide net, so suggestions are scored and only the best
are shown:

- **Which words match.** A keyword of several words matches as a phrase: those words in a
  row, with nothing but white space and punctuation between them. A word of a keyword
  matches its own form and, when the word is its own lemma, the forms of that lemma that
  look like it: a regular ending ("lonely": "lonelier"; "library": "libraries") or a shared
  stem ("understand": "understood"), but not irregular forms that share nothing ("go":
  "went"). A keyword that is not its own lemma ("gone", "evening", "used") matches only
  itself and its endings: the lookup table's lemma would pull in unrelated words ("evening"
  has the lemma "even"). Function words inside a phrase ("to" in "used to") match only as
  written.
- **How strong a keyword is** (0 to 1): a word common in the language at large ("area",
  "different", "help") says little; a rare one ("loneliness", "widow") says much (English
  word probabilities from ``spacy-lookups-data``; for a language without them every word
  counts as medium). A phrase is stronger than its words; a phrase of function words only
  ("used to", "go to") is weak.
- **The score** of a suggestion combines the distinct keywords of its target found in its
  unit: ``1 - (1 - s1)(1 - s2)...``, so two keywords of one code in one sentence outweigh
  one. Place names and aliases count 1. A passage spoken by the interviewer scores
  :data:`INTERVIEWER_FACTOR` times as much, below :data:`MIN_SCORE` (researchers code what
  the narrator says, so such passages are listed only with ``every``).
- **What is shown.** Suggestions scoring at least :data:`MIN_SCORE`, and of those at most
  :data:`PER_PAGE` code suggestions and as many place suggestions per page of
  :data:`PAGE_CHARS` characters of a document (the best ones); ranked best first.
  ``every=True`` lists every match, unscored ones included, for a researcher who wants to
  see them all.

What is proposed (``unit``): by default the *sentence* holding the match (researchers code
passages, not single words), or the speaker's whole turn (``turn``), or only the matched
words (``match``). Matches of one target in one unit make one suggestion. A match already
inside a segment coded with that code (by anyone), or linked to that place, is not
suggested again; nor is a match inside a longer match of the same target ("youth club"
covers the alias "club").

Ids are stable: ``c12-3f9a0b1c2d`` is a code suggestion in document 12, the rest a hash of
kind, target, document and span, so ``suggest --accept ID`` in a later run accepts exactly
what was listed (with or without ``every``), or fails if the suggestion is gone.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

from sqlmodel import Session, col, select

from workbench.analysis.search import DocumentRef, documents_in_scope, one_line
from workbench.errors import InvalidValue, NotFound
from workbench.i18n import N_, _
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
from workbench.text import lemmas, nlp

#: What a suggestion proposes to code: the sentence, the speaker turn, or the match only.
UNITS = ("sentence", "turn", "match")
#: Suggestions scoring below this are not shown (unless every match is asked for).
MIN_SCORE = 0.6
#: At most this many code suggestions (and this many place suggestions) per page.
PER_PAGE = 3
#: A page: this many characters of a document (about a screen of transcript).
PAGE_CHARS = 2500
#: Speaker labels of the interviewer (compared case-insensitively).
INTERVIEWER_LABELS = frozenset(
    {"interviewer", "i", "q", "int", "iv", "moderator", "facilitator", "researcher"}
)
#: What a passage spoken by the interviewer scores, relative to the narrator's.
INTERVIEWER_FACTOR = 0.4
_INTERVIEWER = re.compile(r"^interviewer\s*\d{0,3}$", re.I)
_ID = re.compile(r"([cp])(\d+)-([0-9a-f]{10})")
_PLAIN_WORD = re.compile(r"^\w+$")
_HYPHENATED = re.compile(r"\w[-\u2010\u2011]\w")


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
    """Which keywords, name or alias matched, and as which words."""
    unit: str = "sentence"
    """What was proposed: ``sentence``, ``turn`` or ``match``."""
    matches: list[list[int]] = field(default_factory=list)
    """The matched words inside the segment, as ``[start, end]`` pairs."""
    score: float = 0.0
    """How strong the evidence is, 0 to 1 (see the module docstring)."""
    why: Reason | None = field(default=None, repr=False, compare=False)
    """What ``reason`` says, to write it in English for ``--json`` (not in the JSON)."""

    def to_dict(self) -> dict[str, object]:
        """The suggestion as ``suggest --json`` prints it (its reason in English)."""
        data = asdict(self)
        del data["why"]
        if self.why is not None:
            data["reason"] = self.why.text(N_)
        return data


@dataclass(frozen=True)
class Reason:
    """Why a suggestion is made: which keywords, name or alias matched, and as which words."""

    source: str
    """``keyword``, ``name`` or ``alias``."""
    target: str
    """The code's or the place's name."""
    found: tuple[tuple[str, str | None], ...]
    """Per keyword, name or alias found: it, and the words it matched when they differ."""
    phrase: bool = False
    """Whether the one keyword found is a phrase of more than one word."""
    interviewer: bool = False
    """Whether the interviewer said it."""

    def text(self, translate: Callable[[str], str] = _) -> str:
        """``keyword 'lonely'``, ``2 keywords: 'alone', 'on my own'``, ``alias 'bieb' of
        'Library'``, ``... ; said by the interviewer``: in the interface's language, or with
        ``translate`` :func:`N_` in English."""
        found = [
            repr(keyword)
            if matched is None
            else translate(N_("{keyword} (as {form})")).format(
                keyword=repr(keyword), form=repr(matched)
            )
            for keyword, matched in self.found
        ]
        if self.source == "alias":
            what = translate(N_("alias {alias} of {place}")).format(
                alias=found[0], place=repr(self.target)
            )
        elif self.source == "name":
            what = translate(N_("name {name}")).format(name=found[0])
        elif len(found) == 1 and self.phrase:
            what = translate(N_("keyword {keyword} (phrase)")).format(keyword=found[0])
        elif len(found) == 1:
            what = translate(N_("keyword {keyword}")).format(keyword=found[0])
        else:
            what = translate(N_("{count} keywords: {keywords}")).format(
                count=len(found), keywords=", ".join(found)
            )
        if self.interviewer:
            what = translate(N_("{reason}; said by the interviewer")).format(reason=what)
        return what


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
    strength: float
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


def keyword_words(language: str, phrase: str) -> list[str]:
    """The lower-cased words of a keyword, name or alias, as the index has its tokens."""
    parts = phrase.lower().split()
    if all(_PLAIN_WORD.match(part) for part in parts):
        return parts
    tokenizer = nlp.pipeline(language).tokenizer
    words = (
        token.lower_.rstrip(lemmas.BROKEN_OFF)
        for token in tokenizer(phrase)
        if not (token.is_punct or token.is_space)
    )
    return [word for word in words if word.strip()]


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def accepted_forms(
    language: str, word: str, forms_of_lemma: Sequence[str], *, function_word: bool = False
) -> set[str]:
    """The forms that count as ``word`` of a keyword (see the module docstring).

    ``forms_of_lemma`` are the indexed forms with the same lemma as ``word``, or with ``word``
    as their lemma. A function word of a phrase matches only as written.
    """
    accepted = {word}
    if function_word:
        return accepted
    if lemmas.lemma_of(language, word) != word:  # "gone", "evening": only its own endings
        accepted.update(f for f in forms_of_lemma if f.startswith(word) and len(f) - len(word) <= 3)
        return accepted
    stem = max(4, len(word) - 3)  # "understand"/"understood", "lonely"/"lonelier"
    for form in forms_of_lemma:
        if (form.startswith(word) and len(form) - len(word) <= 4) or (
            len(word) >= 4 and _shared_prefix(form, word) >= stem
        ):
            accepted.add(form)
    return accepted


def keyword_strength(language: str, words: Sequence[str]) -> float:
    """How much a keyword of these words says on its own, 0 to 1 (see the module docstring)."""
    stop = lemmas.stop_words(language)
    content = [w for w in words if w not in stop] if len(words) > 1 else list(words)
    if not content:  # "used to", "go to"; "nothing to do" a little more
        return 0.2 if len(words) < 3 else 0.45
    rarities = []
    for word in content:
        probabilities = [
            p
            for form in {word, lemmas.lemma_of(language, word)}
            if (p := lemmas.word_logprob(language, form)) is not None
        ]
        if not probabilities:  # no word statistics for the language: 0.7, or 0.2 for a stop word
            rarities.append(8.2 if word in stop else 11.2)
        else:  # the more common of the word and its lemma ("gone": "go")
            rarities.append(-max(probabilities))
    strength = min(1.0, max(0.1, (max(rarities) - 7.0) / 6.0))
    return min(1.0, strength + 0.25 * (len(words) - 1))


def _find(
    session: Session, docs: list[DocumentRef], patterns: list[_Pattern], texts: lemmas.Texts
) -> list[_Match]:
    found: list[_Match] = []
    for language in sorted({doc.language for doc in docs}):
        scope = [doc.id for doc in docs if doc.language == language]
        stop = lemmas.stop_words(language)
        words_of = {
            phrase: keyword_words(language, phrase) for phrase in {p.phrase for p in patterns}
        }
        # The forms of each word's lemma, and those whose lemma is the word itself
        # ("evenings": "evening", while "evening" has the lemma "even").
        forms_of = lemmas.forms_with_lemmas(
            session,
            language,
            {
                lemma
                for words in words_of.values()
                for w in words
                for lemma in (w, lemmas.lemma_of(language, w))
            },
        )
        keys = [phrase for phrase, words in words_of.items() if words]
        sequences = [
            [
                accepted_forms(
                    language,
                    w,
                    sorted({*forms_of.get(w, []), *forms_of.get(lemmas.lemma_of(language, w), [])}),
                    function_word=len(words_of[phrase]) > 1 and w in stop,
                )
                for w in words_of[phrase]
            ]
            for phrase in keys
        ]
        results = dict(
            zip(
                keys,
                lemmas.find_form_phrases(
                    session, language, sequences, document_ids=scope, texts=texts
                ),
                strict=True,
            )
        )
        for pattern in patterns:
            strength = (
                1.0
                if pattern.kind == "place"
                else keyword_strength(language, words_of[pattern.phrase])
            )
            hyphenated = _HYPHENATED.search(pattern.phrase) is not None
            for doc_id, spans in results.get(pattern.phrase, {}).items():
                found.extend(
                    _Match(pattern, strength, doc_id, s, e)
                    for s, e in spans
                    # "in-crowd" is not "in crowds"
                    if not hyphenated or _HYPHENATED.search(texts[doc_id], s, e)
                )
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


def is_interviewer(label: str | None) -> bool:
    """Whether a speaker label names the interviewer ("Interviewer", "I", "Q", ...)."""
    if not label:
        return False
    label = label.strip().casefold()
    return label in INTERVIEWER_LABELS or _INTERVIEWER.match(label) is not None


def _interviewer_turns(
    session: Session, doc_ids: list[int], texts: lemmas.Texts
) -> dict[int, list[lemmas.Span]]:
    """Per document: the sorted spans of the interviewer's turns.

    The interviewer is the speaker with an interviewer's label ("Interviewer", "I", "Q");
    in a document without one ("Speaker 1", "Speaker 2"), the speaker who asks the
    questions: at least a third of their turns hold a question mark, and twice the share of
    anyone else's.
    """
    turns: dict[int, list[tuple[int, int, str]]] = {}
    for chunk in lemmas.batches(doc_ids):
        for doc_id, start, end, speaker in session.exec(
            select(Turn.document_id, Turn.start, Turn.end, Turn.speaker)
            .where(col(Turn.document_id).in_(chunk))
            .order_by(col(Turn.document_id), col(Turn.start))
        ):
            turns.setdefault(int(doc_id), []).append((int(start), int(end), speaker or ""))
    out: dict[int, list[lemmas.Span]] = {}
    for doc_id, rows in turns.items():
        asking = {speaker for _s, _e, speaker in rows if is_interviewer(speaker)}
        if not asking:
            text = texts[doc_id]
            shares: dict[str, list[int]] = {}
            for start, end, speaker in rows:
                counts = shares.setdefault(speaker, [0, 0])
                counts[0] += "?" in text[start:end]
                counts[1] += 1
            ranked = sorted(((q / n, who) for who, (q, n) in shares.items() if who), reverse=True)
            if ranked and ranked[0][0] >= 1 / 3:
                runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
                if ranked[0][0] >= 2 * runner_up:
                    asking = {ranked[0][1]}
        out[doc_id] = [(start, end) for start, end, speaker in rows if speaker in asking]
    return out


_NOTE = re.compile(r"\[[^\[\]\n]*\]")


def _notes(text: str) -> list[lemmas.Span]:
    """Transcriber's notes in square brackets ("[referring to the drawing]", "[laughs]")."""
    return [(m.start(), m.end()) for m in _NOTE.finditer(text)]


def _inside(spans: list[lemmas.Span], offset: int) -> bool:
    index = bisect_right(spans, (offset, math.inf)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


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


def _evidence(match: _Match, matched: str) -> tuple[str, str | None]:
    """``('lonely', None)``, ``('lonely', 'lonelier')``: one matched keyword, and the words
    it matched when they differ (shown as ``'lonely' (as 'lonelier')``)."""
    pattern = match.pattern
    phrase = " ".join(pattern.phrase.split())
    matched = " ".join(matched.split())
    return phrase, None if matched.lower() == phrase.lower() else matched


def _reason(pattern: _Pattern, found: list[tuple[str, str | None]]) -> Reason:
    """Why a suggestion of ``pattern`` is made, with these keywords (names, aliases) found."""
    source = pattern.source if pattern.kind == "place" else "keyword"
    return Reason(source, pattern.target, tuple(found), phrase=" " in pattern.phrase.strip())


@dataclass
class _Candidate:
    suggestion: Suggestion
    pattern: _Pattern
    document_id: int
    strengths: dict[str, float] = field(default_factory=dict)
    """Per distinct keyword, name or alias found: its strength."""
    evidence: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Per distinct keyword, name or alias found: how it was found."""


def _best(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Those scoring at least MIN_SCORE, and of those the best PER_PAGE per page and kind."""
    pages: dict[tuple[str, str, int], list[Suggestion]] = {}
    for item in suggestions:
        if item.score >= MIN_SCORE:
            pages.setdefault((item.document, item.kind, item.start // PAGE_CHARS), []).append(item)
    kept: list[Suggestion] = []
    for page in pages.values():
        page.sort(key=lambda s: (-s.score, s.start, s.end, s.target))
        kept.extend(page[:PER_PAGE])
    return kept


def _ranked(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Best first; equal scores in document order."""
    return sorted(
        suggestions,
        key=lambda s: (-s.score, s.document, s.start, s.end, s.kind, s.target, UNITS.index(s.unit)),
    )


def _suggest(
    session: Session,
    docs: list[DocumentRef],
    *,
    codes: bool,
    places: bool,
    units: Sequence[str],
) -> list[Suggestion]:
    """Every candidate suggestion with its score (nothing left out)."""
    for unit in units:
        if unit not in UNITS:
            raise InvalidValue(
                _("unknown unit {unit}; use one of {units}").format(
                    unit=repr(unit), units=", ".join(UNITS)
                )
            )
    lemmas.check_complete(session, [doc.id for doc in docs])
    patterns = _patterns(session, codes=codes, places=places)
    if not patterns or not docs:
        return []
    texts = lemmas.Texts(session)
    matches = _keep(_find(session, docs, patterns, texts), _covered(session, [d.id for d in docs]))
    by_id = {doc.id: doc for doc in docs}
    doc_ids = sorted({match.document for match in matches})
    texts.load(doc_ids)
    interviewer = _interviewer_turns(session, doc_ids, texts)
    notes = {doc_id: _notes(texts[doc_id]) for doc_id in doc_ids}
    # Words inside a transcriber's note are not the narrator's: no suggestion from them.
    matches = [m for m in matches if not _inside(notes[m.document], m.start)]
    candidates: dict[str, _Candidate] = {}
    for unit in units:
        spans = _units(session, unit, doc_ids)
        for match in sorted(matches, key=lambda m: (m.document, m.start, m.end)):
            doc = by_id[match.document]
            text = texts[doc.id]
            start, end = _unit_span(text, spans.get(doc.id), match.start, match.end)
            pattern = match.pattern
            key = suggestion_id(pattern.kind, pattern.target, doc, start, end)
            candidate = candidates.get(key)
            if candidate is None:
                candidate = candidates[key] = _Candidate(
                    Suggestion(
                        id=key,
                        kind=pattern.kind,
                        target=pattern.target,
                        document=doc.name,
                        start=start,
                        end=end,
                        line=text.count("\n", 0, start) + 1,
                        text=one_line(text[start:end]),
                        reason="",
                        unit=unit,
                    ),
                    pattern,
                    doc.id,
                )
            if [match.start, match.end] not in candidate.suggestion.matches:
                candidate.suggestion.matches.append([match.start, match.end])
            phrase = " ".join(pattern.phrase.lower().split())
            if phrase not in candidate.strengths:
                candidate.strengths[phrase] = match.strength
                candidate.evidence[phrase] = _evidence(match, text[match.start : match.end])
    found: list[Suggestion] = []
    for candidate in candidates.values():
        suggestion = candidate.suggestion
        suggestion.matches.sort()
        why = _reason(candidate.pattern, list(candidate.evidence.values()))
        doubt = math.prod(1.0 - s for s in candidate.strengths.values())
        score = 1.0 - doubt
        if _inside(interviewer.get(candidate.document_id, []), suggestion.start):
            score *= INTERVIEWER_FACTOR
            why = replace(why, interviewer=True)
        suggestion.why = why
        suggestion.reason = why.text()
        suggestion.score = round(score, 2)
        found.append(suggestion)
    return _ranked(found)


def suggest(
    session: Session,
    *,
    document: str | None = None,
    codes: bool = True,
    places: bool = True,
    unit: str = "sentence",
    every: bool = False,
) -> list[Suggestion]:
    """Code and place suggestions for one document or all, best first (see the module
    docstring): those scoring at least :data:`MIN_SCORE`, at most :data:`PER_PAGE` per page
    and kind; with ``every``, every match.

    The documents must be in the lemma index (:func:`workbench.text.lemmas.index_project`).
    """
    docs = documents_in_scope(session, [document] if document else None)
    found = _suggest(session, docs, codes=codes, places=places, units=(unit,))
    return found if every else _ranked(_best(found))


def chosen(session: Session, ids: Sequence[str]) -> list[Suggestion]:
    """The suggestions with these ids, as they stand now (reading only).

    The suggestions of the documents concerned are computed again (for every unit), so an
    id is found only while it still stands: accepted already, or the codes, places or
    codings changed, and it is refused. :func:`workbench.services.coding.accept_suggestions`
    applies them in one write transaction.
    """
    if not ids:
        raise InvalidValue(_("give the id of at least one suggestion to accept"))
    wanted = list(dict.fromkeys(ids))
    doc_ids: set[int] = set()
    for suggestion_id_ in wanted:
        parsed = _ID.fullmatch(suggestion_id_)
        if parsed is None:
            raise NotFound(
                _(
                    "no suggestion {id} (ids look like c12-0a1b2c3d4e; "
                    "list them with `workbench suggest`)"
                ).format(id=repr(suggestion_id_))
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
                _(
                    "no suggestion {id} now (accepted already, or the codes, places "
                    "or codings changed); list them again with `workbench suggest`"
                ).format(id=repr(suggestion_id_))
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
