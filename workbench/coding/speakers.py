"""Speaker turns as the researcher fixes them: name a speaker, set the speaker of a turn,
split a turn, join a turn to the one before it.

The turns of a document are guessed at import (:mod:`workbench.text.turns`); the researcher
has the last word. Every function here changes only ``turn`` rows, through the ORM, so the
change log records them and undo and redo work on them like on codings. The document text
never changes, nor do segments, codings or memos: citations and ``speaker:`` queries read
the turns when they run, so they follow at once.

Turns are numbered from 1 for users (``position`` + 1), in text order; after a split or a
join the positions of the document's turns are numbered again from 0 without gaps.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from sqlmodel import Session, col, select

from workbench.coding import lookups
from workbench.errors import InvalidValue, NotFound, NothingToDo, did_you_mean
from workbench.i18n import _, counted
from workbench.project.models import Document, Turn

MAX_SPEAKER = 80
"""The longest speaker label, in characters."""

PREVIEW_WORDS = 8
"""How many words of a turn's speech the terminal listing shows."""


def check_speaker(value: str) -> str:
    """A speaker label with its white space collapsed; :class:`InvalidValue` when it is empty,
    too long or holds control characters."""
    label = " ".join(value.split())
    if not label:
        raise InvalidValue(_("a speaker label cannot be empty"))
    if len(label) > MAX_SPEAKER:
        raise InvalidValue(
            _("a speaker label is at most {count}").format(
                count=counted(MAX_SPEAKER, "character", "characters")
            )
        )
    if not label.isprintable():
        raise InvalidValue(_("a speaker label cannot hold control characters"))
    return label


@dataclass(frozen=True)
class TurnRow:
    """One speaker turn of a document, as the shells list it."""

    number: int
    """1-based, in text order."""
    line: int
    """The 1-based line the turn starts on."""
    speaker: str | None
    """Its speaker label, or None when unknown."""
    start: int
    """Where the turn (its label, if any) starts: a code-point offset."""
    text_start: int
    """Where its speech starts (after the label)."""
    end: int
    """Where it ends (exclusive)."""
    words: int
    """Words of its speech."""
    preview: str
    """The first words of its speech (for the terminal only: ``to_dict`` leaves it out)."""

    def to_dict(self) -> dict[str, object]:
        """The ``turns --json`` object (no transcript text)."""
        return {
            "turn": self.number,
            "line": self.line,
            "speaker": self.speaker,
            "start": self.start,
            "text_start": self.text_start,
            "end": self.end,
            "words": self.words,
        }


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _row(number: int, turn: Turn, text: str, starts: list[int]) -> TurnRow:
    words = text[turn.text_start : turn.end].split()
    preview = " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")
    return TurnRow(
        number=number,
        line=bisect_right(starts, turn.start),
        speaker=turn.speaker,
        start=turn.start,
        text_start=turn.text_start,
        end=turn.end,
        words=len(words),
        preview=preview,
    )


def turns_of(session: Session, document: Document) -> list[Turn]:
    """The turns of ``document`` in text order."""
    return list(
        session.exec(
            select(Turn)
            .where(Turn.document_id == document.id)
            .order_by(col(Turn.start), col(Turn.position), col(Turn.id))
        )
    )


def list_turns(session: Session, document: str) -> list[TurnRow]:
    """The turns of the document called ``document``, in text order."""
    doc = lookups.find_document(session, document)
    starts = _line_starts(doc.text)
    return [_row(i, turn, doc.text, starts) for i, turn in enumerate(turns_of(session, doc), 1)]


def _turn(document: Document, turns: list[Turn], number: int) -> Turn:
    if not turns:
        raise InvalidValue(_("{document} has no speaker turns").format(document=document.name))
    if not 1 <= number <= len(turns):
        raise InvalidValue(
            _("{document} has turns 1 to {last}; there is no turn {number}").format(
                document=document.name, last=len(turns), number=number
            )
        )
    return turns[number - 1]


def _renumber(turns: list[Turn]) -> None:
    """Number the turns (in text order) from 0 without gaps; only changed rows are written."""
    for position, turn in enumerate(turns):
        if turn.position != position:
            turn.position = position


def set_speaker(session: Session, document: str, number: int, speaker: str) -> TurnRow:
    """Make ``speaker`` the speaker of turn ``number`` (1-based) of ``document``."""
    label = check_speaker(speaker)
    doc = lookups.find_document(session, document)
    turns = turns_of(session, doc)
    turn = _turn(doc, turns, number)
    if turn.speaker == label:
        raise NothingToDo(
            _("turn {number} of {document} is already {speaker}").format(
                number=number, document=doc.name, speaker=repr(label)
            )
        )
    turn.speaker = label
    session.add(turn)
    session.flush()
    return _row(number, turn, doc.text, _line_starts(doc.text))


@dataclass(frozen=True)
class Renamed:
    """What renaming a speaker did."""

    old: str
    """The label as it was stored."""
    new: str
    turns: int
    """How many turns now have the new label."""
    documents: tuple[str, ...]
    """The documents whose turns changed, by name."""

    def to_dict(self) -> dict[str, object]:
        """The ``speaker rename --json`` object."""
        return {
            "old": self.old,
            "new": self.new,
            "turns": self.turns,
            "documents": list(self.documents),
        }


def rename_speaker(session: Session, old: str, new: str, *, document: str | None = None) -> Renamed:
    """Give every turn with the label ``old`` the label ``new``: in ``document``, or with
    ``document`` None in every document of the project. ``old`` is matched exactly, else in
    any letter case (as ``speaker:`` queries match) when that finds one label."""
    label = check_speaker(new)
    query = select(Turn, Document.name).join(Document, col(Document.id) == Turn.document_id)
    where = _("the project")
    if document is not None:
        doc = lookups.find_document(session, document)
        query = query.where(Turn.document_id == doc.id)
        where = doc.name
    labels_query = select(Turn.speaker).distinct().where(col(Turn.speaker).is_not(None))
    if document is not None:
        labels_query = labels_query.where(Turn.document_id == doc.id)
    labels = sorted(str(s) for s in session.exec(labels_query) if s is not None)
    stored = old if old in labels else None
    if stored is None:
        same = [s for s in labels if s.lower() == old.strip().lower()]
        if len(same) == 1:
            stored = same[0]
    if stored is None:
        raise NotFound(
            _("no speaker called {speaker} in {where}").format(speaker=repr(old), where=where)
            + did_you_mean(old, labels)
        )
    if stored == label:
        raise NothingToDo(_("the speaker is already called {speaker}").format(speaker=repr(label)))
    rows = session.exec(
        query.where(Turn.speaker == stored).order_by(col(Document.name), col(Turn.start))
    ).all()
    documents: dict[str, None] = {}
    for turn, name in rows:
        turn.speaker = label
        session.add(turn)
        documents[name] = None
    session.flush()
    return Renamed(stored, label, len(rows), tuple(documents))


def _speech(text: str, start: int, end: int) -> bool:
    return bool(text[start:end].strip())


def split_turn(
    session: Session,
    document: str,
    offset: int | None,
    *,
    line: int | None = None,
    speaker: str | None = None,
) -> tuple[TurnRow, TurnRow]:
    """Split the turn of ``document`` that holds ``offset`` (or the start of ``line``,
    1-based, when ``offset`` is None): a new turn starts there (at the first character that
    is not white space), with ``speaker``, or the split turn's speaker.

    The offset must lie in a turn's speech, not in its label, and leave speech on both sides.
    The new turn has no label of its own (its speech starts where it starts); the turn before
    it ends at the last character before the offset that is not white space. Returns the two
    turns."""
    label = check_speaker(speaker) if speaker is not None else None
    doc = lookups.find_document(session, document)
    text = doc.text
    if offset is None:
        starts = _line_starts(text)
        if line is None or not 1 <= line <= len(starts):
            raise InvalidValue(
                _("{document} has lines 1 to {last}; there is no line {line}").format(
                    document=doc.name, last=len(starts), line=line
                )
            )
        offset = starts[line - 1]
    if not 0 <= offset <= len(text):
        raise InvalidValue(
            _("{document}: offset {offset} is outside the text (0 to {last})").format(
                document=doc.name, offset=offset, last=len(text)
            )
        )
    turns = turns_of(session, doc)
    index = next((i for i, t in enumerate(turns) if t.start <= offset < t.end), None)
    if index is None:
        raise InvalidValue(
            _("{document}: offset {offset} is not inside a speaker turn").format(
                document=doc.name, offset=offset
            )
        )
    turn = turns[index]
    number = index + 1
    if offset <= turn.text_start:
        message = (
            _(
                "{document}: offset {offset} is at the start of turn {number}; split inside"
                " its speech (from offset {first})"
            )
            if offset == turn.start
            else _(
                "{document}: offset {offset} is in the speaker label of turn {number}; split"
                " inside its speech (from offset {first})"
            )
        )
        raise InvalidValue(
            message.format(
                document=doc.name, offset=offset, number=number, first=turn.text_start + 1
            )
        )
    first_end = len(text[turn.text_start : offset].rstrip()) + turn.text_start
    second_start = offset + (len(text[offset : turn.end]) - len(text[offset : turn.end].lstrip()))
    if not _speech(text, turn.text_start, first_end) or not _speech(text, second_start, turn.end):
        raise InvalidValue(
            _("{document}: offset {offset} leaves no speech on one side of turn {number}").format(
                document=doc.name, offset=offset, number=number
            )
        )
    new = Turn(
        document_id=turn.document_id,
        position=turn.position + 1,
        start=second_start,
        end=turn.end,
        text_start=second_start,
        speaker=label if label is not None else turn.speaker,
    )
    turn.end = first_end
    session.add(turn)
    session.add(new)
    turns.insert(index + 1, new)
    _renumber(turns)
    session.flush()
    starts = _line_starts(text)
    return _row(number, turn, text, starts), _row(number + 1, new, text, starts)


def join_turn(session: Session, document: str, number: int) -> TurnRow:
    """Join turn ``number`` (1-based) of ``document`` to the turn before it: that turn now
    runs to its end and keeps its own speaker. Returns the joined turn."""
    doc = lookups.find_document(session, document)
    turns = turns_of(session, doc)
    turn = _turn(doc, turns, number)
    if number == 1:
        raise InvalidValue(
            _("turn 1 of {document} is the first; there is no turn to join it to").format(
                document=doc.name
            )
        )
    previous = turns[number - 2]
    previous.end = max(previous.end, turn.end)
    session.add(previous)
    session.delete(turn)
    del turns[number - 1]
    _renumber(turns)
    session.flush()
    return _row(number - 1, previous, doc.text, _line_starts(doc.text))
