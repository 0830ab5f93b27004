"""The coding screen: one transcript to read and code.

The screen is put together from parts, one module each: :mod:`.selection` (what an action
works on; moving and selecting), :mod:`.pickers` (code, place, memo, removal), :mod:`.search`
and :mod:`.suggestions`, over :mod:`.base` (the state, the picker over the transcript and the
write path). This module composes it, reads the document and shows it.

Every write is one transaction through the app's write queue; the write's own worker reads
the segments again (:func:`.writes.read_back`) and the screen repaints them without moving
the cursor, the selection or the scroll position.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane, TextArea
from textual.widgets.text_area import Selection
from textual.worker import Worker, get_current_worker

from workbench.i18n import _
from workbench.services import positions, reading
from workbench.services.project import Project
from workbench.tui.messages import (
    DocumentLoaded,
    OverviewLoaded,
    PlaceKindsLoaded,
    ProjectChanged,
    SegmentsLoaded,
    TurnsLoaded,
)
from workbench.tui.screens.coding.base import CodingBase
from workbench.tui.screens.coding.keys import CODING_BINDINGS
from workbench.tui.screens.coding.moving import MovingMixin
from workbench.tui.screens.coding.pickers import PickersMixin
from workbench.tui.screens.coding.search import SearchBar, SearchMixin
from workbench.tui.screens.coding.selection import SelectionMixin
from workbench.tui.screens.coding.speakers import SpeakersMixin
from workbench.tui.screens.coding.suggestions import SuggestionPanel, SuggestionsMixin
from workbench.tui.screens.coding.writes import read_back
from workbench.tui.widgets.footer import FittingFooter
from workbench.tui.widgets.panels import (
    CodeTree,
    HerePanel,
    PlacesTable,
    PlaceWords,
    shown_codes,
)
from workbench.tui.widgets.transcript import LineIndex, TranscriptArea

if TYPE_CHECKING:
    from workbench.tui.app import AfterWrite


class SteadyFooter(FittingFooter):
    """A footer that builds its keys again only when they changed.

    Textual's footer composes all its keys anew whenever the screen's bindings may have
    changed: at every focus change and every return from a dialog. Here the keys shown are
    compared first, which spares a layout pass on each of those.
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: tuple[tuple[str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Compose the keys again if the keys to show changed.

        Nothing is done while a dialog covers the screen, or while a picker is open over the
        transcript: the keys change only while it is open (its input takes the letter keys),
        and following them would build the footer twice for every coding. The picker lists
        its own keys.
        """
        if self.is_attached and self.app.screen is not screen:
            return
        if isinstance(screen, CodingBase) and screen.picker is not None:
            return
        shown = tuple(
            (key, active.binding.description, active.enabled)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)


class SideTabs(Vertical):
    """The code tree and the places, in tabs under the Here panel."""

    def __init__(self) -> None:
        super().__init__()
        self.styles.height = "1fr"

    def compose(self) -> ComposeResult:
        with TabbedContent(id="side-tabs"):
            with TabPane(_("Codes"), id="side-codes"):
                side_tree = CodeTree(id="side-codes-tree")
                side_tree.guide_depth = 2  # a narrow side bar: names before indentation
                yield side_tree
            with TabPane(_("Places"), id="side-places"):
                yield PlacesTable(id="side-places-table")


class CodingScreen(
    PickersMixin,
    SpeakersMixin,
    MovingMixin,
    SelectionMixin,
    SearchMixin,
    SuggestionsMixin,
    CodingBase,
):
    """One transcript to read and code, with the codes and places of what is under the cursor."""

    AUTO_FOCUS = "#transcript"

    BINDINGS = CODING_BINDINGS

    def compose(self) -> ComposeResult:
        with Horizontal(id="coding-body"):
            yield TranscriptArea(id="transcript")
            with Vertical(id="sidebar"):
                yield HerePanel(id="here")
                # The code tree and the places follow once the transcript is painted.
        yield SearchBar(id="search-bar")
        yield SuggestionPanel(id="suggestions")
        yield SteadyFooter()

    def on_mount(self) -> None:
        transcript = self.query_one(TranscriptArea)
        transcript.border_title = self.document_name
        self.set_timer(0.25, self._show_loading)  # only when reading takes a while
        self.query_one(HerePanel).border_title = _("Here")
        self.query_one(SearchBar).display = False
        suggestions = self.query_one(SuggestionPanel)
        suggestions.display = False
        suggestions.border_title = _("Suggestions")
        self.workbench.pause_gc()  # until the text is painted (or cannot be read)
        self._gc_paused = True
        # The code tree, places and kinds once the text is shown; without a project yet, the
        # document once it is open (see on_project_changed).
        if self.project is not None:
            self.load_document(
                self.project, self.document_name, remembered=self.initial_span is None
            )

    def _show_loading(self) -> None:
        if self.document is None:
            self.transcript.loading = True

    async def _mount_side_tabs(self) -> None:
        """Add the code tree and the places under the Here panel (after the first paint)."""
        if self.query(SideTabs):
            return
        await self.query_one("#sidebar").mount(SideTabs())
        self._fill_side_tabs()

    @property
    def pending(self) -> bool:
        return self._side_timer is not None

    def _fill_side_tabs(self) -> None:
        self._side_timer = None
        if self._overview is not None and self.query(SideTabs):
            self.query_one(CodeTree).show_codes(self._overview.codes)
            words = PlaceWords.of(self._overview)
            self.query_one(PlacesTable).show_places(self._overview.places, words)

    # --- reading -------------------------------------------------------------------------

    def worker_failed(self, worker: Worker[None]) -> None:
        """A document that cannot be read cannot be shown: back to the list."""
        if worker.group == "document":
            self._resume_gc()
            self.dismiss(None)
        elif worker.group == "suggest":
            self.action_close_suggestions()

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def load_document(self, project: Project, name: str, *, remembered: bool) -> None:
        """Read the document, and where the reader left it (a thread worker; posts
        ``DocumentLoaded``)."""
        document = reading.document_text(project, name)
        position = positions.remembered(project, name) if remembered else None
        if not get_current_worker().is_cancelled:
            self.post_message(DocumentLoaded(document, position))

    @work(thread=True, exclusive=True, group="segments", exit_on_error=False)
    def load_segments(self, project: Project, document_id: int) -> None:
        """Read the segments again (a thread worker; posts ``SegmentsLoaded``)."""
        segments = reading.document_segments(project, document_id)
        if not get_current_worker().is_cancelled:
            self.post_message(SegmentsLoaded(document_id, segments))

    @work(thread=True, exclusive=True, group="turns", exit_on_error=False)
    def load_turns(self, project: Project, document_id: int) -> None:
        """Read the speaker turns again (a thread worker; posts ``TurnsLoaded``)."""
        turns = reading.document_turns(project, document_id)
        if not get_current_worker().is_cancelled:
            self.post_message(TurnsLoaded(document_id, turns))

    @work(thread=True, exclusive=True, group="kinds", exit_on_error=False)
    def load_kinds(self, project: Project) -> None:
        """Read the codebook's place kinds (a thread worker; posts ``PlaceKindsLoaded``)."""
        kinds = reading.place_kinds(project)
        if not get_current_worker().is_cancelled:
            self.post_message(PlaceKindsLoaded(kinds))

    def write_follow_up(self) -> AfterWrite | None:
        """Read the segments again right after a write queued from this screen, in the
        write's own worker (see ``WorkbenchApp.submit_write``), so the change is painted at
        once: only the segment written when the write names it, else all of them. The
        document is copied now: the worker does not read the screen."""
        if self.document is None:
            return None
        return partial(read_back, self.post_message, self.document.id)

    def report_change(self, summary: str) -> bool:
        """Show what the last write did, in the Here panel's lower border."""
        here = self.query_one(HerePanel)
        here.border_subtitle = "✓ " + summary
        return True

    def on_project_changed(self, message: ProjectChanged) -> None:
        project = self.project
        if project is None:
            return
        if self.document is None:
            self.load_document(project, self.document_name, remembered=self.initial_span is None)
        elif self._segments_fresh and not message.elsewhere:
            self._segments_fresh = False  # read with the write itself
        else:  # (a change made elsewhere is read, whatever the last write read)
            self._segments_fresh = False
            self.load_segments(project, self.document.id)
        if self.document is not None:  # an undo, a redo or another coder may move turns
            self.load_turns(project, self.document.id)
        self.load_overview(project)
        self.load_kinds(project)

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        document = message.document
        self.document = document
        self.segments = document.segments
        self.index = LineIndex(document.text)
        transcript = self.transcript
        transcript.show_document(document.text, document.turns, document.segments)
        transcript.loading = False
        transcript.focus()
        span, self.initial_span = self.initial_span, None
        if span is not None:  # a fragment opened from a list: there, not where it was left
            transcript.select_span(*span)
        self.restore_position(message.position, move=span is None)
        self._show_position()
        self.call_after_refresh(self._after_first_paint)

    async def _after_first_paint(self) -> None:
        project = self.project
        if project is not None:
            self.load_overview(project)
            self.load_kinds(project)
        await self._mount_side_tabs()
        self._resume_gc()

    def _resume_gc(self, *, freeze: bool = True) -> None:
        if self._gc_paused:
            self._gc_paused = False
            self.workbench.resume_gc(freeze=freeze)

    def on_unmount(self) -> None:
        self._resume_gc(freeze=False)  # closed before its text was shown
        self.remember_position()  # also when the app quits with the transcript open

    def on_segments_loaded(self, message: SegmentsLoaded) -> None:
        if self.document is None or message.document_id != self.document.id:
            return
        segments = message.segments
        if message.partial:
            segments = self.segments
            for segment in message.segments:
                # The segment painted while it was written (if any) gives way to the one read.
                kept = [s for s in segments if s.id > 0 or s.span != segment.span]
                segments = reading.with_segment(kept, segment)
        if message.after_write:
            self._segments_fresh = True  # the change that follows needs no reading
        self.segments = segments
        self.transcript.show_segments(segments)
        self._show_position()

    def on_turns_loaded(self, message: TurnsLoaded) -> None:
        if self.document is None or message.document_id != self.document.id:
            return
        if message.turns != self.document.turns:
            self.document = replace(self.document, turns=message.turns)
            self.transcript.show_turns(message.turns)

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        self.codes = shown_codes(message.overview)
        self.places = message.overview.places
        first = self._overview is None
        self._overview = message.overview
        # After a change the transcript and the Here panel are repainted first; the side
        # lists follow a moment later (once, however many changes came in between).
        if self._side_timer is not None:
            self._side_timer.stop()
        if first:
            self._fill_side_tabs()
        else:
            self._side_timer = self.set_timer(0.3, self._fill_side_tabs)

    def on_place_kinds_loaded(self, message: PlaceKindsLoaded) -> None:
        self.kinds = message.kinds

    @on(TextArea.SelectionChanged, "#transcript")
    def _moved(self) -> None:
        self.query_one(HerePanel).border_subtitle = ""
        self._show_position()

    def show_span(self, start: int, end: int) -> None:
        """Select ``start``..``end`` and scroll to it (once the document is shown)."""
        if self.document is None:
            self.initial_span = (start, end)
        else:
            self.transcript.select_span(start, end)
            self.transcript.focus()

    # --- the rest ----------------------------------------------------------------------------

    def action_toggle_sidebar(self) -> None:
        """Show or hide the side panel."""
        self.query_one("#sidebar").toggle_class("-hidden")

    def action_back(self) -> None:
        """Clear the selection; with nothing selected, back to the documents."""
        transcript = self.transcript
        if transcript.selected_span is not None:
            transcript.selection = Selection.cursor(transcript.selection.end)
            return
        self.dismiss(None)
