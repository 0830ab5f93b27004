"""The transcript: a read-only ``TextArea`` that paints coded spans in their code colours.

Why a ``TextArea``: it gives keyboard and mouse selection, soft wrap, line numbers and
scrolling, and its ``selection`` is in (row, column) document coordinates that convert to
the code-point offsets the core stores (``document.get_index_from_location``).

**Textual internals relied on (Textual is pinned exactly in pyproject.toml):**

- ``TextArea._build_highlight_map`` is overridden to add our spans to ``_highlights``, the
  per-line map ``{row: [(start_byte, end_byte, name)]}`` that ``_render_line`` paints with
  ``theme.syntax_styles[name]``. Its columns are UTF-8 *byte* offsets within the line, not
  characters, so :func:`line_highlights` converts.
- ``_build_highlight_map`` no longer calls ``TextArea``'s own (which, with no language,
  only empties ``_highlights`` and ``_line_cache``): after a coding or a selection change
  only the cached lines of the rows that changed are dropped from ``_line_cache`` (its key
  holds the line's y third), so a focus change or a new border subtitle, which redraw every
  line, find the others drawn. The theme's ``syntax_styles`` dict is shared with the copy
  ``TextArea`` keeps (``dataclasses.replace``), so a style added to it shows at once.
- ``_render_line`` is overridden to draw a paragraph at a time (see below).
- ``_on_mouse_down`` and ``_on_mouse_move`` are overridden so that a mouse drag selects
  whole words (they read ``_selecting``, which Textual sets while the button is down).
- ``gutter_width`` is overridden to make room for the speaker margin left of the line
  numbers (each turn's speaker at the row it starts on); Textual's wrapping, scrolling and
  mouse maths all read it, and its own ``_render_line`` leaves the margin blank.

``test_tui.py`` renders lines with non-ASCII text and overlapping segments and compares the
painted characters with the stored offsets, so an upgrade that changes these internals fails
loudly there.

Highlights are painted after the selection, so a coded background would hide a selection
inside it; the map therefore leaves the selected characters out while a selection exists.

Segments with no code (only a place link or a memo) are painted in a neutral underlined
style; search matches are painted over everything else (except the selection).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.document._document import _utf8_encode
from textual.expand_tabs import expand_text_tabs_from_widths
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets._text_area import build_byte_to_codepoint_dict
from textual.widgets.text_area import Selection, TextAreaTheme

from workbench.services.reading import SegmentInfo, TurnSpan
from workbench.tui.themes import readable_on

#: The end of a highlight that runs to the end of its line (Textual writes None there).
LINE_END = 1 << 30

THEME_NAME = "workbench-transcript"
SPEAKER = "wb-speaker"
MATCH = "wb-match"
UNCODED = ""
"""The name that stands for "no code" in a piece: a segment with only places or memos."""
UNCODED_COLOR = "#8a8a8a"

# Characters that str.splitlines() breaks on besides "\n". The TextArea splits its text with
# splitlines(), so each is shown as one visible stand-in: offsets stay one to one.
_BREAKS = {0x0B: "␋", 0x0C: "␌", 0x0D: "␍", 0x1C: "␜", 0x1D: "␝", 0x1E: "␞", 0x85: "↵"}
_BREAKS |= {0x2028: "↵", 0x2029: "¶"}
_CONTROLS = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_DISPLAY = str.maketrans({**_CONTROLS, 0x7F: "␡", **_BREAKS})


def display_text(text: str) -> str:
    """The text as the transcript shows it: same length, same offsets, no stray line breaks."""
    return text.translate(_DISPLAY)


class Piece(NamedTuple):
    """A run of characters ``start``..``end`` that carries the same set of codes."""

    start: int
    end: int
    codes: frozenset[str]


def pieces(segments: Iterable[SegmentInfo], *, mask: tuple[int, int] | None = None) -> list[Piece]:
    """Cut the text at every segment boundary; each piece knows all the codes over it.

    Overlapping segments give pieces with two or more codes. A segment with no code but with
    places or memos counts as the code :data:`UNCODED` where no coded segment lies. ``mask``
    (the selection) is cut out, so that the selection stays visible.
    """
    events: dict[int, list[tuple[int, frozenset[str]]]] = {}
    uncoded = frozenset({UNCODED})
    for segment in segments:
        if segment.end <= segment.start:
            continue
        if segment.codes:
            names = frozenset(segment.codes)
        elif segment.places or segment.memos:
            names = uncoded
        else:
            continue
        events.setdefault(segment.start, []).append((+1, names))
        events.setdefault(segment.end, []).append((-1, names))
    if mask is not None and mask[0] < mask[1]:
        events.setdefault(mask[0], [])
        events.setdefault(mask[1], [])
    active: dict[str, int] = {}
    result: list[Piece] = []
    codes: frozenset[str] = frozenset()
    points = sorted(events)
    for here, following in zip(points, points[1:], strict=False):
        changes = events[here]
        if changes:
            for delta, names in changes:
                for name in names:
                    count = active.get(name, 0) + delta
                    if count:
                        active[name] = count
                    else:
                        del active[name]
            codes = frozenset(active)
            if len(codes) > 1 and UNCODED in codes:
                codes -= uncoded
        if not active:
            continue
        if mask is not None and mask[0] <= here and following <= mask[1]:
            continue
        result.append(Piece(here, following, codes))
    return result


def _piece_start(piece: Piece) -> int:
    return piece.start


def _between(spans: Sequence[tuple[int, int]], first: int, last: int) -> list[tuple[int, int]]:
    """The spans (sorted, not overlapping) that share a character with ``first``..``last``."""
    position = max(0, bisect_right(spans, (first, first)) - 1)
    found = []
    for start, end in spans[position:]:
        if start >= last:
            break
        if end > first:
            found.append((start, end))
    return found


WORD_JOINERS = frozenset("'’‘-_")
"""Characters that join two letters into one word ("everyone’s", "e-bike")."""


def inside_word(line: str, column: int) -> bool:
    """True when ``column`` (a place between two characters of ``line``) lies inside a word:
    between two letters or digits, or next to a joiner (:data:`WORD_JOINERS`) that has a
    letter or digit on both sides."""
    if not 0 < column < len(line):
        return False
    left, right = line[column - 1], line[column]
    if left.isalnum() and right.isalnum():
        return True
    if left.isalnum() and right in WORD_JOINERS:
        return column + 1 < len(line) and line[column + 1].isalnum()
    if left in WORD_JOINERS and right.isalnum():
        return column >= 2 and line[column - 2].isalnum()
    return False


def word_bounds(line: str, first: int, last: int) -> tuple[int, int]:
    """``first``..``last`` (columns of ``line``, first <= last) widened to whole words: a
    start inside a word goes back to the word's start, an end inside one on to its end."""
    while inside_word(line, first):
        first -= 1
    while inside_word(line, last):
        last += 1
    return first, last


class LineIndex:
    """Converts code-point offsets of a text to (row, column) and UTF-8 byte columns."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        """The lines of the text."""
        self.starts = [0]
        """The offset at which each line starts."""
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def location(self, offset: int) -> tuple[int, int]:
        """The (row, column) of ``offset``."""
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def offset(self, row: int, column: int) -> int:
        """The offset of (row, column)."""
        return self.starts[row] + column

    def byte_column(self, row: int, column: int) -> int:
        """The UTF-8 byte offset of ``column`` in line ``row``."""
        return len(self.lines[row][:column].encode("utf-8"))

    def spans(self, start: int, end: int) -> Iterable[tuple[int, int, int]]:
        """``start``..``end`` cut into (row, first column, end column) per line."""
        row, column = self.location(start)
        while start < end and row < len(self.lines):
            line_end = self.starts[row] + len(self.lines[row])
            stop = min(end, line_end)
            if stop > start:
                yield row, column, column + (stop - start)
            start = line_end + 1
            row += 1
            column = 0


def line_highlights(
    index: LineIndex, start: int, end: int, name: str
) -> Iterable[tuple[int, tuple[int, int, str]]]:
    """The entries of a TextArea highlight map (byte columns) that cover ``start``..``end``."""
    for row, first, last in index.spans(start, end):
        yield row, (index.byte_column(row, first), index.byte_column(row, last), name)


def blend(colors: Sequence[str], background: Color, factor: float = 0.6) -> Color:
    """The background for text carrying these code colours (their mean, over ``background``)."""
    parsed = [Color.parse(color) for color in colors] or [background]
    red = sum(c.r for c in parsed) // len(parsed)
    green = sum(c.g for c in parsed) // len(parsed)
    blue = sum(c.b for c in parsed) // len(parsed)
    return background.blend(Color(red, green, blue), factor)


PREFETCH_STEP = 8
"""Paragraphs drawn ahead per step while the app is idle."""

MARGIN_MAX = 14
"""The widest speaker label the margin shows (longer ones are cut with an ellipsis)."""


def written_label(index: LineIndex, turn: TurnSpan) -> str:
    """The speaker label as the transcript writes it at the start of ``turn`` ("" if none)."""
    if turn.text_start <= turn.start or not index.lines:
        return ""
    row, column = index.location(turn.start)
    end_row, end_column = index.location(turn.text_start)
    if end_row != row:
        return ""
    return index.lines[row][column:end_column].strip().rstrip(":").strip()


def margin_labels(index: LineIndex, turns: Sequence[TurnSpan]) -> tuple[dict[int, str], int]:
    """The speaker label to show in the margin of each row where a turn starts (the first
    turn on a row wins), and the margin's width (0 when no turn needs one).

    A turn whose speaker the transcript itself writes at its start ("Interviewer: …") needs
    no margin: the label is there, in bold. The margin shows the speakers that are not
    written: guessed for a transcript without labels, or named by the researcher."""
    labels: dict[int, str] = {}
    for turn in turns:
        if turn.speaker and index.lines:
            row = index.location(turn.start)[0]
            if row not in labels:
                if written_label(index, turn).casefold() == turn.speaker.casefold():
                    labels[row] = ""
                    continue
                label = turn.speaker
                if len(label) > MARGIN_MAX:
                    label = label[: MARGIN_MAX - 1] + "…"
                labels[row] = label
    labels = {row: label for row, label in labels.items() if label}
    width = max(map(len, labels.values()), default=0)
    return labels, width + 1 if width else 0


class TranscriptArea(TextArea):
    """A read-only transcript with 1-based line numbers, a speaker margin, bold speaker labels
    and coded spans."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        # Set before TextArea.__init__, which already builds the highlight map.
        self.segments: tuple[SegmentInfo, ...] = ()
        """The segments painted, in text order."""
        self.turns: tuple[TurnSpan, ...] = ()
        """The speaker turns (their labels are painted bold)."""
        self.margin: dict[int, str] = {}
        """The speaker label shown in the left margin, by the row its turn starts on."""
        self.margin_width = 0
        """The width of the speaker margin, left of the line numbers (0: none)."""
        self.code_colors: dict[str, str] = {}
        """The colour of every code painted, by name."""
        self.piece_names: dict[frozenset[str], str] = {}
        """The highlight name used for each set of codes."""
        self.piece_styles: dict[str, Style] = {}
        """The style of each highlight name (the registered theme's own dict)."""
        self._styles_key: tuple[Color, Color] | None = None
        self._changed_rows: set[int] = set()
        self._prefetching = False
        self.matches: tuple[tuple[int, int], ...] = ()
        """The search matches painted, (start, end) in text order."""
        self._index = LineIndex("")
        self._drag_origin: tuple[int, int] | None = None
        self._mask: tuple[int, int] | None = None
        self._base: dict[int, list[tuple[int, int, str]]] | None = None
        self._pieces: tuple[tuple[SegmentInfo, ...] | None, list[Piece]] = (None, [])
        self._painted: dict[int, tuple[tuple[int, int, str], ...]] = {}
        self._sections: dict[int, tuple[tuple[object, ...], list[Strip]]] = {}
        self._sections_key: tuple[object, ...] = ()
        self._sections_theme: TextAreaTheme | None = None
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_line_numbers=True,
            line_number_start=1,
            highlight_cursor_line=True,
            id=id,
            classes=classes,
        )
        self.match_cursor_bracket = False  # transcripts are not code

    # --- public API ------------------------------------------------------------------------

    def show_document(
        self, text: str, turns: Sequence[TurnSpan], segments: Sequence[SegmentInfo]
    ) -> None:
        """Load a document's text and paint its turns and segments."""
        self.turns = tuple(turns)
        self.segments = tuple(segments)
        self.matches = ()
        self._index = LineIndex(text)
        self.margin, self.margin_width = margin_labels(self._index, self.turns)
        self._mask = None
        self._base = None
        self._update_styles()
        self.load_text(display_text(text))

    def show_turns(self, turns: Sequence[TurnSpan]) -> None:
        """Show another set of speaker turns over the same text (after a speaker was set, a
        turn split or joined, or such a change undone): the margin and the bold labels."""
        turns = tuple(turns)
        if turns == self.turns:
            return
        width = self.gutter_width
        self.turns = turns
        self.margin, self.margin_width = margin_labels(self._index, turns)
        self._base = None
        self._sections.clear()
        self._build_highlight_map()
        if self.gutter_width != width:
            self._rewrap_and_refresh_virtual_size()
        self.refresh()

    @property
    def gutter_width(self) -> int:
        """Textual: the width of the gutter, the speaker margin and the line numbers (the
        margin only where line numbers are shown)."""
        numbers = super().gutter_width
        return numbers + self.margin_width if numbers else 0

    def show_segments(self, segments: Sequence[SegmentInfo]) -> None:
        """Paint another set of segments over the same text (after coding, undo, redo).

        Only the rows whose coded pieces changed are worked out again.
        """
        old_pieces = self.pieces()
        old_theme = self._theme
        self.segments = tuple(segments)
        self._update_styles()
        if self._base is not None and self._base_ready() and self._theme is old_theme:
            self._update_base(old_pieces)
            self._build_highlight_map(masked_only=True)
            self._refresh_rows(self._changed_rows)  # the other rows are drawn as they were
        else:
            self._build_highlight_map()
            self.refresh()

    def _screen_lines(self, row: int) -> range:
        """The screen lines (wrapped, in document coordinates) of a row of the text."""
        if row >= self.document.line_count:
            return range(0)
        wrapped = self.wrapped_document
        top = wrapped.location_to_offset((row, 0)).y
        return range(top, top + len(wrapped.get_offsets(row)) + 1)

    def _refresh_rows(self, rows: set[int]) -> None:
        """Redraw the screen lines of these rows of the text (each may wrap over several)."""
        for row in sorted(rows):
            lines = self._screen_lines(row)
            if lines:
                self.refresh_lines(lines.start, len(lines))

    def show_matches(self, matches: Sequence[tuple[int, int]]) -> None:
        """Paint the search matches (an empty sequence clears them)."""
        self.matches = tuple(matches)
        self._build_highlight_map()
        self.refresh()

    def select_span(self, start: int, end: int) -> None:
        """Select ``start``..``end`` (the cursor at its end) and scroll it into view."""
        first = self.location_of(start)
        self.move_cursor(first, center=True)
        self.selection = Selection(first, self.location_of(end))
        self.scroll_cursor_visible()

    def offset_of(self, location: tuple[int, int]) -> int:
        """The character offset of a (row, column) location."""
        return int(self.document.get_index_from_location(location))  # type: ignore[attr-defined]  # DocumentBase does not declare it; a read-only TextArea holds a Document

    def location_of(self, offset: int) -> tuple[int, int]:
        """The (row, column) location of a character offset."""
        return self._index.location(offset)

    @property
    def cursor_offset(self) -> int:
        """The character offset of the cursor."""
        return self.offset_of(self.selection.end)

    @property
    def selected_span(self) -> tuple[int, int] | None:
        """The selection as (start, end) character offsets, or None when nothing is selected."""
        start, end = sorted(self.selection)
        if start == end:
            return None
        return self.offset_of(start), self.offset_of(end)

    def pieces(self) -> list[Piece]:
        """The coded pieces of the segments shown (cut once per set of segments)."""
        if self._pieces[0] is not self.segments:
            self._pieces = (self.segments, pieces(self.segments))
        return self._pieces[1]

    def codes_at(self, offset: int) -> frozenset[str]:
        """The codes of the segments over the character at ``offset``."""
        return frozenset(
            name for segment in self.segments if segment.covers(offset) for name in segment.codes
        )

    # --- styles and the highlight map ------------------------------------------------------

    def on_mount(self) -> None:
        """Follow the app's theme: the coded backgrounds are blended over its surface."""
        self.app.theme_changed_signal.subscribe(self, self._on_app_theme)
        self._update_styles()

    def _on_app_theme(self, _theme: object) -> None:
        self._update_styles()
        self._build_highlight_map()
        self.refresh()

    def _background(self) -> Color:
        try:
            surface = self.app.current_theme.surface
        except Exception:  # not mounted yet
            surface = None
        return Color.parse(surface) if surface else Color.parse("#1e1e1e")

    def _match_color(self) -> Color:
        try:
            warning = self.app.current_theme.warning
        except Exception:  # not mounted yet
            warning = None
        return Color.parse(warning) if warning else Color.parse("#ffa62b")

    def _update_styles(self) -> None:
        """Register a theme whose syntax styles are the speaker label and each code set.

        After a coding the theme usually stays: a set of codes not seen before gets its style
        added to the registered theme in place (Textual looks styles up at render time), so
        the rows already drawn stay cached. The theme is registered anew only when a code's
        colour or the app's theme changed.
        """
        code_colors = {
            name: color
            for segment in self.segments
            for name, color in zip(segment.codes, segment.colors, strict=True)
        }
        background = self._background()
        match = self._match_color()
        sets = {p.codes for p in self.pieces()}
        same_colors = all(
            self.code_colors.get(name, color) == color for name, color in code_colors.items()
        )
        registered = self.theme == THEME_NAME and self._styles_key == (background, match)
        if registered and same_colors and self.piece_styles:
            missing = sets - self.piece_names.keys()
            if missing:
                self.code_colors.update(code_colors)
                for names in missing:
                    name, style = self._piece_style(names, background)
                    self.piece_names[names] = name
                    self.piece_styles[name] = style  # the registered theme's own dict
            return
        self.code_colors = code_colors
        piece_names: dict[frozenset[str], str] = {}
        styles: dict[str, Style] = {SPEAKER: Style(bold=True)}
        for names in sorted(sets, key=lambda names: (len(names), sorted(names))):
            name, style = self._piece_style(names, background)
            piece_names[names] = name
            styles[name] = style
        styles[MATCH] = Style(color=Color(0, 0, 0).rich_color, bgcolor=match.rich_color, bold=True)
        self.piece_names = piece_names
        self._styles_key = (background, match)
        if styles != self.piece_styles or self.theme != THEME_NAME:
            self.piece_styles = styles
            self.register_theme(TextAreaTheme(name=THEME_NAME, syntax_styles=styles))
            self.theme = THEME_NAME

    def _piece_style(self, names: frozenset[str], background: Color) -> tuple[str, Style]:
        """The highlight name and style of text carrying the codes ``names``."""
        # A stable name per set of codes, so that a row keeps its entries when other
        # segments change (the paragraph cache then keeps it too).
        name = "wb-codes:" + "\x1f".join(sorted(names))
        if names == {UNCODED}:
            bg = blend([UNCODED_COLOR], background, 0.3)
        else:
            bg = blend([self.code_colors[n] for n in sorted(names)], background)
        fg = readable_on(bg)
        style = Style(
            color=fg.rich_color,
            bgcolor=bg.rich_color,
            underline=len(names) > 1 or names == {UNCODED},
        )
        return name, style

    # --- a mouse drag selects whole words ---------------------------------------------------

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        """Textual internal: keep where a drag begins (Textual's own handler, which Textual
        calls after this one, puts the cursor there and starts selecting)."""
        self._drag_origin = self.get_target_document_location(event)

    async def _on_mouse_move(self, event: events.MouseMove) -> None:
        """Textual internal: while the button is down, select from where the drag began to
        the pointer, widened to whole words (a quote never starts "t someone"); Textual's
        own handler, which would select to the very character, is then skipped."""
        origin = self._drag_origin
        if not self._selecting or origin is None:
            return
        event.prevent_default()
        target = self.get_target_document_location(event)
        if target == origin:
            self.selection = Selection.cursor(origin)
            return
        top, bottom = sorted((origin, target))
        lines = self._index.lines
        if top[0] == bottom[0] and top[0] < len(lines):
            first, last = word_bounds(lines[top[0]], top[1], bottom[1])
            top, bottom = (top[0], first), (bottom[0], last)
        else:
            if top[0] < len(lines):
                top = (top[0], word_bounds(lines[top[0]], top[1], top[1])[0])
            if bottom[0] < len(lines):
                bottom = (bottom[0], word_bounds(lines[bottom[0]], bottom[1], bottom[1])[1])
        forward = target > origin
        self.selection = Selection(top, bottom) if forward else Selection(bottom, top)

    def watch_selection(self, old: Selection, new: Selection) -> None:
        """Keep the selected characters out of the coded backgrounds, so the selection shows."""
        span = self.selected_span
        mask = span if span is not None else None
        if mask != self._mask:
            self._mask = mask
            self._build_highlight_map(masked_only=True)

    def _base_highlights(
        self, rows: set[int] | None = None
    ) -> dict[int, list[tuple[int, int, str]]]:
        """Speaker labels, coded pieces and search matches per row, before the selection is cut
        out: computed again only when the text, the segments or the matches change. With
        ``rows``, only the entries of those rows (the others are left out of the result)."""
        index = self._index
        result: dict[int, list[tuple[int, int, str]]] = {}
        if rows is None:
            spans: list[tuple[int, int, str]] = [
                (turn.start, turn.text_start, SPEAKER)
                for turn in self.turns
                if turn.text_start > turn.start
            ]
            spans += [
                (piece.start, piece.end, name)
                for piece in self.pieces()
                if (name := self.piece_names.get(piece.codes)) is not None
            ]
            spans += [(start, end, MATCH) for start, end in self.matches]
        else:
            found: dict[tuple[int, int, str], None] = {}  # a piece over two rows comes once
            labels = [(t.start, t.text_start) for t in self.turns if t.text_start > t.start]
            for row in sorted(rows):
                first = index.starts[row]
                last = first + len(index.lines[row])
                speakers = ((a, b, SPEAKER) for a, b in _between(labels, first, last))
                found.update(dict.fromkeys(speakers))
                found.update(dict.fromkeys(self._pieces_between(first, last)))
                found.update(
                    dict.fromkeys((a, b, MATCH) for a, b in self.matches if a < last and b > first)
                )
            spans = list(found)
        for start, end, name in spans:
            for row, entry in line_highlights(index, start, end, name):
                if rows is None or row in rows:
                    result.setdefault(row, []).append(entry)
        if rows is not None:
            # Speakers, then pieces, then matches, each from left to right: a full build's order.
            order = {SPEAKER: 0, MATCH: 2}
            for entries in result.values():
                entries.sort(key=lambda entry: (order.get(entry[2], 1), entry[0]))
        return result

    def _pieces_between(self, first: int, last: int) -> list[tuple[int, int, str]]:
        cut = self.pieces()
        position = max(0, bisect_right(cut, first, key=_piece_start) - 1)
        found: list[tuple[int, int, str]] = []
        for piece in cut[position:]:
            if piece.start >= last:
                break
            name = self.piece_names.get(piece.codes)
            if name is not None and piece.end > first:
                found.append((piece.start, piece.end, name))
        return found

    def _update_base(self, old_pieces: list[Piece]) -> None:
        """Bring the cached rows up to date after the segments changed: only the rows under
        pieces that came or went are computed again."""
        assert self._base is not None
        changed = set(old_pieces).symmetric_difference(self.pieces())
        rows: set[int] = set()
        for piece in changed:
            rows.update(row for row, _first, _last in self._index.spans(piece.start, piece.end))
        if not rows:
            return
        fresh = self._base_highlights(rows)
        for row in rows:
            if row in fresh:
                self._base[row] = fresh[row]
            else:
                self._base.pop(row, None)

    def _base_ready(self) -> bool:
        index = self._index
        return bool(index.lines) and len(index.lines) == self.document.line_count

    def _build_highlight_map(self, *, masked_only: bool = False) -> None:
        """Textual internal (see the module docstring): add speaker labels, coded pieces and
        matches, with the selection cut out of the backgrounds.

        With ``masked_only`` (the selection moved, or :meth:`show_segments` brought the base
        up to date) the map is rebuilt from the cached base, and only the rows whose entries
        changed are dropped from the paragraph cache and from Textual's cache of drawn lines
        (which ``TextArea._build_highlight_map`` would empty: a focus change or a new border
        subtitle redraws every line, and those then come from the cache).
        """
        highlights = self._highlights
        highlights.clear()  # what TextArea._build_highlight_map does with no language set
        if not masked_only:
            self._line_cache.clear()
        index = self._index
        ready = self._base_ready()
        if not ready:  # text not loaded yet
            self._base = {}
        elif not masked_only or self._base is None:
            self._base = self._base_highlights()
        base = self._base or {}
        for row, entries in base.items():
            highlights[row] = list(entries)
        if ready and self._mask is not None:
            for row, first, last in index.spans(*self._mask):
                cut0, cut1 = index.byte_column(row, first), index.byte_column(row, last)
                kept: list[tuple[int, int | None, str]] = []
                for start, end_or_none, name in highlights.get(row, ()):
                    end = LINE_END if end_or_none is None else end_or_none
                    if name == SPEAKER or end <= cut0 or cut1 <= start:
                        kept.append((start, end, name))
                        continue
                    if start < cut0:
                        kept.append((start, cut0, name))
                    if cut1 < end:
                        kept.append((cut1, end, name))
                highlights[row] = kept
        painted = {
            row: tuple(
                (start, LINE_END if end is None else end, name) for start, end, name in entries
            )
            for row, entries in highlights.items()
            if entries
        }
        changed = {
            row
            for row in painted.keys() | self._painted.keys()
            if painted.get(row) != self._painted.get(row)
        }
        for row in changed:
            self._sections.pop(row, None)
        self._painted = painted
        self._changed_rows = changed
        if masked_only and changed:
            self._forget_drawn_rows(changed)

    def _forget_drawn_rows(self, rows: set[int]) -> None:
        """Textual internal: drop the screen lines of these rows of the text from
        ``TextArea._line_cache`` (keyed by the line's y, third in its key)."""
        lines: set[int] = set()
        for row in rows:
            lines.update(self._screen_lines(row))
        cache = self._line_cache
        for key in [key for key in cache.keys() if key[2] in lines]:
            cache.discard(key)

    # --- rendering a paragraph at a time ---------------------------------------------------

    def notify_style_update(self) -> None:
        """Textual internal: styles changed, so every cached paragraph goes too."""
        self._sections.clear()
        super().notify_style_update()

    def _rewrap_and_refresh_virtual_size(self) -> None:
        """Textual internal: the text was wrapped again, so every cached paragraph goes."""
        self._sections.clear()
        super()._rewrap_and_refresh_virtual_size()

    def _render_line(self, y: int) -> Strip:
        """Textual internal: a row of the transcript.

        ``TextArea._render_line`` styles and divides the whole paragraph for each of its
        wrapped rows (its source says "TODO cache"). Here all the rows of a paragraph are
        rendered together, following the same steps, and kept until its highlights, the
        selection or cursor on it, the width, the theme or the styles change.
        ``test_tui_coding`` checks that every row comes out as Textual draws it.
        """
        if not self.soft_wrap or self.suggestion or self._matching_bracket_location:
            return super()._render_line(y)
        try:
            info = self.wrapped_document._offset_to_line_info[y + self.scroll_offset.y]
        except IndexError:
            return super()._render_line(y)
        if info is None:
            return super()._render_line(y)
        line_index, section = info
        self._check_sections()
        state = self._paragraph_state(line_index)
        cached = self._sections.get(line_index)
        if cached is None or cached[0] != state:
            cached = (state, self.render_paragraph(line_index))
            self._sections[line_index] = cached
        strips = cached[1]
        if section >= len(strips):
            return super()._render_line(y)
        return strips[section]

    def _check_sections(self) -> None:
        """Empty the paragraph cache when what every paragraph depends on changed."""
        key = (
            self.scrollable_content_region.size.width,
            self.gutter_width,
            self.show_line_numbers,
            self.line_number_start,
            self.indent_width,
            self.highlight_cursor_line,
            self._has_cursor,
        )
        if key != self._sections_key or self._theme is not self._sections_theme:
            self._sections.clear()
            self._sections_key = key
            self._sections_theme = self._theme

    def render_lines(self, crop: Region) -> list[Strip]:
        """Textual: the rows shown; then, once the app is idle, the paragraphs of the pages
        above and below are drawn ahead into the paragraph cache (see :meth:`_prefetch`)."""
        lines = super().render_lines(crop)
        if not self._prefetching and self.soft_wrap:
            self._prefetching = True
            self.call_later(self._prefetch)
        return lines

    def _prefetch(self) -> None:
        """Draw ahead the paragraphs of the next and the previous page, a few at a time, so
        that paging finds them drawn (a reader spends seconds on a page; this takes
        milliseconds, in steps short enough not to hold up a key)."""
        self._prefetching = False
        if not self.is_mounted or not self.soft_wrap or self._theme is None:
            return
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        info = self.wrapped_document._offset_to_line_info
        wanted: dict[int, None] = {}
        for y in (*range(top + height, top + 2 * height), *range(max(0, top - height), top)):
            if 0 <= y < len(info) and info[y] is not None:
                wanted[info[y][0]] = None
        self._check_sections()
        drawn = 0
        for row in wanted:
            state = self._paragraph_state(row)
            cached = self._sections.get(row)
            if cached is None or cached[0] != state:
                self._sections[row] = (state, self.render_paragraph(row))
                drawn += 1
                if drawn >= PREFETCH_STEP:
                    self._prefetching = True
                    self.call_later(self._prefetch)
                    return

    def _paragraph_state(self, line_index: int) -> tuple[object, ...]:
        """What of the selection and the cursor shows on a line (None, None for most)."""
        selection = self.selection
        start, end = selection
        top, bottom = sorted(selection)
        selected = (
            (top, bottom, end[0]) if start != end and top[0] <= line_index <= bottom[0] else None
        )
        cursor = (end[1], self._draw_cursor) if end[0] == line_index else None
        return selected, cursor

    def render_paragraph(self, line_index: int) -> list[Strip]:
        """Every wrapped row of one line of the text, with the selection and the cursor: the
        steps of Textual's ``TextArea._render_line``, done once for all the rows."""
        theme = self._theme
        assert theme is not None
        base_style = theme.base_style if theme.base_style is not None else self.rich_style
        line = self.get_line(line_index)
        length = len(line)
        line.tab_size = self.indent_width
        line.set_length(length + 1)  # the space Textual keeps for the cursor
        start, end = self.selection
        cursor_row, cursor_column = end
        (top_row, top_column), (bottom_row, bottom_column) = sorted(self.selection)
        on_cursor = cursor_row == line_index
        highlight_cursor_line = self.highlight_cursor_line and self._has_cursor
        cursor_line_style = theme.cursor_line_style if highlight_cursor_line else None
        if self._has_cursor and cursor_line_style and on_cursor:
            line.stylize(cursor_line_style)
        if start != end and top_row <= line_index <= bottom_row:
            selection_style = theme.selection_style
            if selection_style:
                if length == 0 and not on_cursor:
                    line.plain = "▌"
                    line.stylize(Style(color=selection_style.bgcolor))
                elif line_index == top_row == bottom_row:
                    line.stylize(selection_style, start=top_column, end=bottom_column)
                elif line_index == top_row:
                    line.stylize(selection_style, start=top_column, end=length)
                elif line_index == bottom_row:
                    line.stylize(selection_style, end=bottom_column)
                else:
                    line.stylize(selection_style, end=length)
        entries = self._highlights.get(line_index)
        if entries:
            byte_to_codepoint = build_byte_to_codepoint_dict(_utf8_encode(line.plain))
            style_of = theme.syntax_styles.get
            for first, last, name in entries:
                style = style_of(name)
                if style is not None:
                    line.stylize(
                        style,
                        byte_to_codepoint.get(first, 0),
                        byte_to_codepoint.get(last) if last else None,
                    )
        if on_cursor and self._draw_cursor and theme.cursor_style:
            line.stylize(theme.cursor_style, cursor_column, cursor_column + 1)
        wrapped = self.wrapped_document
        offsets = wrapped.get_offsets(line_index)
        sections: list[Text] = []
        if offsets:
            tab_widths = wrapped.get_tab_widths(line_index)
            tabs_before = 0
            for part in line.divide(offsets):
                part.end = ""
                tabs = part.plain.count("\t")
                widths = tab_widths[tabs_before : tabs_before + tabs]
                tabs_before += tabs
                sections.append(expand_text_tabs_from_widths(part, widths))
        else:
            line.expand_tabs(self.indent_width)
            sections.append(line)
        gutter_width = self.gutter_width
        gutter_style = (
            theme.cursor_line_gutter_style
            if on_cursor and highlight_cursor_line
            else theme.gutter_style
        )
        line_style = (
            cursor_line_style if on_cursor and self.highlight_cursor_line else theme.base_style
        )
        target_width = self.scrollable_content_region.size.width - gutter_width
        console = self.app.console
        strips: list[Strip] = []
        numbers = self.show_line_numbers
        margin = self.margin_width
        speaker = self.margin.get(line_index) if margin else None
        for number, part in enumerate(sections):
            segments: list[Segment] = []
            if numbers:
                label = str(line_index + self.line_number_start) if number == 0 else ""
                if speaker is not None and number == 0:
                    bold = Style(bold=True)
                    style = gutter_style + bold if gutter_style is not None else bold
                    segments.append(Segment(f"{speaker:<{margin}}", style))
                    segments.append(
                        Segment(f"{label:>{gutter_width - margin - 2}}  ", gutter_style)
                    )
                else:
                    segments.append(Segment(f"{label:>{gutter_width - 2}}  ", gutter_style))
            segments.extend(part.render(console))
            width = part.cell_len
            if width < target_width:  # as Strip.extend_cell_length pads
                segments.append(Segment(" " * (target_width - width), line_style))
                width = target_width
            cells = width + (gutter_width if numbers else 0)
            strips.append(Strip(segments, cell_length=cells).apply_style(base_style))
        return strips
