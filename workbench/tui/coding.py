"""The coding screen: one transcript to read and code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, TabbedContent, TabPane, TextArea
from textual.worker import Worker, get_current_worker

from workbench.tui import data
from workbench.tui.dialogs import CodePicker
from workbench.tui.messages import (
    DocumentLoaded,
    OverviewLoaded,
    ProjectChanged,
    SegmentsLoaded,
    SpanCoded,
)
from workbench.tui.panels import CodeTree, HerePanel, PlacesTable
from workbench.tui.transcript import LineIndex, TranscriptArea

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

from workbench.tui.screens import SEGMENT_KEYS, WorkbenchScreen


class CodingScreen(WorkbenchScreen):
    """One transcript to read and code, with the codes and places of what is under the cursor."""

    AUTO_FOCUS = "#transcript"

    BINDINGS = [
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
            "c",
            "code",
            "Code",
            id="coding.code",
            tooltip="Code the selected text with an existing code",
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
            "escape", "back", "Back", id="coding.back", tooltip="Back to the list of documents"
        ),
    ]

    def __init__(self, document_name: str) -> None:
        super().__init__()
        self.document_name = document_name
        """The name of the document shown."""
        self.document: data.DocumentText | None = None
        """The document once read."""
        self.segments: tuple[data.SegmentInfo, ...] = ()
        """Its segments, in text order."""
        self.codes: tuple[data.CodeRow, ...] = ()
        """The code tree, for the code picker."""
        self.index = LineIndex("")
        """Lines of the document text, to turn offsets into line numbers."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="coding-body"):
            yield TranscriptArea(id="transcript")
            with Vertical(id="sidebar"):
                yield HerePanel(id="here")
                with TabbedContent(id="side-tabs"):
                    with TabPane("Codes", id="side-codes"):
                        yield CodeTree(id="side-codes-tree")
                    with TabPane("Places", id="side-places"):
                        yield PlacesTable(id="side-places-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        transcript = self.query_one(TranscriptArea)
        transcript.border_title = self.document_name
        transcript.loading = True
        self.query_one(HerePanel).border_title = "Here"
        self.load_document()
        self.load_overview()

    # --- reading -------------------------------------------------------------------------

    def worker_failed(self, worker: Worker[None]) -> None:
        """A document that cannot be read cannot be shown: back to the list."""
        if worker.group == "document":
            self.dismiss(None)

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def load_document(self) -> None:
        """Read the document (a thread worker; posts ``DocumentLoaded``)."""
        project = self.project
        if project is not None:
            document = data.document_text(project, self.document_name)
            if not get_current_worker().is_cancelled:
                self.post_message(DocumentLoaded(document))

    @work(thread=True, exclusive=True, group="segments", exit_on_error=False)
    def load_segments(self, document_id: int) -> None:
        """Read the segments again (a thread worker; posts ``SegmentsLoaded``)."""
        project = self.project
        if project is not None:
            segments = data.document_segments(project, document_id)
            if not get_current_worker().is_cancelled:
                self.post_message(SegmentsLoaded(document_id, segments))

    def on_project_changed(self, _message: ProjectChanged) -> None:
        if self.document is None:
            self.load_document()
        else:
            self.load_segments(self.document.id)
        self.load_overview()

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        document = message.document
        self.document = document
        self.segments = document.segments
        self.index = LineIndex(document.text)
        transcript = self.query_one(TranscriptArea)
        transcript.show_document(document.text, document.turns, document.segments)
        transcript.loading = False
        transcript.focus()
        self._show_position()

    def on_segments_loaded(self, message: SegmentsLoaded) -> None:
        if self.document is None or message.document_id != self.document.id:
            return
        self.segments = message.segments
        self.query_one(TranscriptArea).show_segments(message.segments)
        self._show_position()

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        self.codes = message.overview.codes
        self.query_one(CodeTree).show_codes(message.overview.codes)
        self.query_one(PlacesTable).show_places(message.overview.places)

    @on(TextArea.SelectionChanged, "#transcript")
    def _moved(self) -> None:
        self._show_position()

    def _show_position(self) -> None:
        transcript = self.query_one(TranscriptArea)
        if self.document is None:
            return
        offset = transcript.cursor_offset
        span = transcript.selected_span
        self.query_one(HerePanel).show_here(
            self.segments, self.index, offset=offset, selection=span
        )
        row, column = self.index.location(offset)
        transcript.border_subtitle = f"line {row + 1}:{column + 1} · {len(self.segments)} segments"

    # --- actions -------------------------------------------------------------------------

    def _go_to(self, offset: int) -> None:
        transcript = self.query_one(TranscriptArea)
        transcript.move_cursor(transcript.location_of(offset), center=True)
        transcript.focus()

    def action_next_segment(self) -> None:
        """Move the cursor to the start of the next segment."""
        here = self.query_one(TranscriptArea).cursor_offset
        starts = sorted({s.start for s in self.segments if s.start > here})
        if starts:
            self._go_to(starts[0])
        else:
            self.notify("No segment after the cursor.", severity="warning", timeout=2)

    def action_previous_segment(self) -> None:
        """Move the cursor to the start of the previous segment."""
        here = self.query_one(TranscriptArea).cursor_offset
        starts = sorted({s.start for s in self.segments if s.start < here})
        if starts:
            self._go_to(starts[-1])
        else:
            self.notify("No segment before the cursor.", severity="warning", timeout=2)

    def action_code(self) -> None:
        """Code the selection with an existing code chosen in the picker."""
        if self.document is None:
            return
        transcript = self.query_one(TranscriptArea)
        span = transcript.selected_span
        if span is None:
            self.notify(
                "Select the text to code first (shift+arrows or drag with the mouse).",
                severity="warning",
            )
            return
        if not self.codes:
            self.notify("The project has no codes yet.", severity="warning")
            return
        start, end = span
        document_name = self.document.name
        excerpt = self.document.text[start:end]

        def picked(code: str | None) -> None:
            if code is None:
                return
            transcript.move_cursor(transcript.location_of(end))
            app: WorkbenchApp = self.app  # type: ignore[assignment]
            app.submit_write(
                lambda project: SpanCoded(
                    data.code_span(project, document_name, start, end, [code])
                )
            )

        self.app.push_screen(CodePicker(self.codes, excerpt=excerpt), picked)

    def action_toggle_sidebar(self) -> None:
        """Show or hide the side panel."""
        self.query_one("#sidebar").toggle_class("-hidden")

    def action_back(self) -> None:
        """Back to the documents."""
        self.dismiss(None)
