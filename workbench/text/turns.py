"""Speaker turns from transcript text, in the styles real transcripts use.

Styles handled (all found in real research transcripts):

- inline labels: ``Interviewer: text`` / ``Interviewee: text``, ``I: text`` / ``R: text``,
  with a space or a TAB after the colon; continuation paragraphs belong to the turn above;
- a label alone on its line, the turn's text on the following lines;
- a ``Key:`` header that explains the labels (``I:<TAB>Interviewer``), which is not a turn;
- only the interviewer labelled: each run of unlabelled lines is one turn of the other
  speaker;
- no labels at all: speakers alternate paragraph by paragraph;
- timestamps around a label (``[00:01:02] Anna:``, ``Anna (00:01):``).

Headings (``Part 2``, ``Participant 39 - Part 2 – Female, 22``, a repeated title line) and
transcriber's notes (a line wholly in brackets, or ``Interruption``, ``Recording paused``,
``(End of recording)``) end a turn and belong to none.
Back-channel cues inside a line (``[Interviewee: yeah]``) are part of the turn they are in.
A turn covers its label and its speech (``start``..``end``); ``text_start`` is where the
speech begins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

#: Labels taken as speakers wherever they occur (compared case-insensitively).
KNOWN_LABELS = {
    "interviewer", "interviewee", "i", "r", "q", "a", "p", "respondent", "participant",
    "int", "iv", "ie", "resp", "moderator", "facilitator", "researcher", "speaker", "you",
    "interviewer 1", "interviewer 2", "interviewee 1", "interviewee 2",
}  # fmt: skip
_NUMBERED = re.compile(
    r"^(?:r|p|i|s|speaker|participant|respondent|interviewer|interviewee|resp|int)\s*\d{1,3}$",
    re.I,
)
#: Words that start header lines, never speakers.
NOT_LABELS = {
    "key", "note", "notes", "part", "box", "date", "time", "location", "duration", "title",
    "transcript", "transcriber", "interview", "subject", "topic", "question", "section",
    "recording", "file", "place", "age", "gender", "id", "nb", "ps", "edit", "comment",
}  # fmt: skip

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_LABEL_LINE = re.compile(
    rf"^[^\S\n]*(?:\[?{_TIME}\]?[ \t]+)?"
    r"(?P<label>[A-Za-z][A-Za-z0-9.'’\-]*(?: [A-Za-z0-9.'’\-]+){0,2}?)"
    rf"(?:[ \t]*[\[(]{_TIME}[\])])?"
    r"[ \t]*:(?P<gap>[ \t]*)(?P<rest>.*)$"
)
_HEADING = re.compile(r"^\s*(?:part|section|deel)\s+(?:\d+|one|two|three|i{1,3})\b", re.I)
_PART_INSIDE = re.compile(r"\b(?:part|deel)\s+(?:\d+|one|two|three)\b", re.I)
_TITLE = re.compile(
    r"^\s*(?:interview|participant|respondent)\b(?:\s+number)?\s*\(?\s*(?:participant\s+)?\d+",
    re.I,
)
_BRACKETED = re.compile(r"^\s*[\[(][^\[\]()]*[\])]\s*$")
_NOTE = re.compile(
    r"^[\[(]?\s*(?:end of (?:the )?(?:recording|interview)"
    r"|recording (?:paused|stopped|resumed|ends?)|interruption|interrupted|paused?|break"
    r"|inaudible|crosstalk|laugh(?:s|ter)?|silence)"
    r"\s*[.…]?\s*[\])]?$",
    re.I,
)
_KEY_HEADER = re.compile(r"^\s*(?:key|legend|sleutel)\s*:?\s*$", re.I)
_KEY_ENTRY = re.compile(
    r"^[^\S\n]*(?P<label>[A-Za-z][\w.]{0,12})[ \t]*(?::|=|-|–)[ \t]*"
    r"(?P<role>[A-Za-z][\w ]{0,30}?)\s*$"
)
_SENTENCE_END = re.compile(r"[.?!…:;\"”’)]\s*$")


@dataclass(frozen=True)
class ParsedTurn:
    """A speaker turn: offsets into the text; ``speaker`` None when it is unknown."""

    start: int
    end: int
    text_start: int
    speaker: str | None


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # end of the line's content, without trailing whitespace
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def first(self) -> int:
        """Offset of the line's first non-space character."""
        return self.start + len(self.text) - len(self.text.lstrip())


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in text.split("\n"):
        lines.append(_Line(offset, offset + len(raw.rstrip()), raw))
        offset += len(raw) + 1
    return lines


def _is_speaker_label(label: str, frequency: int) -> bool:
    folded = label.casefold()
    if folded.split()[0] in NOT_LABELS:
        return False
    if folded in KNOWN_LABELS or _NUMBERED.match(folded):
        return True
    # A name used as a label: capitalised words, used several times.
    return frequency >= 3 and all(word[:1].isupper() for word in label.split())


def _is_heading(line: _Line) -> bool:
    """A part heading, a title line repeated inside the transcript, or a transcriber's note."""
    text = line.text.strip()
    if not text or len(text.split()) > 14:
        return False
    if _HEADING.match(text) or _BRACKETED.match(text) or _NOTE.match(text):
        return True
    if text.endswith((".", "?", "!")):
        return False
    return bool(_PART_INSIDE.search(text) or _TITLE.match(text))


@dataclass
class _Labelled:
    line: int
    label: str
    text_start: int  # offset of the speech on the line; == line end when alone on the line


def _key_lines(lines: list[_Line]) -> set[int]:
    """Indexes of the lines of ``Key:`` blocks (each header and its label definitions)."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        if not _KEY_HEADER.match(line.text):
            continue
        found.add(index)
        cursor = index + 1
        while cursor < len(lines):
            current = lines[cursor]
            if current.blank:
                cursor += 1
                continue
            match = _KEY_ENTRY.match(current.text)
            if not match or len(match.group("role").split()) > 3:
                break
            found.add(cursor)
            cursor += 1
    return found


def _find_labels(lines: list[_Line], skip: set[int]) -> list[_Labelled | None]:
    candidates: list[tuple[str, re.Match[str]] | None] = []
    counts: Counter[str] = Counter()
    for index, line in enumerate(lines):
        match = None if index in skip or line.blank else _LABEL_LINE.match(line.text)
        if match is None:
            candidates.append(None)
            continue
        label = match.group("label").strip()
        candidates.append((label, match))
        counts[label.casefold()] += 1
    # Spell each label the way it is most often spelt ("interviewee" -> "Interviewee").
    spelling: dict[str, str] = {}
    spellings: Counter[str] = Counter(c[0] for c in candidates if c is not None)
    for label, _ in spellings.most_common():
        spelling.setdefault(label.casefold(), label)
    found: list[_Labelled | None] = []
    for index, candidate in enumerate(candidates):
        if candidate is None:
            found.append(None)
            continue
        label, match = candidate
        if not _is_speaker_label(label, counts[label.casefold()]):
            found.append(None)
            continue
        line = lines[index]
        rest_start = line.start + match.start("rest")
        text_start = rest_start if match.group("rest").strip() else line.end
        found.append(_Labelled(index, spelling[label.casefold()], text_start))
    return found


_COMPLEMENT = {
    "i": "R", "interviewer": "Interviewee", "q": "A", "int": "Resp",
    "r": "I", "interviewee": "Interviewer", "a": "Q", "respondent": "Interviewer",
}  # fmt: skip


def _title_lines(lines: list[_Line]) -> set[int]:
    """The first line when it reads as a title (short, no closing punctuation)."""
    for index, line in enumerate(lines):
        if line.blank:
            continue
        words = line.text.split()
        if len(words) <= 15 and not _SENTENCE_END.search(line.text):
            return {index}
        return set()
    return set()


def parse_turns(text: str) -> list[ParsedTurn]:
    """Find the speaker turns of a transcript (see the module docstring for the styles)."""
    lines = _lines(text)
    skip = _key_lines(lines)
    labelled = _find_labels(lines, skip)
    speakers = {item.label for item in labelled if item is not None}
    if len(speakers) >= 2:
        return _labelled_turns(lines, labelled, skip)
    if len(speakers) == 1:
        return _one_speaker_labelled(lines, labelled, skip, speakers.pop())
    return _alternating(lines, skip | _title_lines(lines))


@dataclass
class _OpenTurn:
    """A labelled turn still being read: its end and speech start grow line by line."""

    start: int
    end: int
    text_start: int
    speaker: str


def _labelled_turns(
    lines: list[_Line], labelled: list[_Labelled | None], skip: set[int]
) -> list[ParsedTurn]:
    turns: list[ParsedTurn] = []
    current: _OpenTurn | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            start, end, text_start = current.start, current.end, current.text_start
            turns.append(ParsedTurn(start, end, min(text_start, end), current.speaker))
            current = None

    for index, line in enumerate(lines):
        item = labelled[index]
        if index in skip:
            close()
        elif item is not None:
            close()
            current = _OpenTurn(line.first, line.end, item.text_start, item.label)
        elif _is_heading(line):
            close()
        elif not line.blank and current is not None:
            if current.text_start == current.end:  # label alone so far: the speech starts here
                current.text_start = line.first
            current.end = line.end
    close()
    return turns


def _one_speaker_labelled(
    lines: list[_Line], labelled: list[_Labelled | None], skip: set[int], label: str
) -> list[ParsedTurn]:
    other = _COMPLEMENT.get(label.casefold(), "Other")
    turns: list[ParsedTurn] = []
    block: list[_Line] = []
    seen_label = False

    def close_block() -> None:
        if block and seen_label:
            first = block[0].first
            turns.append(ParsedTurn(first, block[-1].end, first, other))
        block.clear()

    for index, line in enumerate(lines):
        item = labelled[index]
        if item is not None:
            close_block()
            seen_label = True
            turns.append(ParsedTurn(line.first, line.end, item.text_start, item.label))
        elif index in skip or _is_heading(line):
            close_block()
        elif not line.blank:
            block.append(line)
    close_block()
    return turns


def _alternating(lines: list[_Line], skip: set[int]) -> list[ParsedTurn]:
    turns: list[ParsedTurn] = []
    number = 0
    for index, line in enumerate(lines):
        if index in skip or line.blank:
            continue
        if _is_heading(line):
            number = 0
            continue
        speaker = "Speaker 1" if number % 2 == 0 else "Speaker 2"
        turns.append(ParsedTurn(line.first, line.end, line.first, speaker))
        number += 1
    return turns
