"""The units of a text that analysis counts in: paragraphs and the pieces sentences are found in.

Pure functions of the text and its turns, shared by the importers and the lemma index.
"""

from __future__ import annotations

from workbench.errors import InvalidValue
from workbench.i18n import _
from workbench.text.turns import ParsedTurn

PARAGRAPH_MODES = ("lines", "blank-lines")


def paragraph_spans(text: str, mode: str = "lines") -> list[tuple[int, int]]:
    """Paragraphs as ``(start, end)``: each non-empty line, or blocks between blank lines.

    Leading and trailing white space is not part of a paragraph.
    """
    if mode not in PARAGRAPH_MODES:
        known = ", ".join(PARAGRAPH_MODES)
        raise InvalidValue(
            _("unknown paragraph mode {mode}; use one of {known}").format(
                mode=repr(mode), known=known
            )
        )
    spans: list[tuple[int, int]] = []
    block: tuple[int, int] | None = None
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            end = offset + len(line.rstrip())
            if mode == "lines":
                spans.append((start, end))
            else:
                block = (block[0], end) if block else (start, end)
        elif block is not None:
            spans.append(block)
            block = None
        offset += len(line) + 1
    if block is not None:
        spans.append(block)
    return spans


def sentence_pieces(
    paragraphs: list[tuple[int, int]], turns: list[ParsedTurn], text: str
) -> list[tuple[int, str]]:
    """The pieces of text sentences are found in: paragraphs, without speaker labels."""
    labels = sorted((t.start, t.text_start) for t in turns if t.text_start > t.start)
    pieces: list[tuple[int, str]] = []
    index = 0
    for start, end in paragraphs:
        while index < len(labels) and labels[index][0] < start:
            index += 1
        piece_start = start
        # A turn whose label begins this paragraph: its speech starts after the label (a
        # label alone on its line leaves nothing of the line).
        if index < len(labels) and labels[index][0] < end:
            piece_start = min(max(labels[index][1], start), end)
        if piece_start < end:
            pieces.append((piece_start, text[piece_start:end]))
    return pieces
