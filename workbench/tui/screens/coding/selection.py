"""Targets of the coding screen's actions, and moving and selecting in the transcript.

Every action works on a *target*: the selection when there is one (the segment over exactly
that span, created by the core when there is none), else the segment under the cursor (the
user picks one when several overlap there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.content import Content

from workbench.i18n import N_, _
from workbench.services import reading
from workbench.tui.dialogs.common import Choice, FuzzyPicker, Picked, excerpt_of
from workbench.tui.screens.coding.base import CodingBase

TARGET_TEXTS: dict[str, tuple[str, str]] = {
    "code": (N_("Which segment to code?"), N_("Select the text to code first")),
    "link to a place": (
        N_("Which segment to link to a place?"),
        N_("Select the text to link to a place first"),
    ),
    "write a memo on": (
        N_("Which segment to write a memo on?"),
        N_("Select the text to write a memo on first"),
    ),
}
"""What is asked and said when an action needs a passage, by the action (``_target``'s verb)."""


@dataclass(frozen=True)
class Target:
    """What an action works on: a span, and the existing segment over exactly that span."""

    start: int
    end: int
    segment: reading.SegmentInfo | None
    """The segment, or None when the core is to create one over the span."""


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``..``end`` without the white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SelectionMixin(CodingBase):
    """The coding screen's targets, its segment moves and its sentence and turn selection."""

    # --- targets ---------------------------------------------------------------------------

    def _segments_here(self) -> list[reading.SegmentInfo]:
        """The segments the Here panel lists: touching the selection, or under the cursor."""
        transcript = self.transcript
        span = transcript.selected_span
        written = [s for s in self.segments if s.id > 0]  # not one still being written
        if span is not None:
            return [s for s in written if s.intersects(*span)]
        offset = transcript.cursor_offset
        return [s for s in written if s.covers(offset)]

    def _choose_segment(
        self, segments: Sequence[reading.SegmentInfo], verb: str, then: Callable[[Target], None]
    ) -> None:
        """Ask which of several overlapping segments is meant."""
        assert self.document is not None
        text = self.document.text
        by_key = {str(s.id): s for s in segments}
        choices = [
            Choice(
                key=str(s.id),
                name=f"#{s.id} “{excerpt_of(text[s.start : s.end], 30)}”",
                detail=", ".join(s.codes + tuple(f"⌖ {p}" for p in s.places)),
                help=self._lines(s.start, s.end),
            )
            for s in segments
        ]

        def picked(result: Picked | None) -> None:
            if result is not None:
                segment = by_key[result.key]
                then(Target(segment.start, segment.end, segment))

        asked = TARGET_TEXTS.get(verb, TARGET_TEXTS["code"])[0]
        title = Content.styled(_(asked), "bold")
        self.open_picker(FuzzyPicker(choices, title=title, noun="segment"), picked)

    def _target(self, verb: str, then: Callable[[Target], None]) -> None:
        """Call ``then`` with the selection or the segment under the cursor (asked for when
        several overlap there); warn when there is neither."""
        if self.document is None:
            return
        transcript = self.transcript
        span = transcript.selected_span
        if span is not None:
            exact = next(
                (s for s in self.segments if s.span == span and s.id > 0),
                None,
            )
            then(Target(span[0], span[1], exact))
            return
        here = self._segments_here()
        if not here:
            first = TARGET_TEXTS.get(verb, TARGET_TEXTS["code"])[1]
            self.notify(
                _(first)
                + " "
                + _(
                    "(shift+arrows, a mouse drag, “.” a sentence, “t” a turn) or put the "
                    "cursor on a segment."
                ),
                severity="warning",
            )
        elif len(here) == 1:
            then(Target(here[0].start, here[0].end, here[0]))
        else:
            self._choose_segment(here, verb, then)

    def _excerpt(self, target: Target) -> str:
        assert self.document is not None
        return self.document.text[target.start : target.end]

    # --- moving and selecting ----------------------------------------------------------------

    def _go_to(self, offset: int) -> None:
        transcript = self.transcript
        transcript.move_cursor(transcript.location_of(offset), center=True)
        transcript.focus()

    def action_next_segment(self) -> None:
        """Move the cursor to the start of the next segment."""
        here = self.transcript.cursor_offset
        starts = sorted({s.start for s in self.segments if s.start > here})
        if starts:
            self._go_to(starts[0])
        else:
            self.notify(_("No segment after the cursor."), severity="warning", timeout=2)

    def action_previous_segment(self) -> None:
        """Move the cursor to the start of the previous segment."""
        here = self.transcript.cursor_offset
        starts = sorted({s.start for s in self.segments if s.start < here})
        if starts:
            self._go_to(starts[-1])
        else:
            self.notify(_("No segment before the cursor."), severity="warning", timeout=2)

    def units(self, kind: str) -> list[tuple[int, int]]:
        """The sentences or the turns' speech (labels left out), white space trimmed."""
        if self.document is None:
            return []
        text = self.document.text
        if kind == "sentence":
            spans: Sequence[tuple[int, int]] = self.document.sentences
        else:
            spans = [(turn.text_start, turn.end) for turn in self.document.turns]
        found = [trimmed(text, start, end) for start, end in spans]
        return sorted(span for span in found if span[0] < span[1])

    def action_select_unit(self, kind: str) -> None:
        """Select the sentence or speaker turn at the cursor; when the selection already ends
        where one ends, add the next one to it."""
        units = self.units(kind)
        if not units:
            none = (
                _("This document has no sentences.")
                if kind == "sentence"
                else _("This document has no turns.")
            )
            self.notify(none, severity="warning", timeout=3)
            return
        transcript = self.transcript
        span = transcript.selected_span
        if span is not None and any(end == span[1] for _, end in units):
            following = [unit for unit in units if unit[0] >= span[1]]
            if following:
                transcript.select_span(span[0], following[0][1])
            else:
                after = (
                    _("No sentence after the selection.")
                    if kind == "sentence"
                    else _("No turn after the selection.")
                )
                self.notify(after, severity="warning", timeout=2)
            return
        offset = span[0] if span is not None else transcript.cursor_offset
        unit = next((u for u in units if u[0] <= offset < u[1]), None)
        unit = unit or next((u for u in units if u[0] >= offset), None)
        if unit is None:
            after = (
                _("No sentence after the cursor.")
                if kind == "sentence"
                else _("No turn after the cursor.")
            )
            self.notify(after, severity="warning", timeout=2)
            return
        transcript.select_span(*unit)
