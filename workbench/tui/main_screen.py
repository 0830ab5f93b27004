"""The project overview: documents, code tree, places (and more tabs), one tab each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, TabbedContent, TabPane

from workbench.tui.messages import (
    OverviewLoaded,
    ProjectChanged,
)
from workbench.tui.panels import CodeTree, DocumentsTable, PlacesTable

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

from workbench.tui.screens import WorkbenchScreen


class MainScreen(WorkbenchScreen):
    """The project: its documents, its code tree and its places, one tab each."""

    AUTO_FOCUS = "#documents-table"

    BINDINGS = [
        Binding("1", "tab('documents')", "Documents", id="main.documents"),
        Binding("2", "tab('codes')", "Codes", id="main.codes"),
        Binding("3", "tab('places')", "Places", id="main.places"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="main-tabs"):
            with TabPane("Documents", id="documents"):
                yield DocumentsTable(id="documents-table")
            with TabPane("Codes", id="codes"):
                yield CodeTree(id="codes-tree")
            with TabPane("Places", id="places"):
                yield PlacesTable(id="places-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DocumentsTable).loading = True
        self.load_overview()

    def on_project_changed(self, _message: ProjectChanged) -> None:
        self.load_overview()

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        overview = message.overview
        table = self.query_one(DocumentsTable)
        table.loading = False
        table.show_documents(overview.documents)
        self.query_one(CodeTree).show_codes(overview.codes)
        self.query_one(PlacesTable).show_places(overview.places)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("documents").label = f"Documents ({len(overview.documents)})"
        tabs.get_tab("codes").label = f"Codes ({len(overview.codes)})"
        tabs.get_tab("places").label = f"Places ({len(overview.places)})"

    @on(DataTable.RowSelected, "#documents-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            app: WorkbenchApp = self.app  # type: ignore[assignment]
            app.open_document(str(event.row_key.value))

    def action_tab(self, tab: str) -> None:
        """Show one of the tabs and put the focus in it."""
        self.query_one(TabbedContent).active = tab
        focus = {"documents": DocumentsTable, "codes": CodeTree, "places": PlacesTable}[tab]
        # Focus now, not later: a key typed right after (Enter) must reach the new tab.
        self.set_focus(self.query_one(focus))
