"""What every part of the coding screen shares: its state, the transcript, the picker shown
over the transcript, and the write path (a write queued in the app, painted ahead of it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events
from textual.timer import Timer

from workbench.i18n import _, counted
from workbench.services import reading
from workbench.tui.dialogs.common import FuzzyPicker, Picked
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.panels import HerePanel, lines_text
from workbench.tui.widgets.transcript import LineIndex, TranscriptArea

if TYPE_CHECKING:
    from workbench.tui.app import WriteJob

PENDING_COLOR = "#808080"
"""The colour of a code being created, painted before the write gives its own."""


class CodingBase(WorkbenchScreen):
    """The state of the coding screen and the tools its parts share (see
    :class:`~workbench.tui.screens.coding.screen.CodingScreen`)."""

    def __init__(self, document_name: str, *, select: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.document_name = document_name
        """The name of the document shown."""
        self.initial_span = select
        """A span to select once the document is shown (a fragment opened from a list)."""
        self.document: reading.DocumentText | None = None
        """The document once read."""
        self.segments: tuple[reading.SegmentInfo, ...] = ()
        """Its segments, in text order."""
        self.codes: tuple[reading.CodeRow, ...] = ()
        """The code tree, for the code picker."""
        self.places: tuple[reading.PlaceRow, ...] = ()
        """The places, for the place picker."""
        self.kinds: tuple[reading.PlaceKindRow, ...] = ()
        """The codebook's place kinds, for a new place."""
        self.index = LineIndex("")
        """Lines of the document text, to turn offsets into line numbers."""
        self.search_text = ""
        """The last text searched for."""
        self.matches: tuple[tuple[int, int], ...] = ()
        """Its matches, (start, end) in text order."""
        self.suggestions: list[reading.SuggestionInfo] = []
        """The suggestions still to decide on."""
        self.suggestion_index = 0
        """The one shown."""
        self.picker: FuzzyPicker | None = None
        """The picker open over the transcript, if any."""
        self._overview: reading.Overview | None = None
        self._side_timer: Timer | None = None
        self._segments_fresh = False
        self._gc_paused = False
        self._pending_id = 0

    @property
    def transcript(self) -> TranscriptArea:
        """The transcript widget."""
        return self.query_one(TranscriptArea)

    def _show_position(self) -> None:
        transcript = self.transcript
        if self.document is None:
            return
        offset = transcript.cursor_offset
        span = transcript.selected_span
        here = self.query_one(HerePanel)
        here.show_here(self.segments, self.index, offset=offset, selection=span)
        # The position and the count go in the small Here panel: a new border text on the
        # transcript would draw all of it again (on every cursor move and every coding).
        here.border_title = _("Here · {segments}").format(
            segments=counted(len(self.segments), "segment", "segments")
        )

    def _lines(self, start: int, end: int) -> str:
        first, _column = self.index.location(start)
        last, _column = self.index.location(max(start, end - 1))
        return lines_text(first + 1, last + 1)

    # --- the write path ----------------------------------------------------------------------

    def _write(self, job: WriteJob, *, after_paint: bool = False) -> None:
        """Queue ``job`` in the app's write queue (it runs in the write worker)."""
        self.workbench.submit_write(job, after_paint=after_paint)

    def _paint_pending(self, start: int, end: int, name: str) -> None:
        """Paint a coding with ``name`` over ``start``..``end`` while it is being written.

        The write's worker reads the segment back and replaces this; a write that fails
        makes the screen read its segments again (see ``WorkbenchApp``), which takes it away.
        A code not in the tree yet (one being created) is painted grey until then.
        """
        color = next((code.color for code in self.codes if code.name == name), PENDING_COLOR)
        same = next((s for s in self.segments if (s.start, s.end) == (start, end)), None)
        if same is not None:
            if name in same.codes:
                return
            segment = replace(same, codes=same.codes + (name,), colors=same.colors + (color,))
        else:
            self._pending_id -= 1
            segment = reading.SegmentInfo(self._pending_id, start, end, (name,), (color,), ())
        self.segments = reading.with_segment(self.segments, segment)
        self.transcript.show_segments(self.segments)
        self._show_position()

    # --- the picker over the transcript ------------------------------------------------------

    def open_picker(self, picker: FuzzyPicker, then: Callable[[Picked | None], None]) -> None:
        """Show ``picker`` over the transcript; ``then`` gets what was picked (None when it
        was cancelled).

        The picker is a widget of this screen, not a screen of its own: closing it repaints
        only the part of the transcript it covered (a dialog screen would repaint the whole
        screen twice and rebuild the footer), so a coding shows at once.
        """
        for closed in self.query(FuzzyPicker):  # hidden since they closed
            if closed is not self.picker:
                closed.remove()
        if self.picker is not None:
            self.picker.finish(None)

        transcript = self.transcript

        def done(result: Picked | None) -> None:
            if self.picker is picker:
                self.picker = None
            # Made invisible, not taken out of the layout: the other widgets keep their place
            # in the screen's map, so only what the picker covered is drawn again. It is
            # removed when the next picker opens.
            picker.visible = False
            if self.focused is not transcript:  # a click had put the focus in the picker
                transcript.focus()
            then(result)

        picker.on_done = done
        # The focus stays on the transcript and the keys are handed to the picker (see
        # on_key): a focus change would restyle the transcript and draw all of it again.
        picker.take_focus = False
        self.picker = picker
        self.mount(picker)

    def on_key(self, event: events.Key) -> None:
        """While a picker is open, the keys typed are the picker's."""
        picker = self.picker
        if picker is not None and self.focused is self.transcript and picker.take_key(event):
            event.stop()
            event.prevent_default()
