"""Speaker turns from transcript text, in the styles real transcripts use.

Styles handled (all found in real research transcripts):

- inline labels: ``Interviewer: text`` / ``Interviewee: text``, ``I: text`` / ``R: text``,
  with a space or a TAB after the colon; continuation paragraphs belong to the turn above;
- a label alone on its line, the turn's text on the following lines;
- a ``Key:`` header that explains the labels (``I:<TAB>Interviewer``), which is not a turn;
- only the interviewer labelled: each run of unlabelled lines is one turn of the other
  speaker;
- no labels at all: who speaks each paragraph is guessed from its cues (a question mark,
  a tape counter, question and answer words, length...; see "guessed turns" below), after a
  header block that belongs to no turn; the one who asks is "Speaker 1" in every document;
- labels only in a header (``Interviewer: P. Lowe``) over an unlabelled transcript: guessed;
- timestamps around a label (``[00:01:02] Anna:``, ``Anna (00:01):``).

Headings (``Part 2``, ``Participant 39 - Part 2 – Female, 22``, a repeated title line) and
transcriber's notes (a line wholly in brackets, or ``Interruption``, ``Recording paused``,
``(End of recording)``) end a turn and belong to none.
Back-channel cues inside a line (``[Interviewee: yeah]``) are part of the turn they are in.
A turn covers its label and its speech (``start``..``end``); ``text_start`` is where the
speech begins.
"""

from __future__ import annotations

import math
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


@dataclass(frozen=True)
class FoundTurns:
    """The turns of a transcript and how they were found (no transcript text in it)."""

    turns: list[ParsedTurn]
    method: str
    """``"labels"`` (the transcript's own speaker labels), ``"guessed"`` (no labels: who
    speaks was guessed paragraph by paragraph) or ``"none"`` (no text to speak)."""
    sure: float | None = None
    """For guessed turns: the expected share of paragraphs given the right speaker (0-1),
    the mean of each paragraph's probability under the guessing model."""
    paragraphs: int = 0
    """For guessed turns: how many paragraphs were given a speaker."""
    uncertain: int = 0
    """For guessed turns: paragraphs whose speaker is less than 80 % likely."""


def parse_turns(text: str, paragraph_mode: str = "lines") -> list[ParsedTurn]:
    """Find the speaker turns of a transcript (see the module docstring for the styles)."""
    return find_turns(text, paragraph_mode).turns


def find_turns(text: str, paragraph_mode: str = "lines") -> FoundTurns:
    """Find the speaker turns and say how: from the labels, or guessed when there are none.

    ``paragraph_mode`` is the import's (``lines`` or ``blank-lines``): without labels each
    such paragraph is given to one speaker.
    """
    lines = _lines(text)
    skip = _key_lines(lines)
    labelled = _header_labels_dropped(lines, _find_labels(lines, skip))
    speakers = {item.label for item in labelled if item is not None}
    if len(speakers) >= 2:
        return FoundTurns(_labelled_turns(lines, labelled, skip), "labels")
    if len(speakers) == 1:
        return FoundTurns(_one_speaker_labelled(lines, labelled, skip, speakers.pop()), "labels")
    return _guessed(lines, skip, blocks=paragraph_mode == "blank-lines")


def _header_labels_dropped(
    lines: list[_Line], labelled: list[_Labelled | None]
) -> list[_Labelled | None]:
    """Labels only in the opening lines (``Interviewer: P. Lowe`` over an unlabelled
    transcript) are fields of a header, not speakers: each used once, at most three, among
    the first ten lines, naming someone (a few words, no question), with ten or more lines
    without labels after them."""
    found = [item for item in labelled if item is not None]
    if not found or len(found) > 3 or len({item.label for item in found}) != len(found):
        return labelled
    non_blank = [index for index, line in enumerate(lines) if not line.blank]
    opening = set(non_blank[:10])
    for item in found:
        line = lines[item.line]
        value = line.text[item.text_start - line.start :].strip()
        if item.line not in opening or len(value.split()) > 6 or "?" in value:
            return labelled
    last = max(item.line for item in found)
    if sum(1 for index in non_blank if index > last) < 10:
        return labelled
    return [None] * len(labelled)


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


# --------------------------------------------------------------------------- guessed turns
#
# Without labels, who speaks is decided per paragraph from the cues transcripts give, with a
# two-state hidden Markov model: the interviewer (who asks) and the narrator (who answers).
# A paragraph's cues: a question mark at its end, a question or prompt word at its start
# ("What", "Tell me", "Vertelt u"), an answer word ("Yes", "Well", "Nee"), a tape counter or
# timestamp at its start (when the transcript has them), and its length. Turns mostly
# alternate, and an answer runs over several paragraphs more often than a question does.
# Each paragraph gets its most probable speaker given all the cues of the transcript
# (forward-backward); the interviewer is always "Speaker 1", the narrator "Speaker 2".

#: The labels given to guessed speakers: the one who asks is "Speaker 1" in every document.
ASKER, ANSWERER = "Speaker 1", "Speaker 2"

#: A tape counter or timestamp opening a paragraph: ``1.14<TAB>``, ``12:05 ``, ``[00:12:31]``.
_COUNTER = re.compile(
    r"^[^\S\n]*(?:[\[(]\d{1,2}(?:[:.]\d{2}){1,2}(?:[.,]\d+)?[\])]"
    r"|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)(?:[^\S\n]+|$)"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: First words of questions and prompts (English and Dutch), after "and", "so"...
_ASKING = {
    "what", "why", "how", "when", "where", "who", "whom", "whose", "which", "did", "do",
    "does", "was", "were", "is", "are", "can", "could", "would", "will", "have", "has", "had",
    "shall", "should", "tell", "describe", "let's", "lets",
    "wat", "waarom", "hoe", "wanneer", "waar", "wie", "welke", "welk", "kunt", "kun", "kan",
    "kon", "zou", "zoudt", "wilt", "wil", "heeft", "hebt", "heb", "waren", "zijn",
    "bent", "ben", "gaat", "ging", "vertel", "vertelt", "zullen", "laten", "mist", "weet",
    "kent", "woont", "vindt", "vond", "denkt",
}  # fmt: skip
#: First words of answers.
_ANSWERING = {
    "yes", "yeah", "yep", "yup", "no", "nope", "nah", "mm", "mhm", "hmm", "oh", "aye", "well",
    "ja", "jawel", "jazeker", "nee", "neen", "nou", "tja", "och", "ach",
}  # fmt: skip
_YOU = {"you", "your", "yours", "yourself", "you're", "you've", "you'd", "u", "uw", "jij", "jouw"}
_ME = {
    "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll", "ik", "mij", "mijn", "m'n",
}  # fmt: skip
_REFLECTION = re.compile(
    r"\b(?:(?:it )?sounds? like|you (?:mentioned|said|were saying|told me|talked about)"
    r"|what you(?:'re| are) saying|u (?:zei|noemde|vertelde)|je (?:zei|noemde|vertelde)"
    r"|als ik (?:u|je) goed begrijp)\b",
    re.I,
)
#: "You" that is not addressed to anyone: "you know", "you see", "weet je".
_FILLER = re.compile(r"\b(?:you know|you see|mind you|weet je|weet u|snap je|zie je)\b", re.I)
_LEAD_INS = {"and", "so", "but", "now", "ok", "okay", "right", "en", "dus", "maar", "nu", "oké"}
_ENDS_WITH_QUESTION = re.compile(r"\?[\"'”’)\]]*\s*$")
_TAG_QUESTION = re.compile(
    r"(?:,|\b(?:\w+n[’']t (?:it|he|she|they|we|you|there|i)|(?:don[’']t )?you think|you know"
    r"|right|eh|hè|he|toch|niet(?:waar)?|weet je|weet u|snap je|snapt u(?: wel)?))\s*\?"
    r"[\"'”’)\]]*\s*$",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_CLOSED = re.compile(r"[.!…][\"'”’)\]]*\s*$")
_FIELD = re.compile(r"^[^\W\d_][\w .'’/-]{0,30}:[^\S\n]*\S")
_SPOKEN_START = re.compile(
    r"^(?:this is|i|i'm|we|my|you|hello|good (?:morning|afternoon|evening)"
    r"|ik|wij|mijn|u|dit is|goedemorgen|goedemiddag)\b",
    re.I,
)

# The model's states: the interviewer, the first paragraph of an answer, a further paragraph
# of the same answer (rarely short, rarely "Yes" or a counter). Rates are per state: rough
# rates in interview transcripts, not fitted to any test file.
#: P(cue | state) for (how the paragraph ends, whether a question word starts it). It ends
#: with a question ("q"), with a question after a longer statement or a tag question
#: ("tag": "..., hasn't it?", "Gek, hè?"; answers end so too), has a question only inside
#: ("inside": "Which one? We had two..."), or none (""; with a question word: a prompt).
_QUESTION_CUES = {
    ("q", True): (0.33, 0.015, 0.015),
    ("q", False): (0.27, 0.03, 0.03),
    ("tag", True): (0.02, 0.01, 0.01),
    ("tag", False): (0.05, 0.05, 0.05),
    ("inside", True): (0.01, 0.01, 0.01),
    ("inside", False): (0.03, 0.05, 0.05),
    ("", True): (0.10, 0.04, 0.04),
    ("", False): (0.19, 0.805, 0.805),
}
_ANSWER_WORD = (0.04, 0.25, 0.10)
#: Who the paragraph talks about: more "you" than "I" words, more "I" than "you", neither.
_PERSON = {
    "you": (0.50, 0.15, 0.15),
    "i": (0.12, 0.50, 0.50),
    "": (0.38, 0.35, 0.35),
}
#: An interviewer reflecting: "it sounds like", "you mentioned", "what you're saying".
_REFLECTING = (0.12, 0.01, 0.01)
_COUNTER_RATE = (0.50, 0.06, 0.03)
#: Words in a paragraph: upper bounds of the classes and the rates per state; the
#: interviewer's by whether the paragraph is shaped as a question (then rarely very short)
#: or not (mostly a short reaction: "Take your time.").
_LENGTHS = (
    (3, (0.05, 0.25), 0.15, 0.01),
    (10, (0.40, 0.40), 0.14, 0.04),
    (25, (0.38, 0.17), 0.19, 0.15),
    (60, (0.14, 0.12), 0.22, 0.35),
    (150, (0.025, 0.05), 0.22, 0.33),
    (10**9, (0.005, 0.01), 0.08, 0.12),
)
#: P(next state | state): questions are answered; an answer goes on for a paragraph or more
#: about a third of the time; an interviewer speaks twice in a row now and then.
_NEXT = (
    (0.15, 0.85, 0.0),
    (0.65, 0.0, 0.35),
    (0.70, 0.0, 0.30),
)
_FIRST = (0.8, 0.2, 0.0)
_UNCERTAIN = 0.8
_MAX_HEADER = 12


@dataclass(frozen=True)
class _Unit:
    """A paragraph: a line, or a block of lines between blank lines."""

    start: int  # its first non-space character
    end: int
    text: str
    lines: tuple[str, ...]
    note: bool  # a heading or transcriber's note: no one's turn


def _units(lines: list[_Line], skip: set[int], *, blocks: bool) -> list[_Unit]:
    units: list[_Unit] = []
    block: list[_Line] = []

    def close() -> None:
        if block:
            text = "\n".join(line.text for line in block)
            lines_text = tuple(line.text.strip() for line in block)
            units.append(_Unit(block[0].first, block[-1].end, text, lines_text, note=False))
            block.clear()

    for index, line in enumerate(lines):
        if line.blank or index in skip:
            close()
        elif _is_heading(line):
            close()
            units.append(_Unit(line.first, line.end, line.text, (line.text.strip(),), True))
        else:
            block.append(line)
            if not blocks:
                close()
    close()
    return units


def _first_word(text: str) -> str:
    """The first word after a counter and a lead-in ("And what...": "what"), lower case."""
    counter = _COUNTER.match(text)
    words: list[str] = _WORD.findall(text[counter.end() :] if counter else text)[:3]
    for word in words:
        folded = word.casefold().replace("’", "'")
        if folded not in _LEAD_INS:
            return folded
    return ""


def _header_line(text: str) -> bool:
    """A line of a header block: a title, a ``Field: value``, a date or place line."""
    words = text.split()
    if not words or len(words) > 16 or "?" in text or _COUNTER.match(text):
        return False
    if _first_word(text) in _ASKING or _SPOKEN_START.match(text):
        return False
    if _FIELD.match(text) or not _CLOSED.search(text):
        return True
    return any(character.isdigit() for character in text)


def _header_length(units: list[_Unit]) -> int:
    """How many units at the start are a header block (belonging to no turn)."""
    count = 0
    for unit in units[:_MAX_HEADER]:
        if not (unit.note or all(_header_line(line) for line in unit.lines)):
            break
        count += 1
    return count if count < len(units) else 0


def _question_shape(text: str) -> str:
    """How a paragraph ends: "q" a question, "tag" a tag question or a question after a
    longer statement (three sentences and more than 20 words), "inside" a question before
    the end, "" no question."""
    if not _ENDS_WITH_QUESTION.search(text):
        return "inside" if "?" in text else ""
    if _TAG_QUESTION.search(text):
        return "tag"
    long = len(_SENTENCE_BREAK.findall(text)) >= 2 and len(text.split()) > 20
    return "tag" if long else "q"


def _likelihoods(unit: _Unit, counters: bool) -> tuple[float, ...]:
    """P(the unit's cues | state) per state, naive Bayes over the cues."""
    text = unit.text.strip()
    first = _first_word(text)
    shape = _question_shape(text)
    asking = first in _ASKING
    rates: list[tuple[float, ...]] = [_QUESTION_CUES[shape, asking]]
    rates.append(_ANSWER_WORD if first in _ANSWERING else tuple(1 - r for r in _ANSWER_WORD))
    if counters:
        has = _COUNTER.match(text) is not None
        rates.append(_COUNTER_RATE if has else tuple(1 - r for r in _COUNTER_RATE))
    plain = _FILLER.sub(" ", text.replace("’", "'"))
    folded = [word.casefold() for word in _WORD.findall(plain)]
    you = sum(1 for word in folded if word in _YOU)
    me = sum(1 for word in folded if word in _ME)
    rates.append(_PERSON["you" if you > me else "i" if me > you else ""])
    reflecting = _REFLECTION.search(text.replace("’", "'")) is not None
    rates.append(_REFLECTING if reflecting else tuple(1 - r for r in _REFLECTING))
    words = len(text.split())
    question_like = shape == "q" or asking
    asker, first_answer, more_answer = next(
        (rates_i, a, m) for bound, rates_i, a, m in _LENGTHS if words <= bound
    )
    rates.append((asker[0] if question_like else asker[1], first_answer, more_answer))
    return tuple(math.prod(rate[state] for rate in rates) for state in range(len(_FIRST)))


def _normalised(values: list[float]) -> list[float]:
    total = sum(values)
    return [value / total for value in values]


def _posteriors(likelihoods: list[tuple[float, ...]]) -> list[list[float]]:
    """P(state of unit i | all the cues) per unit, by forward-backward."""
    states = range(len(_FIRST))
    forward: list[list[float]] = []
    for i, emitted in enumerate(likelihoods):
        if i == 0:
            prior = list(_FIRST)
        else:
            prior = [sum(forward[-1][s] * _NEXT[s][t] for s in states) for t in states]
        forward.append(_normalised([prior[t] * emitted[t] for t in states]))
    posteriors: list[list[float]] = [[]] * len(likelihoods)
    after = [1.0] * len(_FIRST)  # P(cues after unit i | state at i), scaled
    for i in range(len(likelihoods) - 1, -1, -1):
        posteriors[i] = _normalised([forward[i][t] * after[t] for t in states])
        ahead = [likelihoods[i][t] * after[t] for t in states]
        after = _normalised([sum(_NEXT[s][t] * ahead[t] for t in states) for s in states])
    return posteriors


def _guessed(lines: list[_Line], skip: set[int], *, blocks: bool) -> FoundTurns:
    units = _units(lines, skip, blocks=blocks)
    units = units[_header_length(units) :]
    spoken = [unit for unit in units if not unit.note]
    if not spoken:
        return FoundTurns([], "none")
    counters = sum(1 for unit in spoken if _COUNTER.match(unit.text)) >= 3
    posteriors = _posteriors([_likelihoods(unit, counters) for unit in spoken])
    speaker_of = {  # the interviewer is state 0; the answers are states 1 and 2
        unit.start: (ASKER if p[0] >= 0.5 else ANSWERER, max(p[0], 1 - p[0]))
        for unit, p in zip(spoken, posteriors, strict=True)
    }
    turns: list[ParsedTurn] = []
    current: _OpenTurn | None = None
    for unit in units:
        if unit.note:
            if current is not None:
                turns.append(
                    ParsedTurn(current.start, current.end, current.text_start, current.speaker)
                )
            current = None
            continue
        speaker = speaker_of[unit.start][0]
        if current is not None and current.speaker == speaker:
            current.end = unit.end
            continue
        if current is not None:
            turns.append(
                ParsedTurn(current.start, current.end, current.text_start, current.speaker)
            )
        counter = _COUNTER.match(unit.text) if counters else None
        text_start = unit.start + counter.end() if counter else unit.start
        current = _OpenTurn(unit.start, unit.end, min(text_start, unit.end), speaker)
    if current is not None:
        turns.append(ParsedTurn(current.start, current.end, current.text_start, current.speaker))
    sureness = [sure for _, sure in speaker_of.values()]
    return FoundTurns(
        turns,
        "guessed",
        sure=sum(sureness) / len(sureness),
        paragraphs=len(sureness),
        uncertain=sum(1 for sure in sureness if sure < _UNCERTAIN),
    )
