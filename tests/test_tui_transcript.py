"""The transcript repaints only what a change touched, and paints exactly what a fresh build
paints.

After a coding, :meth:`TranscriptArea.show_segments` works out again only the rows under coded
pieces that came or went, and adds the style of a new set of codes to the theme in place. Here
a long run of random changes (codes added and removed, spans moved, overlaps made, place-only
segments, a selection and search matches) is applied to one transcript, and after every change
its highlight map and its drawn rows are compared with a second transcript built from scratch
on the same segments.
"""

from __future__ import annotations

import random

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets.text_area import Selection

from workbench.services.reading import SegmentInfo, TurnSpan
from workbench.tui.widgets.transcript import TranscriptArea

COLORS = {
    "welcome": "#5dade2",
    "stigma": "#e6a23c",
    "lost place": "#c0392b",
    "routine": "#27ae60",
    "encounter": "#8e44ad",
}

LINES = [
    "Interviewer: So tell me about the café on the corner — is it still there?",
    "Respondent: Yes, “De Klup” they call it. Zoë, knows everyone by name.",
    "",
    "Interviewer: And the library?",
    "Respondent: Closed in 2019. We used to go every Tuesday; it was the one place where "
    "nobody asked why you were there, you could just sit, read the paper, have a coffee.",
    "Respondent: Now there’s only the supermarket — and that’s not the same, is it?",
    "Interviewer: Where do you meet people now?",
    "Respondent: The canal path, sometimes. The benches went when they rebuilt the quay.",
]


def build_text() -> tuple[str, tuple[TurnSpan, ...]]:
    """Three copies of the lines above, with a speaker turn per labelled line."""
    lines = LINES * 3
    text = "\n".join(lines)
    turns = []
    offset = 0
    for line in lines:
        label, colon, _rest = line.partition(": ")
        if colon:
            turns.append(TurnSpan(offset, offset + len(label) + 2, offset + len(line), label))
        offset += len(line) + 1
    return text, tuple(turns)


class _TwoTranscripts(App[None]):
    """One transcript changed step by step, and one built afresh after every step."""

    def compose(self) -> ComposeResult:
        yield TranscriptArea(id="changed")
        yield TranscriptArea(id="fresh")


def random_segment(rng: random.Random, ident: int, length: int) -> SegmentInfo:
    """A segment somewhere in the text: one to three codes, or only a place."""
    start = rng.randrange(length - 5)
    end = min(length, start + rng.randrange(1, 260))
    if rng.random() < 0.15:
        return SegmentInfo(ident, start, end, (), (), ("De Klup",))
    names = tuple(sorted(rng.sample(sorted(COLORS), rng.randint(1, 3))))
    return SegmentInfo(ident, start, end, names, tuple(COLORS[n] for n in names), ())


def in_order(segments: list[SegmentInfo]) -> tuple[SegmentInfo, ...]:
    """Segments in the order the project reads them (start, end, id)."""
    return tuple(sorted(segments, key=lambda s: (s.start, s.end, s.id)))


def change(rng: random.Random, segments: list[SegmentInfo], length: int, ident: int) -> None:
    """One random change, as coding, uncoding, undo or a moved span would make."""
    what = rng.random()
    if what < 0.45 or not segments:
        segments.append(random_segment(rng, ident, length))
    elif what < 0.65:
        segments.pop(rng.randrange(len(segments)))
    elif what < 0.85:
        i = rng.randrange(len(segments))
        old = segments[i]
        names = tuple(sorted(set(old.codes) ^ {rng.choice(sorted(COLORS))}))
        segments[i] = SegmentInfo(
            old.id, old.start, old.end, names, tuple(COLORS[n] for n in names), old.places
        )
    else:
        i = rng.randrange(len(segments))
        moved = random_segment(rng, segments[i].id, length)
        segments[i] = moved


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """A drawn row as (character, style) per cell."""
    return [(char, segment.style) for segment in strip for char in segment.text]


def painted(area: TranscriptArea) -> dict[int, list[tuple[int, int, str]]]:
    """The highlight map without empty rows."""
    return {row: list(entries) for row, entries in area._highlights.items() if entries}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_changed_segments_paint_as_a_fresh_build(seed: int) -> None:
    text, turns = build_text()
    rng = random.Random(seed)
    segments = [random_segment(rng, i, len(text)) for i in range(12)]
    matches = [(m, m + 6) for m in range(len(text)) if text.startswith("coffee", m)]
    app = _TwoTranscripts()
    async with app.run_test(size=(60, 200)) as pilot:
        changed = app.query_one("#changed", TranscriptArea)
        fresh = app.query_one("#fresh", TranscriptArea)
        changed.show_document(text, turns, in_order(segments))
        app.set_focus(None)  # the same cursor style in both
        await pilot.pause()
        for step in range(40):
            change(rng, segments, len(text), 100 + step)
            if step % 7 == 3:  # a selection (cut out of the backgrounds) and search matches
                start = rng.randrange(len(text) - 40)
                selection = Selection(changed.location_of(start), changed.location_of(start + 30))
                changed.selection = selection
            if step == 20:
                changed.show_matches(matches)
            changed.show_segments(in_order(segments))
            fresh.show_document(text, turns, in_order(segments))
            fresh.selection = changed.selection
            if changed.matches:
                fresh.show_matches(changed.matches)
            await pilot.pause()
            label = f"seed {seed}, step {step}"
            assert painted(changed) == painted(fresh), label
            styles = changed._theme.syntax_styles
            assert all(
                name in styles for entries in painted(changed).values() for *_, name in entries
            ), f"{label}: a highlight without a style in the theme Textual draws with"
            height = min(changed.size.height, changed.wrapped_document.height)
            assert height > 20
            for y in range(height):
                assert cells(changed._render_line(y)) == cells(fresh._render_line(y)), (
                    f"{label}: row {y}"
                )
            # What the screen shows: only the rows that changed were drawn again, the others
            # come from Textual's cache of drawn lines, and all must match the fresh build.
            region = Region(0, 0, changed.size.width, changed.size.height)
            drawn = [cells(strip) for strip in changed.render_lines(region)]
            assert drawn == [cells(strip) for strip in fresh.render_lines(region)], label


async def test_the_next_page_is_drawn_ahead_while_idle() -> None:
    """Once the app is idle, the paragraphs of the page below the one shown are in the
    paragraph cache, drawn as they will be shown."""
    text, turns = build_text()
    app = _TwoTranscripts()
    async with app.run_test(size=(60, 30)) as pilot:
        area = app.query_one("#changed", TranscriptArea)
        area.show_document(text * 3, turns, ())
        await pilot.pause()
        await pilot.pause()
        height = area.scrollable_content_region.height
        info = area.wrapped_document._offset_to_line_info
        below = {info[y][0] for y in range(height, 2 * height) if info[y] is not None}
        assert below and below <= area._sections.keys()
        for row in below:
            assert area._sections[row][1] == area.render_paragraph(row)
