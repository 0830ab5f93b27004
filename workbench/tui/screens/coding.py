"""The coding screen: one transcript to read and code.

Every action works on a *target*: the selection when there is one (the segment over exactly
that span, created by the core when there is none), else the segment under the cursor (the
user picks one when several overlap there). Every write is one transaction through the app's
write queue; the screen then reads the segments again and repaints them without moving the
cursor, the selection or the scroll position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static, TabbedContent, TabPane, TextArea
from textual.worker import Worker, get_current_worker

from workbench.errors import InvalidValue
from workbench.services import coding as coding_service
from workbench.services import reading
from workbench.services.reading import SuggestionInfo
from workbench.tui.dialogs.common import (
    Choice,
    CodePicker,
    ConfirmDialog,
    FuzzyPicker,
    KindPicker,
    MemoDialog,
    Picked,
    PlacePicker,
    excerpt_of,
)
from workbench.tui.messages import (
    ChangeWritten,
    DocumentLoaded,
    OverviewLoaded,
    PlaceKindsLoaded,
    ProjectChanged,
    SearchDone,
    SegmentsLoaded,
    SpanCoded,
    SuggestionsLoaded,
    WriteDone,
)
from workbench.tui.screens.base import SEGMENT_KEYS, WorkbenchScreen
from workbench.tui.widgets.panels import CodeTree, HerePanel, PlacesTable
from workbench.tui.widgets.transcript import LineIndex, TranscriptArea

if TYPE_CHECKING:
    from workbench.services.project import Project
    from workbench.tui.app import WorkbenchApp

SELECT_KEYS = Binding.Group("Select")

NEW_MEMO = "\x00new memo"
"""The memo picker's choice for writing another memo (no memo id looks like it)."""

PENDING_COLOR = "#808080"
"""The colour of a code being created, painted before the write gives its own."""
FIND_KEYS = Binding.Group("Find")

_REJECTED: WeakKeyDictionary[App[None], dict[str, set[str]]] = WeakKeyDictionary()
"""Suggestions rejected in this run of the app, per document (kept in memory only)."""


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


class SearchBar(Horizontal):
    """The search line under the transcript: Enter or ↓ next match, ↑ previous, Esc closes."""

    BINDINGS = [
        Binding(
            "down,shift+enter",
            "screen.next_match(1)",
            "Next match",
            show=False,
            id="search.next",
            tooltip="Go to the next match",
        ),
        Binding(
            "up",
            "screen.next_match(-1)",
            "Previous match",
            show=False,
            id="search.previous",
            tooltip="Go to the previous match",
        ),
        Binding(
            "escape",
            "screen.close_search",
            "Close",
            id="search.close",
            tooltip="Back to the transcript (the matches stay marked; F3 goes on)",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-slash")
        yield Input(placeholder="search this document; Enter: next match", id="search-input")
        yield Label("", id="search-count")


class SuggestionPanel(Static, can_focus=True):
    """The current suggestion for the document: accept it, reject it, or move on."""

    BINDINGS = [
        Binding(
            "a,enter",
            "screen.accept_suggestion",
            "Accept",
            id="suggest.accept",
            tooltip="Accept the suggestion: code or link the selected span",
        ),
        Binding(
            "r,delete",
            "screen.reject_suggestion",
            "Reject",
            id="suggest.reject",
            tooltip="Reject the suggestion (not shown again while the workbench runs)",
        ),
        Binding(
            "right",
            "screen.step_suggestion(1)",
            "Next",
            id="suggest.next",
            tooltip="Skip to the next suggestion",
        ),
        Binding(
            "left",
            "screen.step_suggestion(-1)",
            "Previous",
            id="suggest.previous",
            tooltip="Back to the previous suggestion",
        ),
        Binding(
            "escape",
            "screen.close_suggestions",
            "Close",
            id="suggest.close",
            tooltip="Close the suggestions",
        ),
    ]


class SteadyFooter(Footer):
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
        if getattr(screen, "picker", None) is not None:
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
            with TabPane("Codes", id="side-codes"):
                yield CodeTree(id="side-codes-tree")
            with TabPane("Places", id="side-places"):
                yield PlacesTable(id="side-places-table")


class CodingScreen(WorkbenchScreen):
    """One transcript to read and code, with the codes and places of what is under the cursor."""

    AUTO_FOCUS = "#transcript"

    BINDINGS = [
        # Help first, so that the footer shows it even on a narrow terminal.
        Binding(
            "question_mark",
            "app.help",
            "Help",
            key_display="?",
            id="coding.help",
            tooltip="The keys of the coding screen",
        ),
        Binding(
            "c",
            "code",
            "Code",
            id="coding.code",
            tooltip="Code the selected text (or the segment under the cursor); "
            "typing a new name creates the code",
        ),
        Binding(
            "p",
            "place",
            "Place",
            id="coding.place",
            tooltip="Link the selected text (or the segment under the cursor) to a place; "
            "a new name creates the place",
        ),
        Binding(
            "m",
            "memo",
            "Memo",
            id="coding.memo",
            tooltip="Write or edit the memo of the selected text or the segment under the cursor",
        ),
        Binding(
            "x",
            "remove",
            "Uncode",
            id="coding.remove",
            tooltip="Remove a code or a place link from the segment under the cursor",
        ),
        Binding(
            "n",
            "next_segment",
            "Next",
            id="coding.next_segment",
            group=SEGMENT_KEYS,
            tooltip="Move the cursor to the start of the next segment",
        ),
        Binding(
            "N,shift+n",
            "previous_segment",
            "Previous",
            key_display="N",
            id="coding.previous_segment",
            group=SEGMENT_KEYS,
            tooltip="Move the cursor to the start of the previous segment",
        ),
        Binding(
            "slash",
            "search",
            "Find",
            key_display="/",
            id="coding.search",
            tooltip="Search this document (Enter: next match)",
        ),
        Binding(
            "f3",
            "next_match(1)",
            "Next match",
            show=False,
            id="coding.next_match",
            tooltip="Go to the next match of the last search",
        ),
        Binding(
            "shift+f3",
            "next_match(-1)",
            "Previous match",
            show=False,
            id="coding.previous_match",
            tooltip="Go to the previous match of the last search",
        ),
        Binding(
            "s",
            "suggest",
            "Suggest",
            id="coding.suggest",
            tooltip="Go through the code and place suggestions for this document",
        ),
        Binding(
            "full_stop",
            "select_unit('sentence')",
            "Sentence",
            key_display=".",
            id="coding.select_sentence",
            group=SELECT_KEYS,
            tooltip="Select the sentence at the cursor; again: add the next sentence",
        ),
        Binding(
            "t",
            "select_unit('turn')",
            "Turn",
            id="coding.select_turn",
            group=SELECT_KEYS,
            tooltip="Select the speaker turn at the cursor; again: add the next turn",
        ),
        Binding(
            "ctrl+b",
            "toggle_sidebar",
            "Sidebar",
            id="coding.sidebar",
            show=False,
            tooltip="Show or hide the side panel",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            show=False,
            id="coding.back",
            tooltip="Back to the list of documents",
        ),
    ]

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
        self._overview: reading.Overview | None = None
        self._side_timer: Timer | None = None
        self._segments_fresh = False
        self._gc_paused = False
        self.picker: FuzzyPicker | None = None
        """The picker open over the transcript, if any."""
        self._pending_id = 0

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
        self.query_one(HerePanel).border_title = "Here"
        self.query_one(SearchBar).display = False
        suggestions = self.query_one(SuggestionPanel)
        suggestions.display = False
        suggestions.border_title = "Suggestions"
        self.workbench.pause_gc()  # until the text is painted (or cannot be read)
        self._gc_paused = True
        self.load_document()  # the code tree, places and kinds once the text is shown

    def _show_loading(self) -> None:
        if self.document is None:
            self.transcript.loading = True

    async def _mount_side_tabs(self) -> None:
        """Add the code tree and the places under the Here panel (after the first paint)."""
        if self.query(SideTabs):
            return
        await self.query_one("#sidebar").mount(SideTabs())
        self._fill_side_tabs()

    def _fill_side_tabs(self) -> None:
        if self._overview is not None and self.query(SideTabs):
            self.query_one(CodeTree).show_codes(self._overview.codes)
            self.query_one(PlacesTable).show_places(self._overview.places)

    @property
    def workbench(self) -> WorkbenchApp:
        """The app (typed)."""
        return self.app  # type: ignore[return-value]

    @property
    def transcript(self) -> TranscriptArea:
        """The transcript widget."""
        return self.query_one(TranscriptArea)

    # --- reading -------------------------------------------------------------------------

    def worker_failed(self, worker: Worker[None]) -> None:
        """A document that cannot be read cannot be shown: back to the list."""
        if worker.group == "document":
            self._resume_gc()
            self.dismiss(None)
        elif worker.group == "suggest":
            self.action_close_suggestions()

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def load_document(self) -> None:
        """Read the document (a thread worker; posts ``DocumentLoaded``)."""
        project = self.project
        if project is not None:
            document = reading.document_text(project, self.document_name)
            if not get_current_worker().is_cancelled:
                self.post_message(DocumentLoaded(document))

    @work(thread=True, exclusive=True, group="segments", exit_on_error=False)
    def load_segments(self, document_id: int) -> None:
        """Read the segments again (a thread worker; posts ``SegmentsLoaded``)."""
        project = self.project
        if project is not None:
            segments = reading.document_segments(project, document_id)
            if not get_current_worker().is_cancelled:
                self.post_message(SegmentsLoaded(document_id, segments))

    @work(thread=True, exclusive=True, group="kinds", exit_on_error=False)
    def load_kinds(self) -> None:
        """Read the codebook's place kinds (a thread worker; posts ``PlaceKindsLoaded``)."""
        project = self.project
        if project is not None:
            self.post_message(PlaceKindsLoaded(reading.place_kinds(project)))

    def after_write(self, project: Project, message: Message) -> None:
        """Read the segments again right after a write made from this screen, in the write's
        own worker (see ``WorkbenchApp.submit_write``), so the change is painted at once: only
        the segment written when the write names it, else all of them."""
        document = self.document
        if document is None:
            return
        segment_id: int | None = None
        if isinstance(message, SpanCoded):
            segment_id = message.view.segment
        elif isinstance(message, ChangeWritten):
            segment_id = message.done.segment
        segment = None
        if segment_id is not None:
            segment = reading.segment_in(project, document.id, segment_id)
        if segment is not None:
            # The segment painted while it was written (if any) gives way to the one read.
            kept = [s for s in self.segments if s.id > 0 or (s.start, s.end) != segment.span]
            segments = reading.with_segment(kept, segment)
        else:
            segments = reading.document_segments(project, document.id)
        self._segments_fresh = True
        self.post_message(SegmentsLoaded(document.id, segments))

    def report_change(self, summary: str) -> None:
        """Show what the last write did, in the Here panel's lower border."""
        here = self.query_one(HerePanel)
        here.border_subtitle = "✓ " + summary

    def on_project_changed(self, _message: ProjectChanged) -> None:
        if self.document is None:
            self.load_document()
        elif self._segments_fresh:
            self._segments_fresh = False  # read with the write itself
        else:
            self.load_segments(self.document.id)
        self.load_overview()
        self.load_kinds()

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        document = message.document
        self.document = document
        self.segments = document.segments
        self.index = LineIndex(document.text)
        transcript = self.transcript
        transcript.show_document(document.text, document.turns, document.segments)
        transcript.loading = False
        transcript.focus()
        if self.initial_span is not None:
            transcript.select_span(*self.initial_span)
            self.initial_span = None
        self._show_position()
        self.call_after_refresh(self._after_first_paint)

    async def _after_first_paint(self) -> None:
        self.load_overview()
        self.load_kinds()
        await self._mount_side_tabs()
        self._resume_gc()

    def _resume_gc(self, *, freeze: bool = True) -> None:
        if self._gc_paused:
            self._gc_paused = False
            self.workbench.resume_gc(freeze=freeze)

    def on_unmount(self) -> None:
        self._resume_gc(freeze=False)  # closed before its text was shown

    def on_segments_loaded(self, message: SegmentsLoaded) -> None:
        if self.document is None or message.document_id != self.document.id:
            return
        self.segments = message.segments
        self.transcript.show_segments(message.segments)
        self._show_position()

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        self.codes = message.overview.codes
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
        here.border_title = f"Here · {len(self.segments)} segments"

    def show_span(self, start: int, end: int) -> None:
        """Select ``start``..``end`` and scroll to it (once the document is shown)."""
        if self.document is None:
            self.initial_span = (start, end)
        else:
            self.transcript.select_span(start, end)
            self.transcript.focus()

    # --- targets ---------------------------------------------------------------------------

    def _write(self, job: Callable[..., object], *, after_paint: bool = False) -> None:
        self.workbench.submit_write(job, after_paint=after_paint)  # type: ignore[arg-type]

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

        title = Content.styled(f"Which segment to {verb}?", "bold")
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
            self.notify(
                f"Select the text to {verb} first (shift+arrows, a mouse drag, "
                "“.” a sentence, “t” a turn) or put the cursor on a segment.",
                severity="warning",
            )
        elif len(here) == 1:
            then(Target(here[0].start, here[0].end, here[0]))
        else:
            self._choose_segment(here, verb, then)

    def _lines(self, start: int, end: int) -> str:
        first, _ = self.index.location(start)
        last, _ = self.index.location(max(start, end - 1))
        return f"line {first + 1}" if first == last else f"lines {first + 1}–{last + 1}"

    def _excerpt(self, target: Target) -> str:
        assert self.document is not None
        return self.document.text[target.start : target.end]

    # --- coding actions ----------------------------------------------------------------------

    def action_code(self) -> None:
        """Code the selection (or the segment under the cursor) with a code from the picker;
        a new name creates the code in the same change."""
        if self.document is None:
            return
        document = self.document.name

        def chosen(target: Target) -> None:
            def picked(result: Picked | None) -> None:
                if result is None:
                    return
                self._paint_pending(target.start, target.end, result.key)
                self._write(
                    lambda project: SpanCoded(
                        coding_service.code_span(
                            project,
                            document,
                            target.start,
                            target.end,
                            [result.key],
                            create=result.new,
                        )
                    ),
                    after_paint=True,
                )

            self.open_picker(CodePicker(self.codes, excerpt=self._excerpt(target)), picked)

        self._target("code", chosen)

    def action_place(self) -> None:
        """Link the selection (or the segment under the cursor) to a place from the picker; a
        new name creates the place (its kind asked for) in the same change."""
        if self.document is None:
            return
        document = self.document.name

        def chosen(target: Target) -> None:
            segment_id = target.segment.id if target.segment is not None else None

            def link(place: str, kind: str | None) -> None:
                self._write(
                    lambda project: ChangeWritten(
                        _linked(
                            project,
                            place,
                            segment=segment_id,
                            document=document,
                            span=(target.start, target.end),
                            new_kind=kind,
                        )
                    )
                )

            def picked(result: Picked | None) -> None:
                if result is None:
                    return
                if not result.new:
                    link(result.key, None)
                elif not self.kinds:  # no codebook: the core learns the kind
                    link(result.key, "other")
                else:
                    names = [kind.name for kind in self.kinds]
                    default = "other" if "other" in names else names[0]

                    def kind_picked(kind: Picked | None) -> None:
                        if kind is not None:
                            link(result.key, kind.key)

                    self.open_picker(
                        KindPicker(result.key, self.kinds, default=default), kind_picked
                    )

            self.open_picker(PlacePicker(self.places, excerpt=self._excerpt(target)), picked)

        self._target("link to a place", chosen)

    def action_memo(self) -> None:
        """Write a memo on the selection or the segment under the cursor; when the segment has
        memos already, pick the one to edit or a new one."""
        if self.document is None:
            return
        document = self.document.name

        def write(target: Target, memo: reading.MemoInfo | None) -> None:
            segment = target.segment
            where = f"#{segment.id}, " if segment is not None else "new segment, "
            title = Content.assemble(
                ("Memo ", "bold"),
                (f"“{excerpt_of(self._excerpt(target), 36)}”", "italic"),
                (f"  ({where}{self._lines(target.start, target.end)})", "dim"),
            )

            def saved(text: str | None) -> None:
                if text is None:
                    return
                self._write(
                    lambda project: ChangeWritten(
                        _memo_saved(
                            project,
                            text,
                            memo=memo.id if memo is not None else None,
                            segment=segment.id if segment is not None else None,
                            document=document,
                            span=(target.start, target.end),
                        )
                    )
                )

            existing = memo is not None
            dialog = MemoDialog(title, memo.text if memo else "", existing=existing)
            self.app.push_screen(dialog, saved)

        def chosen(target: Target) -> None:
            segment = target.segment
            if segment is None or not segment.memos:
                write(target, None)
                return
            memos = {str(memo.id): memo for memo in segment.memos}
            choices = [
                Choice(
                    key=key,
                    name=excerpt_of(memo.text, 44),
                    detail=memo.coder,
                    help=excerpt_of(memo.text, 200),
                )
                for key, memo in memos.items()
            ]
            choices.append(Choice(key=NEW_MEMO, name="+ a new memo", help="Write another memo"))
            title = Content.assemble(
                ("Memos on ", "bold"), (f"#{segment.id}", "bold"), " — edit one, or write a new one"
            )
            picker = FuzzyPicker(choices, title=title, noun="memo", verb="edit")

            def picked(result: Picked | None) -> None:
                if result is not None:
                    write(target, memos.get(result.key))

            self.open_picker(picker, picked)

        self._target("write a memo on", chosen)

    def action_remove(self) -> None:
        """Remove a code or a place link from the segment under the cursor (or the segments
        touching the selection): picked from a list, or confirmed when there is one."""
        if self.document is None:
            return
        items: dict[str, tuple[reading.SegmentInfo, str, str]] = {}
        for segment in self._segments_here():
            for name in segment.codes:
                items[f"{segment.id}\tcode\t{name}"] = (segment, "code", name)
            for name in segment.places:
                items[f"{segment.id}\tplace\t{name}"] = (segment, "place", name)
        if not items:
            self.notify("No code or place here to remove.", severity="warning", timeout=3)
            return

        def remove(key: str) -> None:
            segment, kind, name = items[key]
            code = name if kind == "code" else None
            place = name if kind == "place" else None
            self._write(
                lambda project: ChangeWritten(_removed(project, segment.id, code=code, place=place))
            )

        if len(items) == 1:
            key = next(iter(items))
            segment, kind, name = items[key]
            what = f"code “{name}”" if kind == "code" else f"the link to “{name}”"
            question = Content.assemble(
                f"Remove {what} from segment #{segment.id} ",
                (f"({self._lines(segment.start, segment.end)})", "dim"),
                "?",
            )
            self.app.push_screen(ConfirmDialog(question), lambda yes: remove(key) if yes else None)
            return
        colors = {
            name: color
            for segment in self.segments
            for name, color in zip(segment.codes, segment.colors, strict=True)
        }
        choices = [
            Choice(
                key=key,
                name=name if kind == "code" else f"⌖ {name}",
                detail=f"#{segment.id} {self._lines(segment.start, segment.end)}",
                color=colors.get(name) if kind == "code" else None,
            )
            for key, (segment, kind, name) in items.items()
        ]
        title = Content.styled("Remove which code or place?", "bold")
        picker = FuzzyPicker(choices, title=title, noun="code", verb="remove")
        self.open_picker(picker, lambda result: remove(result.key) if result else None)

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
            self.notify("No segment after the cursor.", severity="warning", timeout=2)

    def action_previous_segment(self) -> None:
        """Move the cursor to the start of the previous segment."""
        here = self.transcript.cursor_offset
        starts = sorted({s.start for s in self.segments if s.start < here})
        if starts:
            self._go_to(starts[-1])
        else:
            self.notify("No segment before the cursor.", severity="warning", timeout=2)

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
            self.notify(f"This document has no {kind}s.", severity="warning", timeout=3)
            return
        transcript = self.transcript
        span = transcript.selected_span
        if span is not None and any(end == span[1] for _, end in units):
            following = [unit for unit in units if unit[0] >= span[1]]
            if following:
                transcript.select_span(span[0], following[0][1])
            else:
                self.notify(f"No {kind} after the selection.", severity="warning", timeout=2)
            return
        offset = span[0] if span is not None else transcript.cursor_offset
        unit = next((u for u in units if u[0] <= offset < u[1]), None)
        unit = unit or next((u for u in units if u[0] >= offset), None)
        if unit is None:
            self.notify(f"No {kind} after the cursor.", severity="warning", timeout=2)
            return
        transcript.select_span(*unit)

    # --- search ------------------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search line under the transcript."""
        bar = self.query_one(SearchBar)
        bar.display = True
        field = self.query_one("#search-input", Input)
        field.focus()
        field.select_all()

    def action_close_search(self) -> None:
        """Close the search line; the matches stay marked and F3 goes on through them."""
        self.query_one(SearchBar).display = False
        self.transcript.focus()

    @on(Input.Submitted, "#search-input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        if not text:
            self.search_text = ""
            self._show_matches(())
            return
        if text == self.search_text:
            self.action_next_match(1)
        else:
            self.search_text = text
            self.query_one("#search-count", Label).update("…")
            self.run_search(text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, text: str) -> None:
        """Find ``text`` in the document through the core (a thread worker)."""
        project = self.project
        if project is not None:
            matches = reading.search_document(project, self.document_name, text)
            if not get_current_worker().is_cancelled:
                self.post_message(SearchDone(text, matches))

    def on_search_done(self, message: SearchDone) -> None:
        if message.text != self.search_text:
            return
        self._show_matches(message.matches)
        if not message.matches:
            self.notify(f"“{message.text}” is not in this document.", severity="warning")
            return
        here = self.transcript.cursor_offset
        following = [m for m in message.matches if m[0] >= here]
        self._jump((following or list(message.matches))[0], wrapped=not following)

    def _show_matches(self, matches: tuple[tuple[int, int], ...]) -> None:
        self.matches = matches
        self.transcript.show_matches(matches)
        self._count_matches()

    def _count_matches(self, current: tuple[int, int] | None = None) -> None:
        label = self.query_one("#search-count", Label)
        if not self.search_text:
            label.update("")
        elif current is None or current not in self.matches:
            label.update(f"{len(self.matches)} found")
        else:
            label.update(f"{self.matches.index(current) + 1}/{len(self.matches)}")

    def _jump(self, match: tuple[int, int], *, wrapped: bool = False) -> None:
        self.transcript.select_span(*match)
        self._count_matches(match)
        if wrapped:
            self.notify("Search went round to the other end.", timeout=2)

    def action_next_match(self, step: int) -> None:
        """Go to the next (``step`` 1) or previous (-1) match of the last search."""
        if not self.matches:
            if self.search_text:
                self.notify(f"“{self.search_text}” is not in this document.", severity="warning")
            else:
                self.action_search()
            return
        transcript = self.transcript
        span = transcript.selected_span
        here = span[0] if span is not None else transcript.cursor_offset
        if step > 0:
            after = [m for m in self.matches if m[0] > here]
            self._jump(after[0] if after else self.matches[0], wrapped=not after)
        else:
            before = [m for m in self.matches if m[0] < here]
            self._jump(before[-1] if before else self.matches[-1], wrapped=not before)

    # --- suggestions -------------------------------------------------------------------------

    def _rejected(self) -> set[str]:
        return _REJECTED.setdefault(self.app, {}).setdefault(self.document_name, set())

    def action_suggest(self) -> None:
        """Open the suggestions for this document (found in a worker)."""
        if self.document is None:
            return
        panel = self.query_one(SuggestionPanel)
        panel.display = True
        panel.update(Content.styled("Looking for suggestions…", "dim italic"))
        panel.focus()
        self.suggestions = []
        self.load_suggestions()

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def load_suggestions(self) -> None:
        """Find the suggestions for the document through the core (a thread worker)."""
        project = self.project
        if project is not None:
            found = reading.suggestions(project, self.document_name)
            if not get_current_worker().is_cancelled:
                self.post_message(SuggestionsLoaded(self.document_name, found))

    def on_suggestions_loaded(self, message: SuggestionsLoaded) -> None:
        rejected = self._rejected()
        self.suggestions = [s for s in message.suggestions if s.id not in rejected]
        self.suggestion_index = 0
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        panel = self.query_one(SuggestionPanel)
        if not panel.display:
            return
        if not self.suggestions:
            panel.update(
                Content.from_markup("[i]No suggestions left for this document.[/]  [b]Esc[/] close")
            )
            return
        self.suggestion_index %= len(self.suggestions)
        item = self.suggestions[self.suggestion_index]
        verb = "code" if item.kind == "code" else "link to place"
        panel.update(
            Content.assemble(
                (f"{self.suggestion_index + 1}/{len(self.suggestions)}  ", "dim"),
                (f"{verb} ", ""),
                (item.target, "bold"),
                (f"  line {item.line}  ", "dim"),
                (f"“{excerpt_of(item.text, 50)}”", "italic"),
                "\n",
                (item.reason, "dim"),
                "\n",
                Content.from_markup(
                    "[b]a[/] accept  [b]r[/] reject  [b]←→[/] skip  [b]Esc[/] close"
                ),
            )
        )
        self.transcript.select_span(item.start, item.end)

    def action_accept_suggestion(self) -> None:
        """Accept the suggestion shown (one change), then show the next."""
        if not self.suggestions:
            return
        item = self.suggestions.pop(self.suggestion_index)
        self._write(lambda project: ChangeWritten(_accepted(project, item)))
        self._show_suggestion()

    def action_reject_suggestion(self) -> None:
        """Reject the suggestion shown (remembered while the workbench runs), show the next."""
        if not self.suggestions:
            return
        item = self.suggestions.pop(self.suggestion_index)
        self._rejected().add(item.id)
        self._show_suggestion()

    def action_step_suggestion(self, step: int) -> None:
        """Show the next or the previous suggestion without deciding."""
        if self.suggestions:
            self.suggestion_index = (self.suggestion_index + step) % len(self.suggestions)
            self._show_suggestion()

    def action_close_suggestions(self) -> None:
        """Close the suggestions."""
        self.query_one(SuggestionPanel).display = False
        self.transcript.focus()

    # --- the rest ----------------------------------------------------------------------------

    def action_toggle_sidebar(self) -> None:
        """Show or hide the side panel."""
        self.query_one("#sidebar").toggle_class("-hidden")

    def action_back(self) -> None:
        """Back to the documents."""
        self.dismiss(None)


# --- writes through the services (called in the app's write worker) --------------------------


def _linked(
    project: Project,
    place: str,
    *,
    segment: int | None,
    document: str,
    span: tuple[int, int],
    new_kind: str | None,
) -> WriteDone:
    view = coding_service.link_place(
        project, place, segment=segment, document=document, span=span, new_kind=new_kind
    )
    prefix = f"add place {place} ({new_kind}); " if new_kind is not None else ""
    return WriteDone(f"{prefix}link segment {view.segment} to {place}", view.segment)


def _memo_saved(
    project: Project,
    text: str,
    *,
    memo: int | None,
    segment: int | None,
    document: str,
    span: tuple[int, int],
) -> WriteDone:
    written = coding_service.save_segment_memo(
        project, text, memo=memo, segment=segment, document=document, span=span
    )
    return WriteDone(written.summary, written.segment)


def _removed(project: Project, segment: int, *, code: str | None, place: str | None) -> WriteDone:
    if code is not None:
        view = coding_service.uncode(project, segment, [code])
        summary = f"uncode segment {segment}: {code}"
    elif place is not None:
        view = coding_service.unlink(project, segment, place)
        summary = f"unlink segment {segment} from {place}"
    else:
        raise InvalidValue("name the code or the place to remove")
    left = bool(view.codes or view.places) or reading.segment_exists(project, segment)
    return WriteDone(summary, segment if left else None)


def _accepted(project: Project, item: SuggestionInfo) -> WriteDone:
    views = coding_service.accept_suggestions(project, [item.id])
    verb = "coded" if item.kind == "code" else "linked to"
    summary = f"accepted: line {item.line} {verb} {item.target}"
    return WriteDone(summary, views[0].segment if views else None)
